"""A directory of versioned models with a registry that says which one is current.

Layout::

    models/
      registry.json          # versions, their file hashes, the current one, history
      <version>/model.joblib  # the artifacts a training run wrote
      <version>/card.json     # model card (what it was trained on, how good it is)
      <version>/README.md     # the same card for people

A joblib file is code: it runs when loaded. So nothing is loaded that is not listed in
``registry.json``, and every file of a version is checked against the SHA-256 recorded
there *before* ``joblib.load`` sees it (the bytes that were hashed are the bytes that
are loaded). A version directory is written under a temporary name and renamed into
place; ``registry.json`` is replaced with ``os.replace`` under a lock, so a reader sees
either the old or the new registry, and a failed or interrupted training leaves the
current model untouched.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib

REGISTRY = "registry.json"
LOCK = ".registry.lock"
CARD_JSON = "card.json"
CARD_MD = "README.md"
MODEL = "model.joblib"
#: the TF-IDF + LR reference trained on the same split, for ``zhibiao eval``.
BASELINE = "baseline.joblib"
REGISTRY_FORMAT = 1


class ModelStoreError(Exception):
    """A model store problem a user can act on (unknown version, nothing to roll back to …)."""


class ModelIntegrityError(ModelStoreError):
    """A file of a version does not match the hash in the registry: refuse to load it."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the registry is read by other users
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class StoredModel:
    """A verified, loaded version: its estimator and its card."""

    version: str
    path: Path
    card: dict[str, Any]
    estimator: Any

    @property
    def threshold(self) -> float:
        """Confidence above which a level disagreement is reported (see the card)."""
        return float(self.card["disagreement"]["threshold"])


@dataclass
class Registry:
    current: str | None = None
    #: earlier current versions, most recent last; ``rollback`` pops from here.
    history: list[str] = field(default_factory=list)
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Registry:
        if data.get("format") != REGISTRY_FORMAT:
            raise ModelStoreError(f"unsupported registry format {data.get('format')!r}")
        return cls(data.get("current"), list(data.get("history", [])), dict(data.get("versions", {})))

    def to_json(self) -> dict[str, Any]:
        return {"format": REGISTRY_FORMAT, "current": self.current, "history": self.history, "versions": self.versions}


class ModelStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- registry -------------------------------------------------------------------
    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY

    def read_registry(self) -> Registry:
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Registry()
        except json.JSONDecodeError as exc:
            raise ModelStoreError(f"{self.registry_path} is not valid JSON: {exc}") from None
        return Registry.from_json(data)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _apply(self, change: Callable[[Registry], None]) -> Registry:
        """Read, change and atomically replace the registry; the caller holds the lock."""
        registry = self.read_registry()
        change(registry)
        text = json.dumps(registry.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_atomic(self.registry_path, text.encode("utf-8"))
        return registry

    def _update(self, change: Callable[[Registry], None]) -> Registry:
        with self._locked():
            return self._apply(change)

    def versions(self) -> dict[str, dict[str, Any]]:
        return self.read_registry().versions

    def current_version(self) -> str | None:
        return self.read_registry().current

    def _entry(self, version: str) -> dict[str, Any]:
        entry = self.read_registry().versions.get(version)
        if entry is None:
            raise ModelStoreError(f"unknown model version '{version}' in {self.root} (see `zhibiao models list`)")
        return entry

    # -- writing ----------------------------------------------------------------------
    def add_version(self, artifacts: dict[str, Any], card: dict[str, Any], render_card: Callable[[dict[str, Any]], str]) -> str:
        """Write a new version directory and register it (without making it current).

        ``artifacts`` maps file names to objects to dump with joblib. The card gets the
        version, its creation time and the artifact hashes; ``render_card`` turns it into
        the README. The version is ``<UTC time>-<model hash>``, with ``-2``, ``-3`` …
        when the same model is written twice in one second.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        blobs = {name: _dump(obj) for name, obj in artifacts.items()}
        created = datetime.now(timezone.utc)
        card = {**card, "created_at": created.isoformat(timespec="seconds")}
        card["artifacts"] = {name: {"sha256": sha256_bytes(b), "bytes": len(b)} for name, b in blobs.items()}

        staging = self.root / f".tmp-{uuid.uuid4().hex}"
        staging.mkdir()
        try:
            # The name is chosen, the card written and the directory renamed under the
            # lock, so two writers never pick the same name.
            with self._locked():
                version = self._free_name(f"{created:%Y%m%d-%H%M%S}-{sha256_bytes(blobs[MODEL])[:8]}")
                card["version"] = version
                blobs[CARD_JSON] = (json.dumps(card, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
                blobs[CARD_MD] = render_card(card).encode("utf-8")
                for name, data in blobs.items():
                    with open(staging / name, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                os.rename(staging, self.root / version)
                entry = {
                    "created_at": card["created_at"],
                    "files": {name: sha256_bytes(data) for name, data in blobs.items()},
                    "summary": card.get("summary", {}),
                }
                self._apply(lambda registry: registry.versions.__setitem__(version, entry))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def _free_name(self, base: str) -> str:
        taken = self.read_registry().versions
        name, n = base, 1
        while name in taken or (self.root / name).exists():
            n += 1
            name = f"{base}-{n}"
        return name

    def promote(self, version: str) -> str | None:
        """Make ``version`` current; returns the previous current version."""
        self.verify(version)
        previous: list[str | None] = [None]

        def change(registry: Registry) -> None:
            if version not in registry.versions:
                raise ModelStoreError(f"unknown model version '{version}'")
            previous[0] = registry.current
            if registry.current and registry.current != version:
                registry.history.append(registry.current)
            registry.current = version

        self._update(change)
        return previous[0]

    def rollback(self) -> str:
        """Make the previous current version current again; returns it."""
        restored: list[str] = []

        def change(registry: Registry) -> None:
            while registry.history:
                candidate = registry.history.pop()
                if candidate in registry.versions:
                    self.verify(candidate)  # never point at files that no longer match
                    registry.current = candidate
                    restored.append(candidate)
                    return
            raise ModelStoreError("nothing to roll back to: no earlier current version")

        self._update(change)
        return restored[0]

    # -- reading ----------------------------------------------------------------------
    def _read_verified(self, version: str, name: str) -> bytes:
        expected = self._entry(version)["files"].get(name)
        path = self.root / version / name
        if expected is None:
            raise ModelIntegrityError(f"{path} is not listed in the registry; refusing to load it")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ModelIntegrityError(f"{path} is missing") from None
        actual = sha256_bytes(data)
        if actual != expected:
            raise ModelIntegrityError(
                f"{path} does not match the registry (SHA-256 {actual[:12]}…, expected {expected[:12]}…); "
                "refusing to load a modified model"
            )
        return data

    def verify(self, version: str) -> None:
        """Check every file of a version against the registry; raise on any mismatch."""
        for name in self._entry(version)["files"]:
            self._read_verified(version, name)

    def card(self, version: str) -> dict[str, Any]:
        return json.loads(self._read_verified(version, CARD_JSON))

    def readme(self, version: str) -> str:
        """The card as written for people when the version was trained (verified)."""
        return self._read_verified(version, CARD_MD).decode("utf-8")

    def load_artifact(self, version: str, name: str = MODEL) -> Any:
        return joblib.load(io.BytesIO(self._read_verified(version, name)))

    def load(self, version: str | None = None) -> StoredModel:
        """A verified version (default: the current one)."""
        version = version or self.current_version()
        if version is None:
            raise ModelStoreError(f"no current model in {self.root}: train one and promote it")
        card = self.card(version)
        return StoredModel(version, self.root / version, card, self.load_artifact(version, MODEL))


def _dump(obj: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    return buffer.getvalue()
