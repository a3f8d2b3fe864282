"""The learned map on the embeddings (scorer/semantic/adapter.py), off by default: fitted on
the fits only, deterministic, saved with the pipeline, and the verdicts of a model that has
one run its vectors through it (hashing embedder)."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pytest

from scorer.embeddings import HashingEmbedder
from scorer.semantic.adapter import EmbeddingAdapter
from scorer.semantic.relevance import RelevanceModel, embed_pairs
from training.relevance import CORPUS, EVAL_SET, RelevanceConfig, labelled_draws, row_pairs, training_rows


@pytest.fixture(scope="module")
def data():
    _, rows, _ = training_rows([CORPUS], [EVAL_SET])
    pairs, y, draw = labelled_draws(row_pairs(rows), seed=0, draws=1)
    return embed_pairs(pairs, HashingEmbedder()), y, draw


def _own_project_cosine(X) -> np.ndarray:
    return (X.indicator * X.project_name).sum(axis=1)


def test_off_by_default():
    assert not RelevanceConfig().adapter
    assert [name for name, _ in RelevanceConfig().pipeline().steps] == ["features", "classifier"]
    assert [name for name, _ in RelevanceConfig(adapter=True).pipeline().steps] == ["adapter", "features", "classifier"]


def test_the_map_draws_fits_toward_their_projects(data):
    X, y, _ = data
    adapter = EmbeddingAdapter(epochs=30).fit(X, y)
    mapped = adapter.transform(X)
    fits = y == 1
    assert not np.allclose(adapter.matrix_, np.eye(adapter.matrix_.shape[0]))
    # mapped vectors stay unit length, and fits move closer to their own project's name
    np.testing.assert_allclose(np.linalg.norm(mapped.indicator, axis=1), 1.0, atol=1e-4)
    assert _own_project_cosine(mapped)[fits].mean() > _own_project_cosine(X)[fits].mean()


def test_negatives_are_not_learned_from(data):
    """Moved negatives only say where an indicator does *not* belong: the map is the same
    with or without them in the training pairs."""
    X, y, _ = data
    fits = np.flatnonzero(y == 1)
    with_negatives = EmbeddingAdapter(epochs=10).fit(X, y).matrix_
    fits_only = EmbeddingAdapter(epochs=10).fit(X.subset(fits), y[fits]).matrix_
    np.testing.assert_array_equal(with_negatives, fits_only)


def test_deterministic_and_saved_with_the_pipeline(data):
    X, y, _ = data
    first = EmbeddingAdapter(epochs=10, seed=3).fit(X, y)
    np.testing.assert_array_equal(first.matrix_, EmbeddingAdapter(epochs=10, seed=3).fit(X, y).matrix_)
    buffer = io.BytesIO()
    joblib.dump(first, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).transform(X).indicator, first.transform(X).indicator)


def test_no_anchor_is_the_identity(data):
    X, y, _ = data
    assert np.array_equal(EmbeddingAdapter().fit(X.subset([]), y[:0]).matrix_, np.eye(X.indicator.shape[1]))


def test_verdicts_run_through_the_map(data):
    """``judge_embedded`` runs the features by hand: with a map in front, its probabilities
    must be the pipeline's own, not those of unmapped vectors."""
    X, y, draw = data
    config = RelevanceConfig(adapter=True, draws=1)
    pipeline = config.pipeline().set_params(adapter__epochs=20).fit(X, y, classifier__draw=draw)
    model = RelevanceModel(pipeline, 0.5, HashingEmbedder().model_id)
    sample = X.subset(np.arange(0, len(X), 9))
    verdicts = model.judge_embedded(sample)
    np.testing.assert_allclose([v.mismatch_probability for v in verdicts], model.mismatch_probability(sample),
                               rtol=1e-6, atol=1e-6)
    unmapped = model._mismatch(pipeline[1:].predict_proba(sample), sample.pairs)
    assert not np.allclose(unmapped, model.mismatch_probability(sample))
