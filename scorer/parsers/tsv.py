"""Reader for tables pasted from Excel, WPS or Word (tab-separated, multi-line cells
quoted) and for CSV files. A row with a single filled cell outside a table is a heading."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from scorer.document import Location
from scorer.parsers.errors import ParseError
from scorer.parsers.stream import Cell, Item, Row, TextLine


def sniff_delimiter(text: str) -> str:
    sample = text[:20000]
    return "\t" if sample.count("\t") >= sample.count(",") / 4 else ","


def read_delimited(text: str, file: str | None = None, delimiter: str | None = None) -> Iterator[Item]:
    delimiter = delimiter or sniff_delimiter(text)
    # newline="" hands the csv module the line endings untranslated, as it requires: a lone
    # "\r" (old Mac, some WPS pastes) then ends a row instead of failing as a stray newline.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    line = 1
    for fields in _rows(reader, file, delimiter):
        start = line
        # The reader's line_num counts physical lines, so multi-line cells keep rows located.
        line = reader.line_num + 1
        if not "".join(fields).strip():  # no cell with any text
            continue
        if is_heading_row(fields):
            yield TextLine(text=fields[0], location=Location(file=file, row=start))
            continue
        # Cells take their location from the row when one is asked for (Row.cell_location).
        yield Row(cells=list(map(Cell, fields)), location=Location(file=file, row=start))


def _rows(reader, file: str | None, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:  # a cell over the csv module's size limit, a NUL byte
        kind = "tab-separated" if delimiter == "\t" else "comma-separated"
        kind_zh = "制表符分隔" if delimiter == "\t" else "逗号分隔"
        why = "有单元格超过字段长度上限（约 13 万字）" if "field larger" in str(exc) else "含有无法按行列读取的字符（如 NUL）"
        raise ParseError(f"unreadable {kind} text ({exc})", Location(file=file, row=reader.line_num),
                         zh=f"{kind_zh}的表格{why}") from None


def is_heading_row(fields: list[str]) -> bool:
    """A row whose only filled cell is the first and reads like a title or paragraph,
    not like a one-cell table row ("单位：万元"). Spreadsheets hold headings this way too."""
    if not fields or "".join(fields[1:]).strip():
        return False
    t = fields[0].strip()
    return len(t) >= 6 and not t.startswith("单位")
