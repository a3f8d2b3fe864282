"""The scoring pipeline: named stages over the typed document, like spaCy components.

``parse`` (:mod:`scorer.parsers`) gives a :class:`~scorer.document.Document`; a
:class:`Scorer`, built once from settings, runs its stages on it and returns a
:class:`~scorer.results.ScoredDocument`; ``report`` (:mod:`scorer.report`) renders that.
The default stages are:

``normalise``  canonical levels, effective units, percentages (:mod:`scorer.checks.facts`)
``prefetch``   one embedding call for every text the selected checks will embed
``checks``     every selected rule check
``models``     every selected check that needs a model, when the context provides it
``scores``     SMART sub-scores, indicator/project/department scores and grades

Each stage is a callable ``state → state`` made by a factory registered under its name
(:func:`stage`), so a stage can be replaced, removed or added by name. Models reach
checks through ``resources`` (name → object with an optional ``version``): a level
classifier registers a check with ``requires = ("level_classifier",)`` and the caller
passes ``resources={"level_classifier": model}``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorer.checks import REGISTRY, Check, CheckContext, Registry
from scorer.checks.facts import DocumentFacts, document_facts
from scorer.checks.matching import build_goal_matcher
from scorer.config import Settings, load_settings
from scorer.document import Document
from scorer.findings import Finding
from scorer.resources import EMBEDDER, ModelResources
from scorer.results import ScoredDocument
from scorer.scoring import build_result


@dataclass
class ScoringState:
    """What flows between stages for one document."""

    document: Document
    facts: DocumentFacts | None = None
    findings: list[Finding] = field(default_factory=list)
    #: names of the checks that ran.
    checks_run: list[str] = field(default_factory=list)
    #: model name → version, for every model whose checks ran.
    model_versions: dict[str, str] = field(default_factory=dict)
    result: ScoredDocument | None = None


Stage = Callable[[ScoringState], ScoringState]
StageFactory = Callable[["Scorer"], Stage]
_STAGES: dict[str, StageFactory] = {}

DEFAULT_STAGES: tuple[str, ...] = ("normalise", "prefetch", "checks", "models", "scores")


def stage(name: str) -> Callable[[StageFactory], StageFactory]:
    """Register a stage factory under ``name`` (a later registration replaces it)."""
    def decorate(factory: StageFactory) -> StageFactory:
        _STAGES[name] = factory
        return factory
    return decorate


def stage_names() -> list[str]:
    return sorted(_STAGES)


def run_check(check: Check, facts: DocumentFacts, ctx: CheckContext) -> Iterator[Finding]:
    """Walk the document at the check's scope."""
    if check.scope == "indicator":
        for project in facts.projects:
            for ind in project.indicators:
                yield from check.run(ind, ctx)
    elif check.scope == "project":
        for project in facts.projects:
            yield from check.run(project, ctx)
    else:
        yield from check.run(facts, ctx)


def _run_checks(scorer: Scorer, checks: Sequence[Check], state: ScoringState) -> ScoringState:
    assert state.facts is not None, "the normalise stage must run before checks"
    ctx = scorer.context_for(state.facts)
    for check in checks:
        state.findings.extend(run_check(check, state.facts, ctx))
        state.checks_run.append(check.code)
    return state


@stage("normalise")
def _normalise(scorer: Scorer) -> Stage:
    def run(state: ScoringState) -> ScoringState:
        state.facts = document_facts(state.document)
        return state
    return run


@stage("prefetch")
def _prefetch(scorer: Scorer) -> Stage:
    """Encode every text the selected checks will embed for this document in one call,
    when the embedder keeps what it encodes (the cached embedder does), and let the goal
    matcher prepare the document."""
    def run(state: ScoringState) -> ScoringState:
        assert state.facts is not None, "the normalise stage must run before prefetch"
        prefetch = getattr(scorer.resources.get(EMBEDDER), "prefetch", None)
        if prefetch is not None:
            texts = scorer.embedding_texts(state.facts)
            if texts:
                prefetch(texts, "query")
        # A model-backed goal matcher judges the whole document in one call too.
        prepare = getattr(scorer.goal_matcher, "prepare", None)
        if prepare is not None and scorer.uses_goal_matcher:
            prepare(state.facts)
        return state
    return run


@stage("checks")
def _rule_checks(scorer: Scorer) -> Stage:
    return lambda state: _run_checks(scorer, scorer.rule_checks, state)


@stage("models")
def _model_checks(scorer: Scorer) -> Stage:
    def run(state: ScoringState) -> ScoringState:
        state = _run_checks(scorer, scorer.model_checks, state)
        used = {name for check in scorer.model_checks for name in check.requires}
        state.model_versions.update(scorer.model_versions(used))
        return state
    return run


