"""R 相关: every goal is measured by some indicator, and every indicator measures something
the project is for.

Both checks ask the context's goal matcher (:mod:`scorer.checks.matching`), so the
keyword version used by default is replaced by an embedding version through the
``goal_matcher`` setting, with no change here.
"""

from __future__ import annotations

from collections.abc import Iterator

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts, ProjectFacts
from scorer.checks.registry import Check, register
from scorer.checks.specific import is_generic_name
from scorer.findings import Category, Finding, Severity
from scorer.taxonomy import TIMELINESS


def is_process_row(ind: IndicatorFacts) -> bool:
    """A row that says at what cost or by when, by its name (年度运维费用, 工程竣工时间) or
    by where the table files it (亩均财政投入 under 成本指标, 每月10日前 under 时效指标):
    any project has them, whatever its goals are."""
    return ind.is_time_or_cost or ind.in_cost_level or (ind.level2 == TIMELINESS and ind.has_timing)


def _matcher_details(ctx, relation) -> dict:
    return {"matcher": ctx.goal_matcher.name, "score": relation.score, "shared": list(relation.evidence)}


@register
class IndicatorServesNoGoal(Check):
    code = "ZB-R001"
    name = "indicator-serves-no-goal"
    title = "指标与项目目标无关"
    category = Category.R
    severity = Severity.warning
    scope = "indicator"
    uses_goal_matcher = True
    message = "指标「{name}」与本项目的绩效目标、资金用途都对不上"
    suggestion = "删除与本项目无关的指标，或换成衡量本项目绩效目标的指标；确属相关的，在指标描述中写明对应哪个目标。"
    rationale = (
        "指标要衡量本项目资金办成的事。与项目名称、资金用途、绩效目标和同表其他指标都没有"
        "共同内容的指标（如“专项人员经费”下的“参与政府决策活动次数”），多半是从别的项目套来的。"
        "满意度、资金执行、及时率等通用指标，时间、成本类指标（“工程竣工时间”“年度运维费用”，"
        "以及填在成本指标下或带时间要求填在时效指标下的指标：哪个项目都有）"
        "和过于笼统的名称（见 ZB-S001）不在此列。"
    )
    bad = {"project": {"name": "专项人员经费", "fund_use": "保障退役安置人员和劳务派遣人员工资及保险",
                       "goals": ["保障退役安置人员工资及保险", "保障劳务派遣人员工资及保险"]},
           "indicators": [{"name": "参与政府决策活动次数", "level1": "效益指标", "level2": "社会效益指标",
                           "description": "参与决策咨询活动次数", "target": ">10次"}]}
    good = {"project": bad["project"],
            "indicators": [{"name": "劳务派遣人员工资按月发放率", "level1": "产出指标", "level2": "时效指标",
                            "description": "按月足额发放工资的月数/12", "target": "=100%"}]}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        project = ctx.document.projects[ind.project_index]
        if not project.project.goals or not ind.name or ind.is_satisfaction:
            return
        if lx.COMMON_INDICATOR_RE.search(ind.name) or is_generic_name(ind.name) or is_process_row(ind):
            return
        relation = ctx.goal_matcher.indicator_related(project, ind)
        if relation is not None and not relation.related:
            yield self.hit(ind, evidence=ind.indicator.name, name=ind.indicator.name,
                           details=_matcher_details(ctx, relation))


@register
class GoalWithoutIndicator(Check):
    code = "ZB-R002"
    name = "goal-without-indicator"
    title = "绩效目标没有指标衡量"
    category = Category.R
    severity = Severity.warning
    scope = "project"
    uses_goal_matcher = True
    message = "绩效目标{number}「{goal}」没有指标衡量"
    suggestion = "为这条目标设置至少一个产出或效益指标（数量、质量、时效或效果），或删去不打算考核的目标。"
    rationale = (
        "绩效目标要靠指标考核；没有任何指标提到的目标，年底无法判断是否实现。满意度指标衡量的是"
        "服务整体，不算衡量某条目标；只有套话、没有具体内容的目标（“按要求完成工作”）不作判断。"
    )
    bad = {"project": {"name": "农村环境整治项目", "goals": ["改善农村生态环境", "处理农村生活垃圾"]},
           "indicators": [{"name": "结项鉴定优良率", "target": ">50%"},
                          {"name": "群众满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}]}
    good = {"project": bad["project"],
            "indicators": [{"name": "农村生活垃圾无害化处理率", "target": "≥90%"},
                           {"name": "农村生态环境质量达标村数", "target": "≥30个"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        indicators = [i for i in project.indicators if not i.is_satisfaction and not i.in_satisfaction_level]
        relations = ctx.goal_matcher.goals_measured(project, indicators)
        seen: set[str] = set()
        for goal, relation in zip(project.project.goals, relations, strict=True):
            if relation is None or relation.related or goal.text in seen:
                continue
            seen.add(goal.text)
            number = "" if goal.number is None else f" {goal.number}"
            yield self.hit(project, evidence=goal.text, number=number, goal=goal.text,
                           details=_matcher_details(ctx, relation))
