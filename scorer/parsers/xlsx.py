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

import io
import re
import warnings
import zipfile
from collections.abc import Iterator

import openpyxl
from openpyxl.workbook.workbook import Workbook

from scorer.document import Location
from scorer.parsers.archive import open_archive, unreadable
from scorer.parsers.errors import ParseError
# format_value is re-exported: the writers in the tests show values as this reader does.
from scorer.parsers.grid import CellBudget, format_value, is_instruction_sheet, sheet_items
from scorer.parsers.stream import Item

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
    budget = CellBudget(MAX_CELLS)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or not hasattr(sheet, "merged_cells") or is_instruction_sheet(sheet.title):
            continue  # hidden sheets (a template's drop-down lists), chart sheets, 填表说明
        rows: dict[int, dict[int, str]] = {}
        # The sheet's own cell store: iter_rows would walk the whole used range, which one
        # stray formatted cell at XFD1048576 makes billions of cells wide.
        for (r, c), cell in sheet._cells.items():
            text = format_value(cell.value, cell.number_format)
            if text.strip():
                rows.setdefault(r, {})[c] = text
        yield from sheet_items(rows, file, sheet.title, budget)
