"""The typed document model every parser produces and every later stage reads.

Document → Project → Indicator, plus the department-level goals. Values are kept
exactly as the document wrote them (``raw`` fields, the document's own level names);
parsed forms sit beside them so that output never loses the reviewer's words.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Bumped whenever a field is added, renamed or changes meaning.
SCHEMA_VERSION = "1.2"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Model):
    """Where a value came from, precise enough for a reviewer to find the cell."""

    file: str | None = None
    #: 0-based index of the project (table) in the document.
    project: int | None = None
    #: 1-based line (text inputs) or row (spreadsheets) where the row starts.
    row: int | None = None
    #: 1-based cell (column) index within that row.
    cell: int | None = None
    #: sheet name (xlsx) or table number (docx), when the format has one.
    table: str | None = None

    def label(self) -> str:
        parts = [self.file or "<input>"]
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        return ":".join(parts[:1]) + ("" if len(parts) == 1 else " " + ", ".join(parts[1:]))

    def label_zh(self) -> str:
        """`` 预算表.xlsx（表格 Sheet1，第 3 行，第 2 格）``, for Chinese messages; the
        file by its last part ("paste" for a paste, which says nothing to a reviewer)."""
        name = (self.file or "").replace("\\", "/").rsplit("/", 1)[-1]
        name = "" if name in ("", "paste", "-", "<input>", "<stdin>") else f" {name}"
        parts = [f"表格 {self.table}" if self.table is not None else "",
                 f"第 {self.row} 行" if self.row is not None else "",
                 f"第 {self.cell} 格" if self.cell is not None else ""]
        inside = "，".join(p for p in parts if p)
        return name + (f"（{inside}）" if inside else "")


class TargetKind(str, Enum):
    numeric = "numeric"  # ≥95%, 20座, ≤30日
    deadline = "deadline"  # 2020年12月底前, 年底前
    qualitative = "qualitative"  # 按要求完成, 持续改善
    empty = "empty"


Comparator = Literal[">=", ">", "<=", "<", "=", "~"]


class Target(_Model):
    """A parsed 指标值."""

    kind: TargetKind
    raw: str
    comparator: Comparator | None = None
    value: float | None = None
    #: upper bound when the value is a range (80%-90%).
    value_max: float | None = None
    unit: str | None = None
    #: normalised deadline text ("2020-12-31", "年底前", "当年"), when one is given.
    deadline: str | None = None
    #: true when the comparator was implied (a bare number) rather than written.
    comparator_implied: bool = False
    #: the qualitative remainder once number and unit are taken away.
    text: str | None = None


class Indicator(_Model):
    level1: str = ""
    level2: str = ""
    name: str = ""  # 三级指标
    description: str = ""  # 绩效指标描述 / 指标解释
    target_raw: str = ""  # 指标值 as written (with its 指标性质/度量单位 cells where a template has them)
    target: Target | None = None
    basis: str = ""  # 指标值确定依据
    #: L1/L2 were empty (merged cell) and inherited from the row above.
    level1_inherited: bool = False
    level2_inherited: bool = False
    #: Word residue removed from this row's cells ("[bookmark: _Toc…]", field codes).
    junk: list[str] = Field(default_factory=list)
    location: Location = Field(default_factory=Location)


class SpendingPlan(_Model):
    """Cumulative share of the budget spent by the end of each month (资金支出计划 %)."""

    #: month → raw text, in document order (3, 6, 10, 12 in the common template).
    raw: dict[int, str] = Field(default_factory=dict)
    values: dict[int, float | None] = Field(default_factory=dict)


class Goal(_Model):
    number: int | None = None
    text: str


class Project(_Model):
    index: int = 0
    code: str = ""
    name: str = ""
    title: str = ""  # the table heading ("1、…绩效目标表")
    department: str = ""
    unit: str = ""  # 单位：万元
    budget_total: float | None = None
    budget_fiscal: float | None = None
    budget_other: float | None = None
    budget_raw: dict[str, str] = Field(default_factory=dict)
    fund_use: str = ""  # 资金用途
    spending_plan: SpendingPlan | None = None
    goals_raw: str = ""
    goals: list[Goal] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    #: the indicator table's columns as read (level1, level2, name, description, target_raw,
    #: basis …), and in a flat table (one row per indicator, the project in a column) its
    #: project columns too (project, code, department, budget, fund_use, goals); empty when
    #: the input did not say (no header row, or JSON of schema 1.0).
    indicator_columns: list[str] = Field(default_factory=list)
    junk: list[str] = Field(default_factory=list)
    location: Location = Field(default_factory=Location)


class GoalSection(_Model):
    """A department-level 分项绩效目标 with its own goal and indicator text."""

    title: str
    goal: str = ""
    indicators: str = ""


class DepartmentGoals(_Model):
    overall: str = ""  # 总体绩效目标
    sections: list[GoalSection] = Field(default_factory=list)


class ParseIssue(_Model):
    """A problem the parser met; the document is still returned around it."""

    message: str
    #: The same in Chinese, for the reviewer (the page, the reports); ``message`` stays
    #: for logs and maintainers. Empty in documents of schema 1.1 and before.
    zh: str = ""
    location: Location = Field(default_factory=Location)
    severity: Literal["error", "warning"] = "error"


class Document(_Model):
    schema_version: str = SCHEMA_VERSION
    source: str | None = None
    format: str | None = None
    #: SHA-256 of the bytes that were parsed.
    sha256: str | None = None
    title: str = ""
    department: str = ""
    department_goals: DepartmentGoals = Field(default_factory=DepartmentGoals)
    projects: list[Project] = Field(default_factory=list)
    issues: list[ParseIssue] = Field(default_factory=list)

    @property
    def indicators(self) -> list[Indicator]:
        return [ind for p in self.projects for ind in p.indicators]


def json_schema() -> dict:
    """The versioned JSON schema of the document model."""
    schema = Document.model_json_schema()
    schema["$id"] = f"https://zhibiao.invalid/schema/document-{SCHEMA_VERSION}.json"
    schema["title"] = f"zhibiao Document {SCHEMA_VERSION}"
    return schema


def dump_json_schema() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2)
