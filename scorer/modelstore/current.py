"""The current model for long-running processes, picked up again after a promotion.

:func:`load_current_model` is cheap to call on every request: it stats the registry
and only reads it again when its modification time changed, and only loads a model
when the current version changed. So ``zhibiao models promote`` takes effect in a
running API without a restart, and a promotion that fails leaves the old model serving.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from scorer.modelstore.store import ModelStore, ModelStoreError, StoredModel

ENV_MODELS_DIR = "ZHIBIAO_MODELS_DIR"


def default_models_dir() -> Path:
    """``$ZHIBIAO_MODELS_DIR``, else the repository's ``models/`` (next to the package)."""
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models"


@dataclass
class _Cached:
    stamp: tuple[int, int]
    model: StoredModel


_lock = threading.Lock()
_cache: dict[Path, _Cached] = {}


def load_current_model(models_dir: str | Path | None = None) -> StoredModel:
    """The verified current model of ``models_dir``; reloaded only when it changed."""
    root = Path(models_dir) if models_dir is not None else default_models_dir()
    store = ModelStore(root)
    with _lock:
        try:
            stat = store.registry_path.stat()
        except FileNotFoundError:
            raise ModelStoreError(f"no model registry in {root}: train a model and promote it") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = _cache.get(root)
        if cached is not None and cached.stamp == stamp:
            return cached.model
        current = store.current_version()
        if cached is not None and cached.model.version == current:
            cached.stamp = stamp
            return cached.model
        model = store.load(current)
        _cache[root] = _Cached(stamp, model)
        return model
