"""``zhibiao eval``: evaluation tasks, each a function from a request to a report.

Tasks are looked up by name in :data:`TASKS`, so another kind of model (the relevance
model of the embeddings work) adds its evaluation with :func:`register_task` and the
command does not change. A report can say itself as JSON (``as_dict``) and as tables
(``renderables``, for rich).

The ``level`` task evaluates a stored version and the TF-IDF + LR baseline stored with
it (trained on the same split) on the rows of the given corpus whose source document
neither saw in training, so figures are never inflated by leakage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rich.table import Table

from scorer.modelstore.store import BASELINE, ModelStore, StoredModel
from training.corpus import Corpus, CorpusRow, load_corpus
from training.dataset import LabeledSet, group_id
from training.metrics import level_metrics


class EvalError(ValueError):
    """An evaluation that cannot be run as asked (nothing held out, unknown task …)."""


@dataclass(frozen=True)
class EvalRequest:
    corpus: list[Path]
    models_dir: Path
    model: str | None = None
    skip_bad: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    #: label-correction overlays applied to the corpus (docs/corpus.md).
    corrections: tuple[Path, ...] = ()


class EvalReport(Protocol):
    def as_dict(self) -> dict[str, Any]: ...

    def renderables(self) -> list[Any]: ...


EvalTask = Callable[[EvalRequest], EvalReport]
TASKS: dict[str, EvalTask] = {}


def register_task(name: str, task: EvalTask) -> None:
    TASKS[name] = task


def run_task(name: str, request: EvalRequest) -> EvalReport:
    if name not in TASKS:
        raise EvalError(f"unknown task '{name}' (expected one of: {', '.join(sorted(TASKS))})")
    return TASKS[name](request)


# -- shared by training, eval and the promotion gate ---------------------------------------


def evaluate_models(X: Sequence[Any], y: Sequence[str], models: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The same metrics for every model on the same rows."""
    return {name: level_metrics(y, model.predict(X)) for name, model in models.items()}


#: The ``skipped`` key of rows whose source document a model trained on, and of the
#: lines ``--skip-bad`` left out; how the text report says them.
TRAINED_ON, BAD_LINES = "training documents", "bad lines"
_SKIP_REASONS = {TRAINED_ON: "from documents the model trained on",
                 BAD_LINES: "bad lines (zhibiao corpus check lists them)"}


def describe_skipped(skipped: dict[str, int]) -> str:
    """``60 rows from documents the model trained on, 9 bad lines (…)``, or ``none``."""
    parts = [f"{n} {_SKIP_REASONS[why]}" if why == BAD_LINES
             else f"{n} rows {_SKIP_REASONS[why]}" if why in _SKIP_REASONS else f"{n} rows: {why}"
             for why, n in skipped.items()]
    return ", ".join(parts) or "none"


def nothing_to_evaluate(corpus: Corpus, skipped: dict[str, int], model: str) -> EvalError:
    """Why no row is left: an empty file, only bad lines, or only rows the model cannot be measured on."""
    files = ", ".join(Path(f.path).name for f in corpus.files)
    if not corpus.rows:
        bad = f" ({corpus.rejected} bad lines; zhibiao corpus check lists them)" if corpus.rejected else ""
        return EvalError(f"nothing to evaluate: {files} has no usable rows{bad}")
    return EvalError(f"nothing to evaluate: all {len(corpus.rows)} usable rows of {files} are skipped "
                     f"({describe_skipped(skipped)}); model {model} is measured only on documents it did not train on")


def with_bad_lines(skipped: dict[str, int], corpus: Corpus) -> dict[str, int]:
    """What was skipped, with the lines ``--skip-bad`` left out (when there were any)."""
    return {**skipped, BAD_LINES: corpus.rejected} if corpus.rejected else skipped


def training_documents(card: dict[str, Any]) -> set[str]:
    return set(card.get("training", {}).get("documents", []))


def unseen(rows: Iterable[CorpusRow], *models: StoredModel) -> tuple[LabeledSet, dict[str, int]]:
    """Rows no model saw in training whose label every model knows, and what was left out."""
    seen = set().union(*(training_documents(m.card) for m in models))
    known = set.intersection(*(set(m.estimator.classes_) for m in models))
    kept: list[CorpusRow] = []
    skipped: Counter[str] = Counter()
    for row in rows:
        if group_id(row.group) in seen:
            skipped[TRAINED_ON] += 1
        elif row.concept not in known:
            skipped[f"label {row.concept} unknown to the model"] += 1
        else:
            kept.append(row)
    return LabeledSet(kept), dict(skipped)


