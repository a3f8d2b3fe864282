"""Embedder settings, read from ``ZHIBIAO_EMBEDDER_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbedderSettings(BaseSettings):
    """``ZHIBIAO_EMBEDDER_PATH=/models/bge-small-zh`` is all it takes to use another model."""

    model_config = SettingsConfigDict(env_prefix="ZHIBIAO_EMBEDDER_", extra="ignore")

    #: ``transformer``: a sentence-transformers directory (default: the converted e5);
    #: ``static``: its distilled static tier; ``hashing``: char n-grams, no model files.
    kind: Literal["transformer", "static", "hashing"] = "transformer"
    #: Model directory; unset means the one ``zhibiao models build-embedder`` writes.
    path: Path | None = None
    #: Persist vectors in SQLite (``cache_path``, default under ``$ZHIBIAO_HOME``).
    cache: bool = True
    cache_path: Path | None = None
    #: Texts per forward pass. Small batches waste less on padding to the batch's longest
    #: text: on the seeds' per-document calls 16 used ~20 % less CPU than 64, and on a
    #: large length-sorted call the two are equal (benchmarks/bench_semantic.py).
    batch_size: int = Field(default=16, ge=1)
    hashing_dim: int = Field(default=512, ge=8)
