"""The level classifier: estimator conventions, consistent levels, disagreement findings.

Prediction tests use the model shipped in models/ (no training); estimator tests fit on
a small slice of the corpus.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from scorer import segment
from scorer.classifier import LevelClassifier, level_disagreement, level_disagreements
from scorer.classifier.baseline import BaselineClassifier
from scorer.classifier.disagreement import DisagreementPolicy, calibrate_policy, calibrate_threshold
from scorer.classifier.features import indicator_frame, level_cues, target_shape
from scorer.document import Indicator
from scorer.modelstore import ModelStore, load_current_model
from scorer.taxonomy import PRIMARY_LEVEL1
from training.corpus import read_corpus
from training.dataset import learnable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped():
    return ModelStore(ROOT / "models").load()


@pytest.fixture(scope="module")
def small_set():
    data, _ = learnable(read_corpus([ROOT / "corpus" / "indicators.tsv"]).rows)
    return data.subset(range(0, len(data), 3))  # every third row: quick to fit


def ind(name: str, target: str = "", level1: str = "", level2: str = "", description: str = "") -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, target_raw=target, description=description)


def test_init_only_stores_parameters_and_clone_works():
    model = LevelClassifier(C=0.7, text_weight=0.0)
    assert model.get_params()["C"] == 0.7
    assert not [k for k in vars(model) if k.endswith("_")]
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.predict([ind("验收合格率")])


def test_fit_learns_attributes_ending_in_underscore(small_set):
    model = LevelClassifier().fit(small_set.X, small_set.y, small_set.groups)
    learned = {k for k in vars(model) if k.endswith("_")}
    assert {"classes_", "features_", "calibrated_", "text_model_"} <= learned
    proba = model.predict_proba(small_set.X[:20])
    assert proba.shape == (20, len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(small_set.X[:20])) <= set(model.classes_)
    # The SVM alone is a valid model too.
    alone = LevelClassifier(text_weight=0).fit(small_set.X, small_set.y)
    assert alone.text_model_ is None and len(alone.predict(small_set.X[:5])) == 5


def test_fit_refuses_a_label_with_one_example(small_set):
    y = small_set.y.copy()
    y[0] = "经济成本"
    with pytest.raises(ValueError, match="at least 2 examples"):
        LevelClassifier().fit(small_set.X, y)
    with pytest.raises(ValueError, match="rows"):
        LevelClassifier().fit(small_set.X, y[:-1])


def test_baseline_is_an_estimator_too(small_set):
    baseline = BaselineClassifier().fit(small_set.X, small_set.y)
    assert len(baseline.predict(small_set.X[:7])) == 7


@pytest.mark.parametrize(
    ("name", "target", "level2"),
    [
        ("重点建设工程验收合格率", "≥95%", "质量"),
        ("服务对象满意度", "≥90%", "服务对象满意度"),
        ("资金支付及时率", "100%", "时效"),
        ("项目总成本", "≤100万元", "成本"),
        ("培训人次", "≥500人次", "数量"),
        ("带动农户增收", "≥50万元", "经济效益"),
    ],
)
def test_shipped_model_reads_textbook_indicators(shipped, name, target, level2):
    prediction = shipped.estimator.predict_levels([ind(name, target)])[0]
    assert prediction.level2 == level2


def test_levels_are_consistent_and_confidences_ordered(shipped, small_set):
    for p in shipped.estimator.predict_levels(small_set.X):
        assert PRIMARY_LEVEL1[p.level2] == p.level1
        assert 0 < p.confidence <= p.level1_confidence <= 1 + 1e-9


def test_template_decides_where_cost_is_filed(shipped):
    cost = ind("项目总成本", "≤100万元")
    assert shipped.estimator.predict_levels([cost])[0][:2] == ("产出", "成本")
    assert shipped.estimator.predict_levels([cost], template="2021")[0][:2] == ("成本", "经济成本")


def test_indicator_frame_accepts_indicators_dicts_and_corpus_columns():
    frame = indicator_frame([ind("a", "1", description="d"), {"level3": "b", "target_value": "2"}, {"name": "c"}])
    assert frame.to_dict("list") == {"name": ["a", "b", "c"], "description": ["d", "", ""], "target": ["1", "2", ""]}


def test_parsed_indicators_are_read_by_their_raw_target(shipped):
    """Parsed documents carry ``target`` (the parsed value) and ``target_raw`` (the cell);
    the model must see the cell text, exactly as for a corpus row."""
    from scorer.values import parse_target

    parsed = [Indicator(level1="产出指标", level2="数量指标", name=name, target_raw=raw, target=parse_target(raw))
              for name, raw in (("新建污水处理站数量", "≥20座"), ("群众满意度", "≥95%"), ("工程完工时间", "2020年12月底前"))]
    assert indicator_frame(parsed)["target"].tolist() == ["≥20座", "≥95%", "2020年12月底前"]
    rows = [{"level3": i.name, "target_value": i.target_raw} for i in parsed]
    np.testing.assert_array_equal(shipped.estimator.predict_proba(parsed), shipped.estimator.predict_proba(rows))


def test_feature_helpers():
    assert "unit_class=percent" in target_shape("≥95%")
    assert "unit_class=money" in target_shape("≤30万元")
    assert "deadline" in target_shape("2020年12月底前")
    assert "kind=empty" in target_shape("")
    assert "cue=服务对象满意度" in level_cues("群众满意度")
    assert level_cues("") == []


def test_segmenter_is_built_once_under_concurrency(monkeypatch):
    built = []
    real_build = segment._build

    def counting_build():
        built.append(1)
        return real_build()

    monkeypatch.setattr(segment, "_tokenizer", None)
    monkeypatch.setattr(segment, "_build", counting_build)
    segment.clear_cache()  # a remembered segmentation would not need the tokenizer
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(segment.tokenize("项目验收合格率"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1
    assert all(r == results[0] for r in results) and len(results) == 8


# -- disagreement ------------------------------------------------------------------------


def test_disagreement_when_the_declared_level_contradicts_the_text(shipped):
    wrong = ind("服务对象满意度", "≥90%", level1="产出指标", level2="数量指标")
    found = level_disagreement(wrong, shipped)
    assert found is not None
    assert (found.level1, found.level2) == ("满意度", "服务对象满意度")
    assert found.confidence >= shipped.threshold


def test_no_disagreement_when_levels_agree_or_cannot_be_judged(shipped):
    right = ind("服务对象满意度", "≥90%", level1="满意度指标", level2="服务对象满意度指标")
    cost_2021 = ind("项目总成本", "≤100万元", level1="成本指标", level2="经济成本指标")
    unlearned = ind("服务对象满意度", "≥90%", level1="成本指标", level2="社会成本指标")
    unlabeled = ind("服务对象满意度", "≥90%")
    assert level_disagreements([right, cost_2021, unlearned, unlabeled], shipped) == [None] * 4


def test_level1_only_is_judged_on_level1(shipped):
    found = level_disagreement(ind("服务对象满意度", "≥90%", level1="产出指标"), shipped)
    assert found is not None and found.level1 == "满意度"
    assert level_disagreement(ind("服务对象满意度", "≥90%", level1="满意度指标"), shipped) is None


def test_threshold_gates_disagreements(shipped):
    wrong = ind("服务对象满意度", "≥90%", level1="产出指标", level2="数量指标")
    assert level_disagreement(wrong, shipped.estimator, threshold=1.01) is None
    assert level_disagreement(wrong, shipped.estimator, threshold=0.0) is not None
    with pytest.raises(ValueError, match="threshold"):
        level_disagreement(wrong, shipped.estimator)
    assert level_disagreements([], shipped) == []


def test_calibrate_threshold_finds_the_lowest_confident_cut():
    conf = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4]
    correct = [True, True, True, True, True, False, True, False]
    t = calibrate_threshold(conf, correct, target_precision=0.8, min_support=3)
    assert t.reached and t.threshold == 0.5 and t.support == 7
    assert calibrate_threshold(conf, correct, target_precision=1.0, min_support=3).threshold == 0.7
    never = calibrate_threshold([0.9, 0.8], [False, False], min_support=1)
    assert not never.reached and never.threshold > 0.9


def test_name_word_coverage_counts_the_words_the_model_was_trained_on(shipped):
    known, unknown = shipped.estimator.name_word_coverage([ind("培训人次", "≥200人次"), ind("化学需氧量削减量", "≥1500吨")])
    assert known == 1.0 and unknown < 1 / 3
    assert shipped.estimator.name_word_coverage([ind("", "")]).tolist() == [0.0]


def test_calibrate_policy_asks_more_confidence_where_the_model_knows_fewer_words():
    rng = np.random.default_rng(0)
    coverage = np.r_[np.full(200, 0.1), np.full(200, 0.9)]
    confidence = rng.uniform(0.3, 1.0, 400)
    # Right 70 % of the time when it knows few words, 98 % when it knows most.
    correct = rng.uniform(size=400) < np.r_[np.full(200, 0.7), np.full(200, 0.98)]
    policy = calibrate_policy(confidence, correct, coverage, edges=(0.5,), target_precision=0.95)
    low, high = policy.thresholds
    assert high.reached and not low.reached
    assert policy.limits([0.1, 0.9]).tolist() == [np.inf, high.threshold]
    assert DisagreementPolicy.from_card(policy.as_dict()).limits([0.1, 0.9]).tolist() == [np.inf, round(high.threshold, 4)]


def test_a_card_with_one_threshold_applies_it_to_every_row():
    policy = DisagreementPolicy.from_card({"threshold": 0.6})
    assert not policy.banded and policy.limits([0.0, 0.5, 1.0]).tolist() == [0.6, 0.6, 0.6]
    with pytest.raises(ValueError, match="edges"):
        DisagreementPolicy(policy.thresholds, (0.5,))


def test_out_of_vocabulary_names_are_not_called_misfiled(shipped):
    # A pollutant reduction in tonnes reads like a 数量 count to a model whose corpus has
    # no water-quality indicators; it knows none of the name's words and stays quiet.
    unknown = ind("化学需氧量削减量", "≥1500吨", level1="效益指标", level2="生态效益指标")
    known = ind("工程验收合格率", "100%", level1="产出指标", level2="数量指标")
    assert level_disagreements([unknown, known], shipped)[0] is None
    assert level_disagreements([unknown, known], shipped)[1] is not None
    # Without the bands (one threshold for all rows) the first is reported.
    assert level_disagreement(unknown, shipped, threshold=shipped.threshold) is not None


def test_load_current_model_serves_the_shipped_model(monkeypatch):
    monkeypatch.setenv("ZHIBIAO_MODELS_DIR", str(ROOT / "models"))
    model = load_current_model()
    assert model.version == ModelStore(ROOT / "models").current_version()
    assert 0 < model.threshold < 1
