"""指标库: how common each indicator is across kinds of project, learned from the corpus.

The same indicator on many projects is not always a copy-paste: 群众满意度 or
资金支付及时率 belong on almost every fund. What separates them from boilerplate is that
such indicators turn up in *many kinds* of project (教育, 农业农村, 公安政法 …), while a
pasted text belongs to one kind and was carried to others.

The library counts, for every word of the corpus's indicator names, in how many kinds of
project, projects and source documents it occurs. A name is common when every one of its
content words occurs in at least ``min_kinds`` kinds (a compound the dictionary keeps whole,
such as 资金支付, counts through its parts 资金 and 支付), or when it belongs to the
families of indicators every fund may carry (satisfaction, fund execution), as
:mod:`scorer.checks.lexicon` lists them. Built by ``python -m training.duplicates library``
and shipped as ``scorer/data/indicator_library.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from scorer.checks import lexicon as lx
from scorer.checks.facts import clean_name, time_or_cost_name
from scorer.segment import tokenizer
from scorer.semantic.domains import LIBRARY, OTHER, project_kind

LIBRARY_FILE = "indicator_library.json"
LIBRARY_FORMAT = 1
#: Names whose verdict a library remembers before it starts over.
_MEMO_SIZE = 1 << 16
#: A word seen in this many kinds of project is common (about one kind in seven).
DEFAULT_MIN_KINDS = 3

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class LibraryRow:
    """One corpus indicator with where it was used."""

    name: str
    project_name: str
    department: str
    source: str


@dataclass(frozen=True)
class Spread:
    kinds: int
    projects: int
    documents: int


@dataclass(frozen=True)
class Commonness:
    """Why a name is or is not common: the word that limits it and in how many kinds it
    occurs, or the rule family it belongs to."""

    common: bool
    #: kinds of project the rarest content word occurs in (0 for an unseen word).
    kinds: int
    total_kinds: int
    limiting_word: str | None = None
    by_rule: bool = False

    @property
    def share(self) -> float:
        """``kinds`` as a share of all kinds; 1.0 for a rule-family name."""
        if self.by_rule:
            return 1.0
        return self.kinds / self.total_kinds if self.total_kinds else 0.0


def _keep(token: str) -> bool:
    return bool(_CJK.search(token)) and token not in lx.MATCH_STOPWORDS


@lru_cache(maxsize=32768)
def name_words(name: str) -> tuple[str, ...]:
    """Content words of an indicator name (jieba, no stop words, no bracketed notes)."""
    folded = unicodedata.normalize("NFKC", clean_name(name))
    return tuple(dict.fromkeys(t for t in tokenizer().lcut(folded, HMM=False) if _keep(t)))


@lru_cache(maxsize=32768)
def sub_words(word: str) -> tuple[str, ...]:
    """The shorter dictionary words inside a compound (资金支付 → 资金, 支付)."""
    return tuple(s for s in tokenizer().lcut_for_search(word, HMM=False) if s != word and len(s) >= 2 and _keep(s))


def common_by_rule(name: str) -> bool:
    """Satisfaction, fund-execution, safety and upkeep indicators, which every fund may carry."""
    return bool(lx.SATISFACTION_RE.search(name) or lx.STANDARD_DEFINITION_RE.search(name)
                or lx.OPERATING_COMMON_RE.search(name))


def fund_neutral(name: str) -> bool:
    """Time and cost indicators (完成时限, 案件办理及时率, 培训费): they say when or at what
    cost, not what the fund achieves, so they fit any fund as well as their own and moving
    one to another fund makes no mismatch. Whether they are specific enough is the
    specific/measurable checks' business."""
    return time_or_cost_name(name)


