"""How goals and indicators are matched, behind one small interface so the keyword
version here can be replaced by an embedding version without touching the checks.

A :class:`GoalMatcher` answers two questions for a project: for each numbered goal, does
any indicator measure it (ZB-R002); for an indicator, does it relate to anything the
project is for — its goals, 资金用途, name or sibling indicators (ZB-R001). Each answer is
a :class:`Relation` carrying a score and the evidence a reviewer can check.

Implementations register under a name (``register_goal_matcher``) and are chosen by the
``goal_matcher`` setting; the pipeline builds the chosen one once and puts it in the
check context. The keyword matcher uses jieba words from :mod:`scorer.segment`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts, ProjectFacts
from scorer.config import Settings
from scorer.segment import tokenize, tokenizer

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Relation:
    related: bool
    #: matcher-specific strength: shared words for keywords, a probability for models.
    score: float
    #: what a reviewer can check: the shared words, or the closest text.
    evidence: tuple[str, ...] = ()
    #: index of the best-matching goal or indicator, when there is one.
    best: int | None = None


class GoalMatcher(Protocol):
    #: registry name (the ``goal_matcher`` setting) and version, reported with scores.
    name: str
    version: str

    def warm_up(self) -> None:
        """Load the dictionary or model now rather than on the first document."""
        ...

    def goals_measured(self, project: ProjectFacts, indicators: Sequence[IndicatorFacts]) -> list[Relation | None]:
        """For each goal of ``project`` (same order), its best relation to one of
        ``indicators``; None when the goal has no content words to match on."""
        ...

    def indicator_related(self, project: ProjectFacts, indicator: IndicatorFacts) -> Relation | None:
        """How ``indicator`` relates to the project's goals, fund use, name and siblings;
        None when the indicator has no content words to match on."""
        ...


@lru_cache(maxsize=16384)
def content_words(text: str) -> frozenset[str]:
    """Content words of ``text``: jieba words of two or more characters that are not
    stop words, plus the character pairs of longer words, so that 监测站 meets 监测."""
    words: set[str] = set()
    for token in tokenize(text):
        if len(token) < 2 or token in lx.MATCH_STOPWORDS or not _CJK.search(token):
            continue
        words.add(token)
        if len(token) >= 3:
            words.update(p for p in (token[i:i + 2] for i in range(len(token) - 1)) if p not in lx.MATCH_STOPWORDS)
    return frozenset(words)


@lru_cache(maxsize=16384)
def matching_words(text: str) -> frozenset[str]:
    """:func:`content_words`, plus the short form of a term written out in full or short
    (市容环境卫生 and 城区环卫保洁 both have 环卫), for the keyword matcher only: the relevance
    model's features keep the words as written. Only the short form is added — it is as
    specific as the term; the full form's parts (城市, 管理) are not."""
    words = content_words(text)
    short = {s for s, fulls in lx.ABBREVIATIONS.items() if s in text or any(f in text for f in fulls)}
    return words | short if short - words else words


def indicator_text(ind: IndicatorFacts) -> str:
    i = ind.indicator
    return f"{i.name} {i.description} {i.target_raw}"


