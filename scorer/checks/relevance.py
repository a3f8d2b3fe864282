"""R 相关, model-backed: an indicator that does not fit the fund it is attached to.

The relevance model (:mod:`scorer.semantic.relevance`, trained by
``training/relevance.py``) judges every indicator in its project — name, 资金用途, goals,
department and the names of the other indicators — and ZB-R003 reports the mismatches
with why: the project text closest to the indicator and its similarity, and the kinds of
project such indicators usually belong to (the nearest corpus projects).

ZB-R001 asks a related question through the goal matcher; an indicator it already
reports is not reported again here. With the embedding matcher (this module registers
``goal_matcher = "embeddings"`` and ``"auto"``) both use the same model, so ZB-R003 adds
the rows ZB-R001 leaves alone: projects without goals, and rows whose bare name is
generic or common (完成率) but whose description makes them specific ("…完成研究任务的
项目…的比例" on a wage fund).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from scorer.checks.facts import DocumentFacts, IndicatorFacts, ProjectFacts
from scorer.checks.matching import register_goal_matcher
from scorer.checks.registry import Check, register, selector_matches
from scorer.checks.relevant import IndicatorServesNoGoal
from scorer.findings import Category, Finding, Severity
from scorer.resources import EMBEDDER, RELEVANCE_MODEL
from scorer.semantic.memo import PerObject


def _embeddings_matcher(settings, resources):
    from scorer.semantic.matcher import embedding_matcher

    return embedding_matcher(settings, resources, fallback_warning=True)


def _auto_matcher(settings, resources):
    from scorer.semantic.matcher import embedding_matcher

    return embedding_matcher(settings, resources, fallback_warning=False)


def _combined_matcher(settings, resources):
    from scorer.semantic.matcher import embedding_matcher

    return embedding_matcher(settings, resources, fallback_warning=False, combined=True)


register_goal_matcher("embeddings", _embeddings_matcher)
register_goal_matcher("auto", _auto_matcher)
register_goal_matcher("combined", _combined_matcher)


@lru_cache(maxsize=1)
def _example_resources() -> dict[str, Any]:
    """The hashing embedder and a relevance model fitted on the shipped corpus with it:
    deterministic, no model files, a few seconds to fit."""
    from scorer.embeddings import HashingEmbedder
    from training.relevance import example_model

    embedder = HashingEmbedder()
    return {EMBEDDER: embedder, RELEVANCE_MODEL: example_model(embedder)}


def _selected(check: type[Check], settings) -> bool:
    return any(selector_matches(s, check) for s in settings.select) and \
        not any(selector_matches(s, check) for s in settings.ignore)


def reported_by_r001(indicator: IndicatorFacts, ctx) -> bool:
    """Whether ZB-R001 reports this indicator in this context (it runs ZB-R001 itself)."""
    if not _selected(IndicatorServesNoGoal, ctx.settings):
        return False
    return any(True for _ in IndicatorServesNoGoal(ctx.settings).run(indicator, ctx))


def _has_context(project: ProjectFacts) -> bool:
    p = project.project
    return bool(p.name.strip() or p.fund_use.strip() or p.goals)


def _judged_by_matcher(ctx) -> bool:
    """Whether the context's goal matcher is the embedding one over this check's models,
    so it judges (and builds the pairs of) the very rows this check asks about."""
    matcher = ctx.goal_matcher
    return getattr(matcher, "model", None) is ctx.resources.get(RELEVANCE_MODEL) \
        and getattr(matcher, "embedder", None) is ctx.resources.get(EMBEDDER) \
        and hasattr(matcher, "rows_and_pairs")


_pairs: PerObject[DocumentFacts, tuple[list[tuple[ProjectFacts, IndicatorFacts]], list[Any]]] = PerObject()


@register
class IndicatorDoesNotFitFund(Check):
    code = "ZB-R003"
    name = "indicator-does-not-fit-fund"
    title = "指标与资金用途不符"
    category = Category.R
    severity = Severity.warning
    scope = "document"
    requires = (EMBEDDER, RELEVANCE_MODEL)
    message = (
        "指标「{name}」可能与本项目（{project}）不相符（模型估计不符的可能性 {probability:.0%}，"
        "达到报告门槛 {threshold:.0%}）：与本项目最接近的是「{closest}」，相似度 {similarity:.2f}；同类指标多见于{usual}"
    )
    suggestion = "换成衡量本项目资金用途和绩效目标的指标；如确属本项目，在指标描述中写明它考核本项目的什么内容。"
    rationale = (
        "从别的项目套来的指标（工资经费下的“按照要求和计划完成研究任务的项目在所有立项项目中的比例”，"
        "专项人员经费下的“参与政府决策活动次数”）考核不到本项目的钱办成了什么。相关性模型综合指标与项目名称、"
        "资金用途、各条目标、主管部门和同表其他指标的句向量相似度、共同词语、指标的通用程度，以及语料库里"
        "相似指标通常属于哪类项目，给出不相符的概率；门槛在训练时留出的整份文件上选定。"
        "满意度指标不判断；社会成本、生态环境成本指标（施工临时占用林地面积）说的是项目让别处付出的代价，"
        "本来就不像资金用途，也不判断；ZB-R001 已报告的指标不重复报告。"
    )
    bad = {"project": {"name": "专项人员经费", "fund_use": "保障退役安置人员和劳务派遣人员工资及保险"},
           "indicators": [{"name": "完成率", "level1": "产出指标", "level2": "时效指标",
                           "description": "按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）",
                           "target": "≥60%"}]}
    good = {"project": bad["project"],
            "indicators": [{"name": "劳务派遣人员工资按月发放率", "level1": "产出指标", "level2": "时效指标",
                            "description": "按月足额发放工资的月数/12", "target": "=100%"}]}

    @classmethod
    def example_resources(cls) -> dict[str, Any]:
        return dict(_example_resources())

    @staticmethod
    def _rows_and_pairs(doc: DocumentFacts, ctx) -> tuple[list[tuple[ProjectFacts, IndicatorFacts]], list[Any]]:
        """The judged rows and their pairs, built once per document (the prefetch stage
        asks for their texts before the check runs)."""
        from scorer.semantic.matcher import indicator_pairs, project_context

        matcher = ctx.goal_matcher if _judged_by_matcher(ctx) else None

        def build(facts: DocumentFacts) -> tuple[list[tuple[ProjectFacts, IndicatorFacts]], list[Any]]:
            rows: list[tuple[ProjectFacts, IndicatorFacts]] = []
            pairs: list[Any] = []
            for project in facts.projects:
                if not _has_context(project):
                    continue
                if matcher is not None:
                    # The matcher's pairs of the project's named rows are these rows' pairs
                    # (the same context and sibling names): taken, not built again.
                    named, named_pairs = matcher.rows_and_pairs(project)
                    keep = [k for k, ind in enumerate(named) if not ind.is_satisfaction]
                    rows += [(project, named[k]) for k in keep]
                    pairs += [named_pairs[k] for k in keep]
                    continue
                judged = [i for i in project.indicators if i.indicator.name.strip() and not i.is_satisfaction]
                rows += [(project, ind) for ind in judged]
                pairs += indicator_pairs(project, judged, project_context(project))
            return rows, pairs

        return _pairs.get(doc, build)

    def embedding_texts(self, doc: DocumentFacts, ctx) -> list[str]:
        from scorer.semantic.relevance import pair_texts

        return list(pair_texts(self._rows_and_pairs(doc, ctx)[1]))

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.semantic.matcher import usual_kinds

        model, embedder = ctx.resource(RELEVANCE_MODEL), ctx.resource(EMBEDDER)
        rows, pairs = self._rows_and_pairs(doc, ctx)
        if _judged_by_matcher(ctx):
            # The embedding goal matcher has judged these very pairs for ZB-R001/R002.
            matcher = ctx.goal_matcher
            matcher.prepare(doc)
            verdicts = [matcher.judgement(project).of(ind) for project, ind in rows]
        else:
            verdicts = model.judge(pairs, embedder)
        for (project, ind), verdict in zip(rows, verdicts):
            if verdict is None or not verdict.mismatch or reported_by_r001(ind, ctx):
                continue
            if ind.in_side_cost_level:
                # 社会成本 / 生态环境成本 rows say what the work takes from others (施工临时占用
                # 林地面积 on a bridge): by definition not what the fund is for, so unlike its
                # text; ZB-R001 leaves them alone for the same reason
                continue
            yield self.hit(
                ind, evidence=ind.indicator.name, name=ind.indicator.name, project=project.project.name or "未命名项目",
                probability=verdict.mismatch_probability, threshold=model.threshold, closest=verdict.closest_text,
                similarity=verdict.closest_similarity, usual=usual_kinds(verdict) or "其他类型的项目",
                details={**verdict.details(), "model_version": str(getattr(model, "version", "") or "")},
            )
