"""FIN 资金: the budget adds up and the 资金支出计划 is a cumulative schedule that reaches
100% of the money by its last month.

The plan cells are cumulative percentages by month end (3月底 25, 6月底 55 … 12月底 100).
Checks about the budget and plan run only when the table has that block (pasted
indicator rows without a header have neither, and that is not a defect).
"""

from __future__ import annotations

from collections.abc import Iterator

from scorer.checks.facts import ProjectFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity

_FULL_PLAN = {3: "25.00", 6: "50.00", 10: "75.00", 12: "100.00"}
_CLOSE = 0.01


def _plan(project: ProjectFacts) -> list[tuple[int, float | None]]:
    plan = project.project.spending_plan
    return sorted(plan.values.items()) if plan else []


def _filled(project: ProjectFacts) -> list[tuple[int, float]]:
    return [(m, v) for m, v in _plan(project) if v is not None]


def _plan_text(project: ProjectFacts) -> str:
    plan = project.project.spending_plan
    return "，".join(f"{m}月底 {plan.raw.get(m) or '空'}" for m in sorted(plan.raw)) if plan else ""


def _months(months: list[int]) -> str:
    return "、".join(f"{m}月底" for m in months)


class _ProjectCheck(Check):
    category = Category.FIN
    scope = "project"


