"""The scored output: document → projects → indicators, each with SMART sub-scores, a
0–100 score, a grade and its findings; the department aggregate ranks the projects.

This is the stable JSON contract of ``zhibiao score --format json`` and of the API.
``RESULT_SCHEMA_VERSION`` changes whenever a field is added, renamed or changes meaning.
Output is deterministic: lists are in document order (findings by position, then code),
and nothing time-dependent is included.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from scorer.document import Location, ParseIssue
from scorer.findings import Finding

RESULT_SCHEMA_VERSION = "1.1"

Grade = Literal["优", "良", "中", "差"]


#: What reports show for a project whose table gave no name.
UNNAMED_PROJECT = "（未命名项目）"


class _Named(Protocol):
    name: str


class _Labelled:
    """A project's name as reports show it (scored and ranked projects alike). A mixin
    without fields, so the models' fields keep their order in the JSON."""

    @property
    def label(self: _Named) -> str:
        """A project without a name is not a blank line."""
        return self.name or UNNAMED_PROJECT


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SmartScores(_Model):
    """Sub-scores in [0, 1]; 1 means no finding of that dimension."""

    S: float = 1.0
    M: float = 1.0
    A: float = 1.0
    R: float = 1.0
    T: float = 1.0


class Counts(_Model):
    error: int = 0
    warning: int = 0
    info: int = 0

    @classmethod
    def of(cls, findings: list[Finding]) -> Counts:
        # Tallied outside the model: setting a pydantic attribute once per finding was a
        # third of the scores stage (it goes through the model's __setattr__).
        tally = Counter(f.severity for f in findings)
        return cls(**{severity.value: n for severity, n in tally.items()})


class ScoredIndicator(_Model):
    #: 0-based position in the project.
    index: int
    level1: str
    level2: str
    name: str
    #: 绩效指标描述 and 指标值确定依据, so a report can show the row as the reviewer knows it.
    description: str = ""
    target: str
    basis: str = ""
    location: Location
    smart: SmartScores
    score: float
    grade: Grade
    findings: list[Finding] = Field(default_factory=list)


class ScoredProject(_Labelled, _Model):
    #: 0-based position in the document; ``number`` is what the table heading says (1、…).
    index: int
    number: int
    code: str
    name: str
    budget_total: float | None
    location: Location
    #: mean of the indicators' scores before project-level findings are taken off.
    indicator_score: float
    score: float
    grade: Grade
    #: findings about the project as a whole (goals, coverage, finance, headings).
    findings: list[Finding] = Field(default_factory=list)
    indicators: list[ScoredIndicator] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)


class RankedProject(_Labelled, _Model):
    rank: int
    index: int
    name: str
    score: float
    grade: Grade


class DepartmentScore(_Model):
    name: str
    score: float
    grade: Grade
    #: how project scores were combined: plain mean or weighted by 预算数.
    weighting: Literal["equal", "budget"]
    projects: int
    indicators: int
    #: best first; ties keep document order.
    ranking: list[RankedProject] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)


class DocumentMeta(_Model):
    source: str | None
    format: str | None
    sha256: str | None
    title: str
    department: str
    document_schema_version: str


class ScoredDocument(_Model):
    schema_version: str = RESULT_SCHEMA_VERSION
    scorer_version: str
    #: model name → version of every model that contributed findings (empty: rules only).
    model_versions: dict[str, str] = Field(default_factory=dict)
    #: the checks that ran and a hash of all settings, so two score sets can be compared.
    checks: list[str] = Field(default_factory=list)
    settings_fingerprint: str
    document: DocumentMeta
    department: DepartmentScore
    projects: list[ScoredProject] = Field(default_factory=list)
    #: findings about the whole document.
    findings: list[Finding] = Field(default_factory=list)
    parse_issues: list[ParseIssue] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)

    def all_findings(self) -> list[Finding]:
        found = list(self.findings)
        for project in self.projects:
            found.extend(project.findings)
            for ind in project.indicators:
                found.extend(ind.findings)
        return sorted(found, key=Finding.sort_key)

