"""Running a batch: every source through :func:`~scorer.batch.worker.score_task` in
parallel with joblib, each outcome persisted the moment it arrives.

``--backend loky`` (default) runs ``--jobs`` local processes. ``dask`` and ``ray`` run
the very same tasks through joblib's backend of that name on a cluster: an existing one
(``--scheduler`` address) or, without one, a local cluster of ``--jobs`` workers. The
workers must see the input paths (a shared filesystem on a real cluster).
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from joblib import Parallel, delayed, parallel_config

from scorer.batch import ignore_interrupts
from scorer.batch.discover import Source
from scorer.batch.progress import BatchProgress
from scorer.batch.store import ResultStore
from scorer.batch.worker import Outcome, ScoreOptions, Task, score_task

BACKENDS = ("loky", "dask", "ray")


class BackendError(RuntimeError):
    """The chosen backend cannot be used (not installed, cluster unreachable): exit 2."""


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 1
    backend: str = "loky"
    #: dask scheduler address (tcp://host:8786) or ray address; None starts a local one.
    scheduler: str | None = None
    score: ScoreOptions = field(default_factory=ScoreOptions)


@dataclass
class RunSummary:
    #: every source of the run, in discovery order (reports cover exactly these).
    ids: list[str] = field(default_factory=list)
    ok: int = 0
    failed: int = 0
    unchanged: int = 0
    indicators: int = 0
    seconds: float = 0.0
    #: time the workers spent on the files, summed: wall time x jobs over this is what
    #: the batch machinery (dispatch, transfer, store) adds.
    task_seconds: float = 0.0
    #: CPU time the workers spent on the files, summed.
    task_cpu_seconds: float = 0.0
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.indicators += outcome.indicators
        self.task_seconds += outcome.seconds
        self.task_cpu_seconds += outcome.cpu_seconds


@contextmanager
def _dask(options: RunOptions) -> Iterator[None]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BackendError("--backend dask needs dask.distributed: pip install 'dask[distributed]'") from None
    cluster = None
    try:
        if options.scheduler:
            client = Client(options.scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=options.jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise BackendError(f"cannot reach the dask scheduler: {exc}") from None
    try:
        with parallel_config(backend="dask", n_jobs=options.jobs):
            yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


_HOST_PORT = re.compile(r"^(?:ray://)?\[?([^\]/]+?)\]?:(\d+)$")


def _probe(address: str | None, timeout: float = 5.0) -> None:
    """Fail fast on a cluster address nobody listens at: ray.init keeps retrying one for
    minutes, which looks like a hung batch."""
    match = _HOST_PORT.match(address or "")
    if not match:
        return  # no address (local ray) or "auto": ray finds it or says so itself
    try:
        socket.create_connection((match[1], int(match[2])), timeout=timeout).close()
    except OSError as exc:
        raise BackendError(f"cannot reach the ray cluster at {address}: {exc}") from None


@contextmanager
def _ray(options: RunOptions) -> Iterator[None]:
    try:
        import ray
        from ray.util.joblib import register_ray
    except ImportError:
        raise BackendError("--backend ray needs ray: pip install ray") from None
    started = not ray.is_initialized()
    if started:
        _probe(options.scheduler)
        try:
            ray.init(address=options.scheduler, num_cpus=None if options.scheduler else options.jobs,
                     log_to_driver=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = f"reach the ray cluster at {options.scheduler}" if options.scheduler else "start a local ray"
            raise BackendError(f"cannot {where}: {exc}") from None
    register_ray()
    try:
        with parallel_config(backend="ray", n_jobs=options.jobs):
            yield
    finally:
        if started:
            ray.shutdown()


@contextmanager
def backend(options: RunOptions) -> Iterator[None]:
    if options.backend not in BACKENDS:
        raise BackendError(f"unknown backend '{options.backend}' (expected one of: {', '.join(BACKENDS)})")
    if options.jobs < 1:
        raise BackendError("--jobs must be at least 1")
    if options.backend == "dask":
        with _dask(options):
            yield
    elif options.backend == "ray":
        with _ray(options):
            yield
    else:
        with parallel_config(backend="loky", n_jobs=options.jobs, initializer=ignore_interrupts):
            yield


def execute(tasks: Sequence[Task]) -> Iterator[Outcome]:
    """Outcomes in the order they finish, under the active joblib backend."""
    calls = (delayed(score_task)(t) for t in tasks)
    try:
        parallel = Parallel(return_as="generator_unordered")
    except ValueError:
        # Backends without result generators (ray's): small chunks, so a crash loses
        # at most one chunk of work and progress still moves.
        parallel = None
    if parallel is not None:
        yield from parallel(calls)
        return
    chunk = max(1, 4 * Parallel().n_jobs)
    for start in range(0, len(tasks), chunk):
        yield from Parallel(return_as="list")(delayed(score_task)(t) for t in tasks[start:start + chunk])


def run_batch(sources: Sequence[Source], store: ResultStore, options: RunOptions,
              progress: BatchProgress | None = None) -> RunSummary:
    """Score ``sources`` into ``store``; unchanged ones (same bytes, same scorer) are
    skipped. Ctrl-C stops the batch and returns what finished (``interrupted``)."""
    summary = RunSummary(ids=[s.id for s in sources])
    tasks = [Task(source=s, options=options.score, stored=store.stored(s.id)) for s in sources]
    start = time.perf_counter()
    if progress is not None:
        progress.start(len(tasks))
    try:
        with backend(options):
            for outcome in execute(tasks):
                if outcome.status != "unchanged":
                    store.append(outcome)
                summary.add(outcome)
                if progress is not None:
                    progress.update(outcome)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if progress is not None:
            progress.close()
        summary.seconds = time.perf_counter() - start
    return summary
