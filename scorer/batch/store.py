"""The resumable result store under ``--out``: an append-only ``results.jsonl`` (one line
per scored or failed file, the truth) and ``index.jsonl`` (where each line starts, so a
rerun never parses the results to know what is done).

Each result line is written, flushed and fsynced as soon as its file finishes, before
its index line; so a crash or Ctrl-C loses nothing finished. On open, anything the index
does not cover is re-indexed from the results, and a half-written last line (the process
died mid-write) is cut off. The latest line of a source wins: a changed file is scored
again and appended, and reports read only the newest line of each source.

One process writes a store at a time (an exclusive lock on ``.lock``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scorer.batch.worker import Outcome
from scorer.results import ScoredDocument

try:  # POSIX only; elsewhere two concurrent writers are the user's to avoid.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("zhibiao.batch")
RESULTS_FILE = "results.jsonl"
INDEX_FILE = "index.jsonl"
LOCK_FILE = ".lock"
FORMAT_VERSION = 1


class StoreError(OSError):
    """The store cannot be used (locked by another run, unreadable)."""


@dataclass(frozen=True)
class Entry:
    """Where one source's line is in results.jsonl and what it says, without reading it."""

    id: str
    name: str
    status: str
    sha256: str
    fingerprint: str
    offset: int
    length: int
    indicators: int = 0


@dataclass
class Record:
    """One line of results.jsonl, read back."""

    id: str
    name: str
    status: str
    sha256: str
    fingerprint: str
    error: str | None
    projects: int
    indicators: int
    seconds: float
    finished_at: str
    texts: dict[str, list]
    result: ScoredDocument | None
    #: why it failed, in Chinese (lines written before it was stored have none).
    message: str | None = None

    @classmethod
    def from_line(cls, line: bytes | str) -> Record:
        data = json.loads(line)
        result = data.pop("result", None)
        data.pop("v", None)
        return cls(**data, result=None if result is None else ScoredDocument.model_validate(result))


def _line(outcome: Outcome) -> bytes:
    meta = {
        "v": FORMAT_VERSION, "id": outcome.source_id, "name": outcome.name, "status": outcome.status,
        "sha256": outcome.sha256, "fingerprint": outcome.fingerprint, "error": outcome.error,
        "message": outcome.message,
        "projects": outcome.projects, "indicators": outcome.indicators, "seconds": outcome.seconds,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"), "texts": outcome.texts,
    }
    head = json.dumps(meta, ensure_ascii=False)
    # The result is already JSON (serialised in the worker): splice it in, not re-encode it.
    body = head[:-1] + ', "result": ' + (outcome.result_json or "null") + "}\n"
    return body.encode("utf-8")


def _entry_of(data: dict[str, Any], offset: int, length: int) -> Entry:
    return Entry(id=data["id"], name=data["name"], status=data["status"], sha256=data["sha256"],
                 fingerprint=data["fingerprint"], offset=offset, length=length,
                 indicators=int(data.get("indicators") or 0))


