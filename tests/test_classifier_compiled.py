"""The compiled prediction path (scorer/classifier/compiled.py) gives the probabilities of
scikit-learn's own transform → calibrate → average path, on the shipped model and on
freshly fitted ones."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from scorer import segment
from scorer.classifier import LevelClassifier
from scorer.classifier.baseline import BaselineClassifier, joined_text
from scorer.document import Indicator
from scorer.modelstore import ModelStore
from training.corpus import read_corpus
from training.dataset import learnable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data():
    data, _ = learnable(read_corpus([ROOT / "corpus" / "indicators.tsv"]).rows)
    return data


@pytest.fixture(scope="module")
def shipped():
    return ModelStore(ROOT / "models").load().estimator


def assert_same(model: LevelClassifier, X) -> None:
    fast, reference = model.predict_proba(X), model.predict_proba_reference(X)
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-12)
    assert (fast.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_shipped_model_agrees_with_scikit_learn_in_one_batch_and_one_by_one(shipped, data):
    assert_same(shipped, data.X)
    for row in data.X[::60]:
        assert_same(shipped, [row])


def test_odd_texts_agree_too(shipped):
    odd = [
        Indicator(level1="", level2="", name="", target_raw=""),
        Indicator(level1="", level2="", name="？？？", target_raw="——", description="　"),
        Indicator(level1="", level2="", name="ＡＢＣ验收合格率ⅱ", target_raw="≥９５％", description="指标方向:正向 " * 40),
    ]
    assert_same(shipped, odd)


def test_an_empty_batch_has_no_rows(shipped):
    assert shipped.predict_proba([]).shape == (0, len(shipped.classes_))
    assert shipped.predict_levels([]) == []


@pytest.mark.parametrize("text_weight", [0.0, 0.5])
def test_fresh_fits_agree_and_refitting_recompiles(data, text_weight):
    first = data.subset(range(0, len(data), 3))
    model = LevelClassifier(text_weight=text_weight).fit(first.X, first.y, first.groups)
    assert_same(model, data.X[1::7])
    second = data.subset(range(1, len(data), 3))
    model.fit(second.X, second.y, second.groups)  # the compiled form of the first fit must go
    assert_same(model, data.X[::7])


def test_two_classes_agree(data):
    keep = [i for i, label in enumerate(data.y) if label in ("质量", "服务对象满意度")]
    pair = data.subset(keep)
    model = LevelClassifier().fit(pair.X, pair.y, pair.groups)
    assert len(model.classes_) == 2
    assert_same(model, data.X[::11])
    baseline = BaselineClassifier().fit(pair.X, pair.y)
    np.testing.assert_allclose(
        baseline.predict_proba(data.X[::11]), baseline.pipeline_.predict_proba(joined_text(data.X[::11])), atol=1e-12
    )


def test_artifacts_never_carry_the_compiled_form(shipped, data):
    shipped.predict_proba(data.X[:3])
    assert "_compiled" in vars(shipped) and "_compiled" in vars(shipped.text_model_)
    copy = pickle.loads(pickle.dumps(shipped))
    assert "_compiled" not in vars(copy) and "_compiled" not in vars(copy.text_model_)
    np.testing.assert_array_equal(copy.predict_proba(data.X[:30]), shipped.predict_proba(data.X[:30]))


def test_segmentation_cache_hands_out_fresh_lists():
    words = segment.tokenize("项目验收合格率")
    words.append("x")
    assert segment.tokenize("项目验收合格率") == words[:-1]
    long_text = "项目验收合格率" * 30  # longer than the cache keeps
    assert len(long_text) > segment.CACHE_MAX_CHARS
    assert segment.tokenize(long_text) == segment.tokenize("项目验收合格率") * 30


def test_a_corpus_without_descriptions_fits_and_agrees(data):
    """No description anywhere (nor a cue word in one): the description columns fit as one
    all-zero column instead of failing with "empty vocabulary", and the compiled path
    still agrees with scikit-learn's."""
    from scorer.classifier.features import NO_TERM

    X = [{**row, "description": ""} for row in data.X]
    model = LevelClassifier().fit(X, data.y, data.groups)
    assert_same(model, X[::7])
    assert_same(model, data.X[::7])  # rows that do carry descriptions add nothing, and break nothing
    fitted = dict((name, t) for name, t, _ in model.features_.transformers_)
    assert fitted["description_words"].vocabulary_ == {NO_TERM: 0}
    assert fitted["description_cues"].vocabulary_ == {NO_TERM: 0}
    assert len(fitted["name_words"].vocabulary_) > 100
