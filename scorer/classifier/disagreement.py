"""Declared level disagrees with text": the evidence behind the STRUCT finding ZB-ST013.

A disagreement is raised only when the model is confident enough, and "enough" is
calibrated at training time (:func:`calibrate_threshold`): the lowest confidence at
which the model agreed with the declared labels of documents it had not seen at least
``target_precision`` of the time. Above it, a disagreement is unusual and worth a
reviewer's look; below it, the model is just unsure.

How much a confidence means depends on how many of the name's words the model has seen
(:meth:`LevelClassifier.name_word_coverage`). With few of them it reads the name from
characters and the value's shape alone: "化学需氧量削减量 ≥1500吨" looks like a 数量
indicator to a model whose corpus has no water-quality indicators. On grouped
out-of-fold predictions of the corpus, 17 % of the predictions above the single
threshold disagreed with the declared label when under a third of the name's words
were known, 4 % when over two thirds were. So a :class:`DisagreementPolicy` holds one
threshold per band of word coverage (:data:`COVERAGE_EDGES`), each calibrated the same
way; cards written before it hold a single threshold, which applies to every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from scorer.classifier.model import LevelClassifier
from scorer.modelstore.store import StoredModel
from scorer.taxonomy import LEVEL2, canonicalise, concept_of_level2, l1_of_l2

DEFAULT_TARGET_PRECISION = 0.95
MIN_SUPPORT = 10
#: Edges of the word-coverage bands: under a third, under two thirds, the rest.
COVERAGE_EDGES = (1 / 3, 2 / 3)


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


@dataclass(frozen=True)
class DisagreementPolicy:
    """One threshold per band of name-word coverage (a single band: one threshold for
    every row)."""

    thresholds: tuple[Threshold, ...]
    #: coverage edges between the bands (one fewer than thresholds).
    edges: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if len(self.thresholds) != len(self.edges) + 1:
            raise ValueError(f"{len(self.edges)} band edges need {len(self.edges) + 1} thresholds, got {len(self.thresholds)}")

    @classmethod
    def uniform(cls, threshold: float) -> DisagreementPolicy:
        return cls((Threshold(threshold, 0.0, 0.0, 0, DEFAULT_TARGET_PRECISION, True),))

    @classmethod
    def from_card(cls, disagreement: dict[str, Any]) -> DisagreementPolicy:
        bands = disagreement.get("bands")
        if not bands:
            return cls.uniform(float(disagreement["threshold"]))
        fields = Threshold._fields
        return cls(tuple(Threshold(**{k: band[k] for k in fields}) for band in bands),
                   tuple(float(band["name_words_known_from"]) for band in bands[1:]))

    @property
    def banded(self) -> bool:
        return bool(self.edges)

    def limits(self, coverage: Sequence[float]) -> np.ndarray:
        """Each row's threshold, from its name-word coverage (infinite in a band where no
        confidence reached the target: the card's rounded figure could fall below its top row)."""
        values = np.asarray([t.threshold if t.reached else np.inf for t in self.thresholds])
        return values[_band(coverage, self.edges)]

    def as_dict(self) -> dict[str, Any]:
        bounds = (0.0, *self.edges, 1.0)
        return {"bands": [{"name_words_known_from": round(lo, 4), "name_words_known_to": round(hi, 4), **t.as_dict()}
                          for lo, hi, t in zip(bounds, bounds[1:], self.thresholds)]}


def _band(coverage: Sequence[float], edges: Sequence[float]) -> np.ndarray:
    return np.searchsorted(np.asarray(edges, dtype=float), np.asarray(coverage, dtype=float), side="right")


def calibrate_policy(
    confidence: Sequence[float],
    correct: Sequence[bool],
    coverage: Sequence[float],
    edges: tuple[float, ...] = COVERAGE_EDGES,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
) -> DisagreementPolicy:
    """:func:`calibrate_threshold` within each band of word coverage."""
    conf, ok, band = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=bool), _band(coverage, edges)
    return DisagreementPolicy(
        tuple(calibrate_threshold(conf[band == k], ok[band == k], target_precision, min_support) for k in range(len(edges) + 1)),
        edges,
    )


def _resolve(model: StoredModel | LevelClassifier, threshold: float | None) -> tuple[LevelClassifier, DisagreementPolicy]:
    if threshold is not None:
        return (model.estimator if isinstance(model, StoredModel) else model), DisagreementPolicy.uniform(threshold)
    if isinstance(model, StoredModel):
        return model.estimator, DisagreementPolicy.from_card(model.card["disagreement"])
    raise ValueError("a bare classifier has no card: pass the threshold")


def level_disagreements(
    indicators: Sequence[Any],
    model: StoredModel | LevelClassifier,
    threshold: float | None = None,
    template: str | None = None,
) -> list[LevelDisagreement | None]:
    """:func:`level_disagreement` for many indicators in one model call."""
    estimator, policy = _resolve(model, threshold)
    if not indicators:
        return []
    known = set(estimator.classes_)
    limits = policy.limits(estimator.name_word_coverage(indicators) if policy.banded else np.zeros(len(indicators)))
    out: list[LevelDisagreement | None] = []
    for indicator, predicted, limit in zip(indicators, estimator.predict_levels(indicators, template), limits):
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
