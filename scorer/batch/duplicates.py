"""Copy-paste across the batch: every stored text cell of every document goes to
:func:`scorer.semantic.duplicates.find_duplicate_clusters` (exact keys, MinHash LSH for
near copies and, given an embedder, cosine LSH for reworded ones: no all-pairs
comparison), and each cluster comes back as a :class:`ClusterView` a report can show.

This module is the one place the batch calls the semantic search.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from scorer.semantic.duplicates import DuplicateCluster, TextItem, find_duplicate_clusters

#: Places listed per cluster in the analysis (the counts are always complete).
MAX_PLACES = 50
#: Clusters kept in the analysis, most widespread first.
MAX_CLUSTERS = 200
#: Classifications a report flags; ``repeated`` (two related projects sharing a
#: sentence) is kept in the analysis but not counted as copy-paste.
FLAGGED = ("boilerplate", "duplicate_indicator")


class ClusterPlace(BaseModel):
    document: str
    department: str
    project: int | None
    project_name: str
    indicator: int | None = None
    match: str
    similarity: float


class ClusterView(BaseModel):
    #: exact, near (shared character bigrams) or semantic (embedding cosine).
    kind: str
    #: boilerplate, common_indicator, generic_name, duplicate_indicator or repeated.
    classification: str
    #: name, description, target or goal.
    field: str
    text: str
    #: why it got its classification, in Chinese.
    reason: str
    count: int
    documents: int
    departments: int
    projects: int
    places: list[ClusterPlace] = Field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.classification in FLAGGED


def view(cluster: DuplicateCluster) -> ClusterView:
    places = [ClusterPlace(document=m.item.document, department=m.item.department, project=m.item.project,
                           project_name=m.item.project_name, indicator=m.item.indicator, match=m.match,
                           similarity=round(m.similarity, 4)) for m in cluster.members[:MAX_PLACES]]
    return ClusterView(kind=cluster.kind, classification=cluster.classification, field=cluster.field,
                       text=cluster.representative, reason=cluster.reason, count=len(cluster.members),
                       documents=cluster.n_documents, departments=cluster.n_departments,
                       projects=cluster.n_projects, places=places)


def find_clusters(items: Sequence[TextItem], embedder: Any = None) -> tuple[list[ClusterView], str]:
    """(clusters, flagged ones first, then by spread; a description of the method)."""
    clusters = find_duplicate_clusters(items, embedder=embedder)
    method = "完全相同 + 近似重复（MinHash LSH）"
    if embedder is not None:
        method += f" + 语义相近（{getattr(embedder, 'model_id', 'embedder')}）"
    views = sorted((view(c) for c in clusters), key=lambda v: (not v.flagged, -v.projects, -v.count))
    return views[:MAX_CLUSTERS], method
