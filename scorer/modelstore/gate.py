"""The promotion gate: a candidate may not be worse than the current model.

Both models are compared on the same figures (the family's: level-1 accuracy and
level-2 macro-F1 for the level classifier, ROC-AUC and F1 for the relevance model); a
candidate that loses more than ``margin`` on any of them is refused, and the decision
carries both sets of figures so the refusal can say why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scorer.modelstore.families import LEVEL, ModelFamily
from scorer.modelstore.store import ModelStore, StoredModel

DEFAULT_MARGIN = 0.02
#: Fewer rows than this that neither model trained on decide nothing: on 7 rows one row is
#: 0.14 of accuracy, and a much worse model was once promoted on such a file.
MIN_COMPARISON_ROWS = 30


class TooFewRows(ValueError):
    """A comparison file leaves too few rows that neither model trained on."""


@dataclass(frozen=True)
class Comparison:
    """Both models' figures on the same rows: ``figures`` maps "current" and "candidate"
    to their metrics, measured on ``rows`` rows of ``source`` that neither trained on."""

    figures: dict[str, dict[str, float]]
    rows: int
    source: str

    @property
    def basis(self) -> str:
        return f"{self.rows} rows of {self.source} that neither model trained on"


@dataclass(frozen=True)
class GateDecision:
    allowed: bool
    #: metric → (current, candidate)
    figures: dict[str, tuple[float, float]]
    margin: float
    #: what the figures were measured on.
    basis: str

    def describe(self) -> str:
        lines = [f"compared on {self.basis} (margin {self.margin:.3f}):"]
        for metric, (current, candidate) in self.figures.items():
            verdict = "worse" if candidate < current - self.margin else "ok"
            lines.append(f"  {metric}: current {current:.3f}, candidate {candidate:.3f} ({verdict})")
        return "\n".join(lines)


def decide(current: dict[str, float], candidate: dict[str, float], margin: float, basis: str,
           metrics: tuple[str, ...] = LEVEL.gate_metrics) -> GateDecision:
    figures = {m: (float(current[m]), float(candidate[m])) for m in metrics}
    allowed = all(cand >= cur - margin for cur, cand in figures.values())
    return GateDecision(allowed, figures, margin, basis)


@dataclass(frozen=True)
class Promotion:
    version: str
    previous: str | None
    #: False when the version was already current.
    changed: bool
    #: the comparison that allowed it (None when there was no current model to beat).
    decision: GateDecision | None


class PromotionRefused(Exception):
    def __init__(self, decision: GateDecision, current: str, version: str):
        self.decision, self.current, self.version = decision, current, version
        super().__init__(f"refused to promote {version}: worse than {current} by more than {decision.margin}")


def promote_gated(
    store: ModelStore,
    version: str,
    margin: float = DEFAULT_MARGIN,
    force: bool = False,
    compare: Callable[[StoredModel, StoredModel], Comparison] | None = None,
    family: ModelFamily = LEVEL,
) -> Promotion:
    """Make ``version`` current unless it is worse than the current model by more than
    ``margin``. ``compare(current, candidate)`` measures both models on the same rows
    (refused, even with ``force``, when fewer than :data:`MIN_COMPARISON_ROWS`: such a
    comparison decides nothing); by default each card's held-out figures are used.
    The swap itself is the store's atomic registry update."""
    current = store.current_version()
    store.verify(version)
    if current == version:
        return Promotion(version, current, False, None)
    decision = None
    if current is not None:
        if compare is not None:
            comparison = compare(store.load(current), store.load(version))
            if comparison.rows < MIN_COMPARISON_ROWS:
                raise TooFewRows(f"only {comparison.rows} rows of {comparison.source} are unseen by both models, "
                                 f"fewer than the {MIN_COMPARISON_ROWS} a comparison needs: compare on a larger "
                                 "file, or on the cards' held-out figures")
            figures, basis = comparison.figures, comparison.basis
        else:
            figures = {"current": family.card_figures(store.card(current)),
                       "candidate": family.card_figures(store.card(version))}
            basis = family.card_basis
        decision = decide(figures["current"], figures["candidate"], margin, basis, family.gate_metrics)
        if not decision.allowed and not force:
            raise PromotionRefused(decision, current, version)
    store.promote(version)
    return Promotion(version, current, True, decision)