class ResultStore:
    """Open with ``ResultStore(out)`` (creates the folder) and close it, or use ``with``.
    ``readonly=True`` reads an existing store without locking or repairing it."""

    def __init__(self, out: str | Path, readonly: bool = False):
        self.dir = Path(out)
        self.readonly = readonly
        self.results_path = self.dir / RESULTS_FILE
        self.index_path = self.dir / INDEX_FILE
        #: source id → its newest entry.
        self.latest: dict[str, Entry] = {}
        #: entries whose line could not be read back (damaged after it was indexed).
        self.damaged: list[Entry] = []
        self._lock = None
        if readonly:
            if not self.results_path.is_file():
                raise StoreError(f"{self.results_path}: no batch results here")
            self._load(repair=False)
            self._results = self._index = None
            return
        self._results = self._index = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            self._load(repair=True)
            self._results = self.results_path.open("ab")
            self._index = self.index_path.open("a", encoding="utf-8")
        except StoreError:
            self.close()
            raise
        except OSError as exc:
            # A folder that cannot be made or written (under a file, read-only, /proc):
            # the batch's usage error (exit 2), said with the folder, not a traceback.
            self.close()
            raise StoreError(f"{self.dir}: cannot write the batch results here "
                             f"({exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''})") from None

    # -- opening ------------------------------------------------------------------------
    def _take_lock(self) -> None:
        if fcntl is None:
            return
        self._lock = (self.dir / LOCK_FILE).open("w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise StoreError(f"{self.dir}: another batch is writing results here") from None

    def _load(self, repair: bool) -> None:
        size = self.results_path.stat().st_size if self.results_path.exists() else 0
        covered, clean = self._read_index(size)
        end = self._scan_from(covered, size) if covered < size else covered
        if not repair or (clean and end == covered):
            return
        if end < size:
            with self.results_path.open("r+b") as fh:
                fh.truncate(end)
        self._write_index()

    def _write_index(self) -> None:
        # Only the newest entry per source matters, so a rewritten index is just those.
        tmp = self.index_path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for entry in self.entries():
                fh.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        os.replace(tmp, self.index_path)

    def _read_index(self, size: int) -> tuple[int, bool]:
        """Entries from index.jsonl: (how far into results.jsonl they reach, whether every
        line was whole). An index pointing past the results (truncated by hand) is dropped."""
        covered = 0
        if not self.index_path.exists():
            return 0, size == 0
        with self.index_path.open(encoding="utf-8", errors="replace") as fh:
            for raw in fh:
                try:
                    entry = Entry(**json.loads(raw))
                except (ValueError, TypeError):
                    return covered, False  # a half-written last line; the scan redoes it
                if entry.offset + entry.length > size:
                    self.latest.clear()
                    return 0, False
                self.latest[entry.id] = entry
                covered = max(covered, entry.offset + entry.length)
        return covered, True

    def _scan_from(self, start: int, size: int) -> int:
        """Index the result lines from ``start``; returns where the whole lines end."""
        offset = start
        with self.results_path.open("rb") as fh:
            fh.seek(start)
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # cut off mid-write
                try:
                    entry = _entry_of(json.loads(raw), offset, len(raw))
                    self.latest[entry.id] = entry
                except (ValueError, KeyError, TypeError):  # JSONDecodeError, UnicodeDecodeError
                    pass  # a whole but damaged line (edited by hand, bad bytes): skipped, never cut
                offset += len(raw)
        return offset

    # -- writing ------------------------------------------------------------------------
    def stored(self, source_id: str) -> tuple[str, str] | None:
        """(sha256, fingerprint) of the source's newest successful result."""
        entry = self.latest.get(source_id)
        if entry is None or entry.status != "ok":
            return None
        return entry.sha256, entry.fingerprint

    def append(self, outcome: Outcome) -> Entry:
        if self._results is None or self._index is None:
            raise StoreError("the store was opened read-only")
        line = _line(outcome)
        offset = self._results.tell()
        self._results.write(line)
        self._results.flush()
        os.fsync(self._results.fileno())
        entry = _entry_of({"id": outcome.source_id, "name": outcome.name, "status": outcome.status,
                           "sha256": outcome.sha256, "fingerprint": outcome.fingerprint,
                           "indicators": outcome.indicators}, offset, len(line))
        self._index.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        self._index.flush()
        self.latest[entry.id] = entry
        return entry

    # -- reading ------------------------------------------------------------------------
    def entries(self, ids: Iterable[str] | None = None) -> list[Entry]:
        """Newest entry of each source (of ``ids``, in that order; else all, in file order)."""
        if ids is None:
            return sorted(self.latest.values(), key=lambda e: e.offset)
        return [self.latest[i] for i in ids if i in self.latest]

    def read(self, entry: Entry) -> Record:
        with self.results_path.open("rb") as fh:
            fh.seek(entry.offset)
            return Record.from_line(fh.read(entry.length))

    def records(self, entries: Iterable[Entry]) -> Iterator[Record]:
        """The records of ``entries``, read one at a time (a batch never sits in memory)."""
        with self.results_path.open("rb") as fh:
            for entry in entries:
                fh.seek(entry.offset)
                try:
                    record = Record.from_line(fh.read(entry.length))
                except (ValueError, KeyError, TypeError) as exc:  # bad JSON or bytes, wrong shape
                    # A line damaged after it was indexed (edited by hand): the reports go
                    # on without it, and say so in the log.
                    log.warning("%s: skipped the damaged result of %s at byte %d (%s)", self.results_path,
                                entry.name, entry.offset, type(exc).__name__)
                    self.damaged.append(entry)
                    continue
                yield record

    def forget_damaged(self) -> list[Entry]:
        """Drop the damaged entries :meth:`records` met from the index, so that the next
        run scores their files again instead of counting them unchanged. The lines stay in
        results.jsonl (never cut). Returns what was forgotten."""
        if self._index is None:
            raise StoreError("the store was opened read-only")
        # (Every pass over the records meets the same damaged lines: once each.)
        gone = list({e.id: e for e in self.damaged if self.latest.get(e.id) == e}.values())
        if gone:
            for entry in gone:
                del self.latest[entry.id]
            self._index.close()
            self._write_index()
            self._index = self.index_path.open("a", encoding="utf-8")
        self.damaged = []
        return gone

    def close(self) -> None:
        for fh in (self._results, self._index, self._lock):
            if fh is not None:
                fh.close()
        self._results = self._index = self._lock = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
