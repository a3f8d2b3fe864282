"""T 有时限: timeliness indicators say by when, and each project states some time frame
for its goals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts, ProjectFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity
from scorer.taxonomy import TIMELINESS


@register
class TimelinessWithoutTime(Check):
    code = "ZB-T001"
    name = "timeliness-without-time"
    title = "时效指标没有时间要求"
    category = Category.T
    severity = Severity.warning
    scope = "indicator"
    message = "时效指标「{name}」没有时间要求（目标值「{value}」）"
    suggestion = "写明完成时限（如“2020年12月底前”）或以时间衡量的比率（如“按期完成率 =100%”“资金支付及时率”）。"
    rationale = (
        "时效指标考核的是什么时候完成。名称、描述和目标值里都没有日期、期限、时长或“及时/按期”"
        "之类的时间要求的，实际上不是时效指标（如放在时效指标下的“完成率 >10”）。"
    )
    bad = {"name": "完成率", "level2": "时效指标", "target": "≥90%"}
    good = {"name": "项目完成时间", "level2": "时效指标", "target": "2020年12月底前"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.level2 == TIMELINESS and not ind.has_timing:
            raw = ind.indicator.target_raw.strip()
            yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw or "空")


@register
class NoTimeFrame(Check):
    code = "ZB-T002"
    name = "no-time-frame"
    title = "项目没有时间范围"
    category = Category.T
    severity = Severity.info
    scope = "project"
    message = "绩效目标、资金用途和各项指标都没有时间要求"
    suggestion = "在绩效目标中写明完成时间（如“2020年底前完成…”），或设置带期限的时效指标。"
    rationale = (
        "目标要有完成期限才能考核进度。项目的绩效目标、资金用途和全部指标都没有日期、期限、"
        "“按期/及时”等时间要求时，无法判断是否按时完成。项目名称里的年份只说明预算年度，不算。"
    )
    bad = {"project": {"name": "大气污染防治网格化监测设备运维服务", "goals": ["保障设备稳定运行"]},
           "indicators": [{"name": "网格化设备在线率", "target": "≥90%"}]}
    good = {"project": {"name": "大气污染防治网格化监测设备运维服务", "goals": ["2020年底前完成全部设备年度维护"]},
            "indicators": [{"name": "网格化设备在线率", "target": "≥90%"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        p = project.project
        if not project.has_header:
            return
        if lx.TIMING_RE.search(f"{p.goals_raw} {' '.join(g.text for g in p.goals)} {p.fund_use}"):
            return
        if not project.indicators or any(i.has_timing for i in project.indicators):
            return
        yield self.hit(project, evidence=p.goals_raw)


#: A year in a project name or a document title: 2024年, 2024 年度, or the first year of a
#: span (2018-2020年, 2018至2020年).
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)(?=[^年]{0,8}年)")


def budget_year(project: ProjectFacts, title: str) -> int | None:
    """The earliest year the project's name states, else the document title's; None when
    neither says. The earliest, so that a 2018—2020年 project accepts a 2019 deadline."""
    for text in (project.project.name, title):
        years = [int(y) for y in _YEAR_RE.findall(text or "")]
        if years:
            return min(years)
    return None


@register
class DeadlineBeforeBudgetYear(Check):
    code = "ZB-T003"
    name = "deadline-before-budget-year"
    title = "完成时限早于项目年度"
    category = Category.T
    severity = Severity.warning
    scope = "project"
    message = "「{name}」的完成时限「{value}」早于项目年度 {year} 年"
    suggestion = "改为项目年度内的时限（如“本年12月底前”写明年份）；多年项目在名称中写明起止年份。"
    rationale = (
        "2024 年的项目把完成时间写成“2019年12月底前”，是照抄往年表格没改，考核时无从对照。"
        "项目年度取项目名称里最早的年份，名称没有时取文件标题里的年份。"
    )
    bad = {"project": {"name": "2024年就业技能培训项目"},
           "indicators": [{"name": "培训完成时间", "level2": "时效指标", "target": "2019年12月底前"}]}
    good = {"project": {"name": "2024年就业技能培训项目"},
            "indicators": [{"name": "培训完成时间", "level2": "时效指标", "target": "2024年12月底前"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        year = budget_year(project, getattr(ctx.document.document, "title", "") or "")
        if year is None:
            return
        for ind in project.indicators:
            deadline = ind.target.deadline or ""
            match = re.match(r"(20\d{2})-\d{2}-\d{2}$", deadline)
            if match and int(match.group(1)) < year:
                raw = ind.indicator.target_raw.strip()
                yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw, year=year)
