"""``zhibiao train``: corpus → a new, registered (not current) model version.

Steps: load and check the corpus (bad rows reject it unless ``skip_bad``), keep the
labels seen in enough documents, split off whole documents, fit the level model and
the TF-IDF + LR baseline on the same training documents, measure both on the held-out
ones, calibrate the disagreement thresholds on out-of-fold predictions of the training
documents and check them on the held-out ones, cross-validate over all documents
for the spread, and write the version. The shipped artifact is the model that was
measured: it never saw the held-out documents, so ``zhibiao eval`` can reproduce its
figures on the same corpus.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scorer.classifier.baseline import BaselineClassifier
from scorer.classifier.disagreement import DEFAULT_TARGET_PRECISION, calibrate_policy
from scorer.classifier.model import LevelClassifier
from scorer.modelstore.card import library_versions, render_markdown
from scorer.modelstore.store import BASELINE, MODEL, ModelStore
from scorer.taxonomy import PRIMARY_LEVEL1
from training.corpus import Corpus, load_corpus
from training.crossval import confidence, cv_summary, out_of_fold_confidence
from training.documents import evaluate_documents
from training.dataset import MIN_DOCUMENTS, LabeledSet, group_id, grouped_split, learnable
from training.evaluate import evaluate_models
from training.metrics import headline


#: folds of the cross-validations that calibrate the disagreement thresholds.
CALIBRATION_FOLDS = 5


@dataclass(frozen=True)
class TrainConfig:
    test_size: float = 0.2
    seed: int = 0
    min_documents: int = MIN_DOCUMENTS
    #: 0 skips the cross-validation (faster; the card then has held-out figures only).
    cv_folds: int = 5
    target_precision: float = DEFAULT_TARGET_PRECISION
    params: dict[str, Any] = field(default_factory=dict)
    #: parsed documents (e.g. the seeds) whose declared levels are a second test set.
    extra_eval: tuple[Path, ...] = ()
    #: label-correction overlays applied to the corpus (docs/corpus.md).
    corrections: tuple[Path, ...] = ()
    #: grouped cross-validations of the training documents whose predictions calibrate
    #: the disagreement thresholds (pooled: each band needs enough rows).
    calibration_repeats: int = 3


@dataclass(frozen=True)
class TrainResult:
    version: str
    path: Path
    card: dict[str, Any]
    seconds: float


def _corpus_card(corpus: Corpus, train: LabeledSet, test: LabeledSet, dropped: dict[str, int]) -> dict[str, Any]:
    return {
        "sha256": corpus.sha256,
        "files": [{"path": f.path, "sha256": f.sha256, "lines": f.lines} for f in corpus.files],
        "corrections": [{"path": f.path, "sha256": f.sha256, "lines": f.lines} for f in corpus.corrections],
        "rows_corrected": corpus.corrected,
        "rows_accepted": len(corpus.rows),
        "rejected_rows": corpus.rejected,
        "rows_used": len(train) + len(test),
        "rows_train": len(train),
        "rows_test": len(test),
        "documents_train": train.documents(),
        "documents_test": test.documents(),
        "dropped_labels": dropped,
    }


def calibrate_disagreement(model: LevelClassifier, make: Any, train_set: LabeledSet, test_set: LabeledSet,
                           config: TrainConfig) -> dict[str, Any]:
    """The disagreement thresholds, one per band of name-word coverage, calibrated on
    out-of-fold predictions of the training documents (the held-out ones stay unseen),
    and how they do on the held-out documents."""
    seeds = [config.seed + k for k in range(config.calibration_repeats)]
    policy = calibrate_policy(*out_of_fold_confidence(train_set, make, CALIBRATION_FOLDS, seeds),
                              target_precision=config.target_precision)
    held_out_confidence, agreed, coverage = confidence(model, test_set.X, test_set.y)
    above = held_out_confidence >= policy.limits(coverage)
    reached = [t.threshold for t in policy.thresholds if t.reached]
    return {
        # The least confidence any disagreement needs: the best-known band's threshold.
        "threshold": round(min(reached), 4) if reached else 1.0,
        "target_precision": config.target_precision,
        "calibrated_on": f"out-of-fold predictions of the training documents ({CALIBRATION_FOLDS} grouped folds, "
                         f"{len(seeds)} fold seeds)",
        **policy.as_dict(),
        "held_out": {"rows": len(test_set), "at_or_above": int(above.sum()),
                     "agreement": round(float(agreed[above].mean()), 4) if above.any() else None},
    }


class TrainingError(ValueError):
    """A corpus the model cannot be fitted on, said with what the training documents hold."""


def _training_failure(exc: ValueError, train_set: LabeledSet) -> TrainingError:
    """The fit's own message (a class with too few rows to calibrate, no description to
    learn words from …) with the figures a maintainer needs to see why."""
    rows = Counter(train_set.y.tolist())
    documents = Counter(label for label, _ in {(r.concept, r.group) for r in train_set.rows})
    labels = ", ".join(f"{label} {n} rows/{documents[label]} docs" for label, n in sorted(rows.items(), key=lambda kv: kv[1]))
    described = sum(1 for r in train_set.rows if r.fields["description"])
    return TrainingError(
        f"the model cannot be fitted on this corpus ({exc}); its {len(train_set)} training rows from "
        f"{train_set.documents()} documents ({described} with a description): {labels}. Add documents with the rarest "
        "labels or with descriptions (指标解释), or try another --seed"
    )


def _nothing_to_learn(corpus: Corpus, data: LabeledSet, dropped: dict[str, int], min_documents: int) -> str:
    """Why there is nothing to fit, naming the files: an empty file, every line bad (a
    missing column, with --skip-bad), or labels in too few documents. A bare "needs 2
    labels" sent the maintainer looking for a labelling problem in a file with no rows."""
    if not corpus.rows:
        return corpus.nothing_to_learn()
    kept = ", ".join(sorted(set(map(str, data.y)))) or "none"
    rare = ", ".join(f"{label} {n} rows" for label, n in dropped.items())
    return (f"{corpus.names}: the corpus needs at least 2 labels each seen in {min_documents} or more source "
            f"documents to train on; labels with enough documents: {kept}"
            + (f"; in too few documents: {rare}" if rare else ""))


