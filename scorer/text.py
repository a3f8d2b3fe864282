"""Text clean-up shared by every parser: width folding and Word residue removal."""

from __future__ import annotations

import re
import unicodedata

# Word leaves bookmarks, TOC field codes and other field instructions in extracted text.
# Each pattern removes one kind; what was removed is reported so a check can flag it.
_JUNK_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\[bookmark:\s*[^\]]*\]"),
    # A quoted TOC entry field ends where its known switches do (\f type, \l level, \n no
    # page number): the heading's visible text may follow (``TC "一、…" \f C \l 1 一、…``).
    re.compile(r"\s*\bTC\s+\"[^\"]*\"(?:\s*\\[fl]\s*\S+|\s*\\n)*\s*"),
    # An unquoted one (``TC 1、…绩效目标表 \f C \l 1``) runs to the end of its switches and line.
    re.compile(r"\s*\bTC\s+(?:\"[^\"]*\"|.*?)\s*(?:\\[a-z]\s*\S+\s*)+$", re.MULTILINE),
    re.compile(r"\s*\b(?:PAGEREF|HYPERLINK|REF)\s+\S+(?:\s+\\[a-z*]\s*\S*)*", re.IGNORECASE),
    re.compile(r"\\\*\s*MERGEFORMAT", re.IGNORECASE),
)

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def fold_width(text: str) -> str:
    """Full-width ASCII and ideographic space to half-width; leaves CJK punctuation
    that has no ASCII twin (、。《》) alone."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def normalise_key(text: str) -> str:
    """A comparison key: NFKC, no whitespace, lower case. For matching labels, not display."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def strip_junk(text: str) -> tuple[str, list[str]]:
    """Remove Word residue from ``text``; return the clean text and what was removed."""
    removed: list[str] = []
    for pattern in _JUNK_PATTERNS:
        for match in pattern.finditer(text):
            removed.append(match.group(0).strip())
        text = pattern.sub("", text)
    return text, [r for r in removed if r]


def clean_cell(text: str) -> tuple[str, list[str]]:
    """A cell as a reviewer reads it: junk removed, runs of spaces collapsed, trimmed.
    Line breaks inside a cell are kept (goals are numbered one per line)."""
    text, junk = strip_junk(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines), junk
