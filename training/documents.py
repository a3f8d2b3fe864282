"""Extra evaluation on whole documents: the declared levels of a parsed 绩效目标表.

Real review inputs (the seeds in ``examples/``) are not in the corpus, so the levels
their authors declared are a second, independent held-out set. They are as noisy as the
corpus: the figures say how often the model agrees with the authors, not how often it
is right.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from scorer.document import Indicator
from scorer.parsers import parse_path
from scorer.taxonomy import canonicalise, concept_of_level2
from training.evaluate import evaluate_models


def labeled_indicators(paths: Sequence[Path], known: Collection[str]) -> tuple[list[Indicator], list[str], int]:
    """Indicators whose declared level 2 maps to a label the models know, their labels,
    and how many others were skipped."""
    indicators: list[Indicator] = []
    labels: list[str] = []
    skipped = 0
    for path in paths:
        for indicator in parse_path(Path(path)).indicators:
            level2 = canonicalise(indicator.level1, indicator.level2).level2
            concept = concept_of_level2(level2) if level2 else None
            if concept in known:
                indicators.append(indicator)
                labels.append(concept)
            else:
                skipped += 1
    return indicators, labels, skipped


def evaluate_documents(paths: Sequence[Path], models: dict[str, Any]) -> dict[str, Any]:
    """Metrics of each model against the levels declared in the documents."""
    known = set.intersection(*(set(m.classes_) for m in models.values()))
    indicators, labels, skipped = labeled_indicators(paths, known)
    if not indicators:
        raise ValueError(f"no indicator with a known level in {', '.join(map(str, paths))}")
    return {"files": [str(p) for p in paths], "skipped": skipped, **evaluate_models(indicators, labels, models)}
