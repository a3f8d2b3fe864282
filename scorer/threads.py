"""One thread for the small numeric calls in the scoring hot path.

A document's matrices are a few hundred rows. Waking a second BLAS or OpenMP thread costs
more than it saves there, and when the other core is busy it costs ~15 ms per call (a
43 x 384 product: 6 ms on two threads, 0.03 on one; a 30-row tree-ensemble prediction:
13 ms on two threads, 1.6 on one). Batch workers run with one thread already (joblib
limits them), so in-process scoring then computes the same way they do.
"""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager
from typing import Any

from threadpoolctl import ThreadpoolController


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
