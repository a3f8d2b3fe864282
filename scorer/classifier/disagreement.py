"""Declared level disagrees with text": the evidence behind a future STRUCT finding.

A disagreement is raised only when the model is confident enough, and "enough" is
calibrated on held-out documents at training time (:func:`calibrate_threshold`): the
lowest confidence at which the model agreed with the declared labels of held-out rows
at least ``target_precision`` of the time. Above it, a disagreement is unusual and
worth a reviewer's look; below it, the model is just unsure. The threshold is stored
in the model card.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from scorer.classifier.model import LevelClassifier
from scorer.modelstore.store import StoredModel
from scorer.taxonomy import LEVEL2, canonicalise, concept_of_level2, l1_of_l2

DEFAULT_TARGET_PRECISION = 0.95
MIN_SUPPORT = 10


class LevelDisagreement(NamedTuple):
    level1: str
    level2: str
    confidence: float


class Threshold(NamedTuple):
    threshold: float
    #: agreement rate of held-out predictions at or above the threshold.
    precision: float
    #: share of held-out rows at or above the threshold.
    coverage: float
    support: int
    target_precision: float
    reached: bool

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self._asdict().items()}


def calibrate_threshold(
    confidence: Sequence[float],
    correct: Sequence[bool],
    target_precision: float = DEFAULT_TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
) -> Threshold:
    """The lowest confidence t with agreement ≥ target among ≥ min_support rows at ≥ t.

    When no such t exists the threshold is set just above every observed confidence,
    so nothing is reported until a better model is trained (``reached`` is False).
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    hits = np.cumsum(ok)
    n = len(conf)
    best: Threshold | None = None
    for i in range(n):
        # Only cut between distinct confidences: rows tied at conf[i] are all in or all out.
        if i + 1 < n and conf[i + 1] == conf[i]:
            continue
        support = i + 1
        precision = hits[i] / support
        if support >= min_support and precision >= target_precision:
            best = Threshold(float(conf[i]), float(precision), support / n, support, target_precision, True)
    if best is not None:
        return best
    top = float(conf[0]) if n else 1.0
    return Threshold(min(1.0, top + 1e-6), 0.0, 0.0, 0, target_precision, False)


def _resolve(model: StoredModel | LevelClassifier, threshold: float | None) -> tuple[LevelClassifier, float]:
    if isinstance(model, StoredModel):
        return model.estimator, model.threshold if threshold is None else threshold
    if threshold is None:
        raise ValueError("a bare classifier has no card: pass the threshold")
    return model, threshold


def level_disagreements(
    indicators: Sequence[Any],
    model: StoredModel | LevelClassifier,
    threshold: float | None = None,
    template: str | None = None,
) -> list[LevelDisagreement | None]:
    """:func:`level_disagreement` for many indicators in one model call."""
    estimator, limit = _resolve(model, threshold)
    if not indicators:
        return []
    known = set(estimator.classes_)
    out: list[LevelDisagreement | None] = []
    for indicator, predicted in zip(indicators, estimator.predict_levels(indicators, template)):
        declared = canonicalise(getattr(indicator, "level1", ""), getattr(indicator, "level2", ""))
        concept = concept_of_level2(predicted.level2)
        if declared.level2 is not None:
            declared_concept = concept_of_level2(declared.level2)
            # A label the model never learned (社会成本 …) is not for it to judge.
            disagrees = declared_concept in known and declared_concept != concept
            confidence = predicted.confidence
        elif declared.level1 is not None:
            siblings = [l2 for l2 in LEVEL2 if concept_of_level2(l2) == concept]
            disagrees = all(declared.level1 not in l1_of_l2(l2) for l2 in siblings)
            confidence = predicted.level1_confidence
        else:
            disagrees = False
            confidence = 0.0
        out.append(LevelDisagreement(predicted.level1, predicted.level2, confidence) if disagrees and confidence >= limit else None)
    return out


def level_disagreement(
    indicator: Any,
    model: StoredModel | LevelClassifier,
    threshold: float | None = None,
    template: str | None = None,
) -> LevelDisagreement | None:
    """(predicted level1, predicted level2, confidence) when the indicator's declared
    level disagrees with what its text says, confidently enough; else None.

    ``indicator`` is a :class:`scorer.document.Indicator` (or anything with level1,
    level2, name, description and target_raw). ``model`` is a loaded version (its card
    holds the threshold) or a bare classifier with an explicit ``threshold``.
    """
    return level_disagreements([indicator], model, threshold, template)[0]
