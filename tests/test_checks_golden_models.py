"""Golden test with the models loaded: the seeds as ``zhibiao score FILE`` reviews them.

The hand labels (``tests/labels/seed_labels.yml``, see ``test_checks_golden``) were written
for the rules alone. With the embedder, three checks say what a label says in other words,
and one judges what the labels never did:

- ZB-S005 (text copied across the document's projects, found by embeddings) on a row is
  the boilerplate a ZB-S003 label names on that row;
- ZB-S006 at project level (the same description on every row) is the ZB-S003 labeled on
  that project's rows, said once;
- ZB-S008 (the project's copy ratio, info) on a project with labeled boilerplate rows is
  the same copies seen as a share: neither right nor wrong against the labels;
- ZB-R003 (indicator does not fit the fund) on a row labeled as boilerplate: the labels
  judged the copy, not the fit, so it is neither; anywhere else it counts as unexpected.

Everything else is scored as in the rules-only test, against the same 0.9 floors.
"""

from __future__ import annotations

from collections import Counter

import pytest

from scorer.embeddings import default_embedder_dir
from scorer.pipeline import ScorerPool
from tests.conftest import SEEDS
from tests.test_checks_golden import MINIMUM, Item, expected_items

pytestmark = [
    pytest.mark.embedder,
    pytest.mark.skipif(not (default_embedder_dir() / "modules.json").is_file(),
                       reason="converted embedder not found; build it with `zhibiao models build-embedder`"),
]

BOILERPLATE = "ZB-S003"
#: row codes that name the labeled boilerplate on the same row
SAME_ROW = {"ZB-S005"}
#: project codes that name the boilerplate labeled on the project's rows
SAME_PROJECT = {"ZB-S006"}
#: codes the labels did not judge where boilerplate is labeled (row or project)
UNJUDGED_ROW = {"ZB-R003"}
UNJUDGED_PROJECT = {"ZB-S008"}


@pytest.fixture(scope="module")
def predicted(seed_docs) -> set[Item]:
    scorer = ScorerPool(None, None, None).for_source(str(SEEDS[0].parent))
    items: set[Item] = set()
    for seed in SEEDS:
        result = scorer.score_document(seed_docs[seed.name])
        items.update((seed.name, f.project, f.indicator, f.code) for f in result.all_findings())
    return items


def judge(expected: set[Item], predicted: set[Item]) -> tuple[set[Item], set[Item], set[Item]]:
    """(labels found, predictions that are right, predictions the labels did not judge)."""
    boilerplate_rows = {(f, p, i) for f, p, i, code in expected if code == BOILERPLATE}
    boilerplate_projects = {(f, p) for f, p, _ in boilerplate_rows}
    right: set[Item] = set()
    unjudged: set[Item] = set()
    for item in predicted:
        f, p, i, code = item
        if item in expected:
            right.add(item)
        elif i is not None and code in SAME_ROW and (f, p, i) in boilerplate_rows:
            right.add(item)
        elif i is None and code in SAME_PROJECT and (f, p) in boilerplate_projects:
            right.add(item)
        elif (i is not None and code in UNJUDGED_ROW and (f, p, i) in boilerplate_rows) or (
                i is None and code in UNJUDGED_PROJECT and (f, p) in boilerplate_projects):
            unjudged.add(item)
    said_by_row = {(f, p, i) for f, p, i, code in predicted if code in SAME_ROW}
    said_by_project = {(f, p) for f, p, i, code in predicted if i is None and code in SAME_PROJECT}
    found = {item for item in expected if item in predicted or (
        item[3] == BOILERPLATE and (item[:3] in said_by_row or item[:2] in said_by_project))}
    return found, right, unjudged


def test_judge_maps_only_what_the_docstring_says():
    expected = {("a", 0, 0, BOILERPLATE), ("a", 0, 1, BOILERPLATE), ("a", 1, 0, "ZB-M002")}
    predicted = {("a", 0, 0, "ZB-S005"), ("a", 0, None, "ZB-S006"), ("a", 0, 1, "ZB-R003"),
                 ("a", 0, None, "ZB-S008"),
                 # not on a boilerplate row or project: judged as in the rules-only test
                 ("a", 1, 0, "ZB-S005"), ("a", 1, 0, "ZB-R003"), ("a", 1, None, "ZB-S008")}
    found, right, unjudged = judge(expected, predicted)
    assert found == {("a", 0, 0, BOILERPLATE), ("a", 0, 1, BOILERPLATE)}
    assert right == {("a", 0, 0, "ZB-S005"), ("a", 0, None, "ZB-S006")}
    assert unjudged == {("a", 0, 1, "ZB-R003"), ("a", 0, None, "ZB-S008")}


def test_precision_and_recall_with_models(predicted):
    expected = expected_items()
    found, right, unjudged = judge(expected, predicted)
    judged = predicted - unjudged
    precision, recall = len(right) / len(judged), len(found) / len(expected)
    missed = Counter(code for *_, code in expected - found)
    wrong = Counter(code for *_, code in judged - right)
    print(f"\nwith models, {len(expected)} labeled items: precision {precision:.3f}, recall {recall:.3f} "
          f"({len(unjudged)} findings the labels did not judge)")
    print(f"  missed by code: {dict(sorted(missed.items()))}")
    print(f"  unexpected by code: {dict(sorted(wrong.items()))}")
    assert precision >= MINIMUM, sorted(judged - right)
    assert recall >= MINIMUM, sorted(expected - found)
