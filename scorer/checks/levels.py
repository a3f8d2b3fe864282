"""STRUCT, model-backed: an indicator filed under a level its text does not belong to.

The level classifier (issue 4) reads name, description and value; a disagreement is
reported only above the confidence threshold calibrated on held-out documents and
stored in the model card, so the finding is rare and worth a reviewer's look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from scorer.checks import lexicon as lx
from scorer.checks.facts import DocumentFacts, IndicatorFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity
from scorer.resources import LEVEL_CLASSIFIER
from scorer.taxonomy import (
    BENEFIT,
    ECOLOGICAL_BENEFIT,
    ECONOMIC_BENEFIT,
    OUTPUT,
    OUTPUT_COST,
    QUALITY,
    QUANTITY,
    SOCIAL_BENEFIT,
    SUSTAINABILITY,
    TIMELINESS,
    concept_of_level2,
)
from scorer.values import TIME_UNITS, base_unit


def _label(level: str) -> str:
    return level if level.endswith("指标") else f"{level}指标"


def _is_count(row: IndicatorFacts) -> bool:
    """A number of things or people, not a share, a sum of money or a time."""
    return row.is_numeric and not row.is_date and row.percent is None and not row.is_money_unit and not row.is_time_unit


def _counts_beneficiaries(row: IndicatorFacts) -> bool:
    return _is_count(row) and (bool(lx.BENEFICIARY_COUNT_RE.search(row.name)) or base_unit(row.unit or "") in lx.PEOPLE_UNITS)


def _counts_gain(row: IndicatorFacts) -> bool:
    return row.is_numeric and row.percent is None and bool(lx.GAIN_NAME_RE.search(row.name))


def _is_coverage_rate(row: IndicatorFacts) -> bool:
    return bool(lx.COVERAGE_RATE_RE.search(row.name))


def _is_subsidy_standard(row: IndicatorFacts) -> bool:
    return bool(lx.SUBSIDY_STANDARD_RE.search(row.name)) and row.is_money_unit


def _is_outcome_rate(row: IndicatorFacts) -> bool:
    """A share measured in the people, market or environment the fund serves (评价性抽检
    合格率, 应补尽补率, 生活垃圾无害化处理率, 信息公开率), not of the project's own works
    (工程验收合格率, 培训合格率), which are output quality only."""
    share = row.percent is not None or bool(lx.PERCENT_NAME_RE.search(row.name))
    return share and not row.is_satisfaction and not lx.OWN_WORK_RE.search(row.name)


def _is_service_time_amount(row: IndicatorFacts) -> bool:
    """A lower bound on a time (每周开放时间 ≥56小时, 年服务天数 ≥250天): how much service
    is given. 时效 bounds time from above — a deadline, a response within 24 hours."""
    # the unit itself a time (56小时, 250天), not a count per period (1人/年)
    return (base_unit(row.unit or "") in TIME_UNITS and row.target.comparator in (">=", ">")
            and not row.is_date)


def _any(_row: IndicatorFacts) -> bool:
    return True


_EFFECTS = (ECONOMIC_BENEFIT, SOCIAL_BENEFIT, ECOLOGICAL_BENEFIT)
#: Level pairs the 财预〔2015〕88号 / 〔2021〕101号 definitions leave open for a kind of
#: indicator, found in the review of the corpus labels (docs/corpus.md): for such a row
#: both levels are right, so the model preferring the other one is not a misfiling.
#: Each entry: (one level 2, the other, which rows).
INTERCHANGEABLE: tuple[tuple[str, str, Callable[[IndicatorFacts], bool]], ...] = (
    # counts of beneficiaries: delivered output and its effect (受益人数, 接待观众人次 — social;
    # 保护下游耕地面积 — economic, the loss a flood work averts; which effect is the fund's)
    *((QUANTITY, effect, _counts_beneficiaries) for effect in _EFFECTS),
    # gains in kind or money: an output's yield and its effect (年增粮食, 新增灌溉面积)
    *((QUANTITY, effect, _counts_gain) for effect in _EFFECTS),
    # coverage and distribution rates: how much was reached and how fully (补贴发放率)
    (QUANTITY, QUALITY, _is_coverage_rate),
    # subsidy standards: how generous and what it costs (农村低保标准 530元/人·月)
    (QUALITY, OUTPUT_COST, _is_subsidy_standard),
    # lasting and social effects overlap by definition
    (SOCIAL_BENEFIT, SUSTAINABILITY, _any),
    # rates measured in those the fund serves: the service's quality and its effect at once
    # (财预〔2021〕101号: 质量 — the standard the service reaches; 效益 — its effect on the
    # public), as 评价性抽检合格率 or 生活垃圾无害化处理率 are filed under either
    *((QUALITY, effect, _is_outcome_rate) for effect in _EFFECTS),
    # an amount of service time is a quantity or a service standard, never 时效's "by when"
    (TIMELINESS, QUANTITY, _is_service_time_amount),
    (TIMELINESS, QUALITY, _is_service_time_amount),
)
#: The level 2s a level 1 alone may stand for, when a row gives no level 2.
_LEVEL2S_OF = {OUTPUT: (QUANTITY, QUALITY, OUTPUT_COST), BENEFIT: (*_EFFECTS, SUSTAINABILITY)}


def both_levels_defensible(row: IndicatorFacts, predicted_level2: str) -> bool:
    """Whether the row's declared level and the predicted one are a pair the definitions
    leave open for this kind of indicator (:data:`INTERCHANGEABLE`)."""
    if row.level2 is not None:
        declared = (concept_of_level2(row.level2),)
    else:
        declared = _LEVEL2S_OF.get(row.level1 or "", ())
    predicted = concept_of_level2(predicted_level2)
    return any({a, b} == {d, predicted} and applies(row)
               for a, b, applies in INTERCHANGEABLE for d in declared)


@lru_cache(maxsize=1)
def _shipped_model() -> Any:
    from scorer.modelstore.current import load_current_model

    return load_current_model()


@register
class LevelDisagreesWithText(Check):
    code = "ZB-ST013"
    name = "level-disagrees-with-text"
    title = "指标层级与内容不符"
    category = Category.STRUCT
    severity = Severity.warning
    scope = "document"
    requires = (LEVEL_CLASSIFIER,)
    message = "「{name}」填在「{declared}」下，但从指标内容看应属于「{predicted}」（模型置信度 {confidence:.0%}）"
    suggestion = "按指标实际考核的内容调整层级：数量看“多少”、质量看“好坏/达标”、时效看“何时/是否按期”、效益看“带来什么变化”。"
    rationale = (
        "层级填错会让产出、效益、满意度的覆盖判断失真，也让审核人按错误的标准看目标值。"
        "置信度门槛在模型没见过的整份文件上校准（记录在模型卡中），只在高于门槛时报告；"
        "指标名称里模型没学过的词越多，门槛越高，大部分词都没学过的指标不作判断。"
        "两个层级按定义都说得通的不报告：受益人数、受益村数、防洪工程保护的耕地和人口可作数量也可作效益，"
        "年增粮食、新增灌溉面积等增量可作数量也可作效益，覆盖率、发放率可作数量也可作质量，"
        "补助标准可作质量也可作成本，社会效益与可持续影响之间也不报告；在服务对象、市场或环境中"
        "测得的比率（评价性抽检合格率、应补尽补率、生活垃圾无害化处理率）可作质量也可作效益"
        "（本项目工程、培训自身的合格率仍只属质量）；开放时间、服务天数这类时间的下限是服务的量，"
        "不会是时效。"
    )
    bad = {"level1": "产出指标", "level2": "数量指标", "name": "工程验收合格率", "target": "100%"}
    good = {"level1": "产出指标", "level2": "质量指标", "name": "工程验收合格率", "target": "100%"}

    @classmethod
    def example_resources(cls) -> dict[str, Any]:
        # The model that ships in models/, so the examples test the real classifier.
        return {LEVEL_CLASSIFIER: _shipped_model()}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.classifier.disagreement import level_disagreements

        model = ctx.resource(LEVEL_CLASSIFIER)
        # One model call per template (usually one per document): the per-call cost of
        # featurising dominates for the handful of rows a project has.
        by_template: dict[str | None, list] = {}
        for project in doc.projects:
            # Satisfaction placement is judged by rule (ZB-ST008), which knows the 2015
            # template's 满意度-under-效益 layout; the model is not asked about those rows.
            rows = [i for i in project.indicators if i.name and not (i.is_satisfaction or i.in_satisfaction_level)]
            by_template.setdefault(project.template, []).extend(rows)
        for template, rows in by_template.items():
            verdicts = level_disagreements([r.indicator for r in rows], model, template=template)
            for row, verdict in zip(rows, verdicts):
                if verdict is not None and not both_levels_defensible(row, verdict.level2):
                    yield self._finding(row, verdict, model)

    def _finding(self, row, verdict, model) -> Finding:
        declared = row.indicator.level2 or row.indicator.level1
        return self.hit(
            row, evidence=declared, name=row.indicator.name, declared=declared,
            predicted=f"{_label(verdict.level1)} / {_label(verdict.level2)}", confidence=verdict.confidence,
            details={"predicted_level1": verdict.level1, "predicted_level2": verdict.level2,
                     "confidence": round(verdict.confidence, 4), "model_version": getattr(model, "version", "")},
        )
