"""Errors a parser raises when it cannot read an input at all.

Problems confined to one project or row do not raise: they become
:class:`~scorer.document.ParseIssue` entries and the rest of the document is kept.
"""

from __future__ import annotations

from scorer.document import Location


class ParseError(ValueError):
    """The input cannot be read. ``location`` says where, ``expected`` what was wanted;
    ``zh`` says both in Chinese for the reviewer (the API's and the page's message), the
    English staying for logs and the CLI."""

    def __init__(self, message: str, location: Location | None = None, expected: str | None = None,
                 zh: str | None = None):
        self.message = message
        self.location = location or Location()
        self.expected = expected
        self.zh = zh
        super().__init__(self.describe())

    def chinese(self) -> str:
        """``无法读取 a.docx（第 3 行）：……``: the reviewer's message."""
        where = self.location.label_zh()
        return f"无法读取{where}：{self.zh or '内容不是可识别的绩效目标表'}"

    def describe(self) -> str:
        where = self.location.label()
        text = f"{where}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text
