"""Copy-paste clusters: the same text on many cells, within a project, across the projects
of a document, or across a whole batch of documents.

:func:`find_duplicate_clusters` takes :class:`TextItem` cells (a name, description,
指标值 or goal with where it is) and returns :class:`DuplicateCluster` groups:

1. **exact** copies share a normalised key (:func:`~scorer.semantic.textnorm.text_key`);
2. **near** copies share most character bigrams (MinHash LSH candidates, verified by the
   exact Jaccard against the calibrated threshold);
3. **semantic** copies say the same in other words (embedding cosine over the calibrated
   threshold for that embedder; :func:`~scorer.semantic.index.cosine_pairs`).

No step compares all pairs of a large batch: exact copies are a dictionary lookup, the
other two are locality-sensitive hashes whose candidates are verified one by one (below
2,000 distinct texts per field, one matrix product gives the exact cosines instead).

Each cluster is then classified, because a repeated text is not always a defect:

- ``common_indicator``: an indicator every fund may carry (群众满意度, 资金支付及时率),
  or the standard definition of one, by the 指标库 (:mod:`scorer.semantic.frequency`);
- ``generic_name``: a name with no content (完成率, 社会影响力), already ZB-S001's business;
- ``boilerplate``: a text pasted across unrelated funds (on ``min_projects`` or more
  projects, or on two with nothing in common), or the same description or value on
  ``min_rows`` differently named rows of one project;
- ``duplicate_indicator``: one project carrying the same indicator twice in other words;
- ``repeated``: the rest (two related projects sharing a sentence), reported but not flagged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np

from scorer.document import Location
from scorer.embeddings.base import Embedder
from scorer.semantic.calibration import shipped_thresholds
from scorer.semantic.frequency import Commonness, IndicatorLibrary, shipped_library
from scorer.semantic.index import cosine_pairs, near_pairs
from scorer.semantic.textnorm import Field, informative, jaccard, shingles, text_key

ClusterKind = Literal["exact", "near", "semantic"]
Classification = Literal["boilerplate", "common_indicator", "generic_name", "duplicate_indicator", "repeated"]
MIN_PROJECTS = 3
MIN_ROWS = 3


@dataclass(frozen=True)
class TextItem:
    """One cell to compare, and where it is. ``project`` and ``indicator`` are 0-based
    positions (``indicator`` is None for goals); ``indicator_name`` is the row's 三级指标
    (for description and value cells), ``project_purpose`` its 资金用途 and goals."""

    text: str
    field: Field
    document: str = ""
    department: str = ""
    project: int | None = None
    project_name: str = ""
    indicator: int | None = None
    indicator_name: str = ""
    project_purpose: str = ""
    location: Location | None = None

    @property
    def project_key(self) -> tuple[str, int | None]:
        return (self.document, self.project)


@dataclass(frozen=True)
class ClusterMember:
    item: TextItem
    #: position of the item in the input sequence.
    index: int
    #: how the copy matches the representative text, and how closely (1.0 for exact
    #: copies, shingle Jaccard for near ones, embedding cosine for semantic ones).
    match: ClusterKind
    similarity: float


@dataclass(frozen=True)
class DuplicateCluster:
    kind: ClusterKind
    classification: Classification
    field: Field
    representative: str
    members: tuple[ClusterMember, ...]
    #: why the cluster got its classification, in Chinese, for a reviewer.
    reason: str
    #: the 指标库's verdict on the representative name (name clusters only).
    commonness: Commonness | None = None

    @cached_property  # asked several times per cluster (sorting, filtering, 复制比)
    def n_projects(self) -> int:
        return len({m.item.project_key for m in self.members})

    @property
    def n_departments(self) -> int:
        return len({m.item.department for m in self.members if m.item.department})

    @property
    def n_documents(self) -> int:
        return len({m.item.document for m in self.members})

    @property
    def min_similarity(self) -> float:
        return min(m.similarity for m in self.members)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what the batch report stores)."""
        return {
            "kind": self.kind,
            "classification": self.classification,
            "field": self.field,
            "representative": self.representative,
            "reason": self.reason,
            "projects": self.n_projects,
            "departments": self.n_departments,
            "documents": self.n_documents,
            "min_similarity": round(self.min_similarity, 4),
            "members": [
                {"text": m.item.text, "document": m.item.document, "department": m.item.department,
                 "project": m.item.project, "project_name": m.item.project_name, "indicator": m.item.indicator,
                 "match": m.match, "similarity": round(m.similarity, 4),
                 "location": m.item.location.model_dump(exclude_none=True) if m.item.location else None}
                for m in self.members
            ],
        }


