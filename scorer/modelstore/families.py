"""The model families that live in one models directory, each a :class:`ModelStore` of
its own: the level classifier at the top, the relevance model in ``relevance/``.

A family says where its store is, which figures of a card gate a promotion (and on
what they were measured), and which summary figures ``zhibiao models list`` shows, so
that listing, showing, promoting and rolling back work the same way for every model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorer.modelstore.store import ModelStore, ModelStoreError


@dataclass(frozen=True)
class ModelFamily:
    name: str
    title: str
    #: the store's directory inside the models directory ("" = the directory itself).
    subdir: str
    #: figures a candidate may not lose more than the margin on (higher is better).
    gate_metrics: tuple[str, ...]
    #: where a card keeps those figures, and what they were measured on.
    card_figures_at: tuple[str, ...]
    card_basis: str
    #: ``models list`` columns: (header, key of the registry entry's summary).
    columns: tuple[tuple[str, str], ...]

    def root(self, models_dir: str | Path) -> Path:
        return Path(models_dir) / self.subdir if self.subdir else Path(models_dir)

    def store(self, models_dir: str | Path) -> ModelStore:
        return ModelStore(self.root(models_dir))

    def card_figures(self, card: dict[str, Any]) -> dict[str, float]:
        figures: Any = card
        for key in self.card_figures_at:
            figures = figures[key]
        return figures


LEVEL = ModelFamily(
    name="level",
    title="level classifier",
    subdir="",
    gate_metrics=("l1_accuracy", "l2_macro_f1"),
    card_figures_at=("metrics", "model"),
    card_basis="each model's own held-out documents (model cards)",
    columns=(("L1 acc", "l1_accuracy"), ("L2 F1", "l2_macro_f1"), ("baseline L2 F1", "baseline_l2_macro_f1"),
             ("test rows", "rows_test")),
)

RELEVANCE = ModelFamily(
    name="relevance",
    title="relevance model",
    subdir="relevance",
    gate_metrics=("roc_auc", "f1"),
    card_figures_at=("metrics", "cv", "model"),
    card_basis="each model's grouped cross-validation over its own training documents (model cards)",
    columns=(("CV ROC-AUC", "cv_roc_auc"), ("CV F1", "cv_f1"), ("baseline CV F1", "baseline_cv_f1"),
             ("threshold", "threshold")),
)

FAMILIES: dict[str, ModelFamily] = {f.name: f for f in (LEVEL, RELEVANCE)}


def model_family(name: str) -> ModelFamily:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ModelStoreError(f"unknown model task '{name}': expected one of {', '.join(FAMILIES)}") from None
