"""Reader for Excel 2003 XML ("XML 表格 2003", SpreadsheetML): the .xls that several budget
systems and finance packages export, a text file of ``<Workbook>`` / ``<Worksheet>`` /
``<Row>`` / ``<Cell>`` rather than a zip.

Each visible worksheet is a table, as in an .xlsx. Cells are placed by their ``ss:Index``
(Excel writes it where cells or rows were skipped, as under a vertical merge) and
``ss:MergeAcross`` leaves the columns it covers empty, so the grid convention of the other
table readers holds. Numbers are shown with their style's number format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from lxml import etree

from scorer.document import Location
from scorer.parsers.errors import ParseError
from scorer.parsers.grid import (CellBudget, LeftOut, format_number, format_value, is_instruction_sheet,
                                 sheet_items)
from scorer.parsers.stream import Item

_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_X = "urn:schemas-microsoft-com:office:excel"
_WORKBOOK_HEAD = re.compile(r"^(?:<\?xml[^>]*\?>\s*)?(?:<\?mso-application[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?Workbook\b",
                            re.S)
#: Named number formats of Excel 2003 as format codes.
_NAMED_FORMATS = {"Percent": "0.00%", "Fixed": "0.00", "Standard": "#,##0.00", "General Number": "General",
                  "0": "0", "Scientific": "0.00E+00", "Short Time": "h:mm", "Medium Time": "h:mm AM/PM",
                  "Long Time": "h:mm:ss",
                  # (dates are shown ISO whatever their named format, as in an .xlsx)
                  **dict.fromkeys(("General Date", "Short Date", "Medium Date", "Long Date"), "General")}
#: Most cells a workbook may hold (as for .xlsx), counted before any is placed.
MAX_CELLS = 1_000_000
#: Largest column or row index a cell may name (Excel's own limits).
_MAX_COLUMN, _MAX_ROW = 16_384, 1_048_576


def looks_like_spreadsheetml(text: str) -> bool:
    head = text[:4000]
    return _SS in head and bool(_WORKBOOK_HEAD.match(head.lstrip("\ufeff \r\n\t")))


def read_spreadsheetml(text: str, file: str | None = None) -> Iterator[Item]:
    """Items of an Excel 2003 XML workbook. It is parsed (and refused with ParseError)
    before iteration."""
    # lxml refuses a str that still declares its encoding (the bytes were decoded already).
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"), count=1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"corrupt Excel 2003 XML ({exc})", Location(file=file),
                         expected="an Excel 2003 XML workbook saved by Excel or WPS",
                         zh="Excel 2003 XML 表格已损坏或不完整：请用 Excel 或 WPS 另存为 .xlsx") from None
    cells = len(root.findall(f".//{{{_SS}}}Cell"))
    if cells > MAX_CELLS:
        raise ParseError(f"workbook has {cells:,} cells, over the limit of {MAX_CELLS:,}", Location(file=file),
                         expected="a 绩效目标表 workbook (split very large sheets)",
                         zh=f"工作簿有 {cells:,} 个单元格，超过上限 {MAX_CELLS:,}：请拆分过大的工作表")
    formats = {style.get(f"{{{_SS}}}ID"): _number_format(style) for style in root.iter(f"{{{_SS}}}Style")}
    return _worksheets(root, formats, file)


def _number_format(style: etree._Element) -> str:
    found = style.find(f"{{{_SS}}}NumberFormat")
    code = found.get(f"{{{_SS}}}Format", "General") if found is not None else "General"
    return _NAMED_FORMATS.get(code, code)


def _index(element: etree._Element, after: int, limit: int) -> int:
    """The element's 1-based ``ss:Index``, else the one after ``after``."""
    try:
        return max(1, min(int(element.get(f"{{{_SS}}}Index", after + 1)), limit))
    except ValueError:
        return after + 1