# -- the level task ---------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.3f}"


@dataclass
class LevelReport:
    version: str
    corpus: list[str]
    documents: int
    skipped: dict[str, int]
    results: dict[str, dict[str, Any]]
    #: overlays whose labels replaced the published ones: the figures are against those.
    corrections: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": "level",
            # "version", not "model": the results below hold the model's figures under "model".
            "version": self.version,
            "corpus": self.corpus,
            "corrections": self.corrections,
            "documents": self.documents,
            "skipped": self.skipped,
            **self.results,
        }

    def renderables(self) -> list[Any]:
        model, baseline = self.results["model"], self.results["baseline"]
        skipped = describe_skipped(self.skipped)
        labels = f"labels corrected by {', '.join(self.corrections)}" if self.corrections else "labels as published"
        summary = Table(
            title=f"level: model {self.version} vs TF-IDF+LR baseline on {model['rows']} rows "
            f"from {self.documents} held-out documents ({labels}; skipped: {skipped})",
            title_justify="left",
        )
        summary.add_column("")
        summary.add_column("model", justify="right")
        summary.add_column("baseline", justify="right")
        for key, label in (("l1_accuracy", "L1 accuracy"), ("l2_macro_f1", "L2 macro-F1"), ("l2_accuracy", "L2 accuracy")):
            summary.add_row(label, _fmt(model[key]), _fmt(baseline[key]))

        per_class = Table(title="per class: precision / recall / F1", title_justify="left")
        for name in ("label", "support", "model", "baseline"):
            per_class.add_column(name, justify="left" if name == "label" else "right")
        for label in sorted(set(model["per_class"]) | set(baseline["per_class"])):
            m = model["per_class"].get(label, {})
            b = baseline["per_class"].get(label, {})
            per_class.add_row(label, str(m.get("support", b.get("support", 0))), _prf(m), _prf(b))
        return [summary, per_class, *(_confusion_table(name, self.results[name]) for name in ("model", "baseline"))]


def _prf(per_class: dict[str, Any]) -> str:
    return "/".join(f"{per_class.get(k, 0.0):.2f}" for k in ("precision", "recall", "f1"))


def _confusion_table(name: str, metrics: dict[str, Any]) -> Table:
    """Rows are declared labels, numbered; columns are predicted labels by number
    (CJK names are too wide for one column each in a terminal)."""
    confusion = metrics["confusion"]
    table = Table(title=f"confusion matrix ({name}): rows declared, columns predicted", title_justify="left")
    table.add_column("")
    for i, _ in enumerate(confusion["labels"], start=1):
        table.add_column(str(i), justify="right")
    for i, (label, counts) in enumerate(zip(confusion["labels"], confusion["matrix"]), start=1):
        table.add_row(f"{i} {label}", *(str(c) if c else "·" for c in counts))
    return table


def evaluate_level(request: EvalRequest) -> LevelReport:
    store = ModelStore(request.models_dir)
    stored = store.load(request.model)
    baseline = store.load_artifact(stored.version, BASELINE)
    corpus = load_corpus(request.corpus, request.skip_bad, request.corrections)
    data, skipped = unseen(corpus.rows, stored)
    if not len(data):
        raise nothing_to_evaluate(corpus, skipped, stored.version)
    results = evaluate_models(data.X, data.y, {"model": stored.estimator, "baseline": baseline})
    return LevelReport(stored.version, [f.path for f in corpus.files], data.documents(), with_bad_lines(skipped, corpus),
                       results, [f.path for f in corpus.corrections])


def compare_on_corpus(
    paths: Sequence[Path], models: dict[str, StoredModel], skip_bad: bool = False, corrections: Sequence[Path] = ()
) -> tuple[dict[str, dict[str, Any]], int]:
    """Metrics of several stored models on the corpus rows none of them trained on."""
    corpus = load_corpus(paths, skip_bad, corrections)
    data, skipped = unseen(corpus.rows, *models.values())
    if not len(data):
        raise nothing_to_evaluate(corpus, skipped, " and ".join(m.version for m in models.values()))
    return evaluate_models(data.X, data.y, {name: m.estimator for name, m in models.items()}), len(data)


register_task("level", evaluate_level)

# Other tasks register themselves on import (kept last: they import this module).
import training.relevance  # noqa: E402,F401  (registers the "relevance" task)
