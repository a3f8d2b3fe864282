"""Reader for the cell-per-line text that docx-to-text extraction produces.

One table row per block, blocks separated by a blank line; each cell on its own line
starting with a tab; a cell that spans several lines continues on lines without a tab;
merged cells are empty cells. Lines outside any block are paragraphs or headings.
"""

from __future__ import annotations

from collections.abc import Iterator

from scorer.document import Location
from scorer.parsers.stream import Cell, Item, Row, TextLine


def looks_like_cell_lines(text: str) -> bool:
    """Sniff: most tab-bearing lines carry exactly one leading tab and nothing after it."""
    lines = [ln for ln in text.splitlines() if "\t" in ln]
    if len(lines) < 3:
        return False
    leading = sum(1 for ln in lines if ln.startswith("\t") and ln.count("\t") == 1)
    return leading / len(lines) >= 0.8


def read_cell_lines(text: str, file: str | None = None) -> Iterator[Item]:
    cells: list[Cell] = []
    row_start = 0

    def flush() -> Iterator[Row]:
        nonlocal cells
        if cells:
            yield Row(cells=cells, location=Location(file=file, row=row_start))
            cells = []

    for lineno, line in enumerate(text.splitlines(), start=1):
        if "\t" not in line and not line.strip():
            # Blank, or spaces only (Word leaves a lone space before some tables). A line
            # holding just a tab is an empty cell, not a row break.
            yield from flush()
        elif line.startswith("\t"):
            if not cells:
                row_start = lineno
            cells.append(Cell(text=line[1:], location=Location(file=file, row=lineno, cell=len(cells) + 1)))
        elif cells:
            cells[-1].text += "\n" + line
        else:
            yield TextLine(text=line, location=Location(file=file, row=lineno))
    yield from flush()
