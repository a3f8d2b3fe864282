"""The pipeline: stages by name, model-backed checks that join through context
resources, and a goal matcher replaced by configuration — the paths the classifier and
embedding work will use."""

from __future__ import annotations

import pytest

from scorer.checks import REGISTRY, Check, Registry, matching
from scorer.checks.examples import build_example
from scorer.checks.matching import Relation
from scorer.config import Settings
from scorer.findings import Category, Severity
from scorer.pipeline import Scorer
from scorer.taxonomy import canonical_level2


class KeywordLevelModel:
    """A stand-in level model: predicts 满意度 for names with 满意, else 数量."""

    version = "test-1"

    def predict(self, names: list[str]) -> list[str]:
        return ["服务对象满意度" if "满意" in n else "数量" for n in names]


class LevelDisagreement(Check):
    code = "ZB-ST901"
    name = "level-disagreement-test"
    title = "层级与文字不符（测试）"
    category = Category.STRUCT
    severity = Severity.warning
    scope = "indicator"
    requires = ("level_classifier",)
    message = "文字像「{predicted}」，却填在「{declared}」下"
    suggestion = "按模型建议调整层级。"
    rationale = "模型根据文字判断层级。"
    bad = {"level2": "数量指标", "name": "群众满意度", "target": "≥90%"}
    good = {"level2": "数量指标", "name": "新建管网长度", "target": "12公里"}

    @classmethod
    def example_resources(cls):
        return {"level_classifier": KeywordLevelModel()}

    def run(self, ind, ctx):
        predicted = ctx.resource("level_classifier").predict([ind.indicator.name])[0]
        if predicted != canonical_level2(ind.indicator.level2):
            yield self.hit(ind, evidence=ind.indicator.level2, predicted=predicted,
                           declared=ind.indicator.level2, details={"predicted": predicted, "confidence": 0.9})


@pytest.fixture()
def registry() -> Registry:
    reg = Registry()
    for check in REGISTRY:
        reg.register(check)
    reg.register(LevelDisagreement)
    return reg


def test_model_check_runs_only_with_its_resource_and_lowers_scores(registry):
    doc = build_example(LevelDisagreement.bad)
    settings = Settings(select=["ZB-ST9", "ZB-M"])
    without = Scorer(settings, registry=registry)
    assert without.unavailable == ["ZB-ST901"]
    plain = without.score_document(doc)
    assert "ZB-ST901" not in plain.checks and plain.model_versions == {}

    with_model = Scorer(settings, registry=registry, resources={"level_classifier": KeywordLevelModel()})
    scored = with_model.score_document(doc)
    (finding,) = [f for f in scored.all_findings() if f.code == "ZB-ST901"]
    assert finding.details == {"predicted": "服务对象满意度", "confidence": 0.9}
    assert scored.model_versions == {"level_classifier": "test-1"}
    assert scored.projects[0].indicators[0].score < plain.projects[0].indicators[0].score


def test_goal_matcher_is_chosen_by_settings(monkeypatch):
    class EverythingRelated:
        name, version = "everything", "v0"

        def __init__(self, settings, resources):
            pass

        def warm_up(self):
            pass

        def goals_measured(self, project, indicators):
            return [Relation(True, 1.0) for _ in project.project.goals]

        def indicator_related(self, project, indicator):
            return Relation(True, 1.0)

    monkeypatch.setitem(matching._MATCHERS, "everything", EverythingRelated)
    spec = {"project": {"name": "专项人员经费", "goals": ["保障退役安置人员工资及保险"]},
            "indicators": [{"name": "参与政府决策活动次数", "target": ">10次"}]}
    doc = build_example(spec)
    assert {f.code for f in Scorer(Settings(select=["ZB-R"])).score_document(doc).all_findings()} == {
        "ZB-R001", "ZB-R002"}
    swapped = Scorer(Settings(select=["ZB-R"], goal_matcher="everything")).score_document(doc)
    assert swapped.all_findings() == []
    assert swapped.model_versions == {"goal_matcher:everything": "v0"}
    with pytest.raises(ValueError, match="unknown goal_matcher"):
        Scorer(Settings(goal_matcher="nope"))


def test_stages_are_named_and_replaceable():
    doc = build_example({"name": "完成率", "target": ""})
    no_checks = Scorer(stages=("normalise", "scores")).score_document(doc)
    assert no_checks.all_findings() == [] and no_checks.projects[0].indicators[0].score == 100.0
    with pytest.raises(ValueError, match="unknown stage"):
        Scorer(stages=("normalise", "spellcheck"))
    with pytest.raises(ValueError, match="no result"):
        Scorer(stages=("normalise", "checks")).score_document(doc)
