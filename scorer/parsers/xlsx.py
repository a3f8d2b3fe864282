"""Reader for .xlsx (and .xls files that are really xlsx): each visible sheet a table.

Merged ranges follow the grid convention of the other table readers: the top-left cell
keeps the value and the cells it covers are empty, so merged 一级/二级指标 inherit from the
row above and columns stay aligned. Values are shown as Excel shows them: a number keeps
the decimals and percent sign of its number format (60 as "0.00" → "60.00", 0.95 as
"0%" → "95%"), a General number has no float noise, dates are ISO. Formulas give their
cached result. A row whose only filled cell is the first reads as a heading, as in a
pasted table. Hidden sheets (usually a template's drop-down lists) are skipped, and so are
rows and columns hidden by hand or in a collapsed outline (the interpreter warns of those
that hold text); rows an active filter hides are read, and the reviewer is told.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator

import openpyxl
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook

from scorer.document import Location
from scorer.parsers.archive import open_archive, unreadable
from scorer.parsers.errors import ParseError
# format_value is re-exported: the writers in the tests show values as this reader does.
from scorer.parsers.grid import CellBudget, LeftOut, format_value, is_instruction_sheet, sheet_items
from scorer.parsers.stream import Item

#: Most cells (over all sheets) a workbook may have; checked before openpyxl loads it.
MAX_CELLS = 1_000_000

# A cell element in sheet XML, with or without a namespace prefix (<c r="A1">, <x:c>).
_CELL_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def read_xlsx(data: bytes, file: str | None = None) -> Iterator[Item]:
    """Items of a workbook. It is opened (and refused with ParseError) before iteration."""
    with open_archive(data, file, ".xlsx") as archive:
        cells, uncached = _count_cells(archive, file)
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
    return _sheets(workbook, file, uncached)


def _count_cells(archive: zipfile.ZipFile, file: str | None) -> tuple[int, dict[str, list[str]]]:
    """The cells of all sheets, and per sheet the formula cells that carry no result."""
    count = 0
    uncached: dict[str, list[str]] = {}
    try:
        for name in archive.namelist():
            if _SHEET_PART.match(name):
                xml = archive.read(name)
                count += len(_CELL_ELEMENT.findall(xml))
                if b"<f" in xml:
                    uncached[name] = _uncached_formulas(xml)
    except Exception as exc:  # a member that does not inflate: bad CRC, truncated stream
        raise unreadable(exc, file, ".xlsx") from None
    if not any(uncached.values()):
        return count, {}
    try:
        return count, {sheet: uncached.get(part, []) for sheet, part in _sheet_parts(archive).items()}
    except Exception:  # a workbook part openpyxl will refuse below, with the reason
        return count, {}


#: A cell with its content (<c r="C5" s="1"><f>C6+C7</f><v>860</v></c>), or an empty one.
_CELL_WITH_CONTENT = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_REFERENCE = re.compile(rb'\br="([A-Z]{1,3}\d+)"')


def _uncached_formulas(xml: bytes) -> list[str]:
    """Cells (A1 references) holding a formula but no cached result: a workbook written by a
    tool that does not calculate (a budget system's export, a script) and never opened and
    saved in Excel or WPS. openpyxl reads such a cell as empty."""
    found = []
    for m in _CELL_WITH_CONTENT.finditer(xml):
        inner = m.group(2) or b""
        # (t="str" is a text result, which may be empty: Excel writes <v></v> for it)
        if b"<f" in inner and not re.search(rb"<v>[^<]", inner) and b't="str"' not in m.group(1):
            ref = _REFERENCE.search(m.group(1))
            if ref:
                found.append(ref.group(1).decode())
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip (xl/worksheets/sheet2.xml), from the workbook's list
    of sheets and its relationships."""
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in etree.fromstring(archive.read("xl/workbook.xml")).iter(f"{main}sheet"):
        target = targets.get(sheet.get(rel_id), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _sheets(workbook: Workbook, file: str | None, uncached: dict[str, list[str]]) -> Iterator[Item]:
    budget = CellBudget(MAX_CELLS)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or not hasattr(sheet, "merged_cells") or is_instruction_sheet(sheet.title):
            continue  # hidden sheets (a template's drop-down lists), chart sheets, 填表说明
        rows: dict[int, dict[int, str]] = {}
        hidden_rows, hidden_columns = _hidden(sheet)
        left_out = LeftOut(hidden_columns, _filter_range(sheet))
        # The sheet's own cell store: iter_rows would walk the whole used range, which one
        # stray formatted cell at XFD1048576 makes billions of cells wide.
        for (r, c), cell in sheet._cells.items():
            text = format_value(*_shown(cell, workbook))
            if text.strip() and left_out.keeps(r, c, r in hidden_rows):
                rows.setdefault(r, {})[c] = text
        extra = left_out.extra()
        if uncached.get(sheet.title):
            extra["uncached_formulas"] = uncached[sheet.title]
        yield from sheet_items(rows, file, sheet.title, budget, extra)


#: The built-in number formats Excel and WPS save for dates in a Chinese locale (ECMA-376
#: §18.8.30, zh-cn): no format code is written for them, and openpyxl, which knows only the
#: locale-free built-ins, reads such a cell as General, so 2025年6月30日 came out as 45838.
_ZH_CN_DATE_FORMATS = {27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy",
                       31: 'yyyy"年"m"月"d"日"', 36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"',
                       52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"', 57: 'yyyy"年"m"月"',
                       58: 'm"月"d"日"'}


def _shown(cell, workbook: Workbook) -> tuple[object, str]:
    """A cell's value and number format, a number under a Chinese built-in date format
    turned into the date it shows."""
    value, number_format = cell.value, cell.number_format
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number_format == "General":
        date_format = _ZH_CN_DATE_FORMATS.get(getattr(cell._style, "numFmtId", 0))
        if date_format is not None:
            try:
                return from_excel(value, workbook.epoch), date_format
            except (ValueError, OverflowError):
                pass  # a serial no date has: shown as the number it is
    return value, number_format


def _filter_range(sheet) -> set[int]:
    """The rows an active AutoFilter may hide: those under its heading row. A filter with no
    criteria (only its drop-down buttons) hides nothing, so rows hidden under it were hidden
    by hand."""
    ref = sheet.auto_filter.ref
    active = bool(sheet.auto_filter.filterColumn) or bool(getattr(sheet.sheet_properties, "filterMode", False))
    if not ref or not active:
        return set()
    try:
        _, first, _, last = range_boundaries(ref)
    except (ValueError, TypeError):
        return set()  # a reference no sheet has: no filter to speak of
    first = first or 1  # (whole columns, "A:F": the heading is the sheet's first row)
    return set(range(first + 1, (last or sheet.max_row) + 1))


def _hidden(sheet) -> tuple[set[int], set[int]]:
    """Rows and columns hidden in a sheet (by hand, a collapsed outline or a filter)."""
    rows = {r for r, dimension in sheet.row_dimensions.items() if dimension.hidden}
    columns: set[int] = set()
    for key, dimension in sheet.column_dimensions.items():
        if dimension.hidden:
            first = dimension.min or column_index_from_string(key)
            columns.update(range(first, max(first, dimension.max or first) + 1))
    return rows, columns
