"""What a check reports: one :class:`Finding` per problem, with where it is, why it is a
problem (in Chinese, for the reviewer) and how to fix it.

Findings from rules and from models (level classifier, embeddings) share this one shape,
so scores and reports never need to know which kind produced them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scorer.document import Location


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        """Higher is more serious; ``--fail-on`` compares ranks."""
        return _SEVERITY_RANK[self]

    @property
    def label(self) -> str:
        return _SEVERITY_LABEL[self]


_SEVERITY_RANK = {Severity.info: 1, Severity.warning: 2, Severity.error: 3}
_SEVERITY_LABEL = {Severity.error: "错误", Severity.warning: "警告", Severity.info: "提示"}


class Category(str, Enum):
    """The eight families of checks; the first five are the SMART dimensions."""

    S = "S"
    M = "M"
    A = "A"
    R = "R"
    T = "T"
    STRUCT = "STRUCT"
    FIN = "FIN"
    FORMAT = "FORMAT"

    @property
    def label(self) -> str:
        return _CATEGORY_LABEL[self]

    @property
    def is_smart(self) -> bool:
        return self in SMART


_CATEGORY_LABEL = {
    Category.S: "具体",
    Category.M: "可衡量",
    Category.A: "可实现",
    Category.R: "相关",
    Category.T: "有时限",
    Category.STRUCT: "结构",
    Category.FIN: "资金",
    Category.FORMAT: "格式",
}

#: The SMART dimensions, in the order sub-scores are reported.
SMART: tuple[Category, ...] = (Category.S, Category.M, Category.A, Category.R, Category.T)

Scope = Literal["indicator", "project", "document"]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    category: Category
    severity: Severity
    #: Chinese, complete on its own: what is wrong with this cell.
    message: str
    #: Chinese: what to write instead.
    suggestion: str = ""
    #: the text the finding is about, exactly as the document has it.
    evidence: str = ""
    location: Location = Field(default_factory=Location)
    scope: Scope = "indicator"
    #: 0-based index of the project and of the indicator within it (None above that scope).
    project: int | None = None
    indicator: int | None = None
    #: machine-readable extras, e.g. a model's predicted level and confidence, or the
    #: closest goal and its similarity. JSON values only.
    details: dict[str, Any] = Field(default_factory=dict)

    def sort_key(self) -> tuple:
        """Document order, then code: the order every report and JSON output uses. Sorts
        are stable, so one check's findings on the same cell keep the order it gave them
        (goal 1 before goal 2), which the fixed stage and check order makes deterministic."""
        return (
            -1 if self.project is None else self.project,
            -1 if self.indicator is None else self.indicator,
            self.code,
        )
