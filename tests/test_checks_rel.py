"""ZB-R003 and the embedding goal matcher, with the hashing embedder and a relevance model
fitted on the corpus with it (the checks' example resources); resources loading."""

from __future__ import annotations

import logging

import pytest

from scorer.checks.examples import build_example
from scorer.checks.matching import KeywordGoalMatcher, build_goal_matcher
from scorer.checks.relevance import IndicatorDoesNotFitFund, _example_resources
from scorer.checks.relevant import IndicatorServesNoGoal
from scorer.config import Settings
from scorer.embeddings import EmbedderSettings
from scorer.pipeline import Scorer
from scorer.resources import EMBEDDER, RELEVANCE_MODEL, ModelResources
from scorer.semantic.matcher import EmbeddingGoalMatcher
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def resources():
    return _example_resources()


def run(spec, resources, **settings):
    return Scorer(Settings(**settings), resources=resources).score_document(build_example(spec)).all_findings()


def test_mismatch_says_why(resources):
    [finding] = run(IndicatorDoesNotFitFund.bad, resources, select=["ZB-R003"])
    details = finding.details
    assert details["closest_text"] == "保障退役安置人员和劳务派遣人员工资及保险"
    assert 0 <= details["closest_similarity"] < 1 and details["mismatch_probability"] >= resources[RELEVANCE_MODEL].threshold
    assert len(details["usual_projects"]) == 3 and all(p["kind"] for p in details["usual_projects"])
    assert "多见于" in finding.message and details["usual_projects"][0]["name"] in finding.message


def test_satisfaction_rows_are_not_judged(resources):
    spec = {"project": IndicatorDoesNotFitFund.bad["project"],
            "indicators": [{"name": "游客满意度", "level1": "满意度指标", "level2": "服务对象满意度指标", "target": "≥90%"}]}
    assert not run(spec, resources, select=["ZB-R003"])


def test_r003_does_not_repeat_r001(resources):
    spec = IndicatorServesNoGoal.bad  # 参与政府决策活动次数 on 专项人员经费, which R001's keywords flag
    assert [f.code for f in run(spec, resources, select=["ZB-R001", "ZB-R003"])] == ["ZB-R001"]
    assert [f.code for f in run(spec, resources, select=["ZB-R003"])] == ["ZB-R003"]


def test_goal_matcher_by_setting(resources, caplog):
    with caplog.at_level(logging.WARNING, logger="zhibiao.semantic"):
        assert isinstance(build_goal_matcher(Settings(goal_matcher="embeddings"), {}), KeywordGoalMatcher)
    assert "needs the embedder" in caplog.text
    assert isinstance(build_goal_matcher(Settings(goal_matcher="auto"), {}), KeywordGoalMatcher)
    for name in ("auto", "embeddings"):
        assert isinstance(build_goal_matcher(Settings(goal_matcher=name), resources), EmbeddingGoalMatcher)


def test_embedding_matcher_answers_both_questions(resources):
    from scorer.checks.facts import document_facts

    doc = document_facts(build_example({
        "project": {"name": "农村环境整治项目", "fund_use": "用于改善农村生活环境", "goals": ["处理农村生活垃圾", "按要求完成工作"]},
        "indicators": [{"name": "农村生活垃圾无害化处理率", "target": "≥90%"},
                       {"name": "结项鉴定优良率", "description": "结项鉴定优秀等级项目数量占结项总数量的比例", "target": ">50%"}],
    }))
    matcher = build_goal_matcher(Settings(goal_matcher="embeddings"), resources)
    project = doc.projects[0]
    garbage, research = matcher.goals_measured(project, project.indicators)
    assert garbage.related and garbage.best == 0 and "农村生活垃圾无害化处理率" in garbage.evidence[0]
    assert research is None  # a goal with no content words is not judged
    related = matcher.indicator_related(project, project.indicators[0])
    assert related.related and related.evidence[0].startswith("最接近：")
    # The hashing embedder is too shallow for a firm verdict on the research rate; it still ranks it lower.
    assert matcher.indicator_related(project, project.indicators[1]).score < related.score


