"""Golden tests: the two seed documents parse to exactly what a reviewer sees."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_000, SEED_001, SEEDS
from tests.golden_tables import compact, golden_path


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_matches_golden_cells(seed_docs, seed):
    expected = json.loads(golden_path(seed).read_text(encoding="utf-8"))
    assert compact(seed_docs[seed.name]) == expected


def test_seed_000_counts_and_budgets(seed_docs):
    doc = seed_docs[SEED_000.name]
    assert len(doc.projects) == 11
    assert sum(len(p.indicators) for p in doc.projects) == 37
    assert doc.title == "2020年部门预算绩效信息"
    first = doc.projects[0]
    assert (first.code, first.budget_total, first.budget_fiscal, first.budget_other) == (
        "000-9999-JSN-0448", 60.0, 60.0, None)
    # Spending plan cells are kept in place, blanks as blanks: 100 at 10月底 and 12月底 empty.
    assert first.spending_plan.values == {3: None, 6: None, 10: 100.0, 12: None}
    assert doc.projects[8].spending_plan.values == {3: 50.0, 6: 50.0, 10: None, 12: None}
    assert [g.number for g in first.goals] == [1, 2]
    assert first.title == "1、2020年秦皇岛市饮用水水源地评估调查绩效目标表"


def test_seed_000_merged_level_cells_inherit(seed_docs):
    inds = seed_docs[SEED_000.name].projects[0].indicators
    assert [i.level1 for i in inds] == ["产出指标"] * 3
    assert [i.level1_inherited for i in inds] == [False, True, True]
    assert inds[0].target.kind.value == "qualitative"


def test_seed_000_department_goals(seed_docs):
    goals = seed_docs[SEED_000.name].department_goals
    assert goals.overall.startswith("2020年是全面建成小康社会")
    assert len(goals.sections) == 7
    assert goals.sections[0].title == "强力推进环境空气质量持续改善。"
    assert goals.sections[0].indicators.startswith("PM2.5平均浓度")


def test_seed_001_counts_department_and_junk(seed_docs):
    doc = seed_docs[SEED_001.name]
    assert len(doc.projects) == 16
    assert sum(len(p.indicators) for p in doc.projects) == 48
    assert doc.department == "定州市生态环境局"
    first = doc.projects[0]
    assert first.name == "2020年中央大气污染防治资金"
    assert first.budget_total == 4621.0
    assert first.unit == "万元"
    assert first.spending_plan.values == {3: 25.0, 6: 55.0, 10: 75.0, 12: 100.0}
    # Field codes are stripped from the heading and recorded for the FORMAT check.
    assert first.title == "1、2020年中央大气污染防治资金绩效目标表"
    assert any("\\f C" in j for j in first.junk)
    # Blank 指标值 stays blank and is typed as empty.
    blank = doc.projects[1].indicators[0]
    assert blank.target_raw == "" and blank.target.kind.value == "empty"
    assert blank.location.row == 174 and blank.location.project == 1


def test_seed_001_duplicated_goals_kept(seed_docs):
    project = seed_docs[SEED_001.name].projects[11]
    assert [g.text for g in project.goals] == ["发放人员精神文明奖", "发放人员精神文明奖"]


def test_parse_is_deterministic():
    from scorer.parsers import parse_path

    a, b = parse_path(SEED_001), parse_path(SEED_001)
    assert a.model_dump() == b.model_dump()


def test_2021_template_layout():
    """财预〔2021〕101号 layout: 主管部门/实施单位 row, 年度资金总额 with 财政拨款 and 其他资金
    on rows whose label is in the second column, 年度总体目标, a 绩效指标 column before L1."""
    from pathlib import Path

    from scorer.parsers import parse_path

    doc = parse_path(Path(__file__).parent / "data" / "template_2021.tsv")
    assert not doc.issues
    (project,) = doc.projects
    assert project.name == "社区养老服务补贴"
    assert project.department == "某市民政局"
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (100, 80, 20)
    assert [g.number for g in project.goals] == [1, 2]
    assert [(i.level1, i.level2, i.name, i.target_raw) for i in project.indicators] == [
        ("产出指标", "数量指标", "服务老人人数", "≥200人"),
        ("产出指标", "质量指标", "服务合格率", "≥95%"),
        ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"),
    ]
