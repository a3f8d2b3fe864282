"""Cross-document analysis of a batch, checked against the synthetic ground truth, and
the synthetic generator itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.batch.analysis import Analyzer
from scorer.batch.discover import discover
from scorer.batch.runner import RunOptions, run_batch
from scorer.batch.store import ResultStore
from scorer.batch.worker import ScoreOptions
from scorer.parsers import parse_path
from scorer.synth import generate


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("analysis")
    truth = generate(root, departments=3, projects=12, seed=7, copy_rate=0.3, mismatch_rate=0.1)
    with ResultStore(root / "out") as store:
        run_batch(discover([truth.docs_dir]), store, RunOptions(score=ScoreOptions(use_models=False)))
        records = list(store.records(store.entries()))
    return truth, records, Analyzer().add_all(records).finish()


def test_synthetic_documents_parse_to_what_the_truth_says(batch):
    truth, _, _ = batch
    assert {d["file"].rsplit(".", 1)[1] for d in truth.documents} == {"csv", "xlsx", "json"}
    for entry in truth.documents:
        doc = parse_path(f"{truth.docs_dir}/{entry['file']}")
        assert doc.department == entry["department"]
        assert (len(doc.projects), len(doc.indicators)) == (entry["projects"], entry["indicators"])
    assert truth.copies and truth.mismatches
    saved = json.loads((Path(truth.docs_dir).parent / "truth.json").read_text(encoding="utf-8"))
    assert saved["documents"] == truth.documents and len(saved["mismatches"]) == len(truth.mismatches)


def test_generator_is_deterministic_and_writes_truth_outside_the_documents(tmp_path):
    a = generate(tmp_path / "a", departments=2, projects=3, seed=5, formats=("csv",))
    b = generate(tmp_path / "b", departments=2, projects=3, seed=5, formats=("csv",))
    assert (tmp_path / "a/docs/dept_000.csv").read_bytes() == (tmp_path / "b/docs/dept_000.csv").read_bytes()
    assert a.to_json().replace("/a/", "/b/") == b.to_json()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["docs", "truth.json"]


def test_injected_mismatches_are_where_the_truth_says(batch):
    truth, _, _ = batch
    for m in truth.mismatches:
        doc = parse_path(f"{truth.docs_dir}/{m.place.file}")
        ind = doc.projects[m.place.project].indicators[m.place.indicator]
        if m.kind == "level":
            assert m.written in ind.level2 or (m.written == "数量" and ind.level2 == "数量指标")
        else:
            assert ind.target_raw == m.written


def _places(cluster) -> set[tuple[str, int, int | None]]:
    return {(p.document.rsplit("/", 1)[-1], p.project, p.indicator) for p in cluster.places}


def test_every_injected_copy_is_found_with_all_its_places(batch):
    truth, _, analysis = batch
    for copy in truth.copies:
        if copy.kind == "goals":
            expected = {(p.file, p.project, None) for p in copy.places}
            found = [c for c in analysis.clusters if c.field == "goal" and expected <= _places(c)]
        else:
            name = copy.text.split(" ", 1)[0]
            expected = {(p.file, p.project, p.indicator) for p in copy.places}
            found = [c for c in analysis.clusters if c.field == "name" and c.text == name and expected <= _places(c)]
        assert found, f"copy not found: {copy.text[:30]}"
        assert found[0].departments >= 1 and found[0].count >= len(copy.places)


def test_rankings_counts_and_failures(batch):
    truth, records, analysis = batch
    assert analysis.documents == len(truth.documents) and analysis.failed == 0
    assert analysis.indicators == truth.indicators
    assert analysis.projects == sum(d["projects"] for d in truth.documents)
    for rows in (analysis.departments, analysis.ranking):
        assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
        assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert {d.name for d in analysis.departments} == {d["department"] for d in truth.documents}
    for level, total in (("documents", analysis.documents), ("projects", analysis.projects),
                         ("indicators", analysis.indicators)):
        assert sum(analysis.grades[level].values()) == total
    findings = [f for r in records for f in r.result.all_findings()]
    assert sum(c.error + c.warning + c.info for c in analysis.categories) == len(findings)
    top = analysis.findings[0]
    assert top.count == max(sum(1 for f in findings if f.code == code) for code in {f.code for f in findings})
    assert analysis.findings == sorted(analysis.findings, key=lambda f: -f.count)


def test_department_score_is_the_mean_of_its_projects(batch):
    _, records, analysis = batch
    for record in records:
        r = record.result
        row = next(d for d in analysis.departments if d.name == r.document.department)
        assert row.score == pytest.approx(round(sum(p.score for p in r.projects) / len(r.projects), 1))


def test_copy_search_with_models_runs_in_a_fresh_process(monkeypatch):
    """With models and no embedder in this process (the files were scored by workers), the
    copy search runs in a spawned process with the configured embedder, and finds what it
    finds in this process (the hashing embedder here: no model files needed)."""
    from scorer.batch import reports
    from scorer.semantic.duplicates import TextItem

    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    texts = [TextItem(text, "description", document=f"d{i % 3}.tsv", department=f"局{i % 3}", project=i,
                      project_name=f"项目{i}", indicator=0, indicator_name="完成率")
             for i, text in enumerate(["按照要求和计划完成研究任务的项目在所有立项项目中的比例"] * 4
                                      + ["按照要求和计划完成研究任务的项目占所有立项项目的比例", "道路硬化里程"])]
    monkeypatch.setattr(reports, "loaded_resource", lambda name: None)
    clusters, method = reports.cross_document_clusters(texts, use_models=True)
    in_process = reports.search_with_embedder(texts)
    assert method == in_process[1] and "hashing" in method
    assert [(c.text, c.count) for c in clusters] == [(c.text, c.count) for c in in_process[0]]
    assert clusters and clusters[0].count >= 4


def test_a_document_without_a_department_is_ranked_under_its_file_name(tmp_path):
    folder = tmp_path / "docs" / "县区"
    folder.mkdir(parents=True)
    (folder / "水利局.tsv").write_text("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t河道清淤长度\t≥12公里\n",
                                    encoding="utf-8")
    with ResultStore(tmp_path / "out") as store:
        run_batch(discover([tmp_path / "docs"]), store, RunOptions(score=ScoreOptions(use_models=False)))
        records = list(store.records(store.entries()))
    analysis = Analyzer().add_all(records).finish()
    assert [d.name for d in analysis.departments] == ["水利局"]
