"""Out-of-fold predictions over whole documents, for the label audit and the CV figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from scorer.classifier.model import LevelClassifier
from training.dataset import LabeledSet
from training.metrics import level_metrics


def _folds(data: LabeledSet, folds: int, seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    n = min(folds, data.documents())
    if n < 2:
        raise ValueError("cross-validation needs at least 2 source documents")
    yield from GroupKFold(n_splits=n, shuffle=True, random_state=seed).split(data.X, data.y, data.groups)


Factory = Callable[[], Any]


def fold_models(data: LabeledSet, make: Factory, folds: int = 5, seed: int = 0) -> Iterator[tuple[Any, np.ndarray]]:
    """(model, rows it predicts) per grouped fold: each model (``make()``, fitted with
    ``fit(X, y, groups)``) never saw the documents of its rows."""
    X, y, groups = data.X, data.y, data.groups
    for train, test in _folds(data, folds, seed):
        yield make().fit([X[i] for i in train], y[train], groups[train]), test


def out_of_fold(
    data: LabeledSet, make: Factory = LevelClassifier, folds: int = 5, seed: int = 0
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(probabilities, label order, fold of each row): every row predicted by a model
    that never saw its document (:func:`fold_models`). A label missing from a fold's
    training side gets probability 0 there."""
    labels = sorted(set(data.y))
    column = {label: i for i, label in enumerate(labels)}
    proba = np.zeros((len(data), len(labels)))
    fold_of = np.zeros(len(data), dtype=int)
    X = data.X
    for k, (model, test) in enumerate(fold_models(data, make, folds, seed)):
        cols = [column[c] for c in model.classes_]
        proba[np.ix_(test, cols)] = model.predict_proba([X[i] for i in test])
        fold_of[test] = k
    return proba, labels, fold_of


def confidence(model: Any, X: list, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(confidence, agreed with the label, name-word coverage) of ``model``'s prediction
    for each row: what the disagreement thresholds are calibrated and checked on."""
    proba = model.predict_proba(X)
    return proba.max(axis=1), model.classes_[proba.argmax(axis=1)] == y, model.name_word_coverage(X)


def out_of_fold_confidence(
    data: LabeledSet, make: Factory, folds: int = 5, seeds: Sequence[int] = (0,)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(confidence, agreed with the label, name-word coverage) of every row's out-of-fold
    prediction, once per fold seed (rows repeated): what the disagreement thresholds
    are calibrated on. Coverage is measured against the vocabulary of the fold's model,
    which is what a new document meets."""
    X, y = data.X, data.y
    parts = [confidence(model, [X[i] for i in test], y[test])
             for seed in seeds for model, test in fold_models(data, make, folds, seed)]
    confidences, agreed, coverage = zip(*parts)
    return np.concatenate(confidences), np.concatenate(agreed), np.concatenate(coverage)


def cv_summary(data: LabeledSet, estimators: dict[str, Factory], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Mean and standard deviation of the headline figures over the same grouped folds,
    for each named estimator."""
    summary: dict[str, Any] = {}
    for name, make in estimators.items():
        proba, labels, fold_of = out_of_fold(data, make, folds, seed)
        pred = np.asarray(labels, dtype=object)[proba.argmax(axis=1)]
        per_fold = [level_metrics(data.y[fold_of == k], pred[fold_of == k]) for k in np.unique(fold_of)]
        summary["folds"] = len(per_fold)
        figures: dict[str, float] = {}
        for key in ("l1_accuracy", "l2_macro_f1"):
            values = np.asarray([m[key] for m in per_fold])
            figures[f"{key}_mean"] = float(values.mean())
            figures[f"{key}_sd"] = float(values.std())
        summary[name] = figures
    return summary
