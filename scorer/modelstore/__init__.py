"""Versioned models: a registry of hashed version directories and a current pointer."""

from scorer.modelstore.current import ENV_MODELS_DIR, default_models_dir, load_current_model
from scorer.modelstore.store import (
    MODEL,
    ModelIntegrityError,
    ModelStore,
    ModelStoreError,
    StoredModel,
)

__all__ = [
    "ENV_MODELS_DIR",
    "MODEL",
    "ModelIntegrityError",
    "ModelStore",
    "ModelStoreError",
    "StoredModel",
    "default_models_dir",
    "load_current_model",
]
