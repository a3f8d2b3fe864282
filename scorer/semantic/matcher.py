"""The embedding goal matcher: ZB-R001/ZB-R002 asked through the relevance model.

Registered as ``goal_matcher = "embeddings"`` (and chosen by ``"auto"`` whenever the
embedder and a relevance model fitted on it are loaded; ``auto`` falls back to the
keyword matcher otherwise, and so does ``embeddings``, with a warning, when they are
missing). It answers the :class:`~scorer.checks.matching.GoalMatcher` questions with
the trained model rather than a raw cosine threshold (e5 cosines are compressed into
0.8-1.0, so no single cosine separates related from unrelated):

- *does this indicator relate to anything the project is for?* — the model's verdict on
  the indicator in its project (name, 资金用途, goals, department, sibling names); the
  evidence is the closest project text with its cosine and the kinds of project such
  indicators usually belong to;
- *is this goal measured by some indicator?* — an indicator the model says fits the
  project, that is not generic, and that is nearer to this goal than to the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from scorer.checks.facts import DocumentFacts, IndicatorFacts, ProjectFacts
from scorer.checks.matching import KeywordGoalMatcher, Relation, content_words
from scorer.config import Settings
from scorer.embeddings.base import Embedder
from scorer.resources import EMBEDDER, RELEVANCE_MODEL
from scorer.semantic.memo import PerObject
from scorer.semantic.relevance import (
    EmbeddedPairs,
    ProjectContext,
    RelevanceModel,
    RelevancePair,
    RelevanceVerdict,
    embed_pairs,
    generic_pair,
    pair_texts,
    sibling_names,
)

log = logging.getLogger("zhibiao.semantic")


def project_context(project: ProjectFacts) -> ProjectContext:
    p = project.project
    return ProjectContext(p.name, p.fund_use, tuple(g.text for g in p.goals), p.department)


def indicator_pairs(project: ProjectFacts, indicators: Sequence[IndicatorFacts],
                    context: ProjectContext) -> list[RelevancePair]:
    """Each of ``indicators`` (rows of ``project``) in ``context``, with the names of the
    project's other indicators (:func:`~scorer.semantic.relevance.sibling_names`); the
    project's names are listed once, not once per row."""
    named = [o for o in project.indicators if o.indicator.name]
    names = tuple(o.indicator.name for o in named)  # a tuple: each row's siblings are two slices of it
    position = {o.index: k for k, o in enumerate(named)}
    return [RelevancePair(i.indicator.name, i.indicator.description, context,
                          siblings=sibling_names(names, position.get(i.index, -1)))
            for i in indicators]


def usual_kinds(verdict: RelevanceVerdict) -> str:
    """"课题研究类（共性）、文字性成果编纂类项目（共性）": where such indicators usually are."""
    return "、".join(f"{p.name}（{p.kind}）" for p in verdict.usual_projects)


def verdict_evidence(verdict: RelevanceVerdict) -> tuple[str, ...]:
    evidence = [f"最接近：{verdict.closest_text}（相似度 {verdict.closest_similarity:.2f}）"]
    if verdict.usual_projects:
        evidence.append(f"同类指标多见于：{usual_kinds(verdict)}")
    return tuple(evidence)


@dataclass(frozen=True)
class ProjectJudgement:
    """The model's verdict on every named indicator of a project, judged in one call."""

    rows: list[IndicatorFacts]
    #: the pairs with their vectors, and the project's goals encoded in the same call.
    embedded: EmbeddedPairs
    verdicts: list[RelevanceVerdict]

    @cached_property
    def _by_index(self) -> dict[int, RelevanceVerdict]:
        by_index: dict[int, RelevanceVerdict] = {}
        for row, verdict in zip(self.rows, self.verdicts):
            by_index.setdefault(row.index, verdict)
        return by_index

    def of(self, indicator: IndicatorFacts) -> RelevanceVerdict | None:
        # Looked up, not scanned: every row of a project asks (quadratic in a pasted table).
        return self._by_index.get(indicator.index)


