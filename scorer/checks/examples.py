"""Small documents built from the example specs checks declare (``bad`` / ``good``).

A spec is one of:

* an indicator: ``{"name": "群众满意度", "level2": "服务对象满意度指标", "target": "<10"}``;
* a project: ``{"project": {"name": …, "goals": […], "plan": {3: "25", …}}, "indicators": […]}``;
* a document: ``{"projects": [<project spec>, …]}``.

Indicator keys: level1, level2, name, description, target (the 指标值 as written), basis,
junk. Project keys: name, code, title, fund_use, budget ``[total, fiscal, other]``, plan
``{month: text}``, goals (list of texts), junk. Missing levels default to 产出/数量.
"""

from __future__ import annotations

from typing import Any

from scorer.document import Document, Goal, Indicator, Location, Project, SpendingPlan
from scorer.values import parse_amount, parse_target

EXAMPLE_FILE = "<example>"


def _indicator(spec: dict[str, Any], project: int, row: int) -> Indicator:
    raw = str(spec.get("target", ""))
    return Indicator(
        level1=spec.get("level1", "产出指标"),
        level2=spec.get("level2", "数量指标"),
        name=spec.get("name", ""),
        description=spec.get("description", ""),
        target_raw=raw,
        target=parse_target(raw),
        basis=spec.get("basis", ""),
        junk=list(spec.get("junk", [])),
        location=Location(file=EXAMPLE_FILE, project=project, row=row),
    )


def _project(spec: dict[str, Any], index: int) -> Project:
    fields = spec.get("project", {})
    budget = [*fields.get("budget", []), None, None, None][:3]
    plan = fields.get("plan")
    base_row = 100 * (index + 1)
    return Project(
        index=index,
        code=fields.get("code", ""),
        name=fields.get("name", "示例项目"),
        title=fields.get("title", ""),
        fund_use=fields.get("fund_use", ""),
        budget_total=budget[0],
        budget_fiscal=budget[1],
        budget_other=budget[2],
        spending_plan=None if plan is None else SpendingPlan(
            raw={int(m): str(v) for m, v in plan.items()},
            values={int(m): parse_amount(str(v)) for m, v in plan.items()},
        ),
        goals_raw="\n".join(fields.get("goals", [])),
        goals=[Goal(number=n, text=t) for n, t in enumerate(fields.get("goals", []), start=1)],
        indicators=[_indicator(s, index, base_row + 1 + i) for i, s in enumerate(spec.get("indicators", []))],
        junk=list(fields.get("junk", [])),
        location=Location(file=EXAMPLE_FILE, project=index, row=base_row),
    )


def build_example(spec: dict[str, Any]) -> Document:
    """The document a spec describes."""
    if "projects" in spec:
        project_specs = spec["projects"]
    elif "project" in spec or "indicators" in spec:
        project_specs = [spec]
    else:
        project_specs = [{"indicators": [spec]}]
    return Document(
        source=EXAMPLE_FILE,
        format="example",
        department=spec.get("department", ""),
        projects=[_project(s, i) for i, s in enumerate(project_specs)],
    )
