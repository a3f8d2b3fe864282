"""T 有时限: timeliness indicators say by when, and each project states some time frame
for its goals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

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
        "每行一个指标的汇总表既没有绩效目标列也没有资金用途列时不报告。"
    )
    bad = {"project": {"name": "大气污染防治网格化监测设备运维服务", "goals": ["保障设备稳定运行"]},
           "indicators": [{"name": "网格化设备在线率", "target": "≥90%"}]}
    good = {"project": {"name": "大气污染防治网格化监测设备运维服务", "goals": ["2020年底前完成全部设备年度维护"]},
            "indicators": [{"name": "网格化设备在线率", "target": "≥90%"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        p = project.project
        if not project.has_header or project.has_no_column_for("goals") and project.has_no_column_for("fund_use"):
            return
        if lx.TIMING_RE.search(f"{p.goals_raw} {' '.join(g.text for g in p.goals)} {p.fund_use}"):
            return
        if not project.indicators or any(i.has_timing for i in project.indicators):
            return
        yield self.hit(project, evidence=p.goals_raw)


#: A budget year: 2024年, 2024年度, or the first year of a span (2018-2020年, 2023—2025年);
#: not 2050亩 or 2026年省运会 inside a name (a count, an event).
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?=\s*(?:年|[-—–~至到]\s*20\d{2}\s*年))")
#: A target that says by when: 2023年底前, 2023年度内完成, 2023年12月31日.
_DEADLINE_WORD_RE = re.compile(r"20\d{2}\s*年.{0,6}(?:前|底|内|止|完成|日)")
#: A date with its month: 2023年12月, 2023.12.31, 2023/12/31.
_FULL_DATE_RE = re.compile(r"20\d{2}\s*[./\-年]\s*\d{1,2}\s*(?:[./\-月]|$)")
#: Rows whose date is a reference point, not a deadline (审计基准日, 数据时点, 截至…).
_REFERENCE_DATE_RE = re.compile(r"基准|时点|截至|截止日期|基期|基年|统计日")


#: An event a year names (2025年世界运动会, 2024年中国国际进口博览会, 2026年省运会): the
#: year the event is held, which a venue or preparation budget precedes, not a budget year.
_EVENT_RE = re.compile(
    r"运动会|[亚奥冬残]运会|[全省市州县]运会|世运会|博览会|[世进]博会|展览会|展销会|交易会|洽谈会|"
    r"峰会|论坛|年会|大会|艺术节|文化节|旅游节|电影节|音乐节|锦标赛|联赛|公开赛|大赛|"
    r"杯赛|邀请赛|马拉松|赛事|庆典|纪念活动|周年"
)
#: A year and the words right after it (2025年世界运动会场馆…); 2024年度 is a budget year.
_YEAR_PHRASE_RE = re.compile(r"(?<!\d)(20\d{2})\s*年(?!度)(.{0,12})")
#: Where a name's own words start: the event a year names comes before them.
_PROJECT_WORD_RE = re.compile(r"项目|工程|经费|资金|专项")


def names_event(text: str, year: str) -> bool:
    """Whether ``year`` in ``text`` is the year of an event the text names right after it
    (2025年世界运动会场馆改造项目), rather than a budget year (2024年就业技能培训项目)."""
    for match in _YEAR_PHRASE_RE.finditer(text):
        if match.group(1) == year and _EVENT_RE.search(_PROJECT_WORD_RE.split(match.group(2), maxsplit=1)[0]):
            return True
    return False


def budget_year(project: ProjectFacts, title: str, headings: tuple[str, ...] = ()) -> int | None:
    """The budget year: the first of ``headings`` (the table's own heading, 项目支出绩效目标表
    （2025年度）) and the document title (2024年部门预算…) that names one, else a year the
    project's name starts with (2024年就业技能培训项目; the first of a span). A year later in
    a name is often an event or a plan (迎接2026年省运会, 2035年远景目标), not the budget's, and
    so is a year that names an event (2025年世界运动会场馆改造项目)."""
    # A budget is for this year or the next: a later year is a plan's horizon (2035年远景目标).
    latest_budget = date.today().year + 1
    for text in (*headings, title or ""):
        years = [int(y) for y in _YEAR_RE.findall(text) if int(y) <= latest_budget and not names_event(text, y)]
        if years:
            return min(years)
    name = (project.project.name or "").strip()
    match = _YEAR_RE.match(name)
    if not match or int(match.group(1)) > latest_budget or names_event(name, match.group(1)):
        return None
    return int(match.group(1))


def latest_year(raw: str) -> int | None:
    """The latest year a target names (the end of 2023年9月-2024年7月), when it says by
    when: a deadline word or a date."""
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2})\s*(?:年|[.\-/]\d{1,2})", raw)]
    return max(years) if years else None


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
        "项目年度取本表表头（“项目支出绩效目标表（2025年度）”）或文件标题里的年份，都没有时取前面表格表头的年份，"
        "再没有时取项目名称开头的年份（多年项目取起始年）；"
        "年份后面是运动会、博览会、峰会等活动名称的（“2025年世界运动会场馆改造项目”），"
        "是活动举办的年份而不是预算年度，不据此判断。"
        "时限取指标值里最晚的年份（2023年9月-2024年7月 算 2024 年），基准日、时点类指标不查。"
    )
    bad = {"project": {"name": "2024年就业技能培训项目"},
           "indicators": [{"name": "培训完成时间", "level2": "时效指标", "target": "2019年12月底前"}]}
    good = {"project": {"name": "2024年就业技能培训项目"},
            "indicators": [{"name": "培训完成时间", "level2": "时效指标", "target": "2024年12月底前"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        # The table's own heading first (a 2021/2015 table says its year there, under the
        # title line: 项目支出绩效目标表（2025年度）); a heading above several tables holds for
        # those after it that have none of their own.
        document = ctx.document.document
        earlier = [p.title for p in reversed(document.projects[:project.index]) if p.title][:1]
        year = budget_year(project, "", (project.project.title or "", getattr(document, "title", "") or "", *earlier))
        if year is None:
            return
        for ind in project.indicators:
            raw = ind.indicator.target_raw.strip()
            dated = ind.target.deadline or _DEADLINE_WORD_RE.search(raw) or _FULL_DATE_RE.search(raw)
            if not dated or _REFERENCE_DATE_RE.search(ind.indicator.name):
                continue
            latest = latest_year(raw)
            if latest is not None and latest < year:
                yield self.hit(ind, evidence=raw, name=ind.indicator.name, value=raw, year=year)
