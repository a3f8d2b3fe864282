"""Any sentence-transformers model directory behind the :class:`Embedder` interface:
the converted e5, its static tier, or a user's own model (bge-small-zh, m3e, fine-tuned)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

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


class SentenceTransformerEmbedder:
    """Loads the directory once; ``encode`` applies the model's own ``query``/``passage``
    prompt when it defines one and no prompt otherwise (never its default prompt, so the
    two kinds stay distinct and predictable)."""

    def __init__(self, path: Path | str, *, batch_size: int = 16, device: str = "cpu") -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "modules.json").is_file():
            raise EmbedderError(
                f"no sentence-transformers model at {self.path}: run `zhibiao models build-embedder`, "
                "or set ZHIBIAO_EMBEDDER_PATH to a model directory"
            )
        from sentence_transformers import SentenceTransformer

        self.batch_size = batch_size
        quiet_transformers()
        self.model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        self.model_id = model_id_for(self.path)
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise EmbedderError(f"{self.path}: the model does not declare its embedding dimension")
        self.dim = int(dim)

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
