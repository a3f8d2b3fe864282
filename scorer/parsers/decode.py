"""Bytes → text with the encoding detected, not assumed (UTF-8, UTF-8-BOM, GBK/GB18030,
UTF-16 with or without a BOM)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from scorer.document import Location
from scorer.parsers.errors import ParseError


#: Characters no text table holds: C0 controls but tab, line ends, form feed and the
#: vertical tab Word writes for a line break inside a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text that some Windows tools and scripts write as UTF-16 ("Unicode") without a BOM
    (a clipboard's Unicode text saved raw, .NET's Encoding.Unicode.GetBytes). Its tabs, line ends, digits and Latin letters have a NUL high byte, so
    NULs fall mostly on odd offsets (LE) or even ones (BE), where a binary file has them on
    both; a few CJK characters (一 U+4E00, 最 U+6700) put a NUL on the other parity, hence a
    ratio, not all or nothing. The text must then decode strictly and hold no control
    characters, so a binary file with a lucky NUL pattern is still refused."""
    if len(data) % 2:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 4 * min(even, odd) + 4:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # half a surrogate pair: not UTF-16 text
        return None
    return None if _CONTROL.search(text) else (text, encoding)


def decode(data: bytes, file: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Binary data raises :class:`ParseError`."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        if (utf16 := _utf16_without_bom(data)) is not None:
            return utf16
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