def train(
    paths: Sequence[str | Path],
    models_dir: str | Path,
    skip_bad: bool = False,
    config: TrainConfig = TrainConfig(),
) -> TrainResult:
    started = time.perf_counter()
    corpus = load_corpus(paths, skip_bad, config.corrections)
    data, dropped = learnable(corpus.rows, config.min_documents)
    if len(set(data.y)) < 2:
        raise ValueError(_nothing_to_learn(corpus, data, dropped, config.min_documents))
    with warnings.catch_warnings():
        # Grouped splits of a small corpus leave some label with fewer rows than folds;
        # scikit-learn warns on every split, and the card already says how many rows each has.
        warnings.filterwarnings("ignore", message="The least populated class in y", category=UserWarning)
        try:
            train_set, test_set = grouped_split(data, config.test_size, config.seed)
        except ValueError as exc:
            raise ValueError(f"{corpus.names}: {exc}") from None
        try:
            model = LevelClassifier(**config.params).fit(train_set.X, train_set.y, train_set.groups)
            baseline = BaselineClassifier().fit(train_set.X, train_set.y)
            results = evaluate_models(test_set.X, test_set.y, {"model": model, "baseline": baseline})

            estimators = {
                "model": lambda: LevelClassifier(**model.get_params()),
                "baseline": lambda: BaselineClassifier(**baseline.get_params()),
            }
            disagreement = calibrate_disagreement(model, estimators["model"], train_set, test_set, config)
            cv = cv_summary(data, estimators, config.cv_folds, config.seed) if config.cv_folds else None
        except ValueError as exc:
            raise _training_failure(exc, train_set) from exc
    documents = evaluate_documents(config.extra_eval, {"model": model, "baseline": baseline}) if config.extra_eval else None

    labels = [str(c) for c in model.classes_]
    card: dict[str, Any] = {
        "task": "level",
        "summary": {
            **headline(results["model"]),
            **{f"baseline_{k}": v for k, v in headline(results["baseline"]).items()},
            "rows_test": len(test_set),
        },
        "labels": labels,
        "level1_of_label": {label: PRIMARY_LEVEL1[label] for label in labels},
        "params": {k: v for k, v in model.get_params().items()},
        "baseline_params": baseline.get_params(),
        "split": {
            "method": "StratifiedGroupKFold by source document (one fold held out)",
            "test_size": config.test_size,
            "seed": config.seed,
            "min_documents_per_label": config.min_documents,
        },
        "training": {"documents": sorted({group_id(g) for g in np.unique(train_set.groups)})},
        "corpus": _corpus_card(corpus, train_set, test_set, dropped),
        "metrics": {**results, "cv": cv, "documents": documents},
        "disagreement": disagreement,
        "libraries": library_versions(),
    }
    card["train_seconds"] = round(time.perf_counter() - started, 2)
    store = ModelStore(models_dir)
    version = store.add_version({MODEL: model, BASELINE: baseline}, card, render_markdown)
    return TrainResult(version, store.root / version, store.card(version), time.perf_counter() - started)