class IndicatorLibrary:
    """Word → spread over kinds/projects/documents, and the rule that makes a name common."""

    def __init__(self, words: dict[str, Spread], kinds: dict[str, int], *, min_kinds: int = DEFAULT_MIN_KINDS,
                 rows: int = 0, documents: int = 0) -> None:
        self.words = words
        #: projects per kind in the corpus the library was built from.
        self.kinds = kinds
        self.min_kinds = min_kinds
        self.rows = rows
        self.documents = documents

    @property
    def total_kinds(self) -> int:
        return len(self.kinds)

    @classmethod
    def build(cls, rows: Iterable[LibraryRow], min_kinds: int = DEFAULT_MIN_KINDS) -> IndicatorLibrary:
        kinds: dict[str, set[str]] = defaultdict(set)
        projects: dict[str, set[tuple[str, str]]] = defaultdict(set)
        documents: dict[str, set[str]] = defaultdict(set)
        kind_projects: dict[str, set[tuple[str, str]]] = defaultdict(set)
        count = 0
        for row in rows:
            count += 1
            kind = project_kind(row.project_name, row.department)
            project = (row.source, row.project_name)
            # Indicator libraries and unplaceable projects say nothing about spread over kinds.
            counted = kind not in (LIBRARY, OTHER)
            if counted:
                kind_projects[kind].add(project)
            for word in name_words(row.name):
                for w in (word, *sub_words(word)):
                    if counted:
                        kinds[w].add(kind)
                    projects[w].add(project)
                    documents[w].add(row.source)
        words = {w: Spread(len(kinds.get(w, ())), len(projects[w]), len(documents[w])) for w in projects}
        return cls(words, {k: len(v) for k, v in sorted(kind_projects.items())}, min_kinds=min_kinds,
                   rows=count, documents=len({d for ds in documents.values() for d in ds}))

    def word_kinds(self, word: str) -> int:
        """Kinds a word occurs in, or, for a compound, in how many all its parts occur."""
        direct = self.words.get(word)
        kinds = direct.kinds if direct else 0
        parts = sub_words(word)
        if parts:
            kinds = max(kinds, min(self.words[p].kinds if p in self.words else 0 for p in parts))
        return kinds

    def commonness(self, name: str) -> Commonness:
        """The verdict on ``name``, remembered per library: the copy analysis and the
        relevance features ask about the same names on every document of a batch. (A
        library is never changed once built.) The memo lives and dies with the library,
        so the many fold libraries of a training run are freed with their folds."""
        memo = self.__dict__.setdefault("_memo", {})
        verdict = memo.get(name)
        if verdict is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            verdict = memo[name] = self._judge(name)
        return verdict

    def __getstate__(self) -> dict[str, Any]:
        # Pickled models holding a library stay plain data (and byte for byte what they were).
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    def _judge(self, name: str) -> Commonness:
        if common_by_rule(name):
            return Commonness(True, self.total_kinds, self.total_kinds, by_rule=True)
        words = name_words(name)
        if not words:
            return Commonness(False, 0, self.total_kinds)
        spreads = {w: self.word_kinds(w) for w in words}
        limiting = min(spreads, key=lambda w: spreads[w])
        kinds = spreads[limiting]
        return Commonness(kinds >= self.min_kinds, kinds, self.total_kinds, limiting_word=limiting)

    def is_common(self, name: str) -> bool:
        return self.commonness(name).common

    # -- persistence --------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": LIBRARY_FORMAT,
            "min_kinds": self.min_kinds,
            "rows": self.rows,
            "documents": self.documents,
            "kinds": self.kinds,
            "words": {w: [s.kinds, s.projects, s.documents] for w, s in sorted(self.words.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndicatorLibrary:
        if data.get("format") != LIBRARY_FORMAT:
            raise ValueError(f"unsupported indicator library format {data.get('format')!r}")
        words = {w: Spread(*counts) for w, counts in data["words"].items()}
        return cls(words, dict(data["kinds"]), min_kinds=int(data["min_kinds"]), rows=int(data["rows"]),
                   documents=int(data["documents"]))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_library() -> IndicatorLibrary:
    """The library built from ``corpus/indicators.tsv`` and shipped with the package."""
    data = (resources.files("scorer") / "data" / LIBRARY_FILE).read_text(encoding="utf-8")
    return IndicatorLibrary.from_json(json.loads(data))
