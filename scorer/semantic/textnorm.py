"""How texts are compared for copying: the normalised key two copies share, the character
shingles near-copies share, and which cells carry enough words to be compared at all.

A copy is a copy whatever its punctuation, spacing or full/half width, so exact
duplicates compare :func:`text_key` (NFKC, no spaces or punctuation, lower case; the same
key the rule checks use). Near-copies compare sets of character bigrams: Chinese has no
spaces, and a pasted sentence with one phrase changed keeps most of its bigrams.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from scorer.checks import lexicon as lx
from scorer.checks.facts import compact_key
from scorer.document import TargetKind
from scorer.values import parse_target

Field = Literal["name", "description", "target", "goal"]
FIELDS: tuple[Field, ...] = ("name", "description", "target", "goal")

#: Chinese names of the fields, for messages.
FIELD_LABELS: dict[str, str] = {"name": "指标名称", "description": "指标描述", "target": "指标值", "goal": "绩效目标"}

#: Fewest key characters a cell needs before its copies mean anything: a two-character
#: name can be a real indicator (工期), a six-character description is a phrase.
MIN_KEY_CHARS: dict[str, int] = {"name": 2, "description": 6, "target": 4, "goal": 6}

SHINGLE = 2


@lru_cache(maxsize=65536)
def text_key(text: str) -> str:
    """The form exact copies share (cached: a document asks for the key of the same
    cell from the copy analysis, the 复制比 and the prefetch)."""
    return compact_key(text)


@lru_cache(maxsize=65536)
def shingles(key: str, k: int = SHINGLE) -> frozenset[str]:
    """Character k-grams of a key (the key itself when shorter than k)."""
    if len(key) <= k:
        return frozenset({key}) if key else frozenset()
    return frozenset(key[i : i + k] for i in range(len(key) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@lru_cache(maxsize=65536)
def informative(text: str, field: str) -> bool:
    """Whether copies of this cell say anything: enough letters, and for a 指标值 a
    worded one (the same "≥90%" on many rows is a value, not a pasted text); notes that
    only give an indicator's direction ("指标方向:正向") are template columns."""
    key = text_key(text)
    if len(key) < MIN_KEY_CHARS.get(field, 2) or not lx.LETTER_RE.search(key):
        return False
    if field == "description" and lx.DIRECTION_NOTE_RE.match(text.strip()):
        return False
    if field == "target":
        return parse_target(text).kind not in (TargetKind.numeric, TargetKind.deadline, TargetKind.empty)
    return True


def key_length(text: str) -> int:
    """Characters a text contributes to a 复制比 (its key, without spaces and punctuation)."""
    return len(text_key(text))
