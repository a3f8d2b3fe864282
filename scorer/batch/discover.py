"""Which files a batch scores: named files, folders walked recursively, and .zip archives
of them, each as a :class:`Source` a worker can read on its own.

Archives are never extracted to disk, so a member named ``../../etc/passwd`` cannot write
anywhere; it is still refused (reported as a failed input), as are absolute names,
encrypted members, nested archives and anything whose declared size is over the limits.
Python's zip reader never inflates a member past the size its header declares, and
:meth:`Source.read` reads at most ``MAX_FILE_BYTES``, so a zip bomb costs nothing.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Suffixes picked up inside folders and archives (a file named on the command line is
#: read whatever its suffix; the parser sniffs the format). Old .doc/.xls files are taken
#: too, so that the batch lists them as failed with what to do (save as .docx/.xlsx)
#: instead of passing over them in silence.
SUFFIXES = frozenset({".docx", ".xlsx", ".csv", ".tsv", ".txt", ".json", ".html", ".htm", ".doc", ".xls"})
ARCHIVE_SUFFIX = ".zip"

#: Largest input read at all (a file or one archive member, uncompressed).
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Largest total declared uncompressed size of the members taken from one archive.
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
#: Most members an archive may list (a central directory of millions is itself an attack).
MAX_ARCHIVE_MEMBERS = 20_000

_MB = 1024 * 1024
_UTF8_NAME_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


class InputError(OSError):
    """An input that cannot be read; the batch records it as a failed file."""


@dataclass(frozen=True)
class Source:
    """One document of the batch. ``id`` is stable across runs (absolute path, plus the
    member for archives) and keys the result store; ``name`` is what reports show."""

    id: str
    name: str
    path: str
    member: str | None = None
    #: set when discovery already knows the input cannot be scored (unsafe member, …).
    error: str | None = None

    @property
    def config_near(self) -> Path:
        """Where the config search starts: the file itself, or the archive holding it."""
        return Path(self.path)

    def read(self) -> bytes:
        if self.error:
            raise InputError(self.error)
        if self.member is None:
            return _read_file(Path(self.path))
        return _read_member(Path(self.path), self.member)


def _read_file(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A named pipe (or a link to a device) named like a table: reading it would
            # wait for a writer, or read forever, and hang the whole batch.
            raise InputError("not a regular file (a pipe, device or socket)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{size / _MB:.0f} MB, over the {MAX_FILE_BYTES / _MB:.0f} MB limit for one input")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found (moved or deleted during the batch?)") from None
    except PermissionError:
        raise InputError("permission denied") from None


def _read_member(archive: Path, member: str) -> bytes:
    try:
        with zipfile.ZipFile(archive) as zf:
            info = zf.getinfo(member)
            if info.file_size > MAX_FILE_BYTES:
                raise InputError(f"expands to {info.file_size / _MB:.0f} MB, over the "
                                 f"{MAX_FILE_BYTES / _MB:.0f} MB limit for one input")
            with zf.open(info) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, ValueError) as exc:
        raise InputError(f"cannot read from the archive ({exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"over the {MAX_FILE_BYTES / _MB:.0f} MB limit for one input")
    return data


def _skipped_name(name: str) -> bool:
    """Hidden files, Office lock files (~$报告.docx) and macOS resource forks."""
    return name.startswith((".", "~$")) or name == "Thumbs.db"


def member_display_name(info: zipfile.ZipInfo) -> str:
    """Windows tools write Chinese member names in GBK without the UTF-8 flag, which
    Python reads as cp437 mojibake; undo that so reports show 教育局.xlsx."""
    name = info.filename
    if info.flag_bits & _UTF8_NAME_FLAG:
        return name
    try:
        return name.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def unsafe_member_reason(name: str) -> str | None:
    """Why a member name must not be trusted, or None. Nothing is extracted, but a name
    that climbs out of the archive is a sign of a crafted file and is refused."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "absolute path in archive"
    if ".." in PurePosixPath(posix).parts:
        return "path escapes the archive ('..')"
    if "\x00" in posix:
        return "NUL byte in member name"
    return None


