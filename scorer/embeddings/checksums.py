"""SHA-256 manifest of a model directory, in ``sha256sum`` format (``sha256sum -c`` reads it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHECKSUM_FILE = "checksums.sha256"
#: Files that describe the model rather than determine its outputs.
_NOT_CHECKSUMMED = {CHECKSUM_FILE, "README.md"}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _model_files(model_dir: Path) -> list[Path]:
    return sorted(
        p for p in model_dir.rglob("*") if p.is_file() and p.relative_to(model_dir).as_posix() not in _NOT_CHECKSUMMED
    )


def write_checksums(model_dir: Path) -> Path:
    """Hash every file that determines the embeddings (weights, tokenizer, configs)."""
    lines = [f"{sha256_file(p)}  {p.relative_to(model_dir).as_posix()}" for p in _model_files(model_dir)]
    out = model_dir / CHECKSUM_FILE
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def read_checksums(manifest: Path) -> dict[str, str]:
    """Relative path → SHA-256, as listed in ``manifest``."""
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def verify_checksums(model_dir: Path) -> list[str]:
    """Problems found (empty when every listed file is present and unchanged)."""
    manifest = model_dir / CHECKSUM_FILE
    if not manifest.is_file():
        return [f"{manifest} is missing"]
    problems = []
    for name, expected in read_checksums(manifest).items():
        path = model_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != expected:
            problems.append(f"{name}: checksum differs")
    return problems
