"""Reader for .xlsx (and .xls files that are really xlsx): each visible sheet a table.

Merged ranges follow the grid convention of the other table readers: the top-left cell
keeps the value and the cells it covers are empty, so merged 一级/二级指标 inherit from the
row above and columns stay aligned. Values are shown as Excel shows them: a number keeps
the decimals and percent sign of its number format (60 as "0.00" → "60.00", 0.95 as
"0%" → "95%"), a General number has no float noise, dates are ISO. Formulas give their
cached result. A row whose only filled cell is the first reads as a heading, as in a
pasted table. Hidden sheets (usually a template's drop-down lists) are skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Context, Decimal

import openpyxl
from openpyxl.workbook.workbook import Workbook

from scorer.document import Location
from scorer.parsers.archive import open_archive, unreadable
from scorer.parsers.errors import ParseError
from scorer.parsers.interpret import looks_like_title
from scorer.parsers.stream import Cell, Item, Row, TableStart, TextLine
from scorer.parsers.tsv import is_heading_row

#: Most cells (over all sheets) a workbook may have; checked before openpyxl loads it.
MAX_CELLS = 1_000_000

# A cell element in sheet XML, with or without a namespace prefix (<c r="A1">, <x:c>).
_CELL_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def read_xlsx(data: bytes, file: str | None = None) -> Iterator[Item]:
    """Items of a workbook. It is opened (and refused with ParseError) before iteration."""
    with open_archive(data, file, ".xlsx") as archive:
        cells = _count_cells(archive, file)
    if cells > MAX_CELLS:
        raise ParseError(f"workbook has {cells:,} cells, over the limit of {MAX_CELLS:,}", Location(file=file),
                         expected="a 绩效目标表 workbook (split very large sheets)",
                         zh=f"工作簿有 {cells:,} 个单元格，超过上限 {MAX_CELLS:,}：请拆分过大的工作表")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about every extension it drops (data validation, slicers).
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl lets zip, XML and schema errors through as-is
        raise unreadable(exc, file, ".xlsx") from None
    return _sheets(workbook, file)


def _count_cells(archive: zipfile.ZipFile, file: str | None) -> int:
    try:
        return sum(len(_CELL_ELEMENT.findall(archive.read(name)))
                   for name in archive.namelist() if _SHEET_PART.match(name))
    except Exception as exc:  # a member that does not inflate: bad CRC, truncated stream
        raise unreadable(exc, file, ".xlsx") from None


def _sheets(workbook: Workbook, file: str | None) -> Iterator[Item]:
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or not hasattr(sheet, "merged_cells"):
            continue  # hidden sheets and chart sheets
        where = Location(file=file, table=sheet.title)
        yield TableStart(location=where, caption=sheet.title if looks_like_title(sheet.title) else "")
        rows: dict[int, dict[int, str]] = {}
        # The sheet's own cell store: iter_rows would walk the whole used range, which one
        # stray formatted cell at XFD1048576 makes billions of cells wide.
        for (r, c), cell in sheet._cells.items():
            text = format_value(cell.value, cell.number_format)
            if text.strip():
                rows.setdefault(r, {})[c] = text
        width = max((max(cols) for cols in rows.values()), default=0)
        if width * len(rows) > MAX_CELLS:
            # Rows are padded to the sheet's width; one value far right must not multiply them.
            raise ParseError(f"sheet '{sheet.title}' spans {len(rows):,} rows by {width:,} columns, over the "
                             f"limit of {MAX_CELLS:,} cells", where, expected="a 绩效目标表 sheet",
                             zh=f"工作表「{sheet.title}」有 {len(rows):,} 行 × {width:,} 列，超过 {MAX_CELLS:,} 个单元格的上限")
        for r in sorted(rows):
            at = Location(file=file, table=sheet.title, row=r)
            texts = [rows[r].get(c, "") for c in range(1, width + 1)]
            if is_heading_row(texts):
                yield TextLine(text=texts[0], location=at)
            else:
                # Built, not model_copy'd: copying is the slower way to a four-field model.
                yield Row(cells=[Cell(text=t, location=Location(file=file, table=sheet.title, row=r, cell=c))
                                 for c, t in enumerate(texts, start=1)], location=at)


def format_value(value: object, number_format: str = "General") -> str:
    """A cell value as Excel displays it (for the formats 绩效目标表 use)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    return str(value)


# Enough digits for any double written out in full (1.8e308) plus the format's decimals.
_WIDE = Context(prec=400)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DECIMALS = re.compile(r"0\.(0+)|0(?![.0])")


def format_number(value: float, number_format: str = "General") -> str:
    """Decimals, thousands separator and percent from the format's first section; other
    formats (General, text, scientific) print the number without float noise."""
    if not math.isfinite(value):
        return str(value)  # not storable by Excel, but a hostile file can hold it
    section = _QUOTED.sub("", (number_format or "General").split(";")[0])
    percent = "%" in section
    scaled = value * 100 if percent else value
    if not math.isfinite(scaled):
        return str(value)  # a percent format on a number near the float limit overflows
    # Excel computes with 15 significant digits: 0.955 shows as 95.5%, not 95.49999…%.
    shown = Decimal(f"{scaled:.15g}")
    decimals = _DECIMALS.search(section)
    if decimals is None or "E" in section.upper():
        text = f"{shown.normalize():f}" if shown != shown.to_integral_value() else str(int(shown))
    else:
        # Excel rounds half away from zero (2.5 → 3), Python's format half to even.
        places = Decimal(1).scaleb(-len(decimals.group(1) or ""))
        rounded = shown.quantize(places, rounding=ROUND_HALF_UP, context=_WIDE)
        text = f"{rounded:,f}" if "#,#" in section else f"{rounded:f}"
    return text + ("%" if percent else "")
