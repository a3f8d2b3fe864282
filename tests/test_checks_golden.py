"""Golden test: the checks against hand labels of the two seed documents.

``tests/labels/seed_labels.yml`` lists, for every project and indicator of both seeds,
the codes a careful reviewer expects. Precision and recall are computed over
(file, project, indicator, code) items and printed (``pytest -s`` shows them); both must
be at least 0.9.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from scorer.checks import REGISTRY
from scorer.pipeline import Scorer
from tests.conftest import SEEDS

LABELS = Path(__file__).parent / "labels" / "seed_labels.yml"
MINIMUM = 0.9

Item = tuple[str, int, int | None, str]


def expected_items() -> set[Item]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    items: set[Item] = set()
    for file, projects in data["files"].items():
        for project in projects:
            p = project["project"]
            items.update((file, p, None, code) for code in project["codes"])
            for i, codes in enumerate(project["indicators"]):
                items.update((file, p, i, code) for code in codes)
    return items


def predicted_items(seed_docs) -> set[Item]:
    scorer = Scorer()
    items: set[Item] = set()
    for seed in SEEDS:
        result = scorer.score_document(seed_docs[seed.name])
        items.update((seed.name, f.project, f.indicator, f.code) for f in result.all_findings())
    return items


@pytest.fixture(scope="module")
def comparison(seed_docs):
    return expected_items(), predicted_items(seed_docs)


def test_labels_cover_both_seeds_and_use_known_codes(seed_docs):
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    labeled_indicators = 0
    for seed in SEEDS:
        projects = data["files"][seed.name]
        doc = seed_docs[seed.name]
        assert [p["project"] for p in projects] == list(range(len(doc.projects)))
        for project in projects:
            assert len(project["indicators"]) == len(doc.projects[project["project"]].indicators)
            labeled_indicators += len(project["indicators"])
    assert labeled_indicators >= 60
    unknown = {code for *_, code in expected_items() if REGISTRY.get(code) is None}
    assert not unknown, f"labels use codes no check has: {sorted(unknown)}"


def test_precision_and_recall_on_labeled_seeds(comparison):
    expected, predicted = comparison
    true_positives = expected & predicted
    precision = len(true_positives) / len(predicted)
    recall = len(true_positives) / len(expected)
    missed = Counter(code for *_, code in expected - predicted)
    extra = Counter(code for *_, code in predicted - expected)
    print(f"\nchecks on {len(expected)} labeled items: precision {precision:.3f}, recall {recall:.3f}")
    print(f"  missed by code: {dict(sorted(missed.items()))}")
    print(f"  unexpected by code: {dict(sorted(extra.items()))}")
    assert precision >= MINIMUM, sorted(predicted - expected)
    assert recall >= MINIMUM, sorted(expected - predicted)


@pytest.mark.parametrize("code", ["ZB-A003", "ZB-A004", "ZB-M001", "ZB-M002", "ZB-M003", "ZB-S002",
                                  "ZB-ST007", "ZB-FMT001", "ZB-F005", "ZB-F006"])
def test_each_defect_the_issue_names_is_found(comparison, code):
    """The defects the issue lists by example are each found where labeled."""
    expected, predicted = comparison
    wanted = {item for item in expected if item[3] == code}
    assert wanted and wanted <= predicted, sorted(wanted - predicted)
