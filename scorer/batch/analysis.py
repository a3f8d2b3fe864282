"""What a batch shows as a whole: documents and departments ranked by score, grade
distribution, findings by category and the most frequent ones, failed files, and text
copy-pasted across projects and departments.

:class:`Analyzer` takes stored records one at a time and keeps only counters and the
short text fields, so analysing a city's batch does not hold every result in memory.
The :class:`BatchAnalysis` it produces is written as ``analysis.json`` and is all the
HTML report reads.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TypeVar

from pydantic import BaseModel, Field

from scorer.batch.duplicates import ClusterView, find_clusters
from scorer.batch.messages import chinese_reason
from scorer.batch.store import Record
from scorer.batch.texts import text_items
from scorer.config import Settings
from scorer.findings import Category, Severity
from scorer.scoring import grade
from scorer.semantic.duplicates import TextItem

GRADES = ("优", "良", "中", "差")
LEVELS = ("documents", "projects", "indicators")
#: how many of the most frequent finding codes the analysis keeps.
TOP_FINDINGS = 20


class SeverityCounts(BaseModel):
    error: int = 0
    warning: int = 0
    info: int = 0

    @property
    def total(self) -> int:
        return self.error + self.warning + self.info


class CategoryRow(SeverityCounts):
    category: str
    label: str


class FrequentFinding(BaseModel):
    code: str
    category: str
    severity: str
    #: the message of its first occurrence, as an example.
    message: str
    count: int
    documents: int


class RankedRow(SeverityCounts):
    rank: int
    name: str
    score: float
    grade: str
    projects: int
    indicators: int


class DepartmentRow(RankedRow):
    documents: int


class DocumentRow(RankedRow):
    department: str
    source: str


class Failure(BaseModel):
    name: str
    #: the technical reason (English, as the batch log prints it).
    error: str
    #: the reason in Chinese, as the reports show it.
    message: str = ""


class Duplicate(BaseModel):
    """A file whose bytes are those of one already in the batch (the same table sent
    twice, or kept both in a folder and in a .zip): listed, not counted again."""

    name: str
    same_as: str


class BatchAnalysis(BaseModel):
    documents: int = 0
    failed: int = 0
    projects: int = 0
    indicators: int = 0
    #: level (documents/projects/indicators) → grade → count.
    grades: dict[str, dict[str, int]] = Field(default_factory=dict)
    categories: list[CategoryRow] = Field(default_factory=list)
    findings: list[FrequentFinding] = Field(default_factory=list)
    departments: list[DepartmentRow] = Field(default_factory=list)
    ranking: list[DocumentRow] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    duplicates: list[Duplicate] = Field(default_factory=list)
    clusters: list[ClusterView] = Field(default_factory=list)
    #: how clusters were found (semantic search, or exact text as a fallback).
    duplicate_method: str = ""


class _Department:
    def __init__(self) -> None:
        self.documents = self.indicators = 0
        self.project_scores: list[float] = []
        self.counts = Counter[str]()


class Analyzer:
    def __init__(self, settings: Settings | None = None):
        self.grades_setting = (settings or Settings()).grades
        self.grades = {level: dict.fromkeys(GRADES, 0) for level in LEVELS}
        self.by_category: Counter[tuple[str, str]] = Counter()
        self.by_code: Counter[str] = Counter()
        self.code_documents: dict[str, set[int]] = defaultdict(set)
        self.examples: dict[str, tuple[str, str, str]] = {}
        self.departments: dict[str, _Department] = defaultdict(_Department)
        self.documents: list[DocumentRow] = []
        self.failures: list[Failure] = []
        self.duplicates: list[Duplicate] = []
        #: sha256 of each scored file's bytes → its name, to tell a second copy.
        self.seen: dict[str, str] = {}
        self.texts: list[TextItem] = []
        self.projects = self.indicators = 0

    def add(self, record: Record) -> None:
        if record.status != "ok" or record.result is None:
            error = record.error or "failed"
            self.failures.append(Failure(name=record.name, error=error,
                                         message=record.message or chinese_reason(error)))
            return
        if record.sha256 in self.seen:
            # Counted once: a second copy would double the department's counts and show
            # every one of its cells as copy-paste between two "documents".
            self.duplicates.append(Duplicate(name=record.name, same_as=self.seen[record.sha256]))
            return
        if record.sha256:
            self.seen[record.sha256] = record.name
        r = record.result
        doc_no = len(self.documents)
        # A document that names no department is ranked under its file's name without the
        # folders (县区/水利局.xls → 水利局): offices name files after the department.
        dept_name = r.document.department or r.department.name or PurePosixPath(record.name).stem or record.name
        self.grades["documents"][r.department.grade] += 1
        dept = self.departments[dept_name]
        dept.documents += 1
        dept.indicators += r.department.indicators
        for f in r.all_findings():
            self.by_category[(f.category.value, f.severity.value)] += 1
            self.by_code[f.code] += 1
            self.code_documents[f.code].add(doc_no)
            self.examples.setdefault(f.code, (f.category.value, f.severity.value, f.message))
            dept.counts[f.severity.value] += 1
        for p in r.projects:
            self.grades["projects"][p.grade] += 1
            dept.project_scores.append(p.score)
            for ind in p.indicators:
                self.grades["indicators"][ind.grade] += 1
        self.projects += len(r.projects)
        self.indicators += r.department.indicators
        self.documents.append(DocumentRow(
            rank=0, name=r.document.title or record.name, source=record.name, department=dept_name,
            score=r.department.score, grade=r.department.grade, projects=len(r.projects),
            indicators=r.department.indicators, **r.counts.model_dump()))
        self.texts.extend(text_items(record.name, record.texts))

    def add_all(self, records: Iterable[Record]) -> Analyzer:
        for record in records:
            self.add(record)
        return self

    def _departments(self) -> list[DepartmentRow]:
        rows = []
        for name, d in self.departments.items():
            score = round(sum(d.project_scores) / len(d.project_scores), 1) if d.project_scores else 0.0
            rows.append(DepartmentRow(rank=0, name=name, score=score, grade=grade(score, self.grades_setting),
                                      documents=d.documents, projects=len(d.project_scores),
                                      indicators=d.indicators, **{s.value: d.counts[s.value] for s in Severity}))
        return _ranked(rows)

    def finish(self, clusters: tuple[list[ClusterView], str] | None = None) -> BatchAnalysis:
        """The analysis; ``clusters`` is the copy-paste search's result over ``self.texts``
        when the caller ran it elsewhere (see scorer.batch.reports), else it runs here
        for exact and near copies."""
        clusters, method = clusters if clusters is not None else find_clusters(self.texts)
        categories = [CategoryRow(category=c.value, label=c.label,
                                  **{s.value: self.by_category[(c.value, s.value)] for s in Severity})
                      for c in Category]
        findings = [FrequentFinding(code=code, category=self.examples[code][0], severity=self.examples[code][1],
                                    message=self.examples[code][2], count=count,
                                    documents=len(self.code_documents[code]))
                    for code, count in sorted(self.by_code.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FINDINGS]]
        return BatchAnalysis(
            documents=len(self.documents), failed=len(self.failures), projects=self.projects,
            indicators=self.indicators, grades=self.grades, categories=categories, findings=findings,
            departments=self._departments(), ranking=_ranked(list(self.documents)), failures=self.failures,
            duplicates=self.duplicates, clusters=clusters, duplicate_method=method,
        )


R = TypeVar("R", bound=RankedRow)


def _ranked(rows: list[R]) -> list[R]:
    """Best score first; ties keep the order they came in. Ranks are 1-based."""
    ordered = sorted(rows, key=lambda r: -r.score)
    for rank, row in enumerate(ordered, start=1):
        row.rank = rank
    return ordered