@dataclass
class _Node:
    """All items of one field sharing one key (exact copies of each other)."""

    key: str
    items: list[int] = field(default_factory=list)

    def text(self, items: Sequence[TextItem]) -> str:
        if len(self.items) == 1:  # most nodes: no count needed
            return items[self.items[0]].text.strip()
        return Counter(items[i].text.strip() for i in self.items).most_common(1)[0][0]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return list(out.values())


@dataclass
class FieldNodes:
    """The informative cells of each field with exact copies (one key) merged into one
    node, and each node's text: what the clustering and the texts it encodes start from,
    so a pipeline that asks for both (:func:`texts_to_embed`, then
    :func:`find_duplicate_clusters`) can take them once."""

    by_field: dict[Field, dict[str, _Node]]
    texts: dict[Field, list[str]]

    @classmethod
    def of(cls, items: Sequence[TextItem]) -> FieldNodes:
        by_field = _nodes_by_field(items)
        return cls(by_field, {name: [node.text(items) for node in nodes.values()] for name, nodes in by_field.items()})


def find_duplicate_clusters(
    items: Sequence[TextItem],
    embedder: Embedder | None = None,
    *,
    nodes: FieldNodes | None = None,
    library: IndicatorLibrary | None = None,
    near_threshold: float | None = None,
    semantic_threshold: float | None = None,
    min_projects: int = MIN_PROJECTS,
    min_rows: int = MIN_ROWS,
) -> list[DuplicateCluster]:
    """Clusters of two or more copies among ``items``, largest spread first.

    Without an ``embedder`` (or when no threshold is calibrated for it) only exact and
    near copies are found. Thresholds default to the shipped calibration. ``nodes`` is
    ``FieldNodes.of(items)`` when the caller has it already.
    """
    library = library or shipped_library()
    thresholds = shipped_thresholds()
    near_at = thresholds.near.threshold if near_threshold is None else near_threshold
    semantic_at = semantic_threshold
    if semantic_at is None and embedder is not None:
        semantic_at = thresholds.semantic_threshold(embedder.model_id)

    if nodes is None:
        nodes = FieldNodes.of(items)
    by_field, texts = nodes.by_field, nodes.texts
    vectors = _encode_all(texts, embedder) if embedder is not None and semantic_at is not None else {}
    clusters: list[DuplicateCluster] = []
    for field_name, nodes_by_key in by_field.items():
        field_nodes = list(nodes_by_key.values())
        grouping = _Grouping(field_nodes, texts[field_name], near_at, vectors.get(field_name), semantic_at)
        for group in grouping.groups():
            if sum(len(field_nodes[n].items) for n in group) < 2:
                continue
            clusters.append(_cluster(field_name, group, grouping, items, library, min_projects, min_rows))
    clusters.sort(key=lambda c: (-c.n_projects, -len(c.members), c.members[0].index))
    return clusters


def _nodes_by_field(items: Sequence[TextItem]) -> dict[Field, dict[str, _Node]]:
    """The informative cells of each field, exact copies (one key) merged into one node."""
    by_field: dict[Field, dict[str, _Node]] = defaultdict(dict)
    for index, item in enumerate(items):
        if informative(item.text, item.field):
            key = text_key(item.text)
            by_field[item.field].setdefault(key, _Node(key)).items.append(index)
    return by_field


def texts_to_embed(items: Sequence[TextItem], embedder: Embedder, nodes: FieldNodes | None = None) -> list[str]:
    """The texts :func:`find_duplicate_clusters` would encode for ``items`` with ``embedder``
    and the shipped thresholds (none when no semantic threshold is calibrated for it), so a
    pipeline can encode a document's texts for all its checks in one call."""
    if shipped_thresholds().semantic_threshold(embedder.model_id) is None:
        return []
    if nodes is None:
        nodes = FieldNodes.of(items)
    return [text for field_texts in nodes.texts.values() for text in field_texts]


def _encode_all(texts: dict[Field, list[str]], embedder: Embedder) -> dict[Field, np.ndarray]:
    """Every field's texts in one encode call, split back per field."""
    flat = [t for field_texts in texts.values() for t in field_texts]
    vectors = embedder.encode(flat, "query") if flat else np.zeros((0, embedder.dim), np.float32)
    out, start = {}, 0
    for field_name, field_texts in texts.items():
        out[field_name] = vectors[start : start + len(field_texts)]
        start += len(field_texts)
    return out


