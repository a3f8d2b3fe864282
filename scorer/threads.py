"""One thread for small numeric work: the scoring hot path and fitting small models.

A document's matrices are a few hundred rows. Waking a second BLAS or OpenMP thread costs
more than it saves there, and when the other core is busy it costs ~15 ms per call (a
43 x 384 product: 6 ms on two threads, 0.03 on one; a 30-row tree-ensemble prediction:
13 ms on two threads, 1.6 on one). Batch workers run with one thread already (joblib
limits them), so in-process scoring then computes the same way they do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController

T = TypeVar("T")


@functools.lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    # Built once: finding the loaded libraries reads /proc/self/maps (~3 ms), which
    # threadpool_limits() would do on every call; the limit itself costs ~0.01 ms.
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context with one BLAS thread (matrix products)."""
    return _controller().limit(limits=1, user_api="blas")


def one_openmp_thread() -> AbstractContextManager[Any]:
    """A context with one OpenMP thread (scikit-learn's histogram gradient boosting)."""
    return _controller().limit(limits=1, user_api="openmp")


def single_blas_thread(fit: Callable[..., T]) -> Callable[..., T]:
    """Run a fit with one BLAS thread. Fitting the small linear models is many tiny matrix
    operations; on a busy 2-core machine BLAS threads spinning against each other made
    training ~8x slower (76 s instead of 9 s for the full corpus)."""

    @functools.wraps(fit)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with one_blas_thread():
            return fit(*args, **kwargs)

    return wrapper
