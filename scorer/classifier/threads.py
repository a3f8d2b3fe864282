"""Thread limits for fitting small linear models."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

T = TypeVar("T")


def single_blas_thread(fit: Callable[..., T]) -> Callable[..., T]:
    """Run a fit with one BLAS thread. Fitting these small models is many tiny matrix
    operations; on a busy 2-core machine BLAS threads spinning against each other made
    training ~8x slower (76 s instead of 9 s for the full corpus)."""

    @functools.wraps(fit)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with threadpool_limits(limits=1, user_api="blas"):
            return fit(*args, **kwargs)

    return wrapper
