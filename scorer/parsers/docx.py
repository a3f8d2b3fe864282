"""Reader for .docx: the body's paragraphs and tables in document order.

Cells follow the grid convention every table reader here shares, so columns stay aligned
with the header row whatever the merges: a cell spanning several grid columns
(``w:gridSpan``) is followed by one empty cell per extra column, and the cells a vertical
merge covers (``w:vMerge`` continuation) are empty, so merged 一级/二级指标 inherit from the
row above. The text is what Word shows: field instructions (``TC … \\f C``), deleted
revisions and hidden runs are left out, bookmarks carry no text; a text box anchored in a
paragraph (a title over the table) is read as paragraphs of its own before it, and one in a table
cell as lines of that cell. A table nested in a
cell is read as rows of its own right after the row that holds it (table "2.1" inside
table 2), so an indicator table laid out inside a form is still found.

The XML is walked directly rather than through python-docx's ``Table.rows``, whose cell
lists repeat merged cells and hide the grid offsets (``w:gridBefore``) this needs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml.etree import _Element

from scorer.document import Location
from scorer.parsers.archive import open_archive, unreadable
from scorer.parsers.stream import Cell, Item, Row, TableStart, TextLine

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR, _NB_HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_VAL, _TYPE = qn("w:val"), qn("w:type")
_FALSE = {"0", "false", "off"}
# Inline content that is not shown as text where it stands: field instructions, deleted
# revisions, properties, and drawings/text boxes (whose text would otherwise be spliced
# into the paragraph, twice for mc:AlternateContent).
_NOT_TEXT = {qn(t) for t in ("w:instrText", "w:delText", "w:del", "w:moveFrom", "w:pPr", "w:rPr",
                             "w:sdtPr", "w:drawing", "w:pict", "w:object")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_TEXT_BOX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Word's own limit on table columns; a larger span or offset is corrupt or hostile.
_MAX_COLUMNS = 63


def read_docx(data: bytes, file: str | None = None) -> Iterator[Item]:
    """Items of a .docx. The file is opened (and refused with ParseError) before iteration."""
    open_archive(data, file, ".docx").close()
    try:
        body = open_docx(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx lets zip, XML and content-type errors through as-is
        raise unreadable(exc, file, ".docx") from None
    if body is None:
        return iter(())
    return _BodyWalker(file).blocks(body)


def _children(parent: _Element, tags: set[str]) -> Iterator[_Element]:
    """Children with one of ``tags``, looking through content controls and custom XML."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tags)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tags)


def _hidden(run: _Element) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and vanish.get(_VAL, "true").lower() not in _FALSE


def _inline_text(parent: _Element, out: list[str]) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _NOT_TEXT:
            continue  # comments and processing instructions have a non-string tag
        if tag == _T:
            out.append(child.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag == _CR or (tag == _BR and child.get(_TYPE, "textWrapping") == "textWrapping"):
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif tag != _R or not _hidden(child):
            # Runs, and the wrappers runs sit in: hyperlinks, insertions, smart tags,
            # simple fields (their shown result), inline content controls.
            _inline_text(child, out)


def paragraph_text(p: _Element) -> str:
    out: list[str] = []
    _inline_text(p, out)
    return "".join(out)


def text_box_lines(p: _Element) -> list[str]:
    """The filled paragraphs of the text boxes anchored in a paragraph. Word saves each box
    twice (the drawing and a VML fallback for old readers); the fallback's copy is left out,
    and read only where it is the one there is (an old-style file)."""
    lines = []
    for box in p.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        lines.extend(text for inner in _children(box, {_P}) if (text := paragraph_text(inner)).strip())
    return lines


def _int_property(element: _Element, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(0, min(int(found.get(_VAL, default)), _MAX_COLUMNS))
    except ValueError:
        return default


def _is_continuation(tc: _Element) -> bool:
    """The cell is covered by a merge that starts above (vMerge) or to its left (legacy hMerge)."""
    for name in ("w:vMerge", "w:hMerge"):
        merge = tc.find(f"{qn('w:tcPr')}/{qn(name)}")
        if merge is not None and merge.get(_VAL, "continue") != "restart":
            return True
    return False


_GRID_SPAN = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
_GRID_BEFORE = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
_GRID_AFTER = f"{qn('w:trPr')}/{qn('w:gridAfter')}"


class _BodyWalker:
    def __init__(self, file: str | None):
        self.file = file
        self.tables = 0

    def blocks(self, parent: _Element) -> Iterator[Item]:
        for child in _children(parent, {_P, _TBL}):
            if child.tag == _P:
                yield from self.text_boxes(child)
                text = paragraph_text(child)
                if text.strip():
                    yield TextLine(text=text, location=Location(file=self.file))
            else:
                self.tables += 1
                yield from self.table(child, str(self.tables))

    def text_boxes(self, p: _Element) -> Iterator[Item]:
        """The paragraphs of the text boxes anchored in a paragraph, before its own text: a
        form's title is often a text box over the table."""
        for text in text_box_lines(p):
            yield TextLine(text=text, location=Location(file=self.file))

    def table(self, tbl: _Element, label: str) -> Iterator[Item]:
        start = Location(file=self.file, table=label)
        yield TableStart(location=start)
        nested_count = 0
        for number, tr in enumerate(_children(tbl, {_TR}), start=1):
            row, nested = self.row(tr, start.model_copy(update={"row": number}))
            yield row
            for inner in nested:
                nested_count += 1
                yield from self.table(inner, f"{label}.{nested_count}")
            if nested:
                # Back in this table after a nested one: a boundary for the interpreter too.
                yield TableStart(location=start)

    @staticmethod
    def row(tr: _Element, where: Location) -> tuple[Row, list[_Element]]:
        """One cell per grid column, and the tables nested in the row's cells."""
        texts: list[str] = [""] * _int_property(tr, _GRID_BEFORE, 0)
        nested: list[_Element] = []
        for tc in _children(tr, {_TC}):
            lines = []
            if not _is_continuation(tc):
                for block in _children(tc, {_P, _TBL}):
                    if block.tag == _P:
                        # A text box in the cell (a value typed into a box laid over the
                        # form's cell, a note) is what the cell shows, before its own text.
                        lines.extend(text_box_lines(block))
                        lines.append(paragraph_text(block))
                    else:
                        nested.append(block)
            texts.append("\n".join(lines))
            texts.extend([""] * (max(1, _int_property(tc, _GRID_SPAN, 1)) - 1))
        texts.extend([""] * _int_property(tr, _GRID_AFTER, 0))
        cells = [Cell(text=t, location=where.model_copy(update={"cell": c})) for c, t in enumerate(texts, start=1)]
        return Row(cells=cells, location=where), nested
