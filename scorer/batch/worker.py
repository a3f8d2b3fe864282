"""What runs in a batch worker: read one source, parse it, score it, and hand back a
picklable :class:`Outcome`.

Scorers (and the models behind them) are built once per worker process and kept in a
module-level cache, which is how joblib's loky workers, dask workers and ray actors all
reuse them across tasks: each is a long-lived process that imports this module once.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scorer import __version__
from scorer.batch.discover import InputError, Source
from scorer.batch.messages import chinese_reason
from scorer.batch.texts import document_texts
from scorer.parsers import ParseError, parse_bytes
from scorer.pipeline import Scorer, ScorerPool
from scorer.resources import EMBEDDER

Status = Literal["ok", "failed", "unchanged"]


@dataclass(frozen=True)
class ScoreOptions:
    """What decides which scorer a worker builds; hashable, so it keys the cache."""

    config: str | None = None
    use_models: bool = True


@dataclass(frozen=True)
class Task:
    source: Source
    options: ScoreOptions
    #: (sha256, fingerprint) of the stored result for this source, if there is one.
    stored: tuple[str, str] | None = None


@dataclass
class Outcome:
    source_id: str
    name: str
    status: Status
    sha256: str = ""
    fingerprint: str = ""
    error: str | None = None
    #: why it failed in the reviewer's Chinese (``error`` is the technical detail).
    message: str | None = None
    #: the ScoredDocument as JSON, serialised here so the parent only writes it.
    result_json: str | None = None
    #: text cells for the cross-document duplicate search (see scorer.batch.texts).
    texts: dict[str, list] = field(default_factory=dict)
    projects: int = 0
    indicators: int = 0
    seconds: float = 0.0
    #: CPU time of the worker process on this task: the cost of the file without the
    #: waiting that other processes on the machine cause.
    cpu_seconds: float = 0.0


_SCORERS: dict[ScoreOptions, ScorerPool] = {}

#: Vectors the embedding cache keeps in memory in a batch process (its default is sized
#: for a long-running service). One document needs a few thousand; the others come back
#: from the cache's SQLite file, and every worker holds its own copy: ~100 MB each
#: (384 float32 dimensions and the keys) rather than ~400 MB.
BATCH_MEMORY_VECTORS = 50_000


def scorers_for(options: ScoreOptions) -> ScorerPool:
    """This process's scorers for ``options``: models load on the first task only."""
    cached = _SCORERS.get(options)
    if cached is None:
        config = Path(options.config) if options.config else None
        cached = _SCORERS[options] = ScorerPool(config, None, None, use_models=options.use_models)
        embedder = cached.resources.get(EMBEDDER)
        if getattr(embedder, "memory_items", 0) > BATCH_MEMORY_VECTORS:
            embedder.memory_items = BATCH_MEMORY_VECTORS  # type: ignore[union-attr]
    return cached


def loaded_resource(name: str) -> Any:
    """A model this process's scorers already hold (None when none does)."""
    return next((s.resources[name] for s in _SCORERS.values() if name in s.resources), None)


_frozen = False


def _freeze_loaded() -> None:
    """Once, after the first scored document: what it made load (models, dictionaries,
    vocabularies) stays for the worker's life, so it is moved out of the cyclic garbage
    collector's reach. Otherwise every full collection walks those ~500,000 objects,
    about a tenth of the time with models."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def scorer_fingerprint(scorer: Scorer) -> str:
    """Everything besides the input that changes a result: scorer version, settings,
    stages and the versions of the models its checks use. A stored result with the same
    input hash and fingerprint is reused instead of scored again."""
    used = {name for check in scorer.model_checks for name in check.requires}
    payload = [__version__, scorer.settings.fingerprint(), scorer.stage_names,
               sorted(scorer.model_versions(used).items())]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def score_task(task: Task) -> Outcome:
    """Score one source. Never raises for a bad input: the error is in the outcome, so
    one broken file cannot stop the batch."""
    start, cpu_start = time.perf_counter(), time.process_time()
    source = task.source
    outcome = Outcome(source_id=source.id, name=source.name, status="failed")
    try:
        data = source.read()
        outcome.sha256 = hashlib.sha256(data).hexdigest()
        scorer = scorers_for(task.options).for_source(str(source.config_near))
        outcome.fingerprint = scorer_fingerprint(scorer)
        if task.stored == (outcome.sha256, outcome.fingerprint):
            outcome.status = "unchanged"
        else:
            doc = parse_bytes(data, source.name)
            result = scorer.score_document(doc)
            outcome.result_json = result.model_dump_json()
            outcome.texts = document_texts(doc)
            outcome.projects, outcome.indicators = len(doc.projects), len(doc.indicators)
            outcome.status = "ok"
            _freeze_loaded()
    except ParseError as exc:
        # The record names the file already; keep the row/cell part of the location.
        outcome.error = exc.describe().removeprefix(f"{source.name}: ")
        outcome.message = exc.chinese()
    except InputError as exc:
        outcome.error = str(exc)
    except (MemoryError, RecursionError) as exc:
        outcome.error = f"too large or deeply nested to score ({type(exc).__name__})"
    except Exception as exc:  # noqa: BLE001 - a bug on one input must not end the batch
        outcome.error = f"internal error while scoring: {type(exc).__name__}: {exc}"
    if outcome.error and not outcome.message:
        outcome.message = chinese_reason(outcome.error)
    outcome.seconds = round(time.perf_counter() - start, 4)
    outcome.cpu_seconds = round(time.process_time() - cpu_start, 4)
    return outcome
