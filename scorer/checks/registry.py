"""The check registry: every check declares, in one class, its code, category, default
severity, Chinese message and suggestion, rationale, and a violating and a compliant
example; the engine does the walking (like sqlfluff's ``BaseRule``).

A check looks at one scope — an indicator, a project or the whole document — and yields
:class:`~scorer.findings.Finding` objects through :meth:`Check.hit`, which fills in the
location and the declared texts. Checks that need a model name the context resources
they require (``requires = ("level_classifier",)``); the pipeline runs them only when
the context provides those, so model-backed checks join without touching the others.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scorer.checks.facts import DocumentFacts, IndicatorFacts, ProjectFacts
from scorer.config import Settings
from scorer.findings import Category, Finding, Scope, Severity

CODE_PATTERN = re.compile(r"^ZB-(?P<family>[A-Z]+)(?P<number>\d{3})$")

#: An example is a small document spec (see :mod:`scorer.checks.examples`): one
#: indicator dict, or ``{"project": {...}, "indicators": [...]}``, or ``{"projects": [...]}``.
ExampleSpec = dict[str, Any]

Subject = IndicatorFacts | ProjectFacts | DocumentFacts


class Check(ABC):
    """Base class of all checks. Subclasses set the class attributes and implement
    :meth:`run` for their scope."""

    code: ClassVar[str]
    #: short English slug, stable like the code (``vague-target``).
    name: ClassVar[str]
    #: short Chinese title for lists and summaries (``指标值为空``).
    title: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    scope: ClassVar[Scope]
    #: Chinese message template, ``str.format`` fields filled by :meth:`hit`.
    message: ClassVar[str]
    suggestion: ClassVar[str]
    rationale: ClassVar[str]
    bad: ClassVar[ExampleSpec]
    good: ClassVar[ExampleSpec]
    #: context resources the check needs (models); empty for rules.
    requires: ClassVar[tuple[str, ...]] = ()
    #: whether the check asks the context's goal matcher (so start-up can load it).
    uses_goal_matcher: ClassVar[bool] = False

    def __init__(self, settings: Settings, severity: Severity | None = None):
        self.settings = settings
        self.thresholds = settings.thresholds
        #: the configured severity override, if any.
        self.override = severity

    @property
    def effective_severity(self) -> Severity:
        return self.override or self.severity

    @classmethod
    def example_resources(cls) -> dict[str, Any]:
        """The context resources the bad/good examples run with. Model-backed checks
        return a small fitted model here so their examples are tested like any rule's."""
        return {}

    def embedding_texts(self, doc: DocumentFacts, ctx: Any) -> Iterable[str]:
        """The texts this check will ask the context's embedder for on ``doc``. The
        pipeline encodes the union for all checks in one call before any runs: one call
        of a few hundred texts costs far less than several small ones (less padding,
        one length-sorted pass), and the checks then read the embedder's memory."""
        return ()

    @abstractmethod
    def run(self, subject: Any, ctx: Any) -> Iterable[Finding]:
        """Findings for one subject of this check's scope."""

    def hit(
        self,
        subject: Subject,
        *,
        evidence: str = "",
        severity: Severity | None = None,
        message: str | None = None,
        details: dict[str, Any] | None = None,
        **params: Any,
    ) -> Finding:
        """A finding about ``subject`` (an indicator, project or the document), with the
        declared message filled from ``params`` (or a variant ``message`` template)."""
        template = message or self.message
        # A configured override beats a variant's own severity; a variant beats the default.
        chosen = self.override or severity or self.severity
        if isinstance(subject, IndicatorFacts):
            scope, project, indicator, location = "indicator", subject.project_index, subject.index, subject.location
        elif isinstance(subject, ProjectFacts):
            scope, project, indicator, location = "project", subject.index, None, subject.location
        else:
            scope, project, indicator, location = "document", None, None, subject.location
        return Finding(
            code=self.code,
            category=self.category,
            severity=chosen,
            message=template.format(**params),
            suggestion=self.suggestion,
            evidence=evidence,
            location=location,
            scope=scope,
            project=project,
            indicator=indicator,
            details=details or {},
        )

    @classmethod
    def family(cls) -> str:
        match = CODE_PATTERN.match(cls.code)
        return match.group("family") if match else ""