class _Grouping:
    """Nodes of one field joined by near and semantic edges."""

    def __init__(self, nodes: list[_Node], texts: list[str], near_at: float, vectors: np.ndarray | None,
                 semantic_at: float | None) -> None:
        self.nodes = nodes
        self.texts = texts
        self.shingles = [shingles(node.key) for node in nodes]
        self.near_at = near_at
        self.near = _UnionFind(len(nodes))
        self.all = _UnionFind(len(nodes))
        for a, b in near_pairs(self.shingles, near_at) if len(nodes) > 1 else ():
            # A pair already joined through others changes no group: not verified again
            # (a table of near-copies has candidates quadratic in its rows).
            if self.near.find(a) != self.near.find(b) and jaccard(self.shingles[a], self.shingles[b]) >= near_at:
                self.near.union(a, b)
                self.all.union(a, b)
        self.vectors = vectors
        if vectors is not None and semantic_at is not None and len(nodes) > 1:
            for a, b, _ in cosine_pairs(vectors, semantic_at):
                self.all.union(a, b)

    def groups(self) -> list[list[int]]:
        return self.all.groups()

    def kind(self, group: list[int]) -> ClusterKind:
        if len(group) == 1:
            return "exact"
        return "near" if len({self.near.find(n) for n in group}) == 1 else "semantic"

    def match(self, node: int, representative: int) -> tuple[ClusterKind, float]:
        if node == representative:
            return "exact", 1.0
        similarity = jaccard(self.shingles[node], self.shingles[representative])
        if similarity >= self.near_at or self.vectors is None:
            return "near", similarity
        return "semantic", float(self.vectors[node] @ self.vectors[representative])


def _cluster(field_name: Field, group: list[int], grouping: _Grouping, items: Sequence[TextItem],
             library: IndicatorLibrary, min_projects: int, min_rows: int) -> DuplicateCluster:
    nodes = grouping.nodes
    representative = max(group, key=lambda n: (len(nodes[n].items), -nodes[n].items[0]))
    members: list[ClusterMember] = []
    for n in group:
        match, similarity = grouping.match(n, representative)
        members.extend(ClusterMember(items[i], i, match, similarity) for i in nodes[n].items)
    members.sort(key=lambda m: m.index)
    text = grouping.texts[representative]
    classification, reason, commonness = _classify(field_name, text, members, library, min_projects, min_rows)
    return DuplicateCluster(grouping.kind(group), classification, field_name, text, tuple(members), reason, commonness)


def _classify(field_name: str, text: str, members: list[ClusterMember], library: IndicatorLibrary,
              min_projects: int, min_rows: int) -> tuple[Classification, str, Commonness | None]:
    from scorer.checks.specific import is_generic_name  # scorer.checks imports this package's checks

    commonness = None
    if field_name == "name":
        commonness = library.commonness(text)
        if is_generic_name(text):
            return "generic_name", "名称只有通用词，放在哪个项目都一样", commonness
        if commonness.common:
            return "common_indicator", _common_reason(commonness), commonness
    else:
        names = {m.item.indicator_name for m in members if m.item.indicator_name}
        if field_name != "goal" and names and all(library.is_common(n) and not is_generic_name(n) for n in names):
            return "common_indicator", f"是常见指标「{sorted(names)[0]}」的通用口径", None
    identities = {_identity(m.item) for m in members}
    if len(identities) >= min_projects:
        return "boilerplate", f"出现在 {len(identities)} 个不同项目中", commonness
    if len(identities) == 2:
        if _related(members):
            return "repeated", "两个相关项目共用", commonness
        return "boilerplate", "出现在 2 个内容无关的项目中", commonness
    documents = {m.item.project_key for m in members}
    if len(documents) > 1:
        return "repeated", f"同一项目在 {len(documents)} 份文件中共用", commonness
    if field_name == "name":
        return "duplicate_indicator", "同一项目中重复的指标", commonness
    names = {text_key(m.item.indicator_name) for m in members}
    if field_name != "goal" and len(names) >= min_rows:
        return "boilerplate", f"同一项目 {len(names)} 个不同指标共用", commonness
    return "repeated", "同一项目中重复", commonness


def _common_reason(commonness: Commonness) -> str:
    if commonness.by_rule:
        return "满意度、资金执行类指标，各类项目都可使用"
    return (f"常见指标：最少见的词「{commonness.limiting_word}」也见于指标库 {commonness.kinds}/"
            f"{commonness.total_kinds} 类项目")


def _identity(item: TextItem) -> tuple[str, int | None] | str:
    """Which project an item belongs to; the same project name in several documents (one
    fund reported every year) is one project."""
    return text_key(item.project_name) or item.project_key


def _related(members: Sequence[ClusterMember]) -> bool:
    """Whether the (two) projects share content words in their names, fund uses or goals."""
    from scorer.checks.matching import content_words

    words: dict[object, frozenset[str]] = {}
    for m in members:
        words.setdefault(_identity(m.item), content_words(f"{m.item.project_name} {m.item.project_purpose}"))
    first, second = list(words.values())[:2]
    return bool(first & second)
