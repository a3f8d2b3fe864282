"""Every registered check declares a violating and a compliant example; its violating
example must produce its code and its compliant one must not (like sqlfluff's rule
fixtures). A check added without examples fails here."""

from __future__ import annotations

import pytest

from scorer.checks import REGISTRY
from scorer.checks.examples import build_example
from scorer.config import Settings
from scorer.findings import Category
from scorer.pipeline import Scorer

CHECKS = list(REGISTRY)


def codes_found(check, spec) -> list[str]:
    scorer = Scorer(Settings(select=[check.code]), resources=check.example_resources())
    assert [c.code for c in scorer.checks] == [check.code], "the example must run exactly this check"
    result = scorer.score_document(build_example(spec))
    return [f.code for f in result.all_findings()]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.code)
def test_check_declares_examples_and_texts(check):
    for attr in ("bad", "good"):
        spec = getattr(check, attr, None)
        assert isinstance(spec, dict) and spec, f"{check.code} has no {attr} example"
    for attr in ("title", "message", "suggestion", "rationale"):
        assert getattr(check, attr).strip(), f"{check.code} has no {attr}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.code)
def test_bad_example_fires(check):
    assert check.code in codes_found(check, check.bad)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.code)
def test_good_example_does_not_fire(check):
    assert check.code not in codes_found(check, check.good)


def test_every_category_has_checks():
    assert {c.category for c in CHECKS} == set(Category)