class EmbeddingGoalMatcher:
    name = "embeddings"

    def __init__(self, embedder: Embedder, model: RelevanceModel) -> None:
        self.embedder = embedder
        self.model = model
        self.version = str(getattr(model, "version", "") or "")
        self._judgements: PerObject[ProjectFacts, ProjectJudgement] = PerObject()
        #: a project's rows and pairs: the prefetch stage takes their texts, then judges them.
        self._pairs: PerObject[ProjectFacts, tuple[list[IndicatorFacts], list[RelevancePair]]] = PerObject()
        model.check_embedder(embedder)

    def warm_up(self) -> None:
        self.embedder.encode(["预热"], "query")

    def rows_and_pairs(self, project: ProjectFacts) -> tuple[list[IndicatorFacts], list[RelevancePair]]:
        """The project's named rows and their pairs, as this matcher judges them (built
        once per project: ZB-R003 takes its pairs from here too)."""
        def build(facts: ProjectFacts) -> tuple[list[IndicatorFacts], list[RelevancePair]]:
            rows = [i for i in facts.indicators if i.indicator.name.strip()]
            return rows, indicator_pairs(facts, rows, project_context(facts))

        return self._pairs.get(project, build)

    def embedding_texts(self, doc: DocumentFacts) -> list[str]:
        """Every text the judgements of ``doc``'s projects will encode (for one
        document-wide encode call ahead of the checks)."""
        texts: dict[str, None] = {}
        for project in doc.projects:
            texts.update(pair_texts(self.rows_and_pairs(project)[1], [g.text for g in project.project.goals]))
        return list(texts)

    def prepare(self, doc: DocumentFacts) -> None:
        """Judge every project of ``doc`` in one model call, ahead of the checks that ask
        project by project (the pipeline's prefetch stage calls this)."""
        todo = [p for p in doc.projects if not self._judgements.has(p)]
        for project, judgement in zip(todo, self._judge(todo) if todo else []):
            self._judgements.get(project, lambda _, judged=judgement: judged)

    def judgement(self, project: ProjectFacts) -> ProjectJudgement:
        """All of a project's indicators at once (ZB-R001 asks row by row); computed by
        :meth:`prepare` for the whole document when the pipeline ran it."""
        return self._judgements.get(project, lambda facts: self._judge([facts])[0])

    def _judge(self, projects: Sequence[ProjectFacts]) -> list[ProjectJudgement]:
        rows_and_pairs = [self.rows_and_pairs(p) for p in projects]
        goals = [[g.text for g in p.project.goals] for p in projects]
        embedded = embed_pairs([pair for _, pairs in rows_and_pairs for pair in pairs], self.embedder,
                               extra=[g for project_goals in goals for g in project_goals])
        verdicts = self.model.judge_embedded(embedded)
        judgements, start = [], 0
        for (rows, pairs), project_goals in zip(rows_and_pairs, goals):
            index = range(start, start + len(pairs))
            start += len(pairs)
            own = embedded.subset(index)  # a new object: given its goals' vectors in place, not copied again
            own.extra = {g: embedded.extra[g] for g in project_goals}
            judgements.append(ProjectJudgement(rows, own, verdicts[index.start:index.stop]))
        return judgements

    def indicator_related(self, project: ProjectFacts, indicator: IndicatorFacts) -> Relation | None:
        verdict = self.judgement(project).of(indicator)
        if verdict is None:
            return None
        goals = [g.text for g in project.project.goals]
        best = goals.index(verdict.closest_text) if verdict.closest_text in goals else None
        return Relation(not verdict.mismatch, round(1.0 - verdict.mismatch_probability, 4),
                        verdict_evidence(verdict), best)

    def goals_measured(self, project: ProjectFacts, indicators: Sequence[IndicatorFacts]) -> list[Relation | None]:
        """A goal is measured when an indicator that fits the project (by the model) and is
        not generic is nearer to this goal than to any other goal of the project. Like the
        keyword matcher, which does not let the project's topic words alone connect a goal
        to a row, closeness to the project as a whole does not count for a particular goal;
        and no cosine threshold is needed, only which goal is nearest."""
        goals = [g.text for g in project.project.goals]
        judgement = self.judgement(project)
        wanted = {i.index for i in indicators}
        chosen = [k for k, row in enumerate(judgement.rows) if row.index in wanted]
        if not goals or not chosen:
            return [None] * len(goals)
        rows = [judgement.rows[k] for k in chosen]
        embedded = judgement.embedded
        fitting = [not judgement.verdicts[k].mismatch and not generic_pair(embedded.pairs[k]) for k in chosen]
        similarity = embedded.indicator[chosen] @ np.stack([embedded.extra[g] for g in goals]).T
        nearest_goal = similarity.argmax(axis=1)
        relations: list[Relation | None] = []
        for j, goal in enumerate(goals):
            if not content_words(goal):
                relations.append(None)
                continue
            measuring = [k for k in range(len(rows)) if fitting[k] and nearest_goal[k] == j]
            best = max(measuring or range(len(rows)), key=lambda k: similarity[k, j])
            evidence = (f"最接近的指标：{rows[best].indicator.name}（相似度 {similarity[best, j]:.2f}）",)
            relations.append(Relation(bool(measuring), round(float(similarity[best, j]), 4), evidence, rows[best].index))
        return relations


