"""Any sentence-transformers model directory behind the :class:`Embedder` interface:
the converted e5, its static tier, or a user's own model (bge-small-zh, m3e, fine-tuned)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scorer.embeddings.base import EmbedderError, Kind, check_kind
from scorer.embeddings.checksums import CHECKSUM_FILE
from scorer.embeddings.paths import METADATA_FILE

# ST models name the passage prompt either way.
_PROMPT_NAMES: dict[str, tuple[str, ...]] = {"query": ("query",), "passage": ("passage", "document")}


def model_id_for(path: Path) -> str:
    """A cache key for the model in ``path`` that changes when its weights change.

    zhibiao's own conversions record one in ``zhibiao_embedder.json``; otherwise the
    directory name plus a hash of its checksum manifest (or, lacking one, of its configs
    and the names and sizes of its files).
    """
    meta = path / METADATA_FILE
    if meta.is_file():
        model_id = json.loads(meta.read_text(encoding="utf-8")).get("model_id")
        if model_id:
            return str(model_id)
    digest = hashlib.sha256()
    manifest = path / CHECKSUM_FILE
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    else:
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            rel = item.relative_to(path).as_posix()
            digest.update(f"{rel}:{item.stat().st_size}\n".encode())
            if item.suffix == ".json" and item.stat().st_size < 1 << 20:
                digest.update(item.read_bytes())
    return f"{path.name}-{digest.hexdigest()[:12]}"


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _safetensors_width(path: Path) -> int | None:
    """The second dimension of the first 2-D tensor in a safetensors file, from its JSON
    header alone (8-byte length, then the header): no weights are read."""
    try:
        with path.open("rb") as f:
            size = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(size)) if 0 < size < 1 << 24 else {}
    except (OSError, ValueError):
        return None
    shapes = [v.get("shape") for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)]
    return next((int(shape[1]) for shape in shapes if isinstance(shape, list) and len(shape) == 2), None)


def declared_dimension(path: Path) -> int | None:
    """The embedding width a sentence-transformers directory declares, read from its
    config files without loading the model; None for a module this does not know (the
    model is then loaded to ask it)."""
    modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
    dim: int | None = None
    for module in modules:
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        where = path / module.get("path", "")
        if kind == "Transformer":
            dim = _json(path / "config.json").get("hidden_size") or _json(where / "config.json").get("hidden_size")
        elif kind == "Pooling":
            config = _json(where / "config.json")
            width = config.get("embedding_dimension") or config.get("word_embedding_dimension")
            modes = config.get("pooling_mode")
            # Several modes are concatenated: a list ("pooling_mode": ["mean", "max"]) or, in
            # older configs, one flag each (pooling_mode_mean_tokens: true …).
            flags = sum(v is True for k, v in config.items() if k.startswith("pooling_mode_"))
            count = len(modes) if isinstance(modes, list) else 1 if isinstance(modes, str) else max(flags, 1)
            dim = None if not width else int(width) * count
        elif kind == "Dense":
            dim = _json(where / "config.json").get("out_features")
        elif kind == "StaticEmbedding":
            dim = _safetensors_width(where / "model.safetensors")
        elif kind != "Normalize":
            return None
    return int(dim) if dim else None


class SentenceTransformerEmbedder:
    """Loads the directory once; ``encode`` applies the model's own ``query``/``passage``
    prompt when it defines one and no prompt otherwise (never its default prompt, so the
    two kinds stay distinct and predictable).

    With ``lazy=True`` the model is loaded by the first ``encode`` (or :meth:`load`), not
    at construction: behind a warm embedding cache a batch worker or a CLI run never
    encodes, and loading it cost ~8 s and ~600 MB per process for nothing."""

    def __init__(self, path: Path | str, *, batch_size: int = 16, device: str = "cpu", lazy: bool = False) -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "modules.json").is_file():
            raise EmbedderError(
                f"no sentence-transformers model at {self.path}: run `zhibiao models build-embedder`, "
                "or set ZHIBIAO_EMBEDDER_PATH to a model directory"
            )
        self.batch_size = batch_size
        self.device = device
        self.model_id = model_id_for(self.path)
        self._model: Any = None
        self._lock = threading.Lock()
        declared = declared_dimension(self.path) if lazy else None
        if declared is None:
            self.load()
            dim = self._model.get_embedding_dimension()
            if dim is None:
                raise EmbedderError(f"{self.path}: the model does not declare its embedding dimension")
            declared = int(dim)
        self.dim = declared

    def load(self) -> None:
        """Load the model now (a service does at start-up, so no request waits for it)."""
        with self._lock:
            if self._model is not None:
                return
            from sentence_transformers import SentenceTransformer

            quiet_transformers()
            try:
                model = SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
            except Exception as exc:  # a truncated or missing weight file, a bad config: any of them
                raise EmbedderError(
                    f"the sentence embedder at {self.path} could not be loaded ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); rebuild it with `zhibiao models build-embedder`"
                ) from exc
            dim = model.get_embedding_dimension()
            if getattr(self, "dim", None) is not None and dim is not None and int(dim) != self.dim:
                raise EmbedderError(f"{self.path}: the model gives {dim}-dimensional vectors, its files declare {self.dim}")
            self._model = model

    @property
    def model(self) -> Any:
        if self._model is None:
            self.load()
        return self._model

    def prompt_for(self, kind: Kind) -> str:
        prompts = self.model.prompts or {}
        for name in _PROMPT_NAMES[kind]:
            if name in prompts:
                return prompts[name]
        return ""

    def encode(self, texts: Sequence[str], kind: Kind = "query") -> np.ndarray:
        check_kind(kind)
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt=self.prompt_for(kind),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def quiet_transformers() -> None:
    """Silence transformers' per-load progress bars and load reports: zhibiao loads local
    models it built itself, and the bars would clutter CLI output and service logs."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
