"""Quality checks of 绩效目标表 indicators, one module per family.

Importing this package registers every rule check in :data:`REGISTRY`. Model-backed
checks (level classifier, embeddings) register the same way from their own modules and
declare the context resources they need.
"""

from __future__ import annotations

from scorer.checks import (  # noqa: F401  (imported to register their checks)
    achievable,
    duplicates,
    finance,
    format,
    levels,
    measurable,
    relevance,
    relevant,
    specific,
    structure,
    timely,
)
from scorer.checks.context import CheckContext
from scorer.checks.registry import REGISTRY, Check, Registry, register

__all__ = ["REGISTRY", "Check", "CheckContext", "Registry", "register"]
