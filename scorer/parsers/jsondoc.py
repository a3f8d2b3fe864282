"""The project's own JSON: a serialised :class:`~scorer.document.Document`."""

from __future__ import annotations

import json

from pydantic import ValidationError

from scorer.document import Document, Location
from scorer.parsers.errors import ParseError


def read_json(text: str, file: str | None = None) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", Location(file=file, row=exc.lineno, cell=exc.colno)) from None
    if isinstance(data, dict) and "document" in data and "projects" not in data:
        data = data["document"]  # a scored result wraps the document
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ParseError(f"JSON does not match the document schema at {where}: {err['msg']}",
                         Location(file=file), expected="a zhibiao document (zhibiao schema)") from None
