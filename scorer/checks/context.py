"""What a check may use besides the document: the settings, the goal matcher, and the
models a pipeline was given (by name), so model-backed checks need no other wiring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scorer.checks.facts import DocumentFacts
from scorer.checks.matching import GoalMatcher
from scorer.config import Settings


@dataclass
class CheckContext:
    settings: Settings
    goal_matcher: GoalMatcher
    #: models and other heavy resources by name ("level_classifier", "embedder", …).
    resources: Mapping[str, Any] = field(default_factory=dict)
    #: the document being checked (set by the pipeline for each document).
    document: DocumentFacts | None = None

    def has(self, *names: str) -> bool:
        return all(name in self.resources for name in names)

    def resource(self, name: str) -> Any:
        try:
            return self.resources[name]
        except KeyError:
            raise LookupError(f"no resource '{name}' in this scorer's context") from None
