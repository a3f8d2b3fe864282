"""``load_embedder``: the one place that turns settings into an :class:`Embedder`."""

from __future__ import annotations

from scorer.embeddings.base import Embedder
from scorer.embeddings.cache import CachedEmbedder
from scorer.embeddings.hashing import HashingEmbedder
from scorer.embeddings.paths import default_cache_path, default_embedder_dir, default_static_dir
from scorer.embeddings.sentence_transformer import SentenceTransformerEmbedder
from scorer.embeddings.settings import EmbedderSettings


def load_embedder(settings: EmbedderSettings | None = None) -> Embedder:
    """Build the configured embedder, wrapped in the persistent cache unless disabled.
    Raises :class:`~scorer.embeddings.base.EmbedderError` when the model directory is missing."""
    settings = settings or EmbedderSettings()
    inner: Embedder
    if settings.kind == "hashing":
        inner = HashingEmbedder(dim=settings.hashing_dim)
    else:
        default = default_embedder_dir() if settings.kind == "transformer" else default_static_dir()
        # Behind the cache the model is loaded at the first miss: a warm cache never needs it.
        inner = SentenceTransformerEmbedder(settings.path or default, batch_size=settings.batch_size,
                                            lazy=settings.cache)
    if not settings.cache:
        return inner
    return CachedEmbedder(inner, settings.cache_path or default_cache_path())
