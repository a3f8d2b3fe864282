"""The intermediate form every reader produces: a stream of text lines and table rows.

Readers only know their file format (cell-per-line text, TSV, docx, xlsx); the
:mod:`~scorer.parsers.interpret` stage only knows 绩效目标表 layouts. Locations travel
with each cell so findings can point at the cell a reviewer sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scorer.document import Location


@dataclass(slots=True)
class Cell:
    text: str
    #: None when the reader leaves it to the row (:meth:`Row.cell_location`): a CSV of
    #: thousands of rows spent a third of its parse building locations no one reads.
    location: Location | None = None


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    location: Location

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonempty(self) -> list[str]:
        return [c.text for c in self.cells if c.text.strip()]

    def cell_location(self, index: int) -> Location:
        """Where the cell at ``index`` (0-based) is: its own location, else the row's with
        the cell's column."""
        own = self.cells[index].location
        return own if own is not None else moved(self.location, cell=index + 1)


def moved(location: Location, **changes: int | str | None) -> Location:
    """``location`` with some fields changed. Built from its fields rather than
    ``model_copy``'d: copying is the slower way to a small model, and the parsers do this
    for every indicator row."""
    return Location(**{**location.__dict__, **changes})


@dataclass(slots=True)
class TextLine:
    """A paragraph or heading outside any table."""

    text: str
    location: Location


@dataclass(slots=True)
class TableStart:
    """A reader that knows table boundaries (docx, xlsx sheets) marks them."""

    location: Location
    caption: str = ""
    extra: dict = field(default_factory=dict)


Item = Cell | Row | TextLine | TableStart
