"""The semantic checks with the real e5 embedder and the shipped relevance model, on the
seeds' real cases. Skipped when the embedder is not built (setup and CI build it)."""

from __future__ import annotations

import pytest

from scorer.config import Settings
from scorer.pipeline import Scorer
from scorer.resources import EMBEDDER, RELEVANCE_MODEL, ModelResources
from scorer.semantic import document_items, find_duplicate_clusters, shipped_library
from tests.conftest import SEED_000, SEED_001
from tests.test_embeddings_model import pytestmark  # noqa: F401  (same marker and skip rule)


@pytest.fixture(scope="module")
def resources():
    loaded = ModelResources().current()
    assert EMBEDDER in loaded and RELEVANCE_MODEL in loaded, "the shipped relevance model must match the built e5"
    return loaded


def flagged(result, codes):
    return {(f.project, f.indicator): f for f in result.all_findings() if f.code in codes}


@pytest.mark.parametrize("matcher", ["keywords", "auto", "combined"])
def test_seed_001_unrelated_indicators_are_flagged(resources, seed_docs, matcher):
    result = Scorer(Settings(goal_matcher=matcher), resources=resources).score_document(seed_docs[SEED_001.name])
    unrelated = flagged(result, {"ZB-R001", "ZB-R003"})
    assert (15, 1) in unrelated  # 参与政府决策活动次数 on 专项人员经费
    assert unrelated[(11, 0)].code == "ZB-R003"  # research excellence rate on a staff award
    research_rows = [(p, 0) for p in (0, 1, 2, 4, 7, 8, 10, 12, 14)]
    missed = [row for row in research_rows if row not in unrelated]
    # One known miss (docs/semantic.md): project 0's goals say "完成上级下达的…治理任务",
    # worded like the research completion rate. The reviewer is still told: the same
    # text is reported as pasted across unrelated projects.
    assert missed in ([], [(0, 0)])
    assert all(row in flagged(result, {"ZB-S005"}) for row in missed)
    assert not [key for key in unrelated if key[1] == 2], "satisfaction rows fit every fund"
    why = unrelated[(11, 0)].details
    assert why["closest_text"] == "发放人员精神文明奖" and why["usual_projects"]


def test_seed_000_specific_indicators_are_not_called_unrelated(resources, seed_docs):
    result = Scorer(Settings(select=["ZB-R003"]), resources=resources).score_document(seed_docs[SEED_000.name])
    assert not result.all_findings()


def test_copy_clusters_with_e5(resources, seed_docs):
    clusters = find_duplicate_clusters(document_items(seed_docs[SEED_001.name]), resources[EMBEDDER])
    boilerplate = {c.representative for c in clusters if c.classification == "boilerplate"}
    assert {"按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）", "在全国或全省产生的重要影响，得到广大受众的充分认可。",
            "结项鉴定优秀等级项目数量占结项总数量的比例（百分比）"} <= boilerplate
    assert not any(c.classification == "boilerplate" and c.field == "name" and shipped_library().is_common(c.representative)
                   for c in clusters)
    result = Scorer(Settings(select=["ZB-S007"]), resources=resources).score_document(seed_docs[SEED_000.name])
    reworded = flagged(result, {"ZB-S007"})
    assert (6, 3) in reworded  # 污染源普查档案建立完备 repeats 污染源普查档案
    assert reworded[(6, 3)].details["cluster"]["kind"] == "semantic"


def test_relevance_model_beats_tfidf_on_the_held_out_set(resources):
    from training.evaluate import EvalRequest, run_task
    from training.relevance import EVAL_SET
    from tests.conftest import ROOT

    report = run_task("relevance", EvalRequest([EVAL_SET], ROOT / "models")).as_dict()
    model, baseline = report["model"], report["baseline"]
    assert model["rows"] == 272 and not report["skipped"]
    assert model["roc_auc"] > baseline["roc_auc"] and model["f1"] > baseline["f1"]
    assert model["f1"] >= 0.8


def test_a_rate_and_a_count_of_the_same_people_are_not_a_reworded_duplicate(resources):
    """e5 puts 参保率 and 参保人数 at cosine ~0.99: the two are one duplicate cluster, and
    ZB-S007 stands down because they measure different kinds of quantity."""
    from scorer.checks.examples import build_example

    spec = {"indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "城乡居民医保参保人数", "target": "≥120万人"},
        {"level1": "产出指标", "level2": "质量指标", "name": "城乡居民基本医保参保率", "target": "≥95%"},
        {"level1": "产出指标", "level2": "质量指标", "name": "城乡居民基本医保的参保率", "target": "≥95%"},
    ]}
    doc = build_example(spec)
    scorer = Scorer(Settings(select=["ZB-S007"]), resources=resources)
    found = scorer.score_document(doc).all_findings()
    # the rewording of the rate is reported, against the rate, not against the count
    assert [(f.indicator, f.details["duplicate_of"]) for f in found] == [(2, 1)]