def test_resources_without_a_model_or_with_another_embedder(tmp_path, caplog):
    missing = ModelResources(embedder_settings=EmbedderSettings(path=tmp_path / "nothing", cache=False))
    with caplog.at_level(logging.WARNING, logger="zhibiao.resources"):
        loaded = missing.current()
    assert EMBEDDER not in loaded and RELEVANCE_MODEL not in loaded and "semantic checks skipped" in caplog.text
    hashing = ModelResources(models_dir=ROOT / "models", embedder_settings=EmbedderSettings(kind="hashing", cache=False))
    with caplog.at_level(logging.WARNING, logger="zhibiao.resources"):
        loaded = hashing.current()
    # The shipped relevance model was fitted on e5 vectors: not used with the hashing embedder.
    assert loaded[EMBEDDER].version == loaded[EMBEDDER].model_id and RELEVANCE_MODEL not in loaded
    assert "was fitted on" in caplog.text
    assert ModelResources(use_models=False).current() == {}


def test_combined_matcher_needs_both_signals_for_an_unrelated_indicator(resources):
    """ZB-R001 under the default matcher: an indicator fits nothing only when the keywords
    and the model both say so; goals are judged by the keywords; without the models it is
    the keyword matcher."""
    from scorer.checks.facts import document_facts
    from scorer.semantic.matcher import CombinedGoalMatcher

    assert Settings().goal_matcher == "combined"
    assert isinstance(build_goal_matcher(Settings(), {}), KeywordGoalMatcher)
    matcher = build_goal_matcher(Settings(), resources)
    assert isinstance(matcher, CombinedGoalMatcher)
    keywords = KeywordGoalMatcher(Settings())
    doc = document_facts(build_example(IndicatorServesNoGoal.bad))
    project, indicator = doc.projects[0], doc.projects[0].indicators[0]
    by_words = keywords.indicator_related(project, indicator)
    by_model = EmbeddingGoalMatcher(matcher.embedder, matcher.model).indicator_related(project, indicator)
    combined = matcher.indicator_related(project, indicator)
    half = CombinedGoalMatcher.AGREEMENT_SHARE * matcher.model.threshold
    assert combined.related == (by_words.related or (by_model.related and 1.0 - by_model.score < half))
    if not combined.related:  # both agree: the evidence is both matchers'
        assert combined.evidence == (*by_words.evidence, *by_model.evidence)
    assert matcher.goals_measured(project, project.indicators) == keywords.goals_measured(project, project.indicators)


@pytest.mark.parametrize("shares_words, mismatch, related", [
    (True, 0.9, True),     # the keywords find a shared word: related, whatever the model says
    (False, 0.5, False),   # over the model's threshold (0.4): unrelated
    (False, 0.25, False),  # under it but over half of it: the keywords and the model agree
    (False, 0.15, True),   # under half: the model overrules the keywords (苗木成活率 in a park fund)
])
def test_combined_matcher_agreement_rule(monkeypatch, shares_words, mismatch, related):
    from types import SimpleNamespace

    from scorer.checks.matching import Relation
    from scorer.semantic.matcher import CombinedGoalMatcher, EmbeddingGoalMatcher

    matcher = CombinedGoalMatcher.__new__(CombinedGoalMatcher)
    matcher.model = SimpleNamespace(threshold=0.4)
    matcher.keywords = SimpleNamespace(indicator_related=lambda project, ind: Relation(shares_words, 1.0, ("共有词：无",)))
    monkeypatch.setattr(EmbeddingGoalMatcher, "indicator_related",
                        lambda self, project, ind: Relation(mismatch < 0.4, round(1.0 - mismatch, 4), ("最接近：某",)))
    result = matcher.indicator_related(None, None)
    assert result.related == related
    if not related and not shares_words:
        assert result.evidence == ("共有词：无", "最接近：某")  # both signals, for the reviewer
