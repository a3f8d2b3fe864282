"""A 可实现: a target that can be met and is worth meeting — no percentage above 100%,
no upper bound on a rate that should be high, no threshold so low it is met by doing
nothing, and no 100% where total success is implausible."""

from __future__ import annotations

from collections.abc import Iterator

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity

_LOWER_BOUNDS = (">=", ">", "=", "~")


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
    )
    bad = {"name": "资金到位率", "level2": "时效指标", "target": "≥60%"}
    good = {"name": "资金到位率", "level2": "时效指标", "target": "=100%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        pct, minimum = ind.percent, self.thresholds.completion_rate_min
        if pct is None or ind.target.comparator not in _LOWER_BOUNDS or ind.is_satisfaction:
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
