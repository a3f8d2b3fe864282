"""The normalised view of a document that checks read: canonical levels, the unit a value
really has (including the ones written in the name or after the number), the value as a
percentage, what kind of quantity the name asks for, and whether any timing is given.

Computed once per document by the pipeline's ``normalise`` stage, so that every check
works from the same reading and none re-parses text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from scorer.checks import lexicon as lx
from scorer.document import Document, Indicator, Location, Project, Target, TargetKind
from scorer.taxonomy import (
    COST,
    ECOLOGICAL_COST,
    ECONOMIC_COST,
    OUTPUT_COST,
    SERVICE_SATISFACTION,
    SOCIAL_COST,
    canonicalise,
    guess_template,
)
from scorer.values import MONEY_UNITS, TIME_UNITS, is_change, parse_target

_PUNCT = re.compile(r"[\s\W_]+")
PERCENT_UNITS = frozenset({"%", "百分比"})

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - a drop-in for functools.cached_property
    """``functools.cached_property`` without its lock. Python 3.11 takes an RLock on every
    first access, and the checks make ~8 first accesses per indicator: the locking was
    about a tenth of the rule checks' time. One document's facts are read by one thread."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        # Stored in the instance dict, which then shadows this (non-data) descriptor.
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


# The text helpers below are cached: checks ask them about the same cells, and a
# batch's documents repeat the same names, descriptions and goals on many rows.
@lru_cache(maxsize=1 << 16)
def compact_key(text: str) -> str:
    """Text for equality tests: NFKC, no spaces or punctuation, lower case."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "")).lower()


@lru_cache(maxsize=1 << 16)
def clean_name(name: str) -> str:
    """The name without bracketed notes, numbering and template stars; "" for a name with
    no letter at all ("88", "0"), which names nothing (ZB-S004 reports it, the rest pass it by)."""
    cleaned = lx.NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", name or "")).strip()
    return cleaned if lx.LETTER_RE.search(cleaned) else ""


#: Level 2s of what the outputs cost (2015 产出/成本; 2021 经济·社会·生态环境成本).
_COST_LEVELS = frozenset({OUTPUT_COST, ECONOMIC_COST, SOCIAL_COST, ECOLOGICAL_COST})


def time_or_cost_name(name: str) -> bool:
    """完成时限, 故障修复时间, 案件办理及时率, 年度运维费用, 培训费: names that say when or at
    what cost, not what a fund achieves, so any fund may carry them."""
    name = clean_name(name)
    return bool(lx.PROCESS_NAME_RE.search(name) or lx.MONEY_NAME_RE.search(name))


def _unit_in_text(text: str | None) -> str | None:
    if not text:
        return None
    match = lx.EXTRA_UNIT_RE.match(text)
    return match.group(0) if match else None


def _unit_in_name(name: str) -> str | None:
    folded = unicodedata.normalize("NFKC", name or "")
    match = lx.NAME_UNIT_RE.search(folded)
    if match:
        return match.group(1) or "%"
    implied = lx.IMPLIED_UNIT_NAME_RE.search(folded)
    return lx.IMPLIED_UNITS[implied.group(1)] if implied else None


def looks_like_date(target: Target) -> bool:
    """Numbers that are years or dates misread as quantities ("2020.1.1-2020.12.31")."""
    return (
        target.kind == TargetKind.numeric
        and target.value is not None
        and 1990 <= target.value <= 2100
        and target.unit in (None, "年")
    )


@dataclass
class IndicatorFacts:
    indicator: Indicator
    project_index: int
    index: int
    target: Target
    level1: str | None
    level2: str | None

    @property
    def location(self) -> Location:
        return self.indicator.location

    @cached_property
    def name(self) -> str:
        return clean_name(self.indicator.name)

    @cached_property
    def name_key(self) -> str:
        return compact_key(self.indicator.name)

    @cached_property
    def description_key(self) -> str:
        return compact_key(self.indicator.description)

    @cached_property
    def unit_and_source(self) -> tuple[str | None, str | None]:
        """The unit the value carries and where it was written: the parsed value, the
        text right after the number, or the name ("成本控制数(万元)", "参与次数")."""
        if self.target.unit:
            return self.target.unit, "value"
        in_text = _unit_in_text(self.target.text)
        if in_text:
            return in_text, "text"
        in_name = _unit_in_name(self.indicator.name)
        return (in_name, "name") if in_name else (None, None)

    @cached_property
    def unit(self) -> str | None:
        return self.unit_and_source[0]

    @cached_property
    def is_dimensionless(self) -> bool:
        """An index, coefficient or score: a bare number is its whole value."""
        return bool(lx.DIMENSIONLESS_NAME_RE.search(unicodedata.normalize("NFKC", self.indicator.name or "")))

    @cached_property  # asked by most checks of every row
    def is_numeric(self) -> bool:
        return self.target.kind == TargetKind.numeric and self.target.value is not None

    @cached_property
    def is_date(self) -> bool:
        """A year or date misread as a number, unless the name counts, costs or rates
        something: "户用卫生厕所改造数量 ≥2000" is 2000 toilets, not the year 2000."""
        return looks_like_date(self.target) and self.measure not in ("count", "money", "rate")

    @cached_property
    def is_percent_name(self) -> bool:
        name = self.name
        return bool(lx.PERCENT_NAME_RE.search(name)) and not lx.NOT_PERCENT_NAME_RE.search(name)

    @cached_property
    def is_time_or_cost(self) -> bool:
        return time_or_cost_name(self.indicator.name)

    @cached_property
    def measure(self) -> str | None:
        """The kind of quantity the name measures (its head, at the end): rate, money, time
        or count; None when the name does not say."""
        name = self.name
        if self.is_percent_name:
            return "rate"
        for kind, pattern in (("money", lx.MONEY_NAME_RE), ("time", lx.TIME_NAME_RE), ("count", lx.COUNT_NAME_RE)):
            if pattern.search(name):
                return kind
        return None

    @cached_property
    def is_satisfaction(self) -> bool:
        return bool(lx.SATISFACTION_RE.search(self.name))

    @cached_property
    def in_satisfaction_level(self) -> bool:
        return self.level2 == SERVICE_SATISFACTION or self.level1 == "满意度"

    @cached_property
    def in_cost_level(self) -> bool:
        """Filed under a cost level: 成本指标 of the 2015 产出, or the 2021 一级 成本指标."""
        return self.level1 == COST or self.level2 in _COST_LEVELS

    @cached_property
    def in_money_cost_level(self) -> bool:
        """Filed where an amount of money is asked for: 产出/成本指标 (2015) or 经济成本指标
        (2021); a 成本指标 without a level 2 counts too."""
        return self.level2 in (OUTPUT_COST, ECONOMIC_COST) or (self.level1 == COST and not self.level2)

    @cached_property
    def in_side_cost_level(self) -> bool:
        """社会成本 / 生态环境成本 (2021): a cost paid in kind (land taken, traffic stopped), for
        which none at all ("无") is a target."""
        return self.level2 in (SOCIAL_COST, ECOLOGICAL_COST)

    @cached_property
    def is_money_unit(self) -> bool:
        # 万元/公里, 元/生·年 (a compound by its first part); 万人次, 万册, 万亩 are counts
        # with a magnitude, not money
        unit = self.unit or ""
        # (a magnitude alone, ≥1.2万 on 培训费, is read as money as it always was: ZB-M003 asks
        # for the unit)
        return unit in MONEY_UNITS or unit in ("万", "亿") or bool(re.match(r"(?:[千万亿]|百万|千万)?元", unit))

    @cached_property
    def is_time_unit(self) -> bool:
        return (self.unit or "") in TIME_UNITS or bool(re.search(r"/[日天周月年]", self.target.raw))

    @cached_property
    def percent(self) -> float | None:
        """The target as a percentage, when it is one (or, for a share-type name with a
        bare number, when it can only be one: ``percent_assumed``)."""
        if not self.is_numeric or self.is_date or is_change(self.target):
            return None  # a change (较上年增长5%) is an increment, not a share
        value, unit = self.target.value, self.unit
        if unit in PERCENT_UNITS:
            return value
        if unit == "‰":
            return value / 10
        if unit == "比例":
            return value * 100 if value <= 1 else value
        if unit is None and self.is_percent_name:
            return value
        return None

    @property
    def percent_assumed(self) -> bool:
        return self.percent is not None and self.unit is None

    @cached_property
    def has_timing(self) -> bool:
        """A deadline, a time unit, a frequency or a time word anywhere in the row."""
        if self.target.kind == TargetKind.deadline or self.target.deadline or self.is_time_unit or self.is_date:
            return True
        ind = self.indicator
        return bool(lx.TIMING_RE.search(f"{ind.name} {ind.description} {ind.target_raw}"))


@dataclass
class ProjectFacts:
    project: Project
    index: int
    indicators: list[IndicatorFacts] = field(default_factory=list)

    @property
    def location(self) -> Location:
        return self.project.location

    @property
    def has_header(self) -> bool:
        """Whether the table's header block (code, budget, fund use, plan, goals) was in
        the input. Pasted indicator rows alone have none, and then missing goals or an
        empty basis column say nothing about the submission."""
        p = self.project
        return bool(p.code or p.budget_raw or p.fund_use or p.goals_raw or p.goals or p.spending_plan
                    or p.budget_total is not None)

    def has_no_column_for(self, field: str) -> bool:
        """Whether the project comes from a flat table (a row per indicator, the project in
        a column) without a column for ``field`` (goals, fund_use …): the table has no place
        to write it, so its absence says nothing about the submission."""
        columns = self.project.indicator_columns
        return "project" in columns and field not in columns

    @cached_property
    def template(self) -> str | None:
        """The template the project's labels point to (2021 when it has 成本 as a level 1)."""
        level1s = {i.level1 for i in self.indicators if i.level1}
        level2s = {i.level2 for i in self.indicators if i.level2}
        return guess_template(level1s, level2s)


