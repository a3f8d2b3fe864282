"""The copy-paste checks ZB-S005…S008 on the seeds (hashing embedder: no model files), and
their hand-over with the rule check ZB-S003."""

from __future__ import annotations

import pytest

from scorer.config import Settings
from scorer.embeddings import HashingEmbedder
from scorer.pipeline import Scorer
from scorer.resources import EMBEDDER
from tests.conftest import SEED_000, SEED_001

RESEARCH = "按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）"
INFLUENCE = "在全国或全省产生的重要影响，得到广大受众的充分认可。"
EXCELLENT = "结项鉴定优秀等级项目数量占结项总数量的比例（百分比）"


@pytest.fixture(scope="module")
def resources():
    return {EMBEDDER: HashingEmbedder()}


def findings(doc, resources, **settings):
    return Scorer(Settings(**settings), resources=resources).score_document(doc).all_findings()


def by_code(found, code):
    return [f for f in found if f.code == code]


def test_pasted_descriptions_in_seed_001(seed_docs, resources):
    found = findings(seed_docs[SEED_001.name], resources, select=["ZB-S"])
    pasted = by_code(found, "ZB-S005")
    evidence = {f.evidence for f in pasted}
    assert {RESEARCH, INFLUENCE, EXCELLENT} <= evidence
    # One finding per row, every 社会影响力 and research row of the 16 projects.
    assert len({(f.project, f.indicator) for f in pasted}) == len(pasted) == 9 + 13 + 4
    # The satisfaction row (群众满意度 with its standard definition) is never called pasted.
    assert not [f for f in pasted if f.indicator == 2]
    research = next(f for f in pasted if f.evidence == RESEARCH)
    assert research.details["clusters"][0]["classification"] == "boilerplate"
    assert research.details["copied_from"]["project"] != research.project
    assert not by_code(found, "ZB-S003"), "S003 stands down when the copy checks run"


def test_row_with_pasted_description_and_value_is_reported_once(seed_docs, resources):
    pasted = by_code(findings(seed_docs[SEED_001.name], resources, select=["ZB-S005"]), "ZB-S005")
    influence_p0 = next(f for f in pasted if (f.project, f.indicator) == (0, 1))
    fields = [c["field"] for c in influence_p0.details["clusters"]]
    assert fields == ["description", "target"]  # 得到群众认可 on four projects, same row
    assert influence_p0.message.startswith("指标描述「在全国或全省")


def test_s003_reports_without_the_embedder_or_when_the_copy_checks_are_ignored(seed_docs, resources):
    doc = seed_docs[SEED_001.name]
    rules_only = findings(doc, {}, select=["ZB-S"])
    assert by_code(rules_only, "ZB-S003") and not by_code(rules_only, "ZB-S005")
    ignored = findings(doc, resources, select=["ZB-S"], ignore=["ZB-S005", "ZB-S006"])
    assert by_code(ignored, "ZB-S003")


def test_same_text_on_every_row_in_seed_000(seed_docs, resources):
    found = findings(seed_docs[SEED_000.name], resources, select=["ZB-S006"])
    assert {(f.project, f.evidence) for f in found} == {(6, "国家、省普查办相关要求"), (6, "按要求完成")}
    assert all(f.scope == "project" and f.details["indicators"] == [0, 1, 2, 3, 4, 5] for f in found)


def test_copy_ratio_per_project(seed_docs, resources):
    found = by_code(findings(seed_docs[SEED_001.name], resources, select=["ZB-S008"]), "ZB-S008")
    projects = {f.project for f in found}
    assert 0 in projects and 15 not in projects  # the wage fund's indicators are its own
    first = next(f for f in found if f.project == 0)
    assert first.details["copy_ratio"] >= 0.5 and first.details["source"]["project"] != 0
    assert first.details["shared_span"] in (RESEARCH, INFLUENCE)


def test_reworded_indicator_in_one_project(resources):
    from scorer.checks.duplicates import RewordedDuplicateIndicator
    from scorer.checks.examples import build_example

    found = findings(build_example(RewordedDuplicateIndicator.bad), resources, select=["ZB-S007", "ZB-ST006"])
    assert [(f.code, f.indicator) for f in found] == [("ZB-S007", 1)]
    assert found[0].details["duplicate_of"] == 0


@pytest.mark.parametrize("names, reported", [
    # a rate and a count of the same people: the usual pair of indicators, not one reworded
    (("城乡居民基本医保参保率", "城乡居民医保参保人数"), False),
    (("培训合格率", "培训人次"), False),
    (("车辆购置成本", "车辆购置完成时间"), False),
    # the same measure reworded
    (("大气污染防治网格化监测设备在线率", "大气污染防治网格化监测设备的在线率"), True),
])
def test_reworded_duplicates_measure_the_same_kind_of_quantity(resources, names, reported):
    from scorer.checks.examples import build_example

    spec = {"indicators": [{"level1": "产出指标", "level2": "质量指标", "name": n, "target": "≥90%"} for n in names]}
    found = findings(build_example(spec), resources, select=["ZB-S007"])
    assert bool(found) is reported, [(f.code, f.message) for f in found]


def test_measure_of_a_name():
    from scorer.checks.facts import indicator_facts
    from scorer.document import Indicator

    def measure(name: str) -> str | None:
        return indicator_facts(Indicator(name=name), 0, 0).measure

    assert [measure(n) for n in ("参保率", "参保人数", "培训费", "工程工期", "维修面积", "群众满意度", "社会影响力")] == \
        ["rate", "count", "money", "time", "count", "rate", None]
