"""The shortcuts that make per-document scoring cheaper give the same answers as the
plain computations they replace: cell locations built on demand, the copy analysis on
informative cells only and with shared nodes, indicator scores computed once per
pattern of findings, and one BLAS thread for a document's similarity matrix."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from scorer.document import Location
from scorer.findings import Category, Finding, Severity
from scorer.parsers import parse_path, parse_text
from scorer.pipeline import Scorer
from scorer.results import Counts
from scorer.scoring import indicator_score, smart_scores
from scorer.semantic import document_items, find_duplicate_clusters
from scorer.semantic.duplicates import FieldNodes
from scorer.semantic.index import cosine_pairs
from scorer.semantic.textnorm import informative
from scorer.threads import one_blas_thread
from tests.conftest import SEED_000, SEED_001


def test_stray_tsv_cell_is_located_from_its_row():
    text = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t管网长度\t20公里\t多余\n"
    doc = parse_text(text, "wide.tsv")
    [issue] = doc.issues
    assert issue.location.label() == "wide.tsv row 2, cell 5"
    assert "'多余' was not assigned" in issue.message


def test_informative_items_are_the_informative_cells_in_order():
    doc = parse_path(SEED_001)
    every = document_items(doc)
    only = document_items(doc, informative_only=True)
    assert only == [item for item in every if informative(item.text, item.field)]
    assert len(only) < len(every)


def test_clusters_are_the_same_on_informative_items_and_shared_nodes():
    def summary(clusters):
        return [(c.kind, c.classification, c.field, c.representative, c.n_projects,
                 [(m.item.project, m.item.indicator, m.match, round(m.similarity, 6)) for m in c.members])
                for c in clusters]

    doc = parse_path(SEED_000)
    items = document_items(doc, informative_only=True)
    plain = find_duplicate_clusters(document_items(doc))
    assert plain
    assert summary(find_duplicate_clusters(items, nodes=FieldNodes.of(items))) == summary(plain)


def test_indicator_scores_match_the_documented_formula():
    weights = Scorer().settings.weights
    result = Scorer().score_document(parse_path(SEED_000))
    indicators = [ind for project in result.projects for ind in project.indicators]
    assert any(ind.findings for ind in indicators) and any(not ind.findings for ind in indicators)
    for ind in indicators:
        smart = smart_scores(ind.findings, weights)
        assert ind.smart == smart
        assert ind.score == indicator_score(smart, ind.findings, weights)


def test_counts_tally_severities():
    def finding(severity: Severity) -> Finding:
        return Finding(code="ZB-X001", category=Category.S, severity=severity, message="m", location=Location())

    found = [finding(Severity.warning), finding(Severity.info), finding(Severity.warning)]
    assert Counts.of(found) == Counts(error=0, warning=2, info=1)
    assert Counts.of([]) == Counts()


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_blas_thread_is_restored_and_finds_the_same_pairs():
    before = _blas_threads()
    with one_blas_thread():
        assert set(_blas_threads()) <= {1}
    assert _blas_threads() == before
    vectors = np.random.default_rng(0).standard_normal((50, 16)).astype(np.float32)
    vectors[7] = vectors[3] + 0.01
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert [(i, j) for i, j, _ in cosine_pairs(vectors, 0.99)] == [(3, 7)]


def test_lsh_codes_do_not_depend_on_the_chunk():
    from scorer.semantic.index import CosineLSH

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    lsh = CosineLSH(bands=5, rows=12)
    whole = lsh.codes(vectors, chunk=10_000)
    bits = ((vectors - vectors.mean(axis=0)) @ np.random.default_rng(0).standard_normal((32, 60)).astype(np.float32)) > 0
    expected = bits.reshape(300, 5, 12).astype(np.int64) @ (1 << np.arange(12, dtype=np.int64))
    np.testing.assert_array_equal(whole, expected)
    np.testing.assert_array_equal(lsh.codes(vectors, chunk=7), whole)
