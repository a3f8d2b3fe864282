"""Reader for tables pasted from Excel, WPS or Word (tab-separated, multi-line cells
quoted) and for CSV files. A row with a single filled cell outside a table is a heading."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from scorer.document import Location
from scorer.parsers.stream import Cell, Item, Row, TextLine


def sniff_delimiter(text: str) -> str:
    sample = text[:20000]
    return "\t" if sample.count("\t") >= sample.count(",") / 4 else ","


def read_delimited(text: str, file: str | None = None, delimiter: str | None = None) -> Iterator[Item]:
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    line = 1
    for fields in reader:
        start = line
        # The reader's line_num counts physical lines, so multi-line cells keep rows located.
        line = reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        filled = [f for f in fields if f.strip()]
        if len(filled) == 1 and fields[0].strip() and _is_heading(fields[0]):
            yield TextLine(text=fields[0], location=Location(file=file, row=start))
            continue
        cells = [Cell(text=f, location=Location(file=file, row=start, cell=i)) for i, f in enumerate(fields, 1)]
        yield Row(cells=cells, location=Location(file=file, row=start))


def _is_heading(text: str) -> bool:
    """A lone cell that reads like a title or paragraph, not like a one-cell table row."""
    t = text.strip()
    return len(t) >= 6 and not t.startswith("单位")