@dataclass
class DocumentFacts:
    document: Document
    projects: list[ProjectFacts] = field(default_factory=list)

    @property
    def location(self) -> Location:
        return Location(file=self.document.source)

    def indicators(self) -> list[IndicatorFacts]:
        return [i for p in self.projects for i in p.indicators]

    @cached_property
    def has_spending_plan(self) -> bool:
        """Whether any project's table has 支出计划 rows (asked for every project)."""
        return any(p.project.spending_plan is not None for p in self.projects)


#: The taxonomy's reading of a pair of level cells: a batch repeats a few dozen spellings
#: on every row.
_canonicalise = lru_cache(maxsize=4096)(canonicalise)


def indicator_facts(ind: Indicator, project_index: int, index: int) -> IndicatorFacts:
    target = ind.target if ind.target is not None else parse_target(ind.target_raw)
    label = _canonicalise(ind.level1, ind.level2)
    return IndicatorFacts(
        indicator=ind,
        project_index=project_index,
        index=index,
        target=target,
        level1=label.level1,
        level2=label.level2,
    )


def document_facts(doc: Document) -> DocumentFacts:
    projects = []
    for p_index, project in enumerate(doc.projects):
        facts = ProjectFacts(project=project, index=p_index)
        facts.indicators = [indicator_facts(ind, p_index, i) for i, ind in enumerate(project.indicators)]
        projects.append(facts)
    return DocumentFacts(document=doc, projects=projects)
