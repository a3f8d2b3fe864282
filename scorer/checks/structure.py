"""STRUCT 结构: levels from the official templates, the required coverage, a sensible
number of indicators, no duplicates, and a stated basis for each target."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import ClassVar

from scorer.checks import lexicon as lx
from scorer.checks.facts import DocumentFacts, IndicatorFacts, ProjectFacts, compact_key
from scorer.checks.registry import Check, register
from scorer.checks.specific import similar
from scorer.findings import Category, Finding, Severity
from scorer.taxonomy import (
    BENEFIT,
    OUTPUT,
    SATISFACTION,
    SERVICE_SATISFACTION,
    TEMPLATE_2021,
    is_valid_pair,
)

#: The taxonomy's answer for a (level 1, level 2, template): a few dozen distinct
#: questions, asked of every indicator.
_valid_pair = lru_cache(maxsize=1024)(is_valid_pair)

_SATISFACTION_ROW = {"level1": "满意度指标", "level2": "服务对象满意度指标"}


class _IndicatorCheck(Check):
    category = Category.STRUCT
    scope = "indicator"


class _ProjectCheck(Check):
    category = Category.STRUCT
    scope = "project"


class _UnknownLevel(_IndicatorCheck):
    """A written level the taxonomy cannot map (ST001 for level 1, ST002 for level 2)."""

    level: ClassVar[str]
    #: the message when the cell is empty (and nothing inherited a level from above).
    empty_message: ClassVar[str]

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if getattr(ind, self.level) is None:
            written = getattr(ind.indicator, self.level).strip()
            if written:
                yield self.hit(ind, evidence=written, level=written)
            else:
                yield self.hit(ind, message=self.empty_message)


@register
class UnknownLevel1(_UnknownLevel):
    code = "ZB-ST001"
    name = "unknown-level1"
    title = "一级指标不规范"
    level = "level1"
    severity = Severity.warning
    message = "一级指标「{level}」不在指标体系中"
    empty_message = "一级指标未填写"
    suggestion = "一级指标用“产出指标”“效益指标”“满意度指标”（2021 年版另有“成本指标”）。"
    rationale = (
        "财预〔2015〕88号和〔2021〕101号规定了一级指标：产出、效益（部门整体表为效果）、满意度，"
        "2021 年版增加成本。写成“项目决策”或留空的一级指标无法归类，也无法检查覆盖是否完整。"
    )
    bad = {"level1": "项目决策", "level2": "数量指标", "name": "宣传次数", "target": "≥2次"}
    good = {"level1": "产出指标", "level2": "数量指标", "name": "宣传次数", "target": "≥2次"}


@register
class UnknownLevel2(_UnknownLevel):
    code = "ZB-ST002"
    name = "unknown-level2"
    title = "二级指标不规范"
    level = "level2"
    severity = Severity.warning
    message = "二级指标「{level}」不在指标体系中"
    empty_message = "二级指标未填写"
    suggestion = "二级指标用数量、质量、时效、成本、经济效益、社会效益、生态效益、可持续影响、服务对象满意度等规范名称，一行只填一个。"
    rationale = "二级指标决定指标考核哪个方面；不规范或合并的名称（“社会、经济、生态效益指标”）无法归类。"
    bad = {"level1": "效益指标", "level2": "社会、经济、生态效益指标", "name": "车辆维护费用减少率", "target": "≥5%"}
    good = {"level1": "效益指标", "level2": "经济效益指标", "name": "车辆维护费用减少率", "target": "≥5%"}


@register
class Level2UnderWrongLevel1(_IndicatorCheck):
    code = "ZB-ST003"
    name = "level2-under-wrong-level1"
    title = "二级指标放错一级"
    severity = Severity.warning
    message = "二级指标「{level2}」不应放在一级指标「{level1}」下{template}"
    suggestion = "按模板归位：数量/质量/时效属于产出，经济/社会/生态效益和可持续影响属于效益，服务对象满意度属于满意度；2021 年版的经济/社会/生态环境成本属于成本。"
    rationale = (
        "二级指标放错一级（如“产出指标—社会效益”），或同一张表混用 2015 年版（产出下的成本）和"
        "2021 年版（成本作为一级）的写法，会让产出与效益、成本的覆盖判断失真。"
    )
    bad = {"level1": "产出指标", "level2": "社会效益", "name": "婴幼儿健康管理率", "target": "≥95%"}
    good = {"level1": "效益指标", "level2": "社会效益指标", "name": "婴幼儿健康管理率", "target": "≥95%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.level1 is None or ind.level2 is None:
            return
        template = ctx.document.projects[ind.project_index].template
        allowed = TEMPLATE_2021 if template == TEMPLATE_2021 else None
        if not _valid_pair(ind.level1, ind.level2, allowed):
            note = "（本表按 2021 年版成本指标填报）" if allowed else ""
            yield self.hit(ind, evidence=f"{ind.indicator.level1} / {ind.indicator.level2}",
                           level1=ind.indicator.level1, level2=ind.indicator.level2, template=note)


@register
class MissingCoverage(_ProjectCheck):
    code = "ZB-ST004"
    name = "missing-coverage"
    title = "缺少产出/效益/满意度指标"
    severity = Severity.warning
    message = "缺少{missing}指标"
    suggestion = "项目绩效目标表至少要有产出指标、效益指标和满意度指标各一项。"
    rationale = (
        "申报模板要求同时考核产出（做了什么）、效益（带来什么）和满意度（服务对象怎么看）；"
        "缺了其中一类，绩效目标就不完整。"
    )
    bad = {"indicators": [{"level1": "效果指标", "level2": "可持续影响指标", "name": "网格化设备在线率", "target": "≥90%"}]}
    good = {"indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "维护设备台数", "target": "≥120台"},
        {"level1": "效益指标", "level2": "可持续影响指标", "name": "网格化设备在线率", "target": "≥90%"},
        {**_SATISFACTION_ROW, "name": "使用单位满意度", "target": "≥90%"},
    ]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        if not project.indicators:
            return
        has = {
            "产出": any(i.level1 == OUTPUT for i in project.indicators),
            "效益": any(i.level1 == BENEFIT and i.level2 != SERVICE_SATISFACTION for i in project.indicators),
            "满意度": any(i.level2 == SERVICE_SATISFACTION or i.level1 == SATISFACTION for i in project.indicators),
        }
        missing = [group for group, present in has.items() if not present]
        if missing:
            # No evidence: nothing in the table is wrong, something is absent (the report
            # would show the missing level names as if they were the document's words).
            yield self.hit(project, missing="、".join(missing), details={"missing": missing})


@register
class IndicatorCount(_ProjectCheck):
    code = "ZB-ST005"
    name = "indicator-count"
    title = "指标数量过少或过多"
    severity = Severity.warning
    message = "本项目只有 {count} 个指标，少于 {minimum} 个"
    suggestion = "按产出、效益、满意度分别设置指标，一般每个项目 3–15 个；过多时合并同类、保留最能反映目标的指标。"
    rationale = "指标太少无法覆盖产出、效益和满意度；太多（阈值见配置）多半是把工作内容逐条列成指标，重点不突出。"
    bad = {"indicators": [{"name": "监测报告数量", "target": "12份"}]}
    good = {"indicators": [
        {"name": "监测报告数量", "target": "12份"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "监测数据有效率", "target": "≥90%"},
        {**_SATISFACTION_ROW, "name": "使用单位满意度", "target": "≥90%"},
    ]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        count = len(project.indicators)
        if count == 0:
            yield self.hit(project, severity=Severity.error, message="本项目没有绩效指标", count=0)
        elif count < self.thresholds.min_indicators:
            yield self.hit(project, evidence=str(count), count=count, minimum=self.thresholds.min_indicators)
        elif count > self.thresholds.max_indicators:
            yield self.hit(project, evidence=str(count), severity=Severity.info,
                           message="本项目有 {count} 个指标，多于 {maximum} 个", count=count,
                           maximum=self.thresholds.max_indicators)


@register
class DuplicateIndicator(_ProjectCheck):
    code = "ZB-ST006"
    name = "duplicate-indicator"
    title = "指标重复"
    severity = Severity.warning
    message = "指标「{name}」在本项目中重复出现（第 {first} 行已有）"
    suggestion = "删除重复的指标，或改成考核不同内容的名称（如把两个“完成率”分别写成采购按期完成率和设备验收合格率）。"
    rationale = "同一项目里名称相同的指标要么重复考核，要么名称没写清楚考核的不同内容，两种都要改。"
    bad = {"indicators": [
        {"level2": "时效指标", "name": "完成率", "description": "按期完成采购任务", "target": "100%"},
        {"level2": "质量指标", "name": "完成率", "description": "按期完成采购任务", "target": "100%"},
    ]}
    good = {"indicators": [
        {"level2": "时效指标", "name": "采购按期完成率", "target": "100%"},
        {"level2": "质量指标", "name": "设备验收合格率", "target": "100%"},
    ]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        first_seen: dict[str, IndicatorFacts] = {}
        for ind in project.indicators:
            if not ind.name_key:
                continue
            first = first_seen.setdefault(ind.name_key, ind)
            if first is not ind:
                row = first.location.row if first.location.row is not None else first.index + 1
                yield self.hit(ind, evidence=ind.indicator.name, name=ind.indicator.name, first=row)


@register
class DuplicateGoal(_ProjectCheck):
    code = "ZB-ST007"
    name = "duplicate-goal"
    title = "绩效目标重复"
    severity = Severity.warning
    message = "绩效目标 {second} 与目标 {first} 重复：「{text}」"
    suggestion = "删去重复的目标，或写出本项目另一项真正要实现的目标。"
    rationale = "重复的目标（“1、发放人员精神文明奖 2、发放人员精神文明奖”）说明目标是凑数填的，没有说明资金要办成什么。"
    bad = {"project": {"goals": ["发放人员精神文明奖", "发放人员精神文明奖"]},
           "indicators": [{"name": "奖金发放人数", "target": "120人"}]}
    good = {"project": {"goals": ["按考核结果发放人员精神文明奖", "年底前完成全部奖金发放"]},
            "indicators": [{"name": "奖金发放人数", "target": "120人"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        goals = project.project.goals
        keys = [compact_key(goal.text) for goal in goals]
        threshold = self.thresholds.duplicate_goal_similarity
        for j, (goal, key) in enumerate(zip(goals, keys)):
            for i in range(j):
                if key and similar(key, keys[i], threshold):
                    yield self.hit(project, evidence=goal.text, text=goal.text,
                                   first=goals[i].number or i + 1, second=goal.number or j + 1)
                    break


@register
class SatisfactionLevelMismatch(_IndicatorCheck):
    code = "ZB-ST008"
    name = "satisfaction-level-mismatch"
    title = "满意度指标与层级不符"
    severity = Severity.warning
    message = "{problem}"
    suggestion = "满意度指标只放服务对象对项目的满意程度；人数、收入、事件数等放到产出或效益指标下。"
    rationale = (
        "满意度指标下放了“受益人口”“安全事件发生数”这类不是满意度的指标，或满意度指标被放在"
        "社会效益下，都会让满意度覆盖判断出错。"
    )
    bad = {**_SATISFACTION_ROW, "name": "因粮食市场波动引起的粮食安全事件发生数", "target": "0起"}
    good = {**_SATISFACTION_ROW, "name": "储备粮承储企业满意度", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if not ind.name:
            return
        if ind.in_satisfaction_level and not ind.is_satisfaction:
            yield self.hit(ind, evidence=ind.indicator.name,
                           problem=f"「{ind.indicator.name}」放在满意度指标下，但考核的不是满意度")
        elif ind.is_satisfaction and ind.level2 is not None and not ind.in_satisfaction_level:
            yield self.hit(ind, evidence=ind.indicator.level2,
                           problem=f"满意度指标「{ind.indicator.name}」放在了「{ind.indicator.level2}」下")


def _project_or_rows(
    check: Check, project: ProjectFacts, rows: list[IndicatorFacts],
    params: Callable[[IndicatorFacts], dict] = lambda row: {},
) -> Iterator[Finding]:
    """One finding for the project when every indicator has the same basis problem (one
    line for a reviewer instead of a line per row), else one per affected row."""
    if not rows:
        return
    if len(rows) == len(project.indicators) and len({r.indicator.basis.strip() for r in rows}) == 1:
        yield check.hit(project, evidence=rows[0].indicator.basis.strip(), scope_note="本项目全部指标", **params(rows[0]))
    else:
        for row in rows:
            yield check.hit(row, evidence=row.indicator.basis.strip(), scope_note="本指标", **params(row))


@register
class EmptyBasis(_ProjectCheck):
    code = "ZB-ST009"
    name = "empty-basis"
    title = "未填指标值确定依据"
    severity = Severity.info
    message = "{scope_note}未填写指标值确定依据"
    suggestion = "注明目标值的依据：历史标准、行业标准、计划标准或其他，并写明出处（如“计划标准：《××实施方案》”）。"
    rationale = "指标值确定依据说明目标值从何而来，审核时据此判断目标是否合理；空着等于目标值没有依据。"
    bad = {"project": {"code": "000-9999-JSN-0448"},
           "indicators": [{"name": "监测报告数量", "target": "12份", "basis": ""}]}
    good = {"project": {"code": "000-9999-JSN-0448"},
            "indicators": [{"name": "监测报告数量", "target": "12份", "basis": "计划标准：年度监测方案"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        # A table without a basis column (the 2015 template, many 自评表 and 部门整体 tables)
        # does not ask for one; without a header row to say so, no basis anywhere in the
        # document and no project header block mean the same.
        columns = project.project.indicator_columns
        if "basis" not in columns and (columns or not project.has_header and not any(
                i.indicator.basis.strip() for i in ctx.document.indicators())):
            return
        yield from _project_or_rows(self, project, [i for i in project.indicators if not i.indicator.basis.strip()])


@register
class UnclassifiedBasis(_ProjectCheck):
    code = "ZB-ST010"
    name = "unclassified-basis"
    title = "指标值确定依据未归类"
    severity = Severity.info
    message = "{scope_note}的指标值确定依据「{basis}」不属于历史标准、行业标准、计划标准或其他"
    suggestion = "先写依据类别（历史标准/行业标准/计划标准/其他），再写具体出处，如“计划标准：《定州市2019年农村生活污水治理实施方案》”。"
    rationale = (
        "申报表的依据栏按历史标准、行业标准、计划标准、其他四类填写；只写“相关文件”“政府批示”"
        "或一个文件名，看不出目标值是按往年水平、行业水平还是计划测算定的。"
        "成本指标按预算支出标准（“预算标准”“预算支出标准”）取值的，也是一类依据。"
    )
    bad = {"indicators": [{"name": "监测报告数量", "target": "12份", "basis": "相关文件"}]}
    good = {"indicators": [{"name": "监测报告数量", "target": "12份", "basis": "计划标准：年度监测方案"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        rows = [i for i in project.indicators
                if i.indicator.basis.strip() and not lx.BASIS_CATEGORY_RE.search(i.indicator.basis)]
        yield from _project_or_rows(self, project, rows, lambda row: {"basis": row.indicator.basis.strip()})


@register
class MissingGoals(_ProjectCheck):
    code = "ZB-ST011"
    name = "missing-goals"
    title = "未填绩效目标"
    severity = Severity.warning
    message = "本项目没有填写绩效目标"
    suggestion = "写明资金在预算年度内要实现的产出和效果，分条编号，如“1、完成××户农村生活污水治理”。"
    rationale = ("绩效目标是设置指标的依据；没有目标，指标是否相关、是否完整都无从判断。"
                 "每行一个指标、项目名称占一列的汇总表没有绩效目标列时不报告（表中没有填写的位置）。")
    bad = {"project": {"code": "000-9999-JSN-0448", "goals": []}, "indicators": [{"name": "监测报告数量", "target": "12份"}]}
    good = {"project": {"goals": ["全年出具空气质量监测月报12期"]}, "indicators": [{"name": "监测报告数量", "target": "12份"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        if project.has_no_column_for("goals"):
            return
        if project.has_header and not project.project.goals and not project.project.goals_raw.strip():
            yield self.hit(project)


@register
class NoProjects(Check):
    code = "ZB-ST012"
    name = "no-projects"
    title = "没有绩效目标表"
    category = Category.STRUCT
    severity = Severity.error
    scope = "document"
    message = "文件中没有找到任何绩效目标表（项目及其指标）"
    suggestion = "确认提交的是绩效目标表本身（含一级、二级、三级指标和指标值的表格），而不是说明文字或封面。"
    rationale = "没有项目和指标就无从审核和打分；多半是上传错了文件，或表格被转成了图片、文本框。"
    bad = {"projects": []}
    good = {"indicators": [{"name": "监测报告数量", "target": "12份"}]}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        if not doc.projects:
            yield self.hit(doc)
