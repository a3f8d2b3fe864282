"""The compact golden form of a parsed document: what a reviewer sees in each cell.

Used by the golden tests and to (re)write ``tests/golden/*.json`` after a deliberate
parser change: ``python -m tests.golden_tables`` (then read the diff cell by cell).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from scorer.document import Document, Project

GOLDEN = Path(__file__).parent / "golden"


def compact(doc: Document) -> list[dict]:
    return [
        {
            "code": p.code,
            "name": p.name,
            "department": p.department,
            "budget": p.budget_raw,
            "fund_use": p.fund_use,
            "plan": {str(m): v for m, v in (p.spending_plan.raw.items() if p.spending_plan else [])},
            "goals": [[g.number, g.text] for g in p.goals],
            "indicators": [
                [i.level1, i.level2, i.name, i.description, i.target_raw, i.basis] for i in p.indicators
            ],
        }
        for p in doc.projects
    ]


def rows_of(project: Project) -> list[tuple[str, str, str, str]]:
    """A project's indicator rows as (level 1, level 2, name, value)."""
    return [(i.level1, i.level2, i.name, i.target_raw) for i in project.indicators]


def summary(doc: Document) -> list[tuple[str, str, float | None, float | None, float | None, int, int]]:
    """Per project: name, code, budget total/fiscal/other, number of goals and of indicators."""
    return [(p.name, p.code, p.budget_total, p.budget_fiscal, p.budget_other, len(p.goals), len(p.indicators))
            for p in doc.projects]


def load_builder(data: Path) -> ModuleType:
    """The ``build.py`` beside a review's inputs, which makes its .docx/.xlsx in memory (the
    data folders are not packages, so it is loaded by path)."""
    spec = importlib.util.spec_from_file_location(f"{data.name}_build", data / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def golden_path(seed: Path) -> Path:
    return GOLDEN / f"{seed.stem}.json"


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    from scorer.parsers import parse_path
    from tests.conftest import SEEDS

    for seed in SEEDS:
        golden_path(seed).write_text(
            json.dumps(compact(parse_path(seed)), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
