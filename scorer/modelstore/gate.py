"""The promotion gate: a candidate may not be worse than the current model.

Both models are compared on the same figures (level-1 accuracy and level-2 macro-F1);
a candidate that loses more than ``margin`` on any of them is refused, and the
decision carries both sets of figures so the refusal can say why.
"""

from __future__ import annotations

from dataclasses import dataclass

GATE_METRICS: tuple[str, ...] = ("l1_accuracy", "l2_macro_f1")
DEFAULT_MARGIN = 0.02


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


def decide(current: dict[str, float], candidate: dict[str, float], margin: float, basis: str) -> GateDecision:
    figures = {m: (float(current[m]), float(candidate[m])) for m in GATE_METRICS}
    allowed = all(cand >= cur - margin for cur, cand in figures.values())
    return GateDecision(allowed, figures, margin, basis)