def archive_sources(path: Path, label: str) -> list[Source]:
    """The documents inside one .zip, in archive order; refused members come back with
    ``error`` set so the batch reports them."""
    base = str(path.resolve())
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return [Source(id=base, name=label, path=str(path), error=f"not a readable .zip archive ({exc})")]
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        return [Source(id=base, name=label, path=str(path),
                       error=f"archive lists {len(infos)} members, over the limit of {MAX_ARCHIVE_MEMBERS}")]
    sources: list[Source] = []
    total = 0
    for info in infos:
        shown = member_display_name(info)
        suffix = PurePosixPath(shown).suffix.lower()
        if info.is_dir() or (suffix not in SUFFIXES and suffix != ARCHIVE_SUFFIX):
            continue
        name = f"{label}!{shown}"
        # Checked before hidden names are skipped: '../x.txt' must be reported, not ignored.
        error = unsafe_member_reason(info.filename) or unsafe_member_reason(shown)
        parts = PurePosixPath(shown.replace("\\", "/")).parts
        if error is None and (parts[0] == "__MACOSX" or any(_skipped_name(p) for p in parts)):
            continue
        if error is None and suffix == ARCHIVE_SUFFIX:
            error = "archive inside an archive is not opened (extract it first)"
        if error is None and info.flag_bits & _ENCRYPTED_FLAG:
            error = "encrypted (password-protected) archive member"
        if error is None and info.file_size > MAX_FILE_BYTES:
            error = (f"expands to {info.file_size / _MB:.0f} MB, over the {MAX_FILE_BYTES / _MB:.0f} MB "
                     "limit for one input")
        if error is None:
            total += info.file_size
            if total > MAX_ARCHIVE_BYTES:
                error = f"archive expands past the {MAX_ARCHIVE_BYTES / _MB:.0f} MB limit; split it"
        sources.append(Source(id=f"{base}!{info.filename}", name=name, path=str(path), member=info.filename,
                              error=error))
    return sources


#: What marks a folder as a batch's output (its result store): an earlier run's --out
#: inside an input folder holds reports, not submissions.
OUTPUT_MARKER = "results.jsonl"


def _walk(root: Path, exclude: Path | None) -> Iterator[Path]:
    """Files under ``root`` in sorted order; hidden folders, symlinked folders,
    ``exclude`` (the batch's own output folder) and any other batch output folder are not
    entered."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        if here != root and OUTPUT_MARKER in files:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not _skipped_name(d)
                         and (exclude is None or (here / d).resolve() != exclude))
        for name in sorted(files):
            if not _skipped_name(name):
                yield here / name


def discover(inputs: Iterable[str | Path], exclude: str | Path | None = None) -> list[Source]:
    """Every source the inputs name, deduplicated, in the order given.

    Raises FileNotFoundError for an input that does not exist (a typo is the user's to
    fix, exit code 2); anything found but unreadable becomes a Source with ``error``."""
    excluded = Path(exclude).resolve() if exclude is not None else None
    seen: set[str] = set()
    found: list[Source] = []

    def add(sources: Iterable[Source]) -> None:
        for source in sources:
            if source.id not in seen:
                seen.add(source.id)
                found.append(source)

    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"{raw}: no such file or folder")
        if path.is_dir():
            for file in _walk(path, excluded):
                suffix = file.suffix.lower()
                label = str(Path(path.name or str(path)) / file.relative_to(path))
                if suffix == ARCHIVE_SUFFIX:
                    add(archive_sources(file, label))
                elif suffix in SUFFIXES:
                    add([Source(id=str(file.resolve()), name=label, path=str(file))])
        elif path.suffix.lower() == ARCHIVE_SUFFIX:
            add(archive_sources(path, str(raw)))
        else:
            add([Source(id=str(path.resolve()), name=str(raw), path=str(path))])
    return found
