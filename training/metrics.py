"""The figures every level evaluation reports, computed in one place.

Training, ``zhibiao eval``, cross-validation and the promotion gate all call
:func:`level_metrics`, so a model and its baseline are always measured the same way.
Level 1 is read from each level-2 concept (:data:`scorer.taxonomy.PRIMARY_LEVEL1`),
exactly as the classifier derives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from scorer.taxonomy import LEVEL1, LEVEL2, PRIMARY_LEVEL1


def _in_taxonomy_order(labels: set[str], order: tuple[str, ...]) -> list[str]:
    return sorted(labels, key=lambda label: (order.index(label) if label in order else len(order), label))


def level_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Level-1 accuracy, level-2 accuracy and macro-F1, per-class P/R/F1, confusion matrix.

    Macro-F1 averages over every label that is either true or predicted somewhere in
    the set (scikit-learn's default), so predicting a label that never occurs costs.
    """
    truth = np.asarray(y_true, dtype=object)
    pred = np.asarray(y_pred, dtype=object)
    if len(truth) == 0:
        raise ValueError("nothing to evaluate: no rows")
    labels = _in_taxonomy_order(set(truth) | set(pred), LEVEL2)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, pred, labels=labels, zero_division=0
    )
    l1_truth = [PRIMARY_LEVEL1[c] for c in truth]
    l1_pred = [PRIMARY_LEVEL1[c] for c in pred]
    l1_labels = _in_taxonomy_order(set(l1_truth) | set(l1_pred), LEVEL1)
    return {
        "rows": int(len(truth)),
        "l1_accuracy": float(accuracy_score(l1_truth, l1_pred)),
        "l2_accuracy": float(accuracy_score(truth, pred)),
        "l2_macro_f1": float(f1_score(truth, pred, labels=labels, average="macro", zero_division=0)),
        "per_class": {
            label: {
                "precision": float(p),
                "recall": float(r),
                "f1": float(f),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion": {"labels": labels, "matrix": confusion_matrix(truth, pred, labels=labels).tolist()},
        "level1_confusion": {
            "labels": l1_labels,
            "matrix": confusion_matrix(l1_truth, l1_pred, labels=l1_labels).tolist(),
        },
    }


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """The figures the gate and the summaries use."""
    return {k: metrics[k] for k in ("l1_accuracy", "l2_macro_f1", "l2_accuracy")}
