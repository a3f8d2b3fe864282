"""A 可实现: a target that can be met and is worth meeting — no percentage above 100%,
no upper bound on a rate that should be high, no threshold so low it is met by doing
nothing, and no 100% where total success is implausible."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity

_LOWER_BOUNDS = (">=", ">", "=", "~")
#: Units of clock and calendar spans, which wrap (22-6时, 11-3月).
_WRAPPING_UNITS = {"时", "点", "月", "时至", "点至"}
_STANDARD_RE = re.compile(r"标准|GB|HJ|DB\d|规范|[-－]\s*(?:19|20)\d{2}(?!\d)")


def _positive_rate(ind: IndicatorFacts) -> bool:
    return bool(lx.POSITIVE_RATE_RE.search(ind.name)) and not lx.NEGATIVE_RATE_RE.search(ind.name)


def _raw(ind: IndicatorFacts) -> str:
    return ind.indicator.target_raw.strip()


def _pct(value: float) -> str:
    return f"{value:g}%"


class _IndicatorCheck(Check):
    category = Category.A
    scope = "indicator"


@register
class PercentOutOfRange(_IndicatorCheck):
    code = "ZB-A001"
    name = "percent-out-of-range"
    title = "百分比超出0–100%"
    severity = Severity.error
    message = "百分比目标「{value}」超出 0–100% 的范围"
    suggestion = "比率最高为 100%，改为“=100%”或合理的下限（如“≥95%”）；增长类指标请在名称中写明“增长率”。"
    rationale = "完成率、合格率、满意度等比率不可能超过 100% 或低于 0，这样的目标值要么写错，要么无法考核。"
    bad = {"name": "市民满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "290%"}
    good = {"name": "市民满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        pct = ind.percent
        if pct is None or lx.GROWTH_NAME_RE.search(ind.name):
            return
        top = max(pct, ind.target.value_max or pct)
        if top > 100 or pct < 0 or (pct == 100 and ind.target.comparator == ">"):
            yield self.hit(ind, evidence=_raw(ind), value=_raw(ind))


@register
class PercentAtLeastHundred(_IndicatorCheck):
    code = "ZB-A002"
    name = "percent-at-least-100"
    title = "“≥100%”写法不当"
    severity = Severity.warning
    message = "「{value}」写法不当：比率不可能超过 100%"
    suggestion = "要求全部完成时写“=100%”。"
    rationale = "“≥100%”要求比率超过 100%，字面上无法实现；多数是想写“=100%”。"
    bad = {"name": "项目完成及时率", "level2": "时效指标", "target": "≥100%"}
    good = {"name": "项目完成及时率", "level2": "时效指标", "target": "=100%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.percent == 100 and ind.target.comparator == ">=" and not lx.GROWTH_NAME_RE.search(ind.name):
            yield self.hit(ind, evidence=_raw(ind), value=_raw(ind))


@register
class WrongDirection(_IndicatorCheck):
    code = "ZB-A003"
    name = "wrong-direction"
    title = "正向指标设了上限"
    severity = Severity.error
    message = "「{name}」越高越好，指标值「{value}」却设了上限"
    suggestion = "正向指标用下限：“≥90%”；只有发生率、故障率等越低越好的指标才用“≤”。"
    rationale = (
        "满意度、优良率、合格率、完成率越高越好，写成“<10”“≤12”等于把目标定为“不超过”，"
        "做得越差越达标。多半是比较符写反。"
    )
    bad = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "<10%"}
    good = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        pct = ind.percent
        if pct is not None and pct < 100 and ind.target.comparator in ("<", "<=") and _positive_rate(ind):
            yield self.hit(ind, evidence=_raw(ind), name=ind.indicator.name, value=_raw(ind))


@register
class LowSatisfaction(_IndicatorCheck):
    code = "ZB-A004"
    name = "low-satisfaction"
    title = "满意度目标过低"
    severity = Severity.warning
    message = "满意度目标「{value}」过低（低于 {minimum}）"
    suggestion = "满意度目标一般不低于 85%–90%，按往年调查结果或同类项目水平设定。"
    rationale = "满意度定在 60% 甚至 10% 几乎不可能达不到，起不到约束作用。阈值可在配置 thresholds.satisfaction_min 中调整。"
    bad = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥60%"}
    good = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        pct, minimum = ind.percent, self.thresholds.satisfaction_min
        if ind.is_satisfaction and pct is not None and ind.target.comparator in _LOWER_BOUNDS and 0 < pct < minimum:
            yield self.hit(ind, evidence=_raw(ind), value=_raw(ind), minimum=_pct(minimum))


@register
class LowCompletionRate(_IndicatorCheck):
    code = "ZB-A005"
    name = "low-completion-rate"
    title = "完成类比率目标过低"
    severity = Severity.warning
    message = "「{name}」目标「{value}」过低（低于 {minimum}），等于预先接受大部分任务不完成"
    suggestion = "完成率、及时率、到位率、合格率一般应为 100% 或不低于 90%–95%；确有困难的写明原因。"
    rationale = (
        "完成、及时、到位、执行、合格类比率衡量计划本身是否落实，目标定在 10%–70% 说明计划"
        "不打算完成或指标照抄。阈值可在配置 thresholds.completion_rate_min 中调整。"
        "检测出来的结果率（免疫抗体合格率、评价性抽检合格率、断面水质达标率）不在此列："
        "它们衡量的是畜群、市场或环境的状况，国家标准本身就定在 100% 以下（如免疫抗体合格率≥70%）。"
    )
    bad = {"name": "资金到位率", "level2": "时效指标", "target": "≥60%"}
    good = {"name": "资金到位率", "level2": "时效指标", "target": "=100%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        pct, minimum = ind.percent, self.thresholds.completion_rate_min
        if pct is None or ind.target.comparator not in _LOWER_BOUNDS or ind.is_satisfaction:
            return
        if lx.MEASURED_OUTCOME_RATE_RE.search(ind.name) and not lx.OWN_WORK_RE.search(ind.name):
            # 免疫抗体合格率 ≥70%: the standard's level of a tested outcome, not work left undone
            # (工程质量检测合格率 tests the project's own works: their quality is its plan)
            return
        if lx.COMPLETION_RATE_RE.search(ind.name) and not lx.NEGATIVE_RATE_RE.search(ind.name) and 0 < pct < minimum:
            yield self.hit(ind, evidence=_raw(ind), name=ind.indicator.name, value=_raw(ind), minimum=_pct(minimum))


@register
class ImplausibleTotal(_IndicatorCheck):
    code = "ZB-A006"
    name = "implausible-total"
    title = "100%目标难以实现"
    severity = Severity.info
    message = "「{name}」目标为 100%，实际很难全部达到"
    suggestion = "按往年实际或行业水平设定一个可达到的下限，如满意度“≥95%”、成活率“≥90%”。"
    rationale = "人人满意、全部成活、全部治愈这类结果不受项目单位完全控制，定为 100% 几乎必然完不成，或说明没有认真测算。"
    bad = {"name": "服务对象满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "100%"}
    good = {"name": "重点建设工程验收合格率", "level2": "质量指标", "target": "100%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.percent == 100 and ind.target.comparator in ("=", "~") and lx.TOTAL_IMPLAUSIBLE_RE.search(ind.name):
            yield self.hit(ind, evidence=_raw(ind), name=ind.indicator.name)


@register
class TriviallyMet(_IndicatorCheck):
    code = "ZB-A007"
    name = "trivially-met-target"
    title = "指标值任何结果都能达到"
    severity = Severity.warning
    message = "「{name}」的指标值「{value}」任何结果都能达到，起不到约束作用"
    suggestion = "写出要达到的数量或比率：“≥500人次”“≥95%”；按计划任务数或往年实际设定。"
    rationale = (
        "“≥0人”“≥0%”“≤100%”对任何结果都成立：培训 0 人也达标。多半是模板里的占位值没有改，"
        "或不知道该定多少。"
    )
    bad = {"name": "培训人数", "level2": "数量指标", "target": "≥0人"}
    good = {"name": "培训人数", "level2": "数量指标", "target": "≥500人"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if not ind.is_numeric or ind.is_date or ind.target.value_max is not None:
            return
        comparator, value = ind.target.comparator, ind.target.value
        # ≥0 of a count or a share; not of money (a profit ≥0 is "no loss"), a growth (no
        # decline) or a temperature, which can be below zero.
        at_least_zero = (comparator == ">=" and value == 0 and not ind.is_money_unit
                         and not lx.SIGNED_QUANTITY_NAME_RE.search(f"{ind.name}{ind.unit or ''}"))
        # ≤100% of a rate of bad events (事故发生率, 差错率); a 控制率, 负债率 or 使用率 can
        # exceed 100%, and ≤100% is their target.
        at_most_all = (comparator == "<=" and ind.percent == 100 and bool(lx.NEGATIVE_RATE_RE.search(ind.name))
                       and "负债" not in ind.name)
        if at_least_zero or at_most_all:
            yield self.hit(ind, evidence=_raw(ind), name=ind.indicator.name, value=_raw(ind))


@register
class ReversedRange(_IndicatorCheck):
    code = "ZB-A008"
    name = "reversed-range"
    title = "指标值范围上下限写反"
    severity = Severity.warning
    message = "指标值「{value}」的范围上下限写反了：写在后面的上限 {low:g} 小于前面的下限 {high:g}"
    suggestion = "范围写成“下限–上限”：“60%–80%”；只要求不低于某值时写“≥60%”。"
    rationale = "“80%-60%”这样的范围无法判断目标是 60% 还是 80%，考核时会有争议。"
    bad = {"name": "就业率", "level2": "社会效益指标", "target": "80%-60%"}
    good = {"name": "就业率", "level2": "社会效益指标", "target": "60%-80%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        low, high = ind.target.value, ind.target.value_max
        if not (ind.is_numeric and not ind.is_date and high is not None and high < low):
            return
        # Not a range written backwards: a span across midnight or the new year (22-6时,
        # 11-3月), a negative range (-18~-25℃), a standard's number (GB 3838-2002).
        if (ind.unit or "") in _WRAPPING_UNITS or low < 0 or high < 0 or _STANDARD_RE.search(_raw(ind)):
            return
        yield self.hit(ind, evidence=_raw(ind), value=_raw(ind), low=high, high=low)


@register
class ZeroCost(_IndicatorCheck):
    code = "ZB-A009"
    name = "zero-cost-target"
    title = "成本目标为零"
    severity = Severity.warning
    message = "成本指标「{name}」的指标值「{value}」为零，无法实现也无从考核"
    suggestion = "按预算测算写出成本上限：“≤120元/人次”“≤50万元”。"
    rationale = (
        "人均成本、单价、造价不可能为零；“≤0元”“=0万元”多是占位值没改。超支、结余、新增债务等"
        "差额类指标定为 0 是正常的，不在此列。"
    )
    bad = {"name": "人均培训成本", "level1": "成本指标", "level2": "经济成本指标", "target": "≤0元"}
    good = {"name": "人均培训成本", "level1": "成本指标", "level2": "经济成本指标", "target": "≤120元"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if not (ind.is_numeric and ind.target.value == 0 and ind.target.value_max is None and ind.is_money_unit):
            return
        if ind.target.comparator in ("<=", "<", "=", "~") and lx.COST_AMOUNT_NAME_RE.search(ind.name) \
                and not lx.COST_DIFFERENCE_NAME_RE.search(ind.name):
            yield self.hit(ind, evidence=_raw(ind), name=ind.indicator.name, value=_raw(ind))
