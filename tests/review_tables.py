"""The harness of the review-pass tests (``test_checks_qa5``, ``test_checks_qa6``): tables a
reviewer read and annotated before zhibiao ran, each with the findings they expect, forbid or
leave to judgement.

A review module declares ``DATA`` and ``EXPECTED`` and takes its parse-shape and
must/forbid tests from :func:`table_review_tests`, so each pass writes down only what
its reviewer said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scorer.checks.examples import build_example
from scorer.parsers import parse_path
from scorer.pipeline import Scorer

ANY = "*"

#: (project, indicator or None for a project finding or ANY, code prefix or prefixes
#: any of which says the same defect)
Item = tuple[int | str, int | None | str, str | tuple[str, ...]]
#: every rule family: a well-made table gets none of them
ALL_RULES = ("ZB-S", "ZB-M", "ZB-A", "ZB-R", "ZB-T", "ZB-ST", "ZB-F", "ZB-FMT")


@dataclass
class Expect:
    shape: int
    must: set[Item] = field(default_factory=set)
    forbid: set[Item] = field(default_factory=set)
    #: judgement calls a reviewer may or may not raise: neither required nor forbidden
    allowed: set[Item] = field(default_factory=set)
    budget: tuple[float, float, float] | None = None
    goals: int | None = None


def clean() -> set[Item]:
    """No finding of any family anywhere in project 0."""
    return {(0, ANY, code) for code in ALL_RULES}


def rows_clean(*rows: int) -> set[Item]:
    """No finding of any family on these indicator rows of project 0."""
    return {(0, i, code) for i in rows for code in ALL_RULES}


def matches(item: Item, finding) -> bool:
    project, indicator, code = item
    return ((project == ANY or finding.project == project)
            and (indicator == ANY or finding.indicator == indicator)
            and finding.code.startswith(code if isinstance(code, tuple) else (code,)))


def raised_by(finding, items: set[Item]) -> bool:
    return any(matches(item, finding) for item in items)


def codes(scorer: Scorer, level1, level2, name, value, project=None, basis="") -> dict[str, str]:
    """The findings (code → message) on a one-indicator example table."""
    spec = {"indicators": [{"level1": level1, "level2": level2, "name": name, "target": value, "basis": basis}]}
    if project:
        spec["project"] = project
    return {f.code: f.message for f in scorer.score_document(build_example(spec)).all_findings()}


def with_row(path: Path, level1: str, level2: str, name: str, value: str, basis: str = "计划标准"):
    """The table at ``path`` with one more row at its end, and that row's index: how a
    review probes what the checks say on a row in a real table's context."""
    from scorer.document import Indicator
    from scorer.values import parse_target

    doc = parse_path(path)
    rows = doc.projects[0].indicators
    rows.append(Indicator(level1=level1, level2=level2, name=name, target_raw=value, target=parse_target(value),
                          basis=basis))
    return doc, len(rows) - 1


def table_review_tests(data: Path, expected: dict[str, Expect], scorer: Callable[[], Scorer] = Scorer,
                       marks: Sequence[pytest.MarkDecorator] = ()):
    """The ``results`` fixture and the three per-table tests of a review module, to be bound
    to module-level names (pytest collects them from there).

    ``scorer`` builds the scorer the tables are read with (default: rules only); a pass
    with the models gives the one ``zhibiao score`` builds, and ``marks`` to skip the
    tests where those models are not installed."""

    def marked(test):
        for mark in marks:
            test = mark(test)
        return test

    @pytest.fixture(scope="module")
    def results():
        scorer_ = scorer()
        return {name: (doc, scorer_.score_document(doc)) for name in expected
                for doc in [parse_path(data / name)]}

    @marked
    @pytest.mark.parametrize("name", list(expected))
    def test_parse_shape(results, name):
        doc, _ = results[name]
        expect = expected[name]
        assert [len(p.indicators) for p in doc.projects] == [expect.shape]
        project = doc.projects[0]
        if expect.budget:
            assert (project.budget_total, project.budget_fiscal, project.budget_other) == pytest.approx(expect.budget)
        if expect.goals is not None:
            assert len(project.goals) == expect.goals, [g.text for g in project.goals]

    @marked
    @pytest.mark.parametrize("name", list(expected))
    def test_reviewer_findings_reported(results, name):
        findings = list(results[name][1].all_findings())
        missed = {item for item in expected[name].must if not any(matches(item, f) for f in findings)}
        assert not missed, missed

    @marked
    @pytest.mark.parametrize("name", list(expected))
    def test_no_findings_a_reviewer_would_reject(results, name):
        expect = expected[name]
        rejected = [(f.indicator, f.code, f.message) for f in results[name][1].all_findings()
                    if raised_by(f, expect.forbid) and not raised_by(f, expect.allowed)]
        assert not rejected, rejected

    return results, test_parse_shape, test_reviewer_findings_reported, test_no_findings_a_reviewer_would_reject
