"""The project's own JSON: a serialised :class:`~scorer.document.Document`."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from scorer.document import Document, Location
from scorer.parsers.errors import ParseError


#: Control characters other than tab and newlines (Word's soft break \x0b, a bell \x07):
#: the text readers drop them, and XML (report.xlsx) cannot hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _without_control_characters(data: Any) -> Any:
    if isinstance(data, str):
        return _CONTROL.sub("", data)
    if isinstance(data, list):
        return [_without_control_characters(v) for v in data]
    if isinstance(data, dict):
        return {k: _without_control_characters(v) for k, v in data.items()}
    return data


def read_json(text: str, file: str | None = None) -> Document:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError("JSON is nested too deeply to be a document", Location(file=file),
                         expected="a zhibiao document (zhibiao schema)") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", Location(file=file, row=exc.lineno, cell=exc.colno)) from None
    if isinstance(data, dict) and "document" in data and "projects" not in data:
        data = data["document"]  # a scored result wraps the document
    try:
        return Document.model_validate(_without_control_characters(data))
    except RecursionError:
        raise ParseError("JSON is nested too deeply to be a document", Location(file=file),
                         expected="a zhibiao document (zhibiao schema)") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ParseError(f"JSON does not match the document schema at {where}: {err['msg']}",
                         Location(file=file), expected="a zhibiao document (zhibiao schema)") from None
