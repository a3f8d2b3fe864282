"""Findings → scores. Documented in docs/scoring.md; every number comes from settings.

* Indicator: each SMART sub-score starts at 1 and loses ``weights.smart_penalty[severity]``
  per finding of that category (floor 0). The 0–100 score blends the weighted mean of the
  sub-scores (``weights.smart``) with the lowest sub-score (share ``weights.weakest_link``),
  × 100, less ``weights.indicator_points`` per STRUCT / FIN / FORMAT finding on it.
* Project: the mean of its indicators' scores (0 without indicators), less
  ``weights.project_points`` per project-level finding.
* Department: the mean of project scores (or weighted by 预算数), less
  ``weights.project_points`` per document-level finding; projects ranked best first.
* Grades: 优 ≥ ``grades.excellent``, 良 ≥ ``grades.good``, 中 ≥ ``grades.fair``, else 差.

Scores are rounded to one decimal so that the same input always prints the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from scorer import __version__
from scorer.config import Grades, Settings, Weights
from scorer.document import SCHEMA_VERSION, Document, Project
from scorer.findings import SMART, Category, Finding, Severity
from scorer.results import (
    Counts,
    DepartmentScore,
    DocumentMeta,
    Grade,
    RankedProject,
    ScoredDocument,
    ScoredIndicator,
    ScoredProject,
    SmartScores,
)


def _clip(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def smart_scores(findings: Iterable[Finding], weights: Weights) -> SmartScores:
    values = {c.value: 1.0 for c in SMART}
    for f in findings:
        if f.category.is_smart:
            values[f.category.value] -= weights.smart_penalty[f.severity]
    return SmartScores(**{k: round(_clip(v, 0.0, 1.0), 3) for k, v in values.items()})


def indicator_score(smart: SmartScores, findings: Iterable[Finding], weights: Weights) -> float:
    total = sum(weights.smart.values())
    mean = sum(weights.smart[k] * getattr(smart, k) for k in weights.smart) / total
    weakest = min(getattr(smart, k) for k in weights.smart)
    base = 100.0 * ((1 - weights.weakest_link) * mean + weights.weakest_link * weakest)
    points = sum(weights.indicator_points[f.severity] for f in findings if not f.category.is_smart)
    return round(_clip(base - points), 1)


def project_score(indicator_scores: list[float], findings: Iterable[Finding], weights: Weights) -> tuple[float, float]:
    """(mean of indicator scores, project score after project-level findings)."""
    mean = sum(indicator_scores) / len(indicator_scores) if indicator_scores else 0.0
    points = sum(weights.project_points[f.severity] for f in findings)
    return round(mean, 1), round(_clip(mean - points), 1)


def grade(score: float, grades: Grades) -> Grade:
    if score >= grades.excellent:
        return "优"
    if score >= grades.good:
        return "良"
    if score >= grades.fair:
        return "中"
    return "差"


def department_mean(projects: list[ScoredProject], weighting: str) -> float:
    """Mean of project scores; by 预算数 when asked and every project has one."""
    if not projects:
        return 0.0
    budgets = [p.budget_total for p in projects]
    if weighting == "budget" and all(b is not None and b > 0 for b in budgets):
        return sum(p.score * b for p, b in zip(projects, budgets, strict=True)) / sum(budgets)
    return sum(p.score for p in projects) / len(projects)


def _by_position(findings: list[Finding]) -> tuple[list[Finding], dict[int, list[Finding]], dict[tuple[int, int], list[Finding]]]:
    """Findings of the document, of each project and of each indicator, each list in
    :meth:`Finding.sort_key` order. Grouped first, then each group of two or more sorted:
    the same order as sorting them all (sorts are stable), without a key per finding for
    the many that are alone on their row."""
    document: list[Finding] = []
    projects: dict[int, list[Finding]] = {}
    indicators: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        if f.project is None:
            document.append(f)
        elif f.indicator is None:
            projects.setdefault(f.project, []).append(f)
        else:
            indicators.setdefault((f.project, f.indicator), []).append(f)
    for group in (document, *projects.values(), *indicators.values()):
        if len(group) > 1:
            group.sort(key=Finding.sort_key)
    return document, projects, indicators


class _IndicatorScorer:
    """Sub-scores and score of an indicator, which depend only on the categories and
    severities of its findings, in order: most indicators of a document share one of a
    few dozen such patterns (most have none), so each is computed once per document."""

    def __init__(self, weights: Weights, grades: Grades) -> None:
        self.weights = weights
        self.grades = grades
        self._seen: dict[tuple[tuple[Category, Severity], ...], tuple[dict[str, float], float, Grade]] = {}

    def __call__(self, found: list[Finding]) -> tuple[dict[str, float], float, Grade]:
        """(sub-scores as a dict, score, grade). The dict is validated into a fresh
        SmartScores by the ScoredIndicator that takes it (results are mutable models,
        never shared), without a model of its own being built first."""
        pattern = tuple([(f.category, f.severity) for f in found]) if found else ()
        known = self._seen.get(pattern)
        if known is None:
            smart = smart_scores(found, self.weights)
            score = indicator_score(smart, found, self.weights)
            known = self._seen[pattern] = (smart.model_dump(), score, grade(score, self.grades))
        return known


def _score_project(p_index: int, project: Project, project_findings: list[Finding],
                   indicator_findings: dict[tuple[int, int], list[Finding]], settings: Settings,
                   score_indicator: _IndicatorScorer) -> ScoredProject:
    grades = settings.grades
    scored = []
    for i_index, ind in enumerate(project.indicators):
        found = indicator_findings.get((p_index, i_index), [])
        smart, score, indicator_grade = score_indicator(found)
        scored.append(ScoredIndicator(
            index=i_index, level1=ind.level1, level2=ind.level2, name=ind.name, description=ind.description,
            target=ind.target_raw, basis=ind.basis, location=ind.location, smart=smart, score=score,
            grade=indicator_grade, findings=found,
        ))
    mean, score = project_score([s.score for s in scored], project_findings, settings.weights)
    everything = project_findings + [f for s in scored for f in s.findings]
    return ScoredProject(
        index=p_index, number=p_index + 1, code=project.code, name=project.name,
        budget_total=project.budget_total, location=project.location, indicator_score=mean, score=score,
        grade=grade(score, grades), findings=project_findings, indicators=scored, counts=Counts.of(everything),
    )


def department_name(doc: Document) -> str:
    return doc.department or next((p.department for p in doc.projects if p.department), "") or doc.title


def build_result(
    doc: Document,
    findings: list[Finding],
    settings: Settings,
    *,
    checks: list[str],
    model_versions: dict[str, str],
) -> ScoredDocument:
    """The scored document for ``doc`` and the findings the checks produced."""
    document_findings, project_findings, indicator_findings = _by_position(findings)
    score_indicator = _IndicatorScorer(settings.weights, settings.grades)
    projects = [
        _score_project(i, project, project_findings.get(i, []), indicator_findings, settings, score_indicator)
        for i, project in enumerate(doc.projects)
    ]
    weighting = settings.weights.department
    points = sum(settings.weights.project_points[f.severity] for f in document_findings)
    dept_score = round(_clip(department_mean(projects, weighting) - points), 1)
    ranking = sorted(projects, key=lambda p: (-p.score, p.index))
    counts = Counts.of(findings)  # a tally: the findings' order does not matter
    department = DepartmentScore(
        name=department_name(doc), score=dept_score, grade=grade(dept_score, settings.grades),
        weighting=weighting, projects=len(projects), indicators=sum(len(p.indicators) for p in projects),
        ranking=[RankedProject(rank=r, index=p.index, name=p.name, score=p.score, grade=p.grade)
                 for r, p in enumerate(ranking, start=1)],
        counts=counts,
    )
    return ScoredDocument(
        scorer_version=__version__,
        model_versions=dict(sorted(model_versions.items())),
        checks=sorted(checks),
        settings_fingerprint=settings.fingerprint(),
        document=DocumentMeta(source=doc.source, format=doc.format, sha256=doc.sha256, title=doc.title,
                              department=doc.department, document_schema_version=doc.schema_version or SCHEMA_VERSION),
        department=department,
        projects=projects,
        findings=document_findings,
        parse_issues=list(doc.issues),
        counts=counts.model_copy(),
    )
