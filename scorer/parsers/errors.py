"""Errors a parser raises when it cannot read an input at all.

Problems confined to one project or row do not raise: they become
:class:`~scorer.document.ParseIssue` entries and the rest of the document is kept.
"""

from __future__ import annotations

from scorer.document import Location


class ParseError(ValueError):
    """The input cannot be read. ``location`` says where, ``expected`` what was wanted."""

    def __init__(self, message: str, location: Location | None = None, expected: str | None = None):
        self.message = message
        self.location = location or Location()
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.location.label()
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text
