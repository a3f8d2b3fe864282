"""Semantic checks' machinery: copy-paste clusters and the fit of indicators to their fund.

For the batch command (and anyone comparing cells across documents)::

    from scorer.semantic import TextItem, DuplicateCluster, find_duplicate_clusters, document_items

    items = [item for doc in documents for item in document_items(doc)]
    clusters = find_duplicate_clusters(items, embedder=resources.get("embedder"))
    ratios = copy_ratios(items, clusters)          # 复制比 per (document, project)

- :mod:`~scorer.semantic.duplicates`: exact / near (MinHash LSH) / semantic (embedding
  LSH) copy clusters, classified boilerplate, common indicator, generic name …;
- :mod:`~scorer.semantic.copyratio`: CNKI-style 复制比 per project;
- :mod:`~scorer.semantic.frequency`: the 指标库 (how common each word is across kinds of project);
- :mod:`~scorer.semantic.relevance`: the trained indicator-fits-fund model;
- :mod:`~scorer.semantic.matcher`: the embedding goal matcher for ZB-R001/R002.
"""

from scorer.semantic.copyratio import CopyRatio, copy_ratios
from scorer.semantic.duplicates import ClusterMember, DuplicateCluster, TextItem, find_duplicate_clusters
from scorer.semantic.frequency import IndicatorLibrary, shipped_library
from scorer.semantic.items import document_id, document_items

__all__ = [
    "ClusterMember",
    "CopyRatio",
    "DuplicateCluster",
    "IndicatorLibrary",
    "TextItem",
    "copy_ratios",
    "document_id",
    "document_items",
    "find_duplicate_clusters",
    "shipped_library",
]
