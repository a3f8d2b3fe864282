"""Scores: SMART sub-scores, indicator/project/department scores and grades follow the
documented rules and settings, and the same input always gives the same output."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.checks.examples import build_example
from scorer.config import Grades, Settings, Weights
from scorer.document import Location
from scorer.findings import Category, Finding, Severity
from scorer.pipeline import Scorer
from scorer.report import render_json
from scorer.scoring import grade, indicator_score, project_score, smart_scores
from tests.conftest import SEED_000, SEED_001


def _finding(category: Category, severity: Severity, project: int | None = 0, indicator: int | None = 0) -> Finding:
    return Finding(code="ZB-X001", category=category, severity=severity, message="m", location=Location(),
                   project=project, indicator=indicator)


def test_sub_scores_lose_the_configured_penalty_and_stop_at_zero():
    w = Weights()
    smart = smart_scores([_finding(Category.M, Severity.warning), _finding(Category.S, Severity.info)], w)
    assert smart.M == pytest.approx(1 - w.smart_penalty[Severity.warning])
    assert smart.S == pytest.approx(1 - w.smart_penalty[Severity.info])
    assert smart.A == smart.R == smart.T == 1.0
    assert smart_scores([_finding(Category.A, Severity.error)] * 3, w).A == 0.0


def test_indicator_score_blends_weighted_mean_and_weakest_link():
    w = Weights()
    assert indicator_score(smart_scores([], w), [], w) == 100.0
    empty_target = [_finding(Category.M, Severity.error)]
    # One fatal flaw fails the indicator however good the rest is.
    assert indicator_score(smart_scores(empty_target, w), empty_target, w) < Grades().fair
    pure_mean = Weights(weakest_link=0.0)
    assert indicator_score(smart_scores(empty_target, pure_mean), empty_target, pure_mean) == pytest.approx(70.0)
    # STRUCT/FIN/FORMAT findings on an indicator take points off.
    structural = [_finding(Category.STRUCT, Severity.warning)]
    assert indicator_score(smart_scores(structural, w), structural, w) == 100 - w.indicator_points[Severity.warning]


def test_smart_weights_come_from_settings():
    only_m = Weights(smart={"S": 0, "M": 1, "A": 0, "R": 0, "T": 0}, weakest_link=0.0)
    found = [_finding(Category.S, Severity.error)]
    assert indicator_score(smart_scores(found, only_m), found, only_m) == 100.0
    with pytest.raises(ValueError):
        Weights(smart={"S": 1})


def test_project_score_is_indicator_mean_less_project_findings():
    w = Weights()
    mean, score = project_score([100.0, 80.0], [_finding(Category.STRUCT, Severity.warning, indicator=None)], w)
    assert mean == 90.0 and score == 90.0 - w.project_points[Severity.warning]
    assert project_score([], [], w) == (0.0, 0.0)


@pytest.mark.parametrize("score, expected", [(100, "优"), (90, "优"), (89.9, "良"), (80, "良"), (60, "中"),
                                             (59.9, "差"), (0, "差")])
def test_grade_thresholds(score, expected):
    assert grade(score, Grades()) == expected


def test_department_ranks_projects_and_can_weight_by_budget():
    good = {"project": {"name": "好项目", "budget": [10.0, 10.0, None]},
            "indicators": [{"name": "新建污水管网长度", "target": "≥12公里"}]}
    bad = {"project": {"name": "差项目", "budget": [90.0, 90.0, None]},
           "indicators": [{"name": "完成率", "target": ""}]}
    doc = build_example({"projects": [bad, good]})
    equal = Scorer(Settings(select=["ZB-M", "ZB-S"])).score_document(doc)
    assert [r.name for r in equal.department.ranking] == ["好项目", "差项目"]
    assert [r.rank for r in equal.department.ranking] == [1, 2]
    scores = {p.name: p.score for p in equal.projects}
    assert equal.department.score == pytest.approx((scores["好项目"] + scores["差项目"]) / 2, abs=0.05)
    by_budget = Scorer(Settings(select=["ZB-M", "ZB-S"], weights={"department": "budget"})).score_document(doc)
    assert by_budget.department.score == pytest.approx(0.1 * scores["好项目"] + 0.9 * scores["差项目"], abs=0.05)


def test_scores_are_deterministic(seed_docs):
    doc = seed_docs[SEED_001.name]
    first = render_json([Scorer().score_document(doc)])
    second = render_json([Scorer().score_document(doc.model_copy(deep=True))])
    assert first == second


def test_seed_scores_reflect_their_quality(seed_docs):
    scorer = Scorer()
    poor = scorer.score_document(seed_docs[SEED_001.name])
    better = scorer.score_document(seed_docs[SEED_000.name])
    assert poor.department.grade == "差"
    assert better.department.score > poor.department.score
    # The O&M project with three measurable ≥90% rates ranks first in seed 000.
    assert better.department.ranking[0].name == "大气污染防治网格化监测设备运维服务"
    for project in poor.projects + better.projects:
        for ind in project.indicators:
            assert 0 <= ind.score <= 100
            assert all(0 <= getattr(ind.smart, k) <= 1 for k in "SMART")


def test_result_json_shape(seed_docs):
    result = Scorer().score_document(seed_docs[SEED_000.name])
    payload = json.loads(render_json([result]))
    assert payload["schema_version"] and payload["scorer_version"] and payload["model_versions"] == {}
    assert payload["document"]["sha256"] == seed_docs[SEED_000.name].sha256
    indicator = payload["projects"][0]["indicators"][0]
    assert set(indicator["smart"]) == {"S", "M", "A", "R", "T"}
    assert {"score", "grade", "findings", "location"} <= set(indicator)
    finding = indicator["findings"][0]
    assert set(finding) >= {"code", "category", "severity", "message", "suggestion", "evidence", "location"}
    assert payload["department"]["ranking"][0]["rank"] == 1
    assert payload["counts"]["warning"] == sum(
        1 for p in result.projects for f in p.findings + [f for i in p.indicators for f in i.findings]
        if f.severity == Severity.warning)


# Cells made of the characters and labels that steer the checks, in any combination.
_CELL = st.one_of(
    st.text(alphabet=st.sampled_from(list("≥≤<>=%0123456789.万元人次年月底前率满意度完成按要求（）()、，*【】 ")),
            max_size=12),
    st.sampled_from(["效益指标", "社会效益指标", "服务对象满意度指标", "时效指标", "产出指标", "数量指标"]),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL, _CELL), max_size=6),
       goals=st.lists(_CELL, max_size=3), plan=st.lists(_CELL, min_size=4, max_size=4))
def test_any_cells_score_without_error_and_within_bounds(rows, goals, plan):
    spec = {"project": {"name": "项目", "goals": goals, "plan": dict(zip((3, 6, 10, 12), plan, strict=True))},
            "indicators": [{"level1": a, "level2": b, "name": c, "description": d, "target": e, "basis": f}
                           for a, b, c, d, e, f in rows]}
    result = Scorer().score_document(build_example(spec))
    assert 0 <= result.department.score <= 100
    for ind in result.projects[0].indicators:
        assert 0 <= ind.score <= 100 and ind.grade in ("优", "良", "中", "差")
