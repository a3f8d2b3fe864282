"""Persistent embedding cache: SQLite rows keyed by (model id, kind, normalised text).

Re-scoring a department or a batch mostly re-embeds texts seen before (the same
boilerplate on every project, the same common indicators in every document), so
:class:`CachedEmbedder` looks every text up first and sends only the misses to the model.
A bounded in-memory dict sits in front of SQLite for the texts of the running process.
Rows of different models never mix: the model id is part of the key, so pointing
``ZHIBIAO_EMBEDDER_PATH`` at another model starts from an empty cache for that model.
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from scorer.embeddings.base import Embedder, Kind, check_kind

# SQLite's bound-parameter limit is 32766 since 3.32; stay well under it.
_LOOKUP_CHUNK = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, kind, text)
) WITHOUT ROWID
"""


def cache_key(text: str) -> str:
    """The cached form of ``text``: NFC, whitespace runs collapsed, trimmed. The embedder
    sees this form too, so a cached vector is exactly what encoding the key gives."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


@dataclass
class CacheStats:
    memory_hits: int = 0
    disk_hits: int = 0
    misses: int = 0


class EmbeddingStore:
    """The SQLite table; one connection, guarded by a lock so threads may share it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30.0)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)
            self._conn.commit()

    def get_many(self, model_id: str, kind: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        row_bytes = dim * 4
        with self._lock:
            for start in range(0, len(texts), _LOOKUP_CHUNK):
                chunk = texts[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT text, vector FROM embeddings WHERE model_id = ? AND kind = ? AND text IN ({marks})",
                    (model_id, kind, *chunk),
                )
                for text, blob in rows:
                    if len(blob) == row_bytes:  # a row of another width is stale; re-encode it
                        found[text] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model_id: str, kind: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = [(model_id, kind, text, np.ascontiguousarray(vec, dtype=np.float32).tobytes()) for text, vec in items]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)
            self._conn.commit()

    def count(self, model_id: str | None = None) -> int:
        with self._lock:
            if model_id is None:
                return self._conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM embeddings WHERE model_id = ?", (model_id,)).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CachedEmbedder:
    """Wraps an :class:`Embedder`; same interface, same vectors, misses only hit the model."""

    def __init__(self, inner: Embedder, path: Path | str, *, memory_items: int = 200_000) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.store = EmbeddingStore(path)
        self.memory_items = memory_items
        self.stats = CacheStats()
        self._memory: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model behind the cache now, where it loads lazily (a service does at
        start-up, so that no request waits for it)."""
        load = getattr(self.inner, "load", None)
        if load is not None:
            load()

    def encode(self, texts: Sequence[str], kind: Kind = "query") -> np.ndarray:
        check_kind(kind)
        keys = [cache_key(t) for t in texts]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._lookup(keys, kind)
        return np.stack([vectors[k] for k in keys])

    def prefetch(self, texts: Iterable[str], kind: Kind = "query") -> None:
        """Encode ``texts`` now, in one call, and keep them in memory for the ``encode``
        calls that follow (a scorer prefetches a whole document's texts)."""
        check_kind(kind)
        keys = list(dict.fromkeys(cache_key(t) for t in texts))
        if keys:
            with self._lock:
                self._lookup(keys, kind)

    def _lookup(self, keys: list[str], kind: Kind) -> dict[str, np.ndarray]:
        memory = self._memory
        vectors: dict[str, np.ndarray] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            vec = memory.get((kind, key))
            if vec is None:
                missing.append(key)
            else:
                vectors[key] = vec
        self.stats.memory_hits += len(vectors)
        if missing:
            from_disk = self.store.get_many(self.model_id, kind, missing, self.dim)
            self.stats.disk_hits += len(from_disk)
            to_encode = [k for k in missing if k not in from_disk]
            if to_encode:
                encoded = self.inner.encode(to_encode, kind)
                fresh = dict(zip(to_encode, encoded))
                self.store.put_many(self.model_id, kind, fresh.items())
                from_disk.update(fresh)
                self.stats.misses += len(to_encode)
            vectors.update(from_disk)
            self._remember(kind, from_disk)
        return vectors

    def _remember(self, kind: Kind, new: dict[str, np.ndarray]) -> None:
        # First in, first out: cheaper than LRU bookkeeping on every hit, and a batch
        # re-reads its texts in roughly the order it first saw them.
        overflow = len(self._memory) + len(new) - self.memory_items
        if overflow > 0:
            # The oldest ``overflow`` keys only: listing them all would cost the whole
            # memory's size on every call once it is full.
            for old in list(islice(self._memory, overflow)):
                del self._memory[old]
        for key, vec in list(new.items())[: self.memory_items]:
            self._memory[(kind, key)] = vec

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()

    def close(self) -> None:
        self.store.close()
