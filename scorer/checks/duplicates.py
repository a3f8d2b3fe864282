"""S 具体, model-backed copy-paste checks (ZB-S005…S008, the DUP family): text pasted
across the projects of a document, the same text on every row of a project, one
indicator written twice in other words, and each project's 复制比.

All four checks read one analysis of the document (:func:`document_analysis`): its cells
clustered by :func:`scorer.semantic.find_duplicate_clusters` (exact, near and, with the
embedder, semantic copies) and classified with the 指标库, so a common indicator
(群众满意度 and its standard definition) is never called boilerplate. They need the
``embedder`` resource; without it the rule check ZB-S003 reports exact copies of
descriptions instead, and it stands down whenever ZB-S005/ZB-S006 run
(:func:`supersedes_s003`), so the same copy is never reported twice.

They are filed under S 具体 (a pasted text says nothing specific to the project), so
their codes are S codes; the registry ties every code family to one category.
The ``scorer.semantic`` package is imported on first use (it imports this package's
helpers), so importing the checks stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from scorer.checks.facts import DocumentFacts, IndicatorFacts
from scorer.checks.registry import Check, register, selector_matches
from scorer.checks.specific import BoilerplateDescription
from scorer.findings import Category, Finding, Severity
from scorer.resources import EMBEDDER
from scorer.semantic.memo import PerObject

if TYPE_CHECKING:
    from scorer.semantic import CopyRatio, DuplicateCluster, TextItem
    from scorer.semantic.duplicates import FieldNodes

#: A project whose indicator text is at least this share copied from other projects of
#: the document (common indicators aside) gets a ZB-S008 finding.
COPY_RATIO_MIN = 0.5

_FIELD_ORDER = ("description", "target", "name")


@dataclass
class Analysis:
    clusters: list[DuplicateCluster]
    ratios: dict[tuple[str, int | None], CopyRatio]


_analyses: PerObject[DocumentFacts, Analysis] = PerObject()
_embedding_texts: PerObject[DocumentFacts, list[str]] = PerObject()
_cells: PerObject[DocumentFacts, tuple[list[TextItem], FieldNodes]] = PerObject()


def _document_cells(doc: DocumentFacts) -> tuple[list[TextItem], FieldNodes]:
    """The document's cells and their nodes, taken once for the prefetch stage and the analysis."""
    from scorer.semantic import document_items
    from scorer.semantic.duplicates import FieldNodes

    def take(facts: DocumentFacts) -> tuple[list[TextItem], FieldNodes]:
        # Only the cells the clustering and the 复制比 count (both skip the others).
        items = document_items(facts.document, informative_only=True)
        return items, FieldNodes.of(items)

    return _cells.get(doc, take)


def document_analysis(doc: DocumentFacts, ctx) -> Analysis:
    """The clusters and 复制比 of a document, computed once for all copy checks of one run."""
    from scorer.semantic import copy_ratios, find_duplicate_clusters

    def analyse(facts: DocumentFacts) -> Analysis:
        items, nodes = _document_cells(facts)
        thresholds = ctx.settings.thresholds
        clusters = find_duplicate_clusters(items, ctx.resource(EMBEDDER), nodes=nodes,
                                           min_projects=thresholds.boilerplate_min_projects,
                                           min_rows=thresholds.boilerplate_min_indicators)
        return Analysis(clusters, copy_ratios(items, clusters))

    return _analyses.get(doc, analyse)


def supersedes_s003(ctx) -> bool:
    """Whether ZB-S005/ZB-S006 run in this context (selected, not ignored, embedder
    present), so the rule-based ZB-S003 must not report the same copies again."""
    if not ctx.has(EMBEDDER):
        return False
    settings = ctx.settings
    return any(
        any(selector_matches(s, check) for s in settings.select) and not any(selector_matches(s, check) for s in settings.ignore)
        for check in (CopiedAcrossProjects, SameTextOnRows)
    )


@lru_cache(maxsize=1)
def _example_embedder() -> Any:
    from scorer.embeddings import HashingEmbedder

    return HashingEmbedder()


def _cluster_summary(cluster: DuplicateCluster, similarity: float) -> dict[str, Any]:
    return {"field": cluster.field, "kind": cluster.kind, "classification": cluster.classification,
            "text": cluster.representative, "projects": cluster.n_projects, "similarity": round(similarity, 4),
            "reason": cluster.reason}


class _DuplicateCheck(Check):
    category = Category.S
    scope = "document"
    requires = (EMBEDDER,)

    @classmethod
    def example_resources(cls) -> dict[str, Any]:
        # Exact and near copies need no model; the hashing embedder has a calibrated
        # threshold too, so the examples run the whole path without model files.
        return {EMBEDDER: _example_embedder()}

    def embedding_texts(self, doc: DocumentFacts, ctx) -> list[str]:
        from scorer.semantic.duplicates import texts_to_embed

        def texts(facts: DocumentFacts) -> list[str]:
            items, nodes = _document_cells(facts)
            return texts_to_embed(items, ctx.resource(EMBEDDER), nodes)

        # The four copy checks share one analysis, so they share its texts too.
        return _embedding_texts.get(doc, texts)


