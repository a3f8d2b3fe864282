"""The pipeline's prefetch stage: a document's texts are encoded in one call for every
semantic check, and the findings are the same as without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.checks.relevance import IndicatorDoesNotFitFund
from scorer.config import Settings
from scorer.embeddings import CachedEmbedder, HashingEmbedder
from scorer.parsers import parse_path
from scorer.pipeline import DEFAULT_STAGES, Scorer
from scorer.resources import EMBEDDER, RELEVANCE_MODEL

SEED = Path(__file__).resolve().parents[1] / "examples" / "001_f5f4a8cbd5432af0.txt"
SEMANTIC = ["ZB-S005", "ZB-S006", "ZB-S007", "ZB-S008", "ZB-R001", "ZB-R002", "ZB-R003"]


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, remembering each call's texts."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts, kind="query"):
        self.calls.append(list(texts))
        return super().encode(texts, kind)


@pytest.fixture(scope="module")
def relevance_model():
    return IndicatorDoesNotFitFund.example_resources()[RELEVANCE_MODEL]


def _score(tmp_path: Path, model, matcher: str, stages=DEFAULT_STAGES):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / f"{matcher}-{len(stages)}.sqlite3")
    scorer = Scorer(Settings(select=SEMANTIC, goal_matcher=matcher),
                    resources={EMBEDDER: cached, RELEVANCE_MODEL: model}, stages=stages)
    result = scorer.score_document(parse_path(SEED))
    cached.close()
    return inner.calls, result


def _findings(result) -> list[tuple]:
    return sorted((f.code, f.message, str(f.location)) for f in result.all_findings())


@pytest.mark.parametrize("matcher", ["keywords", "auto", "combined"])
def test_one_encode_call_per_document(tmp_path, relevance_model, matcher):
    calls, result = _score(tmp_path, relevance_model, matcher)
    assert len(calls) == 1, f"expected one encode call, got {[len(c) for c in calls]}"
    assert len(calls[0]) == len(set(calls[0])) > 50
    assert {"ZB-S005", "ZB-R003"} <= set(result.checks)


@pytest.mark.parametrize("matcher", ["keywords", "auto", "combined"])
def test_prefetch_changes_no_finding(tmp_path, relevance_model, matcher):
    without = tuple(s for s in DEFAULT_STAGES if s != "prefetch")
    calls_without, plain = _score(tmp_path, relevance_model, matcher, stages=without)
    _, prefetched = _score(tmp_path, relevance_model, matcher)
    assert len(calls_without) > 1  # the checks really do encode separately without it
    assert _findings(plain) == _findings(prefetched)
    assert any(code.startswith("ZB-S00") for code, *_ in _findings(plain))


@pytest.mark.parametrize("matcher", ["keywords", "combined"])
def test_no_prefetch_without_a_memory(relevance_model, matcher):
    """An embedder that keeps nothing gets no prefetch call: it would only encode twice.
    (A model-backed goal matcher still judges the document in one call up front: the same
    texts, and none more often than when it judges project by project.)"""
    def calls(stages):
        inner = CountingEmbedder()
        scorer = Scorer(Settings(select=SEMANTIC, goal_matcher=matcher),
                        resources={EMBEDDER: inner, RELEVANCE_MODEL: relevance_model}, stages=stages)
        scorer.score_document(parse_path(SEED))
        return inner.calls

    with_prefetch, without = calls(DEFAULT_STAGES), calls(tuple(s for s in DEFAULT_STAGES if s != "prefetch"))
    if matcher == "keywords":
        assert with_prefetch == without
    else:
        from collections import Counter

        encoded, lazily = (Counter(t for call in c for t in call) for c in (with_prefetch, without))
        assert set(encoded) == set(lazily) and all(encoded[t] <= lazily[t] for t in encoded)
