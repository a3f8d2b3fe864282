"""The models a scorer can use, found and loaded in one place for the CLI, the API and
batch workers: the level classifier from the model store (re-read after a promotion)
and, when one is built, the sentence embedder. A missing model is not an error: the
checks that need it simply do not run, and the output says which model versions ran."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scorer.modelstore.current import load_current_model
from scorer.modelstore.store import ModelStoreError

log = logging.getLogger("zhibiao.resources")

LEVEL_CLASSIFIER = "level_classifier"


class ModelResources:
    """``current()`` → {resource name: loaded model}; cheap to call per request."""

    def __init__(self, models_dir: str | Path | None = None, use_models: bool = True):
        self.models_dir = models_dir
        self.use_models = use_models
        self._warned: set[str] = set()

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)

    def current(self) -> dict[str, Any]:
        if not self.use_models:
            return {}
        resources: dict[str, Any] = {}
        try:
            resources[LEVEL_CLASSIFIER] = load_current_model(self.models_dir)
        except ModelStoreError as exc:
            # A tampered or missing model must not stop scoring; its checks are skipped.
            self._warn_once(LEVEL_CLASSIFIER, f"level classifier not loaded: {exc}")
        return resources
