"""复制比, the way CNKI reports text reuse: for each project, the share of its indicator text
found copied in other projects, the project it was mostly copied from, and the longest
passage the two share.

The text of a project is the key characters (no spaces or punctuation) of its indicator
names, descriptions and worded 指标值 — the cells :func:`~scorer.semantic.textnorm.informative`
keeps. A cell counts as copied when it belongs to a cluster that also has a member in
another project. Two ratios are given, as CNKI gives one "去除引用" figure: all copies, and
copies other than common indicators (群众满意度 and its standard definition belong
everywhere, so they are not counted against a project).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from scorer.semantic.duplicates import ClusterMember, DuplicateCluster, TextItem
from scorer.semantic.textnorm import informative, key_length, text_key

ProjectKey = tuple[str, "int | None"]
#: Clusters whose copies count against a project in the "去除常见指标" ratio.
_NOT_COUNTED = ("common_indicator",)


@dataclass(frozen=True)
class CopyRatio:
    project: ProjectKey
    project_name: str
    total_chars: int
    copied_chars: int
    #: copied characters outside common-indicator clusters.
    copied_chars_specific: int
    #: the other project sharing the most characters with this one, and its name.
    source: ProjectKey | None
    source_name: str
    #: the longest passage this project shares with the source.
    shared_span: str

    @property
    def ratio(self) -> float:
        return self.copied_chars / self.total_chars if self.total_chars else 0.0

    @property
    def ratio_specific(self) -> float:
        return self.copied_chars_specific / self.total_chars if self.total_chars else 0.0

    def details(self) -> dict[str, Any]:
        return {
            "copy_ratio": round(self.ratio_specific, 4),
            "copy_ratio_all": round(self.ratio, 4),
            "copied_chars": self.copied_chars_specific,
            "total_chars": self.total_chars,
            "source": None if self.source is None else {"document": self.source[0], "project": self.source[1],
                                                         "name": self.source_name},
            "shared_span": self.shared_span,
        }


def _source(cluster: DuplicateCluster, member: ClusterMember) -> ClusterMember:
    """Where a copy came from: the first copy in another project (input order), so the
    count stays linear in the cluster's size however many projects carry it."""
    here = member.item.project_key
    return next(m for m in cluster.members if m.item.project_key != here)


def _shared_span(member: ClusterMember, source: ClusterMember) -> str:
    a, b = member.item.text.strip(), source.item.text.strip()
    if text_key(a) == text_key(b):
        return a
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[match.a : match.a + match.size]


def copy_ratios(items: Sequence[TextItem], clusters: Sequence[DuplicateCluster],
                fields: tuple[str, ...] = ("name", "description", "target")) -> dict[ProjectKey, CopyRatio]:
    """复制比 of every project that has indicator text among ``items``."""
    totals: dict[ProjectKey, int] = defaultdict(int)
    names: dict[ProjectKey, str] = {}
    for item in items:
        if item.field in fields and informative(item.text, item.field):
            totals[item.project_key] += key_length(item.text)
            names.setdefault(item.project_key, item.project_name)
    copied: dict[ProjectKey, int] = defaultdict(int)
    specific: dict[ProjectKey, int] = defaultdict(int)
    # (project, source project) → characters copied from it, and the longest shared passage.
    shared: dict[ProjectKey, dict[ProjectKey, int]] = defaultdict(lambda: defaultdict(int))
    spans: dict[tuple[ProjectKey, ProjectKey], str] = {}
    for cluster in clusters:
        if cluster.field not in fields or cluster.n_projects < 2:
            continue
        for member in cluster.members:
            here = member.item.project_key
            source = _source(cluster, member)
            length = key_length(member.item.text)
            copied[here] += length
            if cluster.classification not in _NOT_COUNTED:
                specific[here] += length
            shared[here][source.item.project_key] += length
            span = _shared_span(member, source)
            if len(span) > len(spans.get((here, source.item.project_key), "")):
                spans[(here, source.item.project_key)] = span
    ratios = {}
    for project, total in totals.items():
        sources = shared.get(project, {})
        source = max(sources, key=lambda key: (sources[key], -_order(key))) if sources else None
        ratios[project] = CopyRatio(project, names[project], total, min(copied[project], total),
                                    min(specific[project], total), source, names.get(source, "") if source else "",
                                    spans.get((project, source), "") if source else "")
    return ratios


def _order(key: ProjectKey) -> int:
    return -1 if key[1] is None else key[1]
