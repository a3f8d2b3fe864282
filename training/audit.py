"""Label-noise audit: which rows' labels a model trained without their document rejects.

Confident learning (cleanlab): out-of-fold probabilities from grouped folds, then
``find_label_issues`` flags rows whose given label is unlikely given the per-class
noise it estimates, and ``get_label_quality_scores`` ranks every row. Maintainers fix
the top of this list in the corpus rather than bending the model around it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores

from scorer.classifier.model import LevelClassifier
from training.crossval import out_of_fold
from training.dataset import LabeledSet


@dataclass(frozen=True)
class Suspect:
    file: str
    line: int
    level1: str
    level2: str
    given: str
    suggested: str
    #: probability the model gives the suggested label.
    confidence: float
    #: cleanlab's label quality (self-confidence): low = suspicious.
    quality: float
    flagged: bool
    name: str
    target: str


@dataclass(frozen=True)
class AuditResult:
    rows: int
    documents: int
    folds: int
    issues: int
    suspects: list[Suspect]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "documents": self.documents,
            "folds": self.folds,
            "issues": self.issues,
            "issue_rate": self.issues / self.rows if self.rows else 0.0,
            "suspects": [asdict(s) for s in self.suspects],
        }


def audit(data: LabeledSet, params: dict[str, Any], folds: int = 5, seed: int = 0) -> AuditResult:
    """Every row ranked from most to least suspicious label."""
    proba, labels, fold_of = out_of_fold(data, lambda: LevelClassifier(**params), folds, seed)
    index = {label: i for i, label in enumerate(labels)}
    given = np.asarray([index[c] for c in data.y])
    issues = find_label_issues(given, proba, filter_by="prune_by_noise_rate")
    quality = get_label_quality_scores(given, proba, method="self_confidence")
    suspects = []
    for i in np.argsort(quality, kind="stable"):
        row = data.rows[i]
        best = int(proba[i].argmax())
        suspects.append(
            Suspect(
                file=row.file,
                line=row.line,
                level1=row.fields["level1"],
                level2=row.fields["level2"],
                given=str(data.y[i]),
                suggested=labels[best],
                confidence=float(proba[i, best]),
                quality=float(quality[i]),
                flagged=bool(issues[i]),
                name=row.fields["level3"] or row.fields["description"],
                target=row.fields["target_value"],
            )
        )
    return AuditResult(len(data), data.documents(), int(fold_of.max()) + 1, int(issues.sum()), suspects)
