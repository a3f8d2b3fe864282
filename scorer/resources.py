"""The models a scorer can use, found and loaded in one place for the CLI, the API and
batch workers: the level classifier from the model store (re-read after a promotion),
the sentence embedder (loaded once per process, with its persistent cache under
``ZHIBIAO_HOME``) and the relevance model fitted on that embedder's vectors. A missing
model is not an error: the checks that need it simply do not run, and the output says
which model versions ran."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from scorer.embeddings import Embedder, EmbedderError, EmbedderSettings, load_embedder
from scorer.modelstore.current import default_models_dir, load_current_model
from scorer.modelstore.families import RELEVANCE
from scorer.modelstore.store import ModelStoreError

log = logging.getLogger("zhibiao.resources")

LEVEL_CLASSIFIER = "level_classifier"
EMBEDDER = "embedder"
RELEVANCE_MODEL = "relevance_model"

_embedders: dict[str, Embedder] = {}
_embedders_lock = threading.Lock()


def shared_embedder(settings: EmbedderSettings | None = None) -> Embedder:
    """The process's embedder for ``settings`` (default: ``ZHIBIAO_EMBEDDER_*``), loaded on
    first use and shared by every scorer: the model is ~0.5 GB mapped and takes seconds to
    load. Raises :class:`EmbedderError` when the model is not built."""
    settings = settings or EmbedderSettings()
    key = json.dumps(settings.model_dump(mode="json"), sort_keys=True)
    with _embedders_lock:
        embedder = _embedders.get(key)
        if embedder is None:
            embedder = load_embedder(settings)
            # Scores report model versions by the resource's ``version``.
            embedder.version = embedder.model_id  # type: ignore[attr-defined]
            _embedders[key] = embedder
        return embedder


class ModelResources:
    """``current()`` → {resource name: loaded model}; cheap to call per request."""

    def __init__(self, models_dir: str | Path | None = None, use_models: bool = True,
                 embedder_settings: EmbedderSettings | None = None):
        self.models_dir = models_dir
        self.use_models = use_models
        self.embedder_settings = embedder_settings
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
        try:
            embedder = shared_embedder(self.embedder_settings)
        except EmbedderError as exc:
            self._warn_once(EMBEDDER, f"embedder not loaded, semantic checks skipped: {exc}")
            return resources
        resources[EMBEDDER] = embedder
        relevance = self._relevance_model(embedder)
        if relevance is not None:
            resources[RELEVANCE_MODEL] = relevance
        return resources

    def _relevance_model(self, embedder: Embedder) -> Any:
        root = Path(self.models_dir) if self.models_dir is not None else default_models_dir()
        try:
            stored = load_current_model(RELEVANCE.root(root))
        except ModelStoreError as exc:
            self._warn_once(RELEVANCE_MODEL, f"relevance model not loaded: {exc}")
            return None
        model = stored.estimator
        model.version = stored.version
        if model.embedder_id != embedder.model_id:
            # Its features are cosines in one embedder's space; another's would be noise.
            self._warn_once(RELEVANCE_MODEL, f"relevance model {stored.version} was fitted on {model.embedder_id}, "
                                             f"not the configured {embedder.model_id}; its checks are skipped")
            return None
        reason = model.incompatibility()
        if reason is not None:
            self._warn_once(RELEVANCE_MODEL, f"relevance model {stored.version} cannot be used: {reason}; retrain it "
                                             "(zhibiao train --task relevance, then zhibiao models promote --task "
                                             "relevance); its checks are skipped")
            return None
        return model
