"""Similarity thresholds for copies, calibrated on labeled pairs and shipped as data.

``python -m training.duplicates calibrate`` reads ``corpus/duplicate_pairs.tsv`` (pairs
of texts a person labeled as the same text or not), and for the shingle Jaccard and for
each embedder's cosine keeps the lowest threshold whose precision on those pairs is at
least the target; the result is ``scorer/data/duplicate_thresholds.json``. An embedder
with no calibrated threshold gets no semantic duplicates (exact and near copies are still
found): e5's cosines sit between 0.8 and 1.0 for any two Chinese phrases, so a guessed
threshold would be meaningless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

THRESHOLDS_FILE = "duplicate_thresholds.json"
THRESHOLDS_FORMAT = 1


@dataclass(frozen=True)
class Calibrated:
    threshold: float
    #: precision and recall at the threshold on the labeled pairs, and their count.
    precision: float
    recall: float
    pairs: int


@dataclass(frozen=True)
class DuplicateThresholds:
    near: Calibrated
    #: embedder model id → its calibrated cosine threshold.
    semantic: dict[str, Calibrated]

    def semantic_threshold(self, model_id: str) -> float | None:
        entry = self.semantic.get(model_id)
        return entry.threshold if entry else None

    def to_json(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "format": THRESHOLDS_FORMAT,
            **(extra or {}),
            "near_jaccard": vars(self.near),
            "semantic_cosine": {model: vars(c) for model, c in sorted(self.semantic.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DuplicateThresholds:
        if data.get("format") != THRESHOLDS_FORMAT:
            raise ValueError(f"unsupported thresholds format {data.get('format')!r}")
        return cls(Calibrated(**data["near_jaccard"]),
                   {model: Calibrated(**entry) for model, entry in data["semantic_cosine"].items()})


@lru_cache(maxsize=1)
def shipped_thresholds() -> DuplicateThresholds:
    data = (resources.files("scorer") / "data" / THRESHOLDS_FILE).read_text(encoding="utf-8")
    return DuplicateThresholds.from_json(json.loads(data))