def _worksheets(root: etree._Element, formats: dict[str | None, str], file: str | None) -> Iterator[Item]:
    budget = CellBudget(MAX_CELLS)
    for sheet in root.iter(f"{{{_SS}}}Worksheet"):
        title = sheet.get(f"{{{_SS}}}Name", "")
        visible = sheet.findtext(f"{{{_X}}}WorksheetOptions/{{{_X}}}Visible") or ""
        if visible.startswith("Sheet") or is_instruction_sheet(title):  # SheetHidden, SheetVeryHidden
            continue
        rows: dict[int, dict[int, str]] = {}
        # (hidden rows and columns are left out, as in an .xlsx; the interpreter names them;
        # rows an active filter hides are read, and named too)
        left_out = LeftOut(_hidden_columns(sheet), _filter_range(sheet))
        r = 0
        for row in sheet.iterfind(f"{{{_SS}}}Table/{{{_SS}}}Row"):
            r = _index(row, r, _MAX_ROW)
            row_hidden = row.get(f"{{{_SS}}}Hidden") == "1"
            c = 0
            for cell in row.iterfind(f"{{{_SS}}}Cell"):
                c = _index(cell, c, _MAX_COLUMN)
                text = _cell_text(cell, formats)
                if text.strip() and left_out.keeps(r, c, row_hidden):
                    rows.setdefault(r, {})[c] = text
                try:
                    c += max(0, int(cell.get(f"{{{_SS}}}MergeAcross", 0)))
                except ValueError:
                    pass
                c = min(c, _MAX_COLUMN)
        yield from sheet_items(rows, file, title, budget, left_out.extra())


_R1C1_RANGE = re.compile(r"^R(\d+)C\d+(?::R(\d+)C\d+)?$")


def _filter_range(sheet: etree._Element) -> set[int]:
    """The rows an active ``<x:AutoFilter x:Range="R2C1:R30C6">`` may hide (under its heading
    row); one without ``AutoFilterColumn`` criteria hides nothing."""
    found = sheet.find(f"{{{_X}}}AutoFilter")
    if found is None or found.find(f"{{{_X}}}AutoFilterColumn") is None:
        return set()
    m = _R1C1_RANGE.match(found.get(f"{{{_X}}}Range", "").strip())
    if not m:
        return set()
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    return set(range(first + 1, min(last, _MAX_ROW) + 1))


def _hidden_columns(sheet: etree._Element) -> set[int]:
    """Columns a ``<Column ss:Hidden="1">`` hides (with its ``ss:Span`` more after it)."""
    hidden: set[int] = set()
    c = 0
    for column in sheet.iterfind(f"{{{_SS}}}Table/{{{_SS}}}Column"):
        c = _index(column, c, _MAX_COLUMN)
        try:
            span = max(0, min(int(column.get(f"{{{_SS}}}Span", 0)), _MAX_COLUMN))
        except ValueError:
            span = 0
        if column.get(f"{{{_SS}}}Hidden") == "1":
            hidden.update(range(c, min(c + span, _MAX_COLUMN) + 1))
        c = min(c + span, _MAX_COLUMN)
    return hidden


def _cell_text(cell: etree._Element, formats: dict[str | None, str]) -> str:
    data = cell.find(f"{{{_SS}}}Data")
    if data is None:
        return ""
    # Rich text (ss:Data) holds its runs in HTML elements: all of their text.
    text = "".join(data.itertext())
    kind = data.get(f"{{{_SS}}}Type", "String")
    if kind == "Number":
        try:
            return format_number(float(text), formats.get(cell.get(f"{{{_SS}}}StyleID"), "General"))
        except ValueError:
            return text
    if kind == "DateTime":
        # 2024-12-31T00:00:00.000 → the date, with the time only when it is not midnight; a
        # time alone (Excel writes it on 1899-12-31) as its format shows it (8:30, 8时30分).
        try:
            value: dt.datetime | dt.time = dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text
        if value.date() == dt.date(1899, 12, 31):
            value = value.time()
        return format_value(value, formats.get(cell.get(f"{{{_SS}}}StyleID"), "General"))
    if kind == "Boolean":
        return "TRUE" if text.strip() in ("1", "true") else "FALSE"
    return text.replace("\r\n", "\n")
