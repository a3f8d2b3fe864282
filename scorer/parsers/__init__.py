"""Parsers: any form a reviewer has → :class:`~scorer.document.Document`.

Each reader turns its file format into a stream of rows and text lines
(:mod:`~scorer.parsers.stream`); :func:`~scorer.parsers.interpret.build_document`
understands 绩效目标表 layouts once for all of them. The format is sniffed from the
content (and the name's suffix) unless the caller says which.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from scorer.document import Document, Location
from scorer.parsers.cellines import looks_like_cell_lines, read_cell_lines
from scorer.parsers.decode import decode
from scorer.parsers.errors import ParseError
from scorer.parsers.html import looks_like_html, read_html
from scorer.parsers.interpret import build_document
from scorer.parsers.jsondoc import read_json
from scorer.parsers.stream import Item
from scorer.parsers.tsv import read_delimited
from scorer.parsers.xmlss import looks_like_spreadsheetml, read_spreadsheetml

__all__ = ["FORMATS", "ParseError", "TooManyIndicators", "parse_bytes", "parse_path", "parse_text", "sniff_format"]

TEXT_FORMATS = ("cells", "tsv", "csv", "json", "html", "xml2003")
BINARY_FORMATS = ("docx", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS

_ZIP_MAGIC = b"PK\x03\x04"
#: Files a reviewer is sent that hold a table zhibiao cannot read: (magic, English, Chinese).
_NOT_TABLES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF file: its table cannot be read",
     "PDF 文件无法读取表格：请提交原始的 .docx 或 .xlsx，或从 PDF 中复制表格后粘贴"),
    (b"\x89PNG", "an image: its table cannot be read", "这是图片，无法读取其中的表格：请提交 .docx、.xlsx 或粘贴表格文字"),
    (b"\xff\xd8\xff", "an image: its table cannot be read", "这是图片，无法读取其中的表格：请提交 .docx、.xlsx 或粘贴表格文字"),
    (b"GIF8", "an image: its table cannot be read", "这是图片，无法读取其中的表格：请提交 .docx、.xlsx 或粘贴表格文字"),
    (b"{\\rtf", "an RTF file", "不支持 RTF 文件：请在 Word 或 WPS 中另存为 .docx 后再提交"),
)
_WORD_2003_XML = "http://schemas.microsoft.com/office/word/2003/wordml"


def sniff_format(data: bytes | str, name: str | None = None) -> str:
    """Guess the format from the content; the suffix only breaks ties between zip formats."""
    suffix = Path(name).suffix.lower() if name else ""
    if isinstance(data, bytes):
        if data.startswith(_ZIP_MAGIC):
            if suffix in (".docx", ".xlsx"):
                return suffix[1:]
            head = data[:200_000]
            if b"word/" in head:
                return "docx"
            if b"xl/" in head:
                return "xlsx"
            if b"OFD.xml" in head:
                raise ParseError("an OFD file: its table cannot be read", Location(file=name),
                                 expected=".docx or .xlsx",
                                 zh="OFD 版式文件无法读取表格：请提交原始的 .docx 或 .xlsx，或复制表格后粘贴")
            raise ParseError("zip archive that is neither .docx nor .xlsx", Location(file=name),
                             expected=".docx or .xlsx", zh="这个压缩文件既不是 .docx 也不是 .xlsx")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            if suffix in (".docx", ".xlsx"):
                # Word and Excel wrap a password-protected .docx/.xlsx in the old OLE container.
                raise ParseError(f"this {suffix} is password-protected (or an old .doc/.xls renamed)",
                                 Location(file=name), expected=f"a {suffix} saved without a password",
                                 zh=f"这个 {suffix} 文件设有密码（或是改了后缀的旧版 .doc/.xls）：请另存为不加密的 {suffix}")
            raise ParseError("legacy .doc/.xls (OLE) files are not supported", Location(file=name),
                             expected="save as .docx or .xlsx first",
                             zh="不支持旧版 .doc/.xls 文件：请在 Word/Excel/WPS 中另存为 .docx 或 .xlsx 后再提交")
        for magic, message, zh in _NOT_TABLES:
            if data.startswith(magic):
                raise ParseError(message, Location(file=name), expected="a .docx, .xlsx, .csv or a pasted table", zh=zh)
        text, _ = decode(data, name)
    else:
        text = data
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith(("{", "[")):
        return "json"
    if looks_like_spreadsheetml(stripped):
        return "xml2003"
    if stripped.startswith("<") and _WORD_2003_XML in stripped[:4000]:
        raise ParseError("Word 2003 XML documents are not supported", Location(file=name),
                         expected="save as .docx first", zh="不支持 Word 2003 XML 文档：请在 Word 或 WPS 中另存为 .docx 后再提交")
    if looks_like_html(stripped):
        return "html"
    if looks_like_cell_lines(text):
        return "cells"
    if suffix == ".csv":
        return "csv"
    if "\t" in text:
        return "tsv"
    if "," in text and suffix != ".txt":
        return "csv"
    return "cells"


def _binary_reader(fmt: str) -> Callable[[bytes, str | None], Iterable[Item]]:
    # Imported lazily: python-docx and openpyxl cost start-up time most runs don't need.
    if fmt == "docx":
        from scorer.parsers.docx import read_docx

        return read_docx
    from scorer.parsers.xlsx import read_xlsx

    return read_xlsx


def _finish(doc: Document, fmt: str, data: bytes, name: str | None) -> Document:
    doc.format = fmt
    doc.source = name
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


class TooManyIndicators(ParseError):
    """The document holds more indicators than the caller's ``max_indicators``. ``count``
    is how many it holds, or None when the parse stopped at the first one past the limit
    (the rest of a 12 MB paste is not read only to be refused)."""

    def __init__(self, limit: int, count: int | None, file: str | None):
        self.limit = limit
        self.count = count
        known = count is not None
        super().__init__(f"{count if known else f'more than {limit}'} indicators, over the limit of {limit}",
                         Location(file=file), zh=f"指标过多（{count if known else f'多于 {limit}'} 个，上限 {limit} 个）")


def _stop_past(limit: int | None, name: str | None) -> Callable[[Document], None] | None:
    """build_document's hook that raises :class:`TooManyIndicators` at the first indicator
    past ``limit``. Indicators read can later be set aside (a 长期 table followed by the 年度
    one), so past the limit the ones the document still holds are counted before refusing."""
    if limit is None:
        return None
    read = 0

    def indicator_read(doc: Document) -> None:
        nonlocal read
        read += 1
        if read > limit:
            read = len(doc.indicators)  # what it still holds
            if read > limit:
                raise TooManyIndicators(limit, None, name)

    return indicator_read


def _within(limit: int | None, doc: Document) -> Document:
    """The count of the whole document, for what the hook does not see (zhibiao's own JSON)."""
    count = len(doc.indicators)
    if limit is not None and count > limit:
        raise TooManyIndicators(limit, count, doc.source)
    return doc


def _without_lone_surrogates(text: str) -> str:
    """A str from JSON may carry half of a UTF-16 pair ("\\ud800"), which no encoder takes:
    it becomes U+FFFD, as an undecodable byte of a file does."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def parse_text(text: str, name: str | None = None, format: str | None = None, *,
               max_indicators: int | None = None) -> Document:
    """Parse text already decoded (a paste, stdin). With ``max_indicators``, a document
    holding more raises :class:`TooManyIndicators`, as soon as the parse reads one too many."""
    text = _without_lone_surrogates(text)
    fmt = format or sniff_format(text, name)
    if fmt in BINARY_FORMATS:
        raise ParseError(f"format {fmt} needs the file's bytes, not text", Location(file=name),
                         zh=f"{fmt} 格式需要上传文件本身，不能粘贴文字")
    if not text.strip():
        raise ParseError("the input is empty", Location(file=name), expected="a 绩效目标表", zh="内容为空")
    data = text.encode("utf-8")
    if fmt == "json":
        return _within(max_indicators, _finish(read_json(text, name), fmt, data, name))
    if fmt == "cells":
        items = read_cell_lines(text, name)
    elif fmt == "html":
        items = read_html(text, name)
    elif fmt == "xml2003":
        items = read_spreadsheetml(text, name)
    elif fmt in ("tsv", "csv"):
        items = read_delimited(text, name, "\t" if fmt == "tsv" else ",")
    else:
        raise ParseError(f"unknown format '{fmt}'", Location(file=name), expected=", ".join(FORMATS),
                         zh=f"未知的格式 {fmt}（可用：{'、'.join(FORMATS)}）")
    return _finish(build_document(items, name, _stop_past(max_indicators, name)), fmt, data, name)


def parse_bytes(data: bytes, name: str | None = None, format: str | None = None, *,
                max_indicators: int | None = None) -> Document:
    """Parse a file's bytes; ``max_indicators`` as for :func:`parse_text`."""
    if not data.strip():
        raise ParseError("the input is empty", Location(file=name), expected="a 绩效目标表", zh="内容为空")
    fmt = format or sniff_format(data, name)
    if fmt in BINARY_FORMATS:
        reader = _binary_reader(fmt)(data, name)
        return _finish(build_document(reader, name, _stop_past(max_indicators, name)), fmt, data, name)
    text, _ = decode(data, name)
    doc = parse_text(text, name, fmt, max_indicators=max_indicators)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def parse_path(path: str | Path, format: str | None = None) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("file not found", Location(file=str(path)), zh="文件不存在") from None
    except IsADirectoryError:
        raise ParseError("is a directory, not a file", Location(file=str(path)), zh="这是文件夹，不是文件") from None
    except PermissionError:
        raise ParseError("permission denied", Location(file=str(path)), zh="没有读取权限") from None
    return parse_bytes(data, str(path), format)
