"""Bytes → text with the encoding detected, not assumed (UTF-8, UTF-8-BOM, GBK/GB18030)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from scorer.document import Location
from scorer.parsers.errors import ParseError


def decode(data: bytes, file: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Binary data raises :class:`ParseError`."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise ParseError("the file is binary, not text", Location(file=file),
                         expected="UTF-8 or GBK text, .docx, .xlsx, .csv or .json",
                         zh="这是二进制文件，不是文字：请提交 .docx、.xlsx、.csv、.json 或文字表格")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese government files that are not UTF-8 are nearly always GBK; GB18030 is its
    # superset, so try it before asking the detector about anything rarer.
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ParseError("the text encoding could not be detected", Location(file=file),
                         expected="UTF-8 or GBK/GB18030 text", zh="无法识别文字编码：请存为 UTF-8 或 GBK 编码")
    return str(best), best.encoding