@register
class CopiedAcrossProjects(_DuplicateCheck):
    code = "ZB-S005"
    name = "copied-across-projects"
    title = "跨项目套用文字"
    severity = Severity.warning
    message = "{field}「{text}」在本文件 {projects} 个项目中重复出现（{how}），是套用的文字，没有说明本项目考核什么"
    suggestion = "按本项目的资金用途和绩效目标重写：写明本项目考核的对象、口径和数据来源，不要沿用其他项目的描述或目标。"
    rationale = (
        "同一段描述、指标值或目标出现在多个内容无关的项目上（如“按照要求和计划完成研究任务的项目在所有立项项目中的比例”"
        "出现在工资、奖励、治理资金上），说明是从别处复制的。相同文字先按规范化文本、字符片段相似度"
        "（MinHash）和句向量相似度（阈值在人工标注的文本对上校准）聚成簇；满意度、资金执行等各类项目"
        "都可以用的常见指标（按语料库的指标库判断）及其标准口径不算套用。"
    )
    # The same cases as the rule it supersedes: a research definition pasted on three funds,
    # and three funds with their own indicators plus the standard satisfaction definition.
    bad = BoilerplateDescription.bad
    good = BoilerplateDescription.good

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        analysis = document_analysis(doc, ctx)
        rows: dict[tuple[int, int | None], list[tuple[DuplicateCluster, Any]]] = defaultdict(list)
        for cluster in analysis.clusters:
            if cluster.classification != "boilerplate" or cluster.n_projects < 2:
                continue
            for member in cluster.members:
                rows[(member.item.project, member.item.indicator)].append((cluster, member))
        for (project, indicator), found in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] is not None, kv[0][1] or 0)):
            yield from self._report(doc, project, indicator, found)

    def _report(self, doc: DocumentFacts, project: int, indicator: int | None, found: list) -> Iterator[Finding]:
        from scorer.semantic.textnorm import FIELD_LABELS

        if indicator is None:  # goals: one finding per pasted goal
            for cluster, member in found:
                yield self._hit(doc.projects[project], cluster, member, [(cluster, member)], FIELD_LABELS)
            return
        found.sort(key=lambda cm: _FIELD_ORDER.index(cm[0].field))
        cluster, member = found[0]
        yield self._hit(doc.projects[project].indicators[indicator], cluster, member, found, FIELD_LABELS)

    def _hit(self, subject, cluster, member, found, labels) -> Finding:
        source = next(m for m in cluster.members if m.item.project != member.item.project)
        how = {"exact": "完全相同", "near": "几乎相同", "semantic": "意思相同"}[cluster.kind]
        details = {
            "clusters": [_cluster_summary(c, m.similarity) for c, m in found],
            "copied_from": {"project": source.item.project, "project_name": source.item.project_name,
                            "indicator": source.item.indicator, "text": source.item.text},
        }
        return self.hit(subject, evidence=member.item.text, field=labels[cluster.field], text=member.item.text.strip(),
                        projects=cluster.n_projects, how=how, details=details)


@register
class SameTextOnRows(_DuplicateCheck):
    code = "ZB-S006"
    name = "same-text-on-rows"
    title = "各指标套用同一文字"
    severity = Severity.warning
    message = "本项目 {rows} 个不同指标的{field}都是「{text}」"
    suggestion = "逐个指标写明它的计算口径和目标值；同一句话不能同时说明数量、质量和效益几个不同的指标。"
    rationale = (
        "一个项目里几个考核内容不同的指标共用同一句描述或同一个定性指标值（如 6 个指标的描述都是"
        "“国家、省普查办相关要求”、值都是“按要求完成”），说明描述和目标值是凑数填的，无法据此考核。"
    )
    bad = {"project": {"name": "全国第二次污染源普查"}, "indicators": [
        {"level2": "质量指标", "name": name, "description": "国家、省普查办相关要求", "target": "按要求完成"}
        for name in ("污染源普查档案", "普查工作报告、技术报告", "普查成果")
    ]}
    good = {"project": {"name": "全国第二次污染源普查"}, "indicators": [
        {"level2": "质量指标", "name": "普查档案完整率", "description": "建档普查对象数/应普查对象数", "target": "≥98%"},
        {"level2": "数量指标", "name": "普查工作报告、技术报告", "description": "按省普查办要求编制的报告份数", "target": "2份"},
        {"level2": "时效指标", "name": "普查成果按期提交", "description": "成果提交日期", "target": "2020年6月底前"},
    ]}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.semantic.textnorm import FIELD_LABELS

        for cluster in document_analysis(doc, ctx).clusters:
            if cluster.classification != "boilerplate" or cluster.n_projects != 1 or cluster.field == "goal":
                continue
            first = cluster.members[0].item
            rows = len({m.item.indicator for m in cluster.members})
            yield self.hit(doc.projects[first.project], evidence=cluster.representative, rows=rows,
                           field=FIELD_LABELS[cluster.field], text=cluster.representative,
                           details={"cluster": _cluster_summary(cluster, cluster.min_similarity),
                                    "indicators": sorted({m.item.indicator for m in cluster.members})})


