"""M 可衡量: a target a reviewer can check at the end of the year — a number with a unit
and a direction, or a verifiable yes/no outcome."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from scorer.checks import lexicon as lx
from scorer.checks.facts import PERCENT_UNITS, IndicatorFacts
from scorer.checks.registry import Check, register
from scorer.document import TargetKind
from scorer.findings import Category, Finding, Severity

_DIGIT = re.compile(r"\d")


def is_placeholder_value(ind: IndicatorFacts) -> bool:
    """A 指标值 with no number, only what the template printed: "》 亩", "≧ %", "**"."""
    raw = ind.indicator.target_raw.strip()
    return bool(raw) and ind.target.kind == TargetKind.qualitative and (
        bool(lx.PLACEHOLDER_VALUE_RE.fullmatch(raw)) or bool(lx.PLACEHOLDER_RE.search(raw))
    )


def _names_own_act_done(name: str, raw: str) -> bool:
    """The row's own act reported done (异地备份 | 完成异地备份): the head of the act (its
    last two characters) is in the name and says what was done, not a task or a degree, and
    the name counts nothing (培训人数 | 完成培训 is a count without its number)."""
    done = lx.DONE_ACT_VALUE_RE.match(raw)
    if not done or lx.COUNT_NAME_RE.search(name):  # a count (培训人数 | 完成培训) wants its number
        return False
    act = done.group(1)
    head = act[-2:]
    return head in name and head not in lx.DONE_ACT_VAGUE_HEADS and not lx.VAGUE_RE.search(act) \
        and not lx.GENERIC_NAME_RE.fullmatch(head)


def _verifiable_clause(name: str, raw: str) -> bool:
    if lx.ZERO_EVENTS_VALUE_RE.match(raw) and lx.ADVERSE_EVENT_NAME_RE.search(f"{name} {raw}"):
        return True  # "重大质量事故 | 零", "工程质量 | 无重大质量事故"
    if (lx.ESTABLISHED_VALUE_RE.match(raw) and not lx.ESTABLISH_DEGREE_RE.search(raw)
            and lx.INSTITUTION_NAME_RE.search(f"{name} {raw}")):
        # established or not is a yes/no the year-end check answers with the document that
        # sets it up, as it answers 通过验收 with the acceptance report; "培训人数 | 建立" is no
        # such thing, and 建立健全 / 逐步完善 are degrees nobody can check
        return True
    if _names_own_act_done(name, raw):
        return True  # "数字档案异地备份 | 完成异地备份"
    # who is responsible, named in a 责任书 (落实管护责任); a prohibition kept or broken at
    # acceptance (不改变文物原状)
    return bool(lx.BINARY_OUTCOME_RE.match(raw) or lx.SCHEDULE_RE.match(raw)
                or lx.RESPONSIBILITY_VALUE_RE.match(raw) or lx.PROHIBITION_VALUE_RE.match(raw))


def is_verifiable_outcome(ind: IndicatorFacts) -> bool:
    """Qualitative but checkable: 通过评审, 完成验收, 合格, 合规, 是/否, a schedule
    (每季度末前拨付), a mechanism or rule set up (长效管护机制 | 建立), responsibility
    assigned, a prohibition kept — or several of these in one cell (建立管护制度，落实管护
    责任), each checkable on its own."""
    raw = re.sub(r"\s+", "", ind.indicator.target_raw)
    if _verifiable_clause(ind.name, raw):
        return True
    clauses = [c for c in lx.CLAUSE_SPLIT_RE.split(raw.rstrip("。.")) if c]
    return len(clauses) > 1 and all(_verifiable_clause(ind.name, c) for c in clauses)


class _IndicatorCheck(Check):
    category = Category.M
    scope = "indicator"


@register
class EmptyTarget(_IndicatorCheck):
    code = "ZB-M001"
    name = "empty-target"
    title = "指标值为空"
    severity = Severity.error
    message = "指标值为空"
    suggestion = "填写可考核的目标值，写明比较符、数值和单位，如“≥95%”“20座”“2020年12月底前”。"
    rationale = (
        "没有指标值的指标无法考核，申报表中每个三级指标都必须有目标值。只剩模板里的单位或符号"
        "（“》 亩”“≧ %”“**”）也等于没填。"
    )
    bad = {"name": "农村生活污水治理户数", "target": ""}
    good = {"name": "农村生活污水治理户数", "target": "≥1200户"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        raw = ind.indicator.target_raw.strip()
        if lx.NONE_VALUE_RE.match(raw) and (lx.ADVERSE_EVENT_NAME_RE.search(ind.name) or ind.in_side_cost_level):
            return  # "安全生产事故 | 无", a social or ecological cost "无": none is the target
        if ind.target.kind == TargetKind.empty:
            yield self.hit(ind, evidence=ind.indicator.target_raw)
        elif is_placeholder_value(ind):
            yield self.hit(ind, evidence=ind.indicator.target_raw,
                           message="指标值「{value}」只有单位或符号，没有数值", value=ind.indicator.target_raw.strip())


@register
class QualitativeTarget(_IndicatorCheck):
    code = "ZB-M002"
    name = "qualitative-target"
    title = "指标值为定性或模糊表述"
    severity = Severity.warning
    message = "指标值「{value}」是定性描述，没有可考核的数值或标准"
    suggestion = "改为可量化的目标（如“≥90%”“完成3次”），确属定性指标的，写明可核验的结果（如“通过专家评审”）或分级标准。"
    rationale = (
        "“按要求完成”“得到群众认可”“持续改善”“效果明显”这类表述到年底无法判断是否达到，"
        "等于没有设定目标。数值后面跟着“改善空气质量”之类的话也不能代替目标值。"
        "可核验的是非结果（通过评审、通过某部门验收或抽测、合格，达到写明名称的验收或设计标准，"
        "机制、制度类指标的“建立”“建立并执行”，“落实管护责任”这类写明责任的，“不改变文物原状”这类禁止性要求，"
        "不发生所列不良事件（“不发生档案丢失、泄密事件”“不发生新疫区”），指标本身那项工作的完成（“异地备份”"
        "的“完成异地备份”），“日产日清”“每日增量备份”这类频次，达到写明名称的《办法》《标准》，"
        "以及几项都可核验的并列表述如“建立管护制度，落实管护责任”）不算模糊；“建立健全”“逐步完善”说的是程度，"
        "“符合相关标准”没说是哪个标准，仍算模糊。"
    )
    bad = {"name": "污染源普查档案", "level2": "质量指标", "target": "按要求完成"}
    good = {"name": "污染源普查档案归档率", "level2": "质量指标", "target": "100%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        raw = ind.indicator.target_raw.strip()
        if ind.target.kind == TargetKind.qualitative:
            if is_placeholder_value(ind) or is_verifiable_outcome(ind) or _DIGIT.search(raw):
                return
        elif not (ind.is_numeric and ind.unit is None and ind.target.text and lx.VAGUE_RE.search(ind.target.text)):
            return
        vague = lx.VAGUE_RE.search(raw)
        if ind.in_money_cost_level or ind.measure == "money":
            # a cost row needs an amount: "≥90%" would not fix it, as the suggestion says
            yield self.hit(ind, evidence=raw, value=raw, name=ind.indicator.name,
                           kind="成本指标" if ind.in_money_cost_level else "金额类指标",
                           message="{kind}「{name}」的指标值「{value}」没有金额，无法考核（应写如“≤1.2万元/公里”）")
        elif vague:
            yield self.hit(ind, evidence=raw, value=raw, phrase=vague.group(0),
                           message="指标值「{value}」是模糊表述（“{phrase}”），无法据以考核")
        else:
            yield self.hit(ind, evidence=raw, value=raw)


@register
class MissingUnit(_IndicatorCheck):
    code = "ZB-M003"
    name = "missing-unit"
    title = "数值缺少计量单位"
    severity = Severity.warning
    message = "数值「{value}」缺少计量单位"
    suggestion = "在数值后写明单位，如“≥90%”“12期”“5次”；比率写“%”。"
    rationale = (
        "“≥60”“>70”不说明是百分比、个数还是分数，审核和自评时各自理解，无法比较。"
        "单位写在指标名称括号里（“成本控制数(万元)”）、名称本身就是计数（“参与次数”），"
        "或指标是没有单位的指数、系数、得分（“路面使用性能指数PQI ≥85”“PUE ≤1.4”）时不算缺失。"
    )
    bad = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90"}
    good = {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if (ind.is_numeric and not ind.is_date and ind.unit is None and ind.target.value != 0
                and not ind.is_dimensionless):
            raw = ind.indicator.target_raw.strip()
            yield self.hit(ind, evidence=raw, value=raw)


@register
class MissingComparator(_IndicatorCheck):
    code = "ZB-M004"
    name = "missing-comparator"
    title = "比率目标未写明方向"
    severity = Severity.info
    message = "比率目标「{value}」未写明方向（≥ 或 ≤）"
    suggestion = "写明是下限还是上限，如“≥95%”或“≤5%”；只有恰好等于时才写“=”。"
    rationale = (
        "比率目标不写比较符时，完成 93% 对“95%”算不算达到、超过算不算完成都不明确。"
        "0% 和 100% 本身就是边界，不需要比较符；带文字说明的值也不在此列。"
    )
    bad = {"name": "造林成活率", "level2": "质量指标", "target": "85%"}
    good = {"name": "造林成活率", "level2": "质量指标", "target": "≥85%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        percent = ind.percent
        if percent is None or not ind.target.comparator_implied or ind.target.text:
            return
        if percent not in (0, 100):
            raw = ind.indicator.target_raw.strip()
            yield self.hit(ind, evidence=raw, value=raw)


@register
class PercentNameNonPercentValue(_IndicatorCheck):
    code = "ZB-M005"
    name = "percent-name-non-percent-value"
    title = "比率类指标的值不是百分比"
    severity = Severity.warning
    message = "「{name}」是比率类指标，指标值「{value}」却以“{unit}”计"
    suggestion = "比率类指标（…率、…比例、满意度）的目标值用百分比表示；要限定时间或数量，另设时效或数量指标。"
    rationale = (
        "名称是“及时率”“覆盖率”，指标值却是“≤7工作日”“20人”，名称和目标值考核的不是同一件事。"
        "每十万人口的比率（≤12/10万）和按分值测评的满意度（≥4.5分（满分5分））不在此列。"
    )
    bad = {"name": "检测及时率", "level2": "时效指标", "target": "≤7工作日"}
    good = {"name": "检测及时率", "level2": "时效指标", "target": "≥95%"}

    _PERCENT_LIKE = PERCENT_UNITS | {"比例", "‰", "百分点", "个百分点"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        unit, source = ind.unit_and_source
        raw = ind.indicator.target_raw.strip()
        if ind.is_percent_name and ind.is_numeric and not ind.is_date and unit and source != "name":
            # A rate per population (孕产妇死亡率 ≤12/10万, 发病率 /万) is the rate's own unit,
            # and a satisfaction survey may be scored (≥4.5分 of 5, ≥90分 of 100).
            scored = ind.is_satisfaction and unit == "分"
            if unit not in self._PERCENT_LIKE and not unit.startswith("/") and not scored:
                yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw, unit=unit)
        elif ind.is_percent_name and ind.target.kind == TargetKind.qualitative and is_verifiable_outcome(ind):
            # "软件缺陷修复率 | 达标": a yes/no outcome where a share was asked for (a vague
            # one is ZB-M002's).
            yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw,
                           message="「{name}」是比率类指标，指标值「{value}」却不是百分比")


@register
class UnitMismatch(_IndicatorCheck):
    code = "ZB-M006"
    name = "unit-mismatch"
    title = "计量单位与指标名称不符"
    severity = Severity.warning
    message = "「{name}」是{kind}类指标，指标值「{value}」的单位“{unit}”不是{expected}"
    suggestion = "金额类指标用“元”“万元”（可带“/人”“/亩”），时间类指标用日期或“天”“月”等时间单位。"
    rationale = (
        "成本、经费、补助标准要用金额衡量，时间、期限、周期要用时间衡量；单位不符说明目标值"
        "写错了位置，或者考核的根本不是名称说的东西（如“差旅费 470人/天”）。"
    )
    bad = {"name": "检查差旅费", "level2": "成本指标", "target": "470人/天"}
    good = {"name": "检查差旅费", "level2": "成本指标", "target": "≤4.7万元"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        unit = ind.unit
        if not (ind.is_numeric and unit) or ind.is_date or ind.is_percent_name:
            return
        raw = ind.indicator.target_raw.strip()
        if lx.MONEY_NAME_RE.search(ind.name) and not ind.is_money_unit:
            yield self.hit(ind, evidence=raw, name=ind.indicator.name, kind="金额", value=raw, unit=unit,
                           expected="元或万元")
        elif lx.TIME_NAME_RE.search(ind.name) and not ind.is_time_unit and not ind.target.deadline:
            yield self.hit(ind, evidence=raw, name=ind.indicator.name, kind="时间", value=raw, unit=unit,
                           expected="时间单位")


@register
class PercentOnNonRateName(_IndicatorCheck):
    code = "ZB-M007"
    name = "percent-on-non-rate-name"
    title = "百分比目标的指标名称不是比率"
    severity = Severity.warning
    message = "指标名称「{name}」不是比率，指标值「{value}」却是百分比，看不出是什么的百分比"
    suggestion = (
        "把名称改成所考核的比率，写明分子分母（如“村集体经济收入增长率”“设备正常运转率”“文明施工检查达标率”），"
        "或改用数量、金额、是否达到等可核验的目标。"
    )
    rationale = (
        "“维护社会稳定 ≥95%”“促进村集体经济发展 ≥95%”“文明施工 ≥95%”没有说 95% 是什么占什么的比例，"
        "年底无法统计，也无法判断是否达到。比率类名称（…率、比例、占比、覆盖、进度、满意度、…性）、"
        "说明变化幅度的名称（较上年减少、增长）和名称里注明了“%”的不在此列；"
        "动作类名称写“100%”是“全部做到”的意思（“文保单位抢险维修 100%”），也不在此列。"
    )
    bad = {"name": "维护社会稳定", "level1": "效益指标", "level2": "社会效益指标", "target": "≥95%"}
    good = {"name": "矛盾纠纷调处化解率", "level1": "效益指标", "level2": "社会效益指标", "target": "≥95%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        name = ind.name
        # "100%" on an action reads as "all of it" (文保单位抢险维修 100%); a per-mille value
        # is written only for the few rates measured so (森林火灾受害面积 ≤0.9‰ is 受害率).
        if not name or ind.percent is None or ind.unit not in PERCENT_UNITS or ind.target.text:
            return
        if ind.target.value == 100 and ind.target.comparator in (None, "="):
            return
        if ind.is_percent_name or ind.is_satisfaction or "%" in unicodedata.normalize("NFKC", ind.indicator.name):
            return
        if lx.SHARE_WORD_RE.search(name) or lx.CHANGE_NAME_RE.search(name):
            return
        raw = ind.indicator.target_raw.strip()
        yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw)
