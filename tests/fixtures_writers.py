"""Test-only writers: put a document's tables into .docx, .xlsx, CSV and pasted TSV the
way Word, Excel and WPS hold them, so every reader can be checked against the seeds.

A document is a list of blocks: a paragraph (str) or a table (rows of cell texts, in the
seeds' form where a merged cell is an empty cell). :func:`layout` decides which empty
cells become real merges: the first column's empty cells under a filled one (merged
一级指标, the 预算规模及资金用途 label over the 资金用途 row, the 资金支出计划 label over its
values), and a short row's last cell spanning to the table's width.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import docx
import openpyxl
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from scorer.document import Document
from scorer.parsers.cellines import read_cell_lines
from scorer.parsers.interpret import looks_like_title
from scorer.parsers.stream import Row, TextLine
from scorer.parsers.xlsx import format_value
from scorer.text import strip_junk

Table = list[list[str]]
Block = str | Table


def seed_blocks(text: str) -> list[Block]:
    """A cell-per-line seed as blocks: paragraphs (Word residue removed, as Word shows
    them) and tables (the rows between two paragraphs)."""
    blocks: list[Block] = []
    for item in read_cell_lines(text):
        if isinstance(item, TextLine):
            blocks.append(strip_junk(item.text)[0].strip())
        elif isinstance(item, Row):
            if not blocks or isinstance(blocks[-1], str):
                blocks.append([])
            table = blocks[-1]
            assert isinstance(table, list)
            table.append(item.texts)
    return [b for b in blocks if b]


@dataclass
class GridCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def layout(table: Table, label_span: bool = False) -> tuple[int, list[GridCell]]:
    """(grid width, the cells that are not covered by a merge). With ``label_span`` the
    first cell of every row with three or more cells spans two columns, as labels often do."""
    width = max(len(r) + (1 if label_span and len(r) >= 3 else 0) for r in table)
    origins: list[GridCell] = []
    first_column: GridCell | None = None
    for r, texts in enumerate(table):
        col = 0
        for c, text in enumerate(texts):
            span = 2 if label_span and c == 0 and len(texts) >= 3 else 1
            if c == len(texts) - 1:
                span = width - col
            if c == 0 and not text and first_column is not None and span == first_column.colspan:
                first_column.rowspan += 1  # merged with the filled cell above
            else:
                cell = GridCell(r, col, text, colspan=span)
                origins.append(cell)
                if c == 0:
                    first_column = cell if text and len(texts) > 1 else None
            col += span
    return width, origins


# -- .docx ------------------------------------------------------------------------------

def _field(paragraph, instruction: str) -> None:
    """A hidden field such as Word's TC table-of-contents entry: only its code, no result."""
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)


def _bookmark(paragraph, name: str) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), "0")
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _table_xml(table: Table, label_span: bool) -> str:
    """A Word table as Word writes merges: ``w:gridSpan`` on a cell spanning columns, and
    ``w:vMerge`` restart/continue cells down a vertical merge. One paragraph per line."""
    width, origins = layout(table, label_span)
    by_row: dict[int, list[tuple[GridCell, bool]]] = {}
    for gc in origins:
        for r in range(gc.row, gc.row + gc.rowspan):
            by_row.setdefault(r, []).append((gc, r > gc.row))
    rows = []
    for r in range(len(table)):
        cells = []
        for gc, continued in sorted(by_row.get(r, []), key=lambda item: item[0].col):
            props = f"<w:gridSpan w:val='{gc.colspan}'/>" if gc.colspan > 1 else ""
            if gc.rowspan > 1:
                props += "<w:vMerge/>" if continued else "<w:vMerge w:val='restart'/>"
            lines = [""] if continued else gc.text.split("\n")
            paragraphs = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{escape(line)}</w:t></w:r></w:p>"
                                 for line in lines)
            cells.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>")
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    grid = "<w:gridCol w:w='1200'/>" * width
    return (f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblW w:w='0' w:type='auto'/></w:tblPr>"
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def write_docx(blocks: list[Block], label_span: bool = False) -> bytes:
    """Paragraphs, and one Word table per table block with real merges. Titles carry a
    bookmark and a TC field, as Word's table-of-contents leaves them."""
    document = docx.Document()
    body = document.element.body
    for number, block in enumerate(blocks):
        if isinstance(block, str):
            paragraph = document.add_paragraph(block)
            if looks_like_title(block):
                _bookmark(paragraph, f"_Toc{number}")
                _field(paragraph, f' TC "{block}" \\f C \\l 1 ')
        else:
            body.insert(len(body) - 1, parse_xml(_table_xml(block, label_span)))  # before sectPr
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- .xlsx ------------------------------------------------------------------------------

def excel_value(text: str) -> tuple[object, str]:
    """(value, number format) as a typist enters it: "60.00" a number shown with two
    decimals, "95%" a percentage, anything else text."""
    for fmt in ("General", "0", "0.0", "0.00", "0%", "0.0%", "0.00%"):
        body = text.rstrip("%")
        try:
            number = float(body) / (100 if fmt.endswith("%") else 1)
        except ValueError:
            return text, "General"
        value = int(number) if fmt == "General" and number.is_integer() and "." not in body else number
        if format_value(value, fmt) == text:
            return value, fmt
    return text, "General"


def write_xlsx(blocks: list[Block], sheet_per_table: bool = False, label_span: bool = False) -> bytes:
    """All blocks on one sheet (paragraphs as one-cell rows), or a new sheet for each table
    and the paragraphs above it; merges as merged ranges, numbers as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    row, sheet_has_table = 1, False
    for block in blocks:
        if sheet_per_table and sheet_has_table:
            sheet = workbook.create_sheet(f"表{len(workbook.worksheets) + 1}")
            row, sheet_has_table = 1, False
        if isinstance(block, str):
            sheet.cell(row, 1, block)
            row += 1
            continue
        width, cells = layout(block, label_span)
        for gc in cells:
            value, fmt = excel_value(gc.text)
            cell = sheet.cell(row + gc.row, 1 + gc.col, value if gc.text else None)
            cell.number_format = fmt
            if gc.rowspan > 1 or gc.colspan > 1:
                sheet.merge_cells(start_row=row + gc.row, start_column=1 + gc.col,
                                  end_row=row + gc.row + gc.rowspan - 1, end_column=gc.col + gc.colspan)
        row += len(block)
        sheet_has_table = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- CSV and pasted TSV -----------------------------------------------------------------

def write_delimited(blocks: list[Block], delimiter: str = "\t") -> str:
    """As Excel puts a copied range on the clipboard (or saves CSV): every line as wide as
    the range, merged cells empty but for the first, multi-line cells quoted, CRLF."""
    rows: list[list[str]] = []
    for block in blocks:
        rows.extend([[block]] if isinstance(block, str) else block)
    width = max(len(r) for r in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(r + [""] * (width - len(r)) for r in rows)
    return out.getvalue()


FLAT_HEADER = ["部门", "项目名称", "项目编码", "预算数", "一级指标", "二级指标", "三级指标",
               "绩效指标描述", "指标值", "指标值确定依据"]


def write_flat(doc: Document, delimiter: str = "\t") -> str:
    """One indicator per line with its project in columns, like corpus/indicators.tsv."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(FLAT_HEADER)
    for p in doc.projects:
        for i in p.indicators:
            writer.writerow([p.department, p.name, p.code, p.budget_raw.get("total", ""), i.level1, i.level2,
                             i.name, i.description, i.target_raw, i.basis])
    return out.getvalue()