@register
class RewordedDuplicateIndicator(_DuplicateCheck):
    code = "ZB-S007"
    name = "reworded-duplicate-indicator"
    title = "指标换个说法重复"
    severity = Severity.warning
    message = "指标「{name}」与第 {row} 行的「{other}」考核的是同一内容（{how}）"
    suggestion = "合并成一个指标，或把两个指标改成考核不同内容（不同对象、不同环节）的名称。"
    rationale = (
        "名称只差几个字或换了说法的两个指标（“视频监控在线率”和“视频监控设备在线率”）考核的是同一件事，"
        "重复计分。名称完全相同的由 ZB-ST006 报告；这里报告字符片段或句向量判断为同一内容的。"
        "各类项目都用的常见指标和只有通用词的名称不在此列；同一对象的比率和数量（“参保率”和“参保人数”）、"
        "金额和时间考核的是不同的量，也不在此列。"
    )
    bad = {"indicators": [
        {"level1": "效果指标", "level2": "可持续影响指标", "name": "大气污染防治网格化监测设备在线率", "target": "≥90%"},
        {"level1": "效果指标", "level2": "可持续影响指标", "name": "大气污染防治网格化监测设备的在线率", "target": "≥95%"},
    ]}
    good = {"indicators": [
        {"level1": "效果指标", "level2": "可持续影响指标", "name": "大气污染防治网格化监测设备在线率", "target": "≥90%"},
        {"level1": "效果指标", "level2": "可持续影响指标", "name": "监测设备故障修复率", "target": "≥95%"},
    ]}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.semantic.textnorm import text_key

        for cluster in document_analysis(doc, ctx).clusters:
            if cluster.classification != "duplicate_indicator" or cluster.kind == "exact":
                continue
            seen: dict[str, Any] = {}
            for member in cluster.members:
                key = text_key(member.item.text)
                indicator = _indicator_of(doc, member)
                # The first earlier member that measures the same kind of quantity.
                first = None if key in seen else next(
                    (m for m in seen.values() if not _different_measures(indicator, _indicator_of(doc, m))), None)
                if first is not None:
                    row = first.item.location.row if first.item.location and first.item.location.row else first.item.indicator + 1
                    how = f"{'字面' if member.match == 'near' else '语义'}相似度 {member.similarity:.2f}"
                    yield self.hit(indicator, evidence=member.item.text, name=member.item.text.strip(), row=row,
                                   other=first.item.text.strip(), how=how,
                                   details={"cluster": _cluster_summary(cluster, member.similarity),
                                            "duplicate_of": first.item.indicator})
                seen.setdefault(key, member)


def _indicator_of(doc: DocumentFacts, member: Any) -> IndicatorFacts:
    return doc.projects[member.item.project].indicators[member.item.indicator]


def _different_measures(a: IndicatorFacts, b: IndicatorFacts) -> bool:
    """A rate and a count (参保率 and 参保人数), or an amount and a time, of the same thing
    are two indicators however alike their names read: the usual pair, not a rewording."""
    return a.measure is not None and b.measure is not None and a.measure != b.measure


@register
class HighCopyRatio(_DuplicateCheck):
    code = "ZB-S008"
    name = "high-copy-ratio"
    title = "项目指标复制比高"
    severity = Severity.info
    message = "本项目指标文字复制比 {ratio:.0%}（去除常见指标后），主要与项目「{source}」相同，相同片段「{span}」"
    suggestion = "对照本项目的资金用途和绩效目标重写指标，尤其是与其他项目相同的描述和指标值。"
    rationale = (
        f"参照知网查重的复制比：本项目指标名称、描述和定性指标值的文字中，与本文件其他项目相同或几乎相同的"
        f"部分所占比例（满意度等常见指标及其标准口径不计）。达到 {COPY_RATIO_MIN:.0%} 时提示，并给出主要来源项目"
        "和最长的相同片段，帮助审核人判断整张表是否照搬。"
    )
    bad = CopiedAcrossProjects.bad
    good = CopiedAcrossProjects.good

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        for (_, project), ratio in sorted(document_analysis(doc, ctx).ratios.items(), key=lambda kv: kv[0][1] or 0):
            if project is None or ratio.ratio_specific < COPY_RATIO_MIN or ratio.source is None:
                continue
            yield self.hit(doc.projects[project], evidence=ratio.shared_span, ratio=ratio.ratio_specific,
                           source=ratio.source_name, span=ratio.shared_span, details=ratio.details())