_REQUIRED_TEXT = ("name", "title", "message", "suggestion", "rationale")


def _parse_selector(selector: str) -> tuple[str, str] | None:
    """``ZB-M00`` → (family, digit prefix); ``ALL``/``ZB`` → None (matches everything)."""
    selector = selector.strip().upper()
    if selector in ("ALL", "ZB", "ZB-"):
        return None
    selector = selector.removeprefix("ZB-")
    match = re.fullmatch(r"([A-Z]+)(\d*)", selector)
    if not match:
        raise ValueError(f"not a code prefix: {selector}")
    return match.group(1), match.group(2)


def selector_matches(selector: str, check: type[Check]) -> bool:
    """Whether ``selector`` picks ``check``: ALL, a category name (``STRUCT``), a family
    (``ZB-ST``, ``ST``) or a code prefix (``ZB-M00``, ``ZB-M001``). Families match whole,
    so ``ZB-S`` does not pick ``ZB-ST001``."""
    if selector.strip().upper() == check.category.value and not selector.strip().upper().startswith("ZB-"):
        return True
    parsed = _parse_selector(selector)
    if parsed is None:
        return True
    family, digits = parsed
    match = CODE_PATTERN.match(check.code)
    return bool(match) and match.group("family") == family and match.group("number").startswith(digits)


def _specificity(selector: str) -> int:
    parsed = _parse_selector(selector)
    return 0 if parsed is None else 1 + len(parsed[1])


class Registry:
    """All known checks by code."""

    def __init__(self) -> None:
        self._checks: dict[str, type[Check]] = {}

    def register(self, cls: type[Check]) -> type[Check]:
        """Class decorator: add a check, refusing incomplete declarations."""
        if not CODE_PATTERN.match(getattr(cls, "code", "")):
            raise TypeError(f"{cls.__name__}: code must look like ZB-M001")
        if cls.code in self._checks:
            raise TypeError(f"{cls.__name__}: code {cls.code} already used by {self._checks[cls.code].__name__}")
        missing = [attr for attr in _REQUIRED_TEXT if not str(getattr(cls, attr, "")).strip()]
        for attr in ("category", "severity", "scope"):
            if not hasattr(cls, attr):
                missing.append(attr)
        if missing:
            raise TypeError(f"{cls.__name__}: missing {', '.join(missing)}")
        self._checks[cls.code] = cls
        return cls

    def __iter__(self) -> Iterator[type[Check]]:
        """Checks in catalogue order: by category (S, M, A, R, T, STRUCT, FIN, FORMAT), then code."""
        order = {category: i for i, category in enumerate(Category)}
        return iter(sorted(self._checks.values(), key=lambda c: (order[c.category], c.code)))

    def __len__(self) -> int:
        return len(self._checks)

    def get(self, code: str) -> type[Check] | None:
        return self._checks.get(code.strip().upper())

    def matching(self, selector: str) -> list[type[Check]]:
        return [c for c in self if selector_matches(selector, c)]

    def select(self, settings: Settings) -> list[Check]:
        """Instances of the checks ``settings`` select and do not ignore, each with its
        configured severity (the most specific matching override wins). A selector
        that picks no check is refused: a typo (ZB-MOO2) would give every document full
        marks."""
        unknown = [s for s in (*settings.select, *settings.ignore) if s != "ALL" and not self.matching(s)]
        if unknown:
            raise ValueError(f"no check has the code or prefix {', '.join(unknown)} (see zhibiao rules)")
        chosen = []
        for cls in self:
            if not any(selector_matches(s, cls) for s in settings.select):
                continue
            if any(selector_matches(s, cls) for s in settings.ignore):
                continue
            overrides = [(k, v) for k, v in settings.severity.items() if selector_matches(k, cls)]
            severity = max(overrides, key=lambda kv: _specificity(kv[0]))[1] if overrides else None
            chosen.append(cls(settings, severity))
        return chosen


#: The registry the family modules register into.
REGISTRY = Registry()
register = REGISTRY.register