@register
class BudgetSumMismatch(_ProjectCheck):
    code = "ZB-F001"
    name = "budget-sum-mismatch"
    title = "预算数与资金来源不符"
    severity = Severity.error
    message = "预算数 {total} 万元不等于财政资金 {fiscal} 万元与其他资金 {other} 万元之和"
    suggestion = "核对预算数、财政资金和其他资金，使预算数 = 财政资金 + 其他资金。"
    rationale = "预算数由财政资金和其他资金组成，两者之和与预算数不符说明其中一个数填错了。"
    bad = {"project": {"budget": [120.0, 100.0, 10.0]}, "indicators": []}
    good = {"project": {"budget": [120.0, 100.0, 20.0]}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        p = project.project
        if p.budget_total is None or (p.budget_fiscal is None and p.budget_other is None):
            return
        fiscal, other = p.budget_fiscal or 0.0, p.budget_other or 0.0
        if abs(p.budget_total - fiscal - other) > self.thresholds.budget_tolerance:
            yield self.hit(project, evidence=f"{p.budget_total:g} ≠ {fiscal:g} + {other:g}",
                           total=f"{p.budget_total:g}", fiscal=f"{fiscal:g}", other=f"{other:g}")


@register
class BudgetMissing(_ProjectCheck):
    code = "ZB-F002"
    name = "budget-missing"
    title = "预算数缺失"
    severity = Severity.warning
    message = "预算数未填写或无法识别（「{raw}」）"
    suggestion = "填写项目预算数（万元），如“60.00”。"
    rationale = "没有预算数就无法判断资金规模与目标、指标是否相称，也无法按资金加权汇总部门得分。"
    bad = {"project": {"budget": [None, 60.0, None]}, "indicators": []}
    good = {"project": {"budget": [60.0, 60.0, None]}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        p = project.project
        if p.budget_total is None and (p.budget_raw or p.budget_fiscal is not None):
            raw = p.budget_raw.get("total", "")
            yield self.hit(project, evidence=raw, raw=raw or "空")


@register
class PlanOutOfRange(_ProjectCheck):
    code = "ZB-F003"
    name = "plan-out-of-range"
    title = "支出计划超出0–100%"
    severity = Severity.error
    message = "资金支出计划有超出 0–100% 的值：{values}"
    suggestion = "支出计划按累计占预算的百分比填写，每个值在 0 到 100 之间。"
    rationale = "支出计划是累计支出占预算的比例，不可能为负或超过 100%。"
    bad = {"project": {"plan": {3: "30", 6: "60", 10: "90", 12: "120"}}, "indicators": []}
    good = {"project": {"plan": _FULL_PLAN}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        bad = [(m, v) for m, v in _filled(project) if v < 0 or v > 100 + _CLOSE]
        if bad:
            yield self.hit(project, evidence=_plan_text(project), values="，".join(f"{m}月底 {v:g}%" for m, v in bad))


@register
class PlanNotCumulative(_ProjectCheck):
    code = "ZB-F004"
    name = "plan-not-cumulative"
    title = "支出计划不是累计比例"
    severity = Severity.warning
    message = "资金支出计划不是累计比例：{month}月底的 {value:g}% 小于之前的 {previous:g}%{note}"
    suggestion = "每个月底填截至当时累计支出占预算的百分比，逐月不减，最后一期为 100%。"
    rationale = (
        "支出计划按累计口径填报，后一期不能小于前一期。出现下降多半是把各期支出比例当成累计"
        "比例填了（如 20、35、20、25，合计 100）；各期不降但合计正好 100、最后一期不到 100（25、25、25、25）也是。"
    )
    bad = {"project": {"plan": {3: "20", 6: "35", 10: "20", 12: "25"}}, "indicators": []}
    good = {"project": {"plan": {3: "20", 6: "55", 10: "75", 12: "100"}}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        filled = _filled(project)
        shares = len(filled) >= 2 and abs(sum(v for _, v in filled) - 100) <= _CLOSE
        for (_, previous), (month, value) in zip(filled, filled[1:], strict=False):
            if value < previous - _CLOSE:
                note = "；各期合计 100%，像是按期分配比例而非累计比例" if shares else ""
                yield self.hit(project, evidence=_plan_text(project), month=month, value=value,
                               previous=previous, note=note)
                return
        if shares and len(filled) >= 3 and filled[-1][1] < 100 - _CLOSE:
            # Never falling, yet adding up to 100 and ending short of it (25、25、25、25; with
            # two periods, 50、50 may as well be a plan that stops half-way: ZB-F005's).
            month, value = filled[-1]
            yield self.hit(project, evidence=_plan_text(project), month=month, value=value,
                           message="资金支出计划各期合计 100%，最后一期（{month}月底）只有 {value:g}%：像是按期分配比例而非累计比例")


@register
class PlanNotReachingFull(_ProjectCheck):
    code = "ZB-F005"
    name = "plan-not-reaching-100"
    title = "支出计划未达到100%"
    severity = Severity.warning
    message = "资金支出计划最后一期（{month}月底）为 {value:g}%，没有达到 100%"
    suggestion = "支出计划的最后一期应为 100%，表示预算年度内资金全部支出；确需跨年的写明原因。"
    rationale = "累计支出计划到年底应支出全部预算；停在 50%、30% 说明计划没填完或把分期比例当累计填。"
    bad = {"project": {"plan": {3: "50", 6: "50", 10: "", 12: ""}}, "indicators": []}
    good = {"project": {"plan": {3: "50", 6: "100", 10: "", 12: ""}}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        filled = _filled(project)
        if filled and abs(filled[-1][1] - 100) > _CLOSE:
            month, value = filled[-1]
            yield self.hit(project, evidence=_plan_text(project), month=month, value=value)


@register
class PlanBlankAfterValue(_ProjectCheck):
    code = "ZB-F006"
    name = "plan-blank-after-value"
    title = "支出计划中间空缺"
    severity = Severity.info
    message = "资金支出计划在 {months} 未填，而此前已有支出"
    suggestion = "累计比例在开始支出后每期都要填；已全部支出的，后面各期填 100。"
    rationale = "开始支出以后空着的月份无法判断是没有支出还是漏填；累计口径下应填截至当时的累计数。"
    bad = {"project": {"plan": {3: "30", 6: "100", 10: "", 12: ""}}, "indicators": []}
    good = {"project": {"plan": {3: "", 6: "30", 10: "100", 12: "100"}}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        plan = _plan(project)
        started = next((i for i, (_, v) in enumerate(plan) if v is not None), None)
        if started is None:
            return
        blanks = [m for m, v in plan[started:] if v is None]
        if blanks:
            yield self.hit(project, evidence=_plan_text(project), months=_months(blanks))


@register
class PlanMissing(_ProjectCheck):
    code = "ZB-F007"
    name = "plan-missing"
    title = "没有支出计划"
    severity = Severity.warning
    message = "没有填写资金支出计划"
    suggestion = "按月底累计支出占预算的百分比填写支出计划（如 3月底 25、6月底 50、10月底 75、12月底 100）。"
    rationale = (
        "支出计划是预算执行监控的依据；表格留有支出计划栏、有预算数却没有填写任何支出计划，无法跟踪执行进度。"
        "表格本身没有支出计划栏（如财预〔2021〕101号的项目支出绩效目标表）时不报告，除非同一文件的其他项目有。"
    )
    bad = {"project": {"budget": [60.0, 60.0, None], "plan": {3: "", 6: "", 10: "", 12: ""}}, "indicators": []}
    good = {"project": {"budget": [60.0, 60.0, None], "plan": _FULL_PLAN}, "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        p = project.project
        has_budget_block = bool(p.budget_raw) or p.budget_total is not None
        if not has_budget_block or _filled(project):
            return
        # Only a template that asks for a plan can be faulted for an empty one: this
        # project's plan rows, or another project of the same document that has them.
        if p.spending_plan is None and not ctx.document.has_spending_plan:
            return
        yield self.hit(project, evidence=_plan_text(project))
