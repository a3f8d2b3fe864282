"""Size guard for the zip containers behind .docx and .xlsx.

Both formats are zip archives of XML, so a small upload can inflate to gigabytes (a zip
bomb, or just a huge sheet). The archive is refused before python-docx or openpyxl
expand it. Python's zip reader never inflates a member beyond the size its header
declares, so the declared sizes bound the memory any later read can use.
"""

from __future__ import annotations

import io
import re
import zipfile

from scorer.document import Location
from scorer.parsers.errors import ParseError

#: Largest total uncompressed size of a .docx/.xlsx archive that is opened at all.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024

_MB = 1024 * 1024
_SAVED_BY = {".docx": "Word or WPS", ".xlsx": "Excel or WPS"}
_SAVED_BY_ZH = {".docx": "Word 或 WPS", ".xlsx": "Excel 或 WPS"}
# python-docx names the stream it was given: "file '<_io.BytesIO object at 0x7f…>' is not …".
_STREAM_NAME = re.compile(r"file '<_io\.BytesIO object at 0x[0-9a-fA-F]+>' ")


def open_archive(data: bytes, file: str | None, kind: str) -> zipfile.ZipFile:
    """Open ``data`` as the zip behind a ``kind`` (".docx"/".xlsx") file, or raise ParseError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ParseError(f"corrupt or truncated {kind} file ({exc})", Location(file=file),
                         expected=f"a {kind} saved by {_SAVED_BY.get(kind, kind)}",
                         zh=f"{kind} 文件已损坏或不完整：请用 {_SAVED_BY_ZH.get(kind, kind)} 重新保存") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ParseError(
            f"{kind} file expands to {total / _MB:.0f} MB, over the {MAX_UNCOMPRESSED_BYTES / _MB:.0f} MB limit",
            Location(file=file),
            expected=f"a {kind} under {MAX_UNCOMPRESSED_BYTES / _MB:.0f} MB uncompressed (split the document)",
            zh=f"{kind} 文件解压后 {total / _MB:.0f} MB，超过 {MAX_UNCOMPRESSED_BYTES / _MB:.0f} MB 的上限：请拆分文件",
        )
    return archive


def unreadable(exc: Exception, file: str | None, kind: str) -> ParseError:
    """The located error for a file python-docx or openpyxl could not load.

    Their exceptions (KeyError for a missing part, lxml syntax errors, ValueError for a
    wrong content type, …) say what broke but not where; this names the file."""
    detail = _STREAM_NAME.sub("", str(exc)).strip() or type(exc).__name__
    return ParseError(f"not a readable {kind} file ({detail[:200]})", Location(file=file),
                      expected=f"a {kind} saved by {_SAVED_BY.get(kind, kind)}",
                      zh=f"不是可读取的 {kind} 文件：请用 {_SAVED_BY_ZH.get(kind, kind)} 重新保存")
