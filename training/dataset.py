"""From accepted corpus rows to what an estimator needs: texts, labels, document groups.

Splits are always grouped by source document: rows of one published table share
boilerplate, so a split that put some on each side would reward memorising it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from training.corpus import CorpusRow

#: A label seen in fewer source documents than this cannot be learned and evaluated
#: on unseen documents; its rows are left out and listed in the model card.
MIN_DOCUMENTS = 3


def group_id(group: str) -> str:
    """A short stable id for a source document (the card lists ids, not URLs)."""
    return hashlib.sha256(group.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class LabeledSet:
    rows: list[CorpusRow]

    @property
    def X(self) -> list[dict[str, str]]:
        return [r.text_fields() for r in self.rows]

    @property
    def y(self) -> np.ndarray:
        return np.asarray([r.concept for r in self.rows], dtype=object)

    @property
    def groups(self) -> np.ndarray:
        return np.asarray([r.group for r in self.rows], dtype=object)

    def documents(self) -> int:
        return len({r.group for r in self.rows})

    def subset(self, index: Sequence[int]) -> LabeledSet:
        return LabeledSet([self.rows[i] for i in index])

    def __len__(self) -> int:
        return len(self.rows)


def learnable(rows: Sequence[CorpusRow], min_documents: int = MIN_DOCUMENTS) -> tuple[LabeledSet, dict[str, int]]:
    """Rows whose label occurs in at least ``min_documents`` documents, and the rest
    counted per label."""
    documents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        documents[row.concept].add(row.group)
    keep = {label for label, docs in documents.items() if len(docs) >= min_documents}
    dropped = Counter(r.concept for r in rows if r.concept not in keep)
    return LabeledSet([r for r in rows if r.concept in keep]), dict(dropped.most_common())


def grouped_split(data: LabeledSet, test_size: float = 0.2, seed: int = 0) -> tuple[LabeledSet, LabeledSet]:
    """Train and held-out sets of whole documents, stratified by label as far as
    grouping allows (one fold of a StratifiedGroupKFold with ~1/test_size folds)."""
    if not 0 < test_size < 1:
        raise ValueError("test size must be between 0 and 1")
    folds = max(2, round(1 / test_size))
    if data.documents() < folds:
        raise ValueError(f"need at least {folds} source documents to hold some out, got {data.documents()}")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    train, test = next(splitter.split(data.X, data.y, data.groups))
    return data.subset(train), data.subset(test)