@stage("scores")
def _scores(scorer: Scorer) -> Stage:
    def run(state: ScoringState) -> ScoringState:
        state.result = build_result(state.document, state.findings, scorer.settings,
                                    checks=state.checks_run, model_versions=state.model_versions)
        return state
    return run


class Scorer:
    """Built once (settings, checks, goal matcher, models), then scores any number of
    documents; safe to share between threads as long as the resources are."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        resources: Mapping[str, Any] | None = None,
        registry: Registry = REGISTRY,
        stages: Iterable[str] = DEFAULT_STAGES,
    ):
        self.settings = settings or Settings()
        self.resources = dict(resources or {})
        selected = registry.select(self.settings)
        self.rule_checks = [c for c in selected if not c.requires]
        #: model-backed checks whose resources are present; the others cannot run here.
        self.model_checks = [c for c in selected if c.requires and all(r in self.resources for r in c.requires)]
        self.unavailable = [c.code for c in selected if c.requires and c not in self.model_checks]
        self.goal_matcher = build_goal_matcher(self.settings, self.resources)
        unknown = [name for name in stages if name not in _STAGES]
        if unknown:
            raise ValueError(f"unknown stage(s): {', '.join(unknown)} (known: {', '.join(stage_names())})")
        self.stage_names = list(stages)
        self._stages = [_STAGES[name](self) for name in self.stage_names]

    @classmethod
    def from_config(
        cls,
        config: Path | None = None,
        *,
        near: Path | None = None,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Scorer:
        settings, _ = load_settings(config, near=near, select=select, ignore=ignore)
        return cls(settings, resources=resources)

    def context_for(self, facts: DocumentFacts) -> CheckContext:
        return CheckContext(settings=self.settings, goal_matcher=self.goal_matcher,
                            resources=self.resources, document=facts)

    def model_versions(self, names: Iterable[str]) -> dict[str, str]:
        versions = {name: str(getattr(self.resources[name], "version", "") or "") for name in names}
        if self.goal_matcher.version:
            versions[f"goal_matcher:{self.goal_matcher.name}"] = self.goal_matcher.version
        return versions

    def embedding_texts(self, facts: DocumentFacts) -> list[str]:
        """The distinct texts this scorer's checks and goal matcher will embed for ``facts``."""
        ctx = self.context_for(facts)
        texts: dict[str, None] = {}
        for check in self.checks:
            if EMBEDDER in check.requires:
                texts.update(dict.fromkeys(check.embedding_texts(facts, ctx)))
        matcher_texts = getattr(self.goal_matcher, "embedding_texts", None)
        if matcher_texts is not None and self.uses_goal_matcher:
            texts.update(dict.fromkeys(matcher_texts(facts)))
        return list(texts)

    @property
    def stages(self) -> list[tuple[str, Stage]]:
        """(name, stage) in the order :meth:`score_document` runs them (a benchmark times each)."""
        return list(zip(self.stage_names, self._stages, strict=True))

    @property
    def checks(self) -> list[Check]:
        return self.rule_checks + self.model_checks

    @property
    def uses_goal_matcher(self) -> bool:
        """Whether any of this scorer's checks asks the goal matcher."""
        return any(c.uses_goal_matcher for c in self.checks)

    def warm_up(self) -> None:
        """Load what the first document would otherwise wait for (the matcher's
        dictionary or model, the embedder's model where it loads lazily), so a service
        pays it at start-up."""
        load = getattr(self.resources.get(EMBEDDER), "load", None)
        if load is not None:
            load()
        if self.uses_goal_matcher:
            self.goal_matcher.warm_up()

    def score_document(self, doc: Document) -> ScoredDocument:
        state = ScoringState(document=doc)
        for run in self._stages:
            state = run(state)
        if state.result is None:
            raise ValueError(f"stages {self.stage_names} produced no result (the 'scores' stage is missing)")
        return state.result


def score_document(doc: Document, settings: Settings | None = None) -> ScoredDocument:
    """Score one document with default (or given) settings; build a :class:`Scorer`
    once instead when scoring many."""
    return Scorer(settings).score_document(doc)


class ScorerPool:
    """One scorer per config file, so files under different configs are scored by theirs;
    the models are loaded once and shared by all of them (CLI and batch workers)."""

    def __init__(self, config: Path | None, select: list[str] | None, ignore: list[str] | None,
                 use_models: bool = True):
        self.config, self.select, self.ignore = config, select, ignore
        self.resources = ModelResources(use_models=use_models).current()
        self._by_path: dict[Path | None, Scorer] = {}

    def for_source(self, source: str) -> Scorer:
        near = Path.cwd() if source == "-" else Path(source)
        settings, path = load_settings(self.config, near=near, select=self.select, ignore=self.ignore)
        if path not in self._by_path:
            self._by_path[path] = Scorer(settings, resources=self.resources)
        return self._by_path[path]
