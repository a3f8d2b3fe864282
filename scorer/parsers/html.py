"""Reader for the HTML a browser puts on the clipboard when cells are copied from Word,
Excel or WPS (and for saved .html tables).

Merged cells follow the convention of the other readers: a cell spanning several rows
appears in its first row and as an empty cell below (so merged L1/L2 cells inherit and
positional rows stay aligned); a cell spanning several columns is followed by empty
cells, one per extra grid column.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from scorer.document import Location
from scorer.parsers.stream import Cell, Item, Row, TableStart, TextLine

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li"}
_SKIP = {"style", "script", "head", "title", "xml"}
_MAX_SPAN = 1000  # a hostile rowspan="1000000" must not allocate a million cells


def looks_like_html(text: str) -> bool:
    head = text[:4000].lower()
    return "<table" in head or "<html" in head or ("<tr" in head and "<td" in head)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_SPAN))
    except ValueError:
        return 1


class _TableHTML(HTMLParser):
    def __init__(self, file: str | None):
        super().__init__(convert_charrefs=True)
        self.file = file
        self.items: list[Item] = []
        self.tables = 0
        self.depth = 0  # nested tables are flattened into their outer cell's text
        self.skip = 0
        self.row: list[Cell] | None = None
        self.row_no = 0
        self.cell: list[str] | None = None
        self.cell_colspan = 1
        self.cell_rowspan = 1
        self.pending: dict[int, int] = {}  # grid column → rows still covered by a rowspan
        self.text: list[str] = []

    # -- helpers ------------------------------------------------------------------------
    def _loc(self, cell: int | None = None) -> Location:
        return Location(file=self.file, table=str(self.tables), row=self.row_no, cell=cell)

    def _flush_text(self) -> None:
        text = "".join(self.text).strip()
        self.text = []
        if text:
            self.items.append(TextLine(text=text, location=Location(file=self.file)))

    def _fill_spanned(self) -> None:
        """Empty cells for grid columns a rowspan from above still covers."""
        assert self.row is not None
        while self.pending.get(len(self.row), 0) > 0:
            col = len(self.row)
            self.pending[col] -= 1
            self.row.append(Cell(text="", location=self._loc(col + 1)))

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._flush_text()
                self.tables += 1
                self.row_no = 0
                self.pending = {}
                self.items.append(TableStart(location=Location(file=self.file, table=str(self.tables))))
            return
        if self.depth > 1:
            if tag in ("td", "th") and self.cell is not None:
                self.cell.append(" ")
            return
        if tag == "tr" and self.depth == 1:
            self.row_no += 1
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self._fill_spanned()
            a = dict(attrs)
            self.cell = []
            self.cell_colspan, self.cell_rowspan = _span(a.get("colspan")), _span(a.get("rowspan"))
        elif tag == "br" or tag in _BLOCKS:
            target = self.cell if self.cell is not None else self.text
            if tag == "br" or (target and not "".join(target).endswith("\n")):
                target.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table":
            self.depth = max(0, self.depth - 1)
            return
        if self.depth > 1:
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            col = len(self.row)
            self.row.append(Cell(text="".join(self.cell).strip(), location=self._loc(col + 1)))
            for extra in range(self.cell_colspan):
                if self.cell_rowspan > 1:
                    self.pending[col + extra] = self.cell_rowspan - 1
                if extra:
                    self.row.append(Cell(text="", location=self._loc(col + extra + 1)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._fill_spanned()
            self.items.append(Row(cells=self.row, location=self._loc()))
            self.row = None
        elif tag in _BLOCKS and self.cell is None and self.depth == 0:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        # HTML collapses whitespace; Excel's clipboard keeps real line breaks as <br>.
        data = " ".join(data.split()) if data.strip() else (" " if data else "")
        if self.cell is not None:
            self.cell.append(data)
        elif self.depth == 0:
            self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush_text()


def read_html(text: str, file: str | None = None) -> Iterator[Item]:
    parser = _TableHTML(file)
    parser.feed(text)
    parser.close()
    yield from parser.items