class CombinedGoalMatcher(EmbeddingGoalMatcher):
    """Both matchers, each where it measured better (docs/semantic.md):

    - an indicator serves no goal (ZB-R001) only when the keywords find nothing it shares
      with the project *and* the model leans the same way: two independent signals must
      agree. Words miss what e5 knows (苗木成活率 in a 公园绿地养护 fund shares no word
      with it), and e5 misses what words catch. Agreeing with the keywords, the model needs
      only half its own threshold (:data:`AGREEMENT_SHARE`): on both held-out relevance
      files this raised F1 (eval 0.746 → 0.778, probe 0.857 → 0.897 with every gain in
      recall, 2 more false alarms on 287 eval rows, none on the probe; docs/semantic.md);
    - a goal is measured (ZB-R002) as the keywords say: a goal names what it wants, and
      the rows that measure it use its words, where embeddings find every goal near some
      row of its project.

    Its judgements are the embedding matcher's, so ZB-R003 reuses them."""

    name = "combined"
    #: the share of the model's threshold that counts as "does not fit" when the keywords
    #: already find nothing the indicator shares with its project.
    AGREEMENT_SHARE = 0.5

    def __init__(self, embedder: Embedder, model: RelevanceModel, keywords: KeywordGoalMatcher) -> None:
        super().__init__(embedder, model)
        self.keywords = keywords

    def warm_up(self) -> None:
        self.keywords.warm_up()
        super().warm_up()

    def indicator_related(self, project: ProjectFacts, indicator: IndicatorFacts) -> Relation | None:
        by_words = self.keywords.indicator_related(project, indicator)
        if by_words is None or by_words.related:
            return by_words
        by_model = super().indicator_related(project, indicator)
        if by_model is None:
            return by_words
        mismatch = 1.0 - by_model.score
        if by_model.related and mismatch < self.AGREEMENT_SHARE * self.model.threshold:
            return by_model
        return replace(by_model, related=False, evidence=(*by_words.evidence, *by_model.evidence))

    def goals_measured(self, project: ProjectFacts, indicators: Sequence[IndicatorFacts]) -> list[Relation | None]:
        return self.keywords.goals_measured(project, indicators)


def embedding_matcher(settings: Settings, resources: dict[str, Any], *, fallback_warning: bool,
                      combined: bool = False) -> Any:
    """The embedding (or combined) matcher when its models are loaded, else the keyword one."""
    if EMBEDDER in resources and RELEVANCE_MODEL in resources:
        if combined:
            return CombinedGoalMatcher(resources[EMBEDDER], resources[RELEVANCE_MODEL], KeywordGoalMatcher(settings))
        return EmbeddingGoalMatcher(resources[EMBEDDER], resources[RELEVANCE_MODEL])
    if fallback_warning:
        log.warning("goal_matcher 'embeddings' needs the embedder and the relevance model; using keywords")
    return KeywordGoalMatcher(settings)
