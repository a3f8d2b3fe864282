"""Helpers shared by CLI commands: reading inputs and reporting user errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from scorer.document import Document
from scorer.embeddings.base import EmbedderError
from scorer.parsers import FORMATS, ParseError, parse_bytes, parse_path

err_console = Console(stderr=True, highlight=False)

#: Exit code for input the user can fix (bad file, bad option), as in many linters.
EXIT_USAGE = 2


def fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def unreadable(exc: ParseError, hint: str = "") -> str:
    """A file that cannot be read, for a reviewer first (无法读取 a.docx（第 3 行）：…), then
    ``hint`` (what to do instead) if any, and the English detail (row, cell, what was
    expected) on the last line."""
    return f"{exc.chinese()}" + (f"\n  {hint}" if hint else "") + f"\n  {exc.describe()}"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn errors the user caused into one clear line and exit code 2, never a traceback."""
    try:
        yield
    except ParseError as exc:
        raise fail(unreadable(exc)) from None
    except (OSError, ValueError, EmbedderError) as exc:
        raise fail(str(exc)) from None


def check_format(fmt: str | None) -> str | None:
    if fmt is not None and fmt not in FORMATS:
        raise fail(f"unknown --input-format '{fmt}' (expected one of: {', '.join(FORMATS)})")
    return fmt


def read_document(source: str, fmt: str | None = None) -> Document:
    """A path, or ``-`` for standard input (a table pasted into the terminal)."""
    if source == "-":
        return parse_bytes(sys.stdin.buffer.read(), "<stdin>", fmt)
    return parse_path(Path(source), fmt)