def _common_words(rows: Sequence[frozenset[str]]) -> frozenset[str]:
    """Words in at least half of the rows (and more than two): the subject as the rows word
    it (公交 across a 公共交通 table), which shows no more than the project name does that a
    row measures one goal rather than another."""
    counts: dict[str, int] = {}
    for words in rows:
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    least = max(3, (len(rows) + 1) // 2)
    return frozenset(w for w, n in counts.items() if n >= least)


class KeywordGoalMatcher:
    """Shared content words (jieba + domain dictionary) between a goal and an indicator.

    Words of the project name, and words at least half the rows share, are the topic
    every row shares, so one of them alone does not show that an indicator measures a
    particular goal: a goal counts as measured when
    an indicator shares ``goal_min_overlap`` of the goal's other words, or one more word
    than that counting the topic words.
    """

    name = "keywords"
    version = ""

    def __init__(self, settings: Settings):
        from scorer.semantic.memo import PerObject

        self.min_overlap = settings.thresholds.goal_min_overlap
        self._words: PerObject[ProjectFacts, tuple[frozenset[str], dict[str, int]]] = PerObject()

    def warm_up(self) -> None:
        tokenizer()

    def _relation(self, words: frozenset[str], other: frozenset[str], best: int | None = None) -> Relation:
        shared = tuple(sorted(words & other))
        return Relation(related=len(shared) >= self.min_overlap, score=float(len(shared)), evidence=shared, best=best)

    def _goal_match(self, words: frozenset[str], topic: frozenset[str], row: frozenset[str]) -> tuple[bool, float]:
        """(related, score) of a goal's words against an indicator's."""
        shared = words & row
        distinct = shared - topic
        related = len(distinct) >= self.min_overlap or len(shared) >= self.min_overlap + 1
        return related, len(distinct) + 0.5 * len(shared - distinct)

    def goals_measured(self, project: ProjectFacts, indicators: Sequence[IndicatorFacts]) -> list[Relation | None]:
        rows = [(ind.index, matching_words(indicator_text(ind))) for ind in indicators]
        topic = matching_words(project.project.name) | _common_words([w for _, w in rows])
        relations: list[Relation | None] = []
        for goal in project.project.goals:
            words = matching_words(goal.text)
            if not words:
                relations.append(None)
                continue
            # Every row is scored, only the best (the first of equals) becomes a Relation.
            matches = [self._goal_match(words, topic, row_words) for _, row_words in rows]
            if not matches:
                relations.append(Relation(False, 0.0))
                continue
            best = max(range(len(rows)), key=matches.__getitem__)
            (related, score), (index, row_words) = matches[best], rows[best]
            relations.append(Relation(related=related, score=score, evidence=tuple(sorted(words & row_words)),
                                      best=index))
        return relations

    def indicator_related(self, project: ProjectFacts, indicator: IndicatorFacts) -> Relation | None:
        """The indicator's words shared with the project's name, 资金用途 and goals and
        with the names of its other indicators."""
        words = matching_words(indicator_text(indicator))
        if not words:
            return None
        topic, names = self._project_words(project)
        # A word is in some other row's name when more rows' names have it than this
        # row's own name accounts for: per project once, not a union over every other
        # row for each row (quadratic in a pasted table of thousands of rows).
        rows = project.indicators
        row = rows[indicator.index] if 0 <= indicator.index < len(rows) else None  # facts: index = position
        own = matching_words(row.indicator.name) if row is not None and row.index == indicator.index else frozenset()
        shared = frozenset(w for w in words if w in topic or names.get(w, 0) > (w in own))
        return self._relation(words, shared)

    def _project_words(self, project: ProjectFacts) -> tuple[frozenset[str], dict[str, int]]:
        """(content words of the project's name, 资金用途 and goals; for each word of its
        indicators' names, how many names have it). Part by part, not joined: each part's
        words are cached, and jieba never joins words across the space between parts."""
        def build(facts: ProjectFacts) -> tuple[frozenset[str], dict[str, int]]:
            p = facts.project
            topic = frozenset().union(*map(matching_words, [p.name, p.fund_use, *(g.text for g in p.goals)]))
            names: dict[str, int] = {}
            for other in facts.indicators:
                for word in matching_words(other.indicator.name):
                    names[word] = names.get(word, 0) + 1
            return topic, names

        return self._words.get(project, build)


MatcherFactory = Callable[[Settings, dict[str, Any]], GoalMatcher]
_MATCHERS: dict[str, MatcherFactory] = {}


def register_goal_matcher(name: str, factory: MatcherFactory) -> None:
    """Make a matcher selectable by ``goal_matcher = name``. The factory receives the
    settings and the context's resources (where a model package finds its embedder)."""
    _MATCHERS[name] = factory


def goal_matchers() -> list[str]:
    return sorted(_MATCHERS)


def build_goal_matcher(settings: Settings, resources: dict[str, Any]) -> GoalMatcher:
    try:
        factory = _MATCHERS[settings.goal_matcher]
    except KeyError:
        raise ValueError(
            f"unknown goal_matcher '{settings.goal_matcher}' (known: {', '.join(goal_matchers())})"
        ) from None
    return factory(settings, resources)


register_goal_matcher("keywords", lambda settings, resources: KeywordGoalMatcher(settings))
