"""``zhibiao batch`` end to end on small synthetic departments: parallel workers, a bad
file that does not stop the batch, resuming, Ctrl-C, exit codes and ``zhibiao report``."""

from __future__ import annotations

import sys
import json
import shutil
import socket
import zipfile

import pytest
from typer.testing import CliRunner

from scorer.batch import worker
from scorer.batch.discover import discover
from scorer.batch.runner import RunOptions, run_batch
from scorer.batch.store import RESULTS_FILE, ResultStore
from scorer.batch.worker import ScoreOptions, scorers_for
from scorer.cli.main import app
from scorer.synth import generate
from tests.conftest import SEED_000

runner = CliRunner()


@pytest.fixture(scope="module")
def synth_docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    truth = generate(root, departments=3, projects=5, seed=1, formats=("csv", "xlsx", "json"))
    return root / "docs", truth


@pytest.fixture
def inputs(tmp_path, synth_docs):
    docs, _ = synth_docs
    folder = tmp_path / "in"
    shutil.copytree(docs, folder)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as zf:
        zf.write(SEED_000, "部门/seed.txt")
        zf.writestr("../escape.csv", "a,b")
    return folder, tmp_path / "more.zip"


def _batch(*args: str):
    return runner.invoke(app, ["batch", *args])


def test_batch_scores_in_parallel_reports_the_bad_files_and_exits_1(tmp_path, inputs):
    folder, archive = inputs
    out = tmp_path / "out"
    result = _batch(str(folder), str(archive), "--out", str(out), "--jobs", "2", "--no-models")
    assert result.exit_code == 1, result.output
    assert "共 6 个文件：审核 4 个，未改动（沿用上次结果）0 个，未能审核 2 个" in result.stdout
    lines = [json.loads(line) for line in (out / RESULTS_FILE).read_text(encoding="utf-8").splitlines()]
    by_status = {}
    for line in lines:
        by_status.setdefault(line["status"], []).append(line["name"])
    assert sorted(by_status["failed"]) == sorted(["in/broken.xlsx", f"{archive}!../escape.csv"])
    assert len(by_status["ok"]) == 4
    # Every failure is in the log on stderr and in the reports, with its reason.
    assert "path escapes the archive" in result.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "in/broken.xlsx" in html and "corrupt or truncated .xlsx" in html
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["documents"] == 4 and analysis["failed"] == 2
    assert (out / "report.xlsx").stat().st_size > 0


def test_rerun_skips_unchanged_files_and_rescores_a_changed_one(tmp_path, inputs):
    folder, _ = inputs
    out = tmp_path / "out"
    assert _batch(str(folder), "--out", str(out), "--no-models").exit_code == 1
    size = (out / RESULTS_FILE).stat().st_size
    again = _batch(str(folder), "--out", str(out), "--no-models")
    assert "审核 0 个，未改动（沿用上次结果）3 个，未能审核 1 个" in again.stdout
    # Only the failure was retried (and appended again).
    assert (out / RESULTS_FILE).stat().st_size - size < 2000
    (folder / "broken.xlsx").unlink()
    csv_file = next(folder.glob("*.csv"))
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace("产出指标", "产出指标 "), encoding="utf-8")
    third = _batch(str(folder), "--out", str(out), "--no-models")
    assert third.exit_code == 0, third.output
    assert "审核 1 个，未改动（沿用上次结果）2 个，未能审核 0 个" in third.stdout
    # The report covers this run's files: the deleted broken file is gone from it.
    assert json.loads((out / "analysis.json").read_text(encoding="utf-8"))["failed"] == 0


def test_a_different_scorer_setup_is_not_reused(tmp_path, inputs):
    folder, _ = inputs
    out = tmp_path / "out"
    _batch(str(folder), "--out", str(out), "--no-models")
    config = tmp_path / "zhibiao.toml"
    config.write_text('ignore = ["ZB-F"]\n', encoding="utf-8")
    rerun = _batch(str(folder), "--out", str(out), "--no-models", "--config", str(config))
    assert "审核 3 个，未改动（沿用上次结果）0 个" in rerun.stdout


def test_interrupt_keeps_finished_files_and_the_rerun_continues(tmp_path, synth_docs):
    docs, _ = synth_docs
    sources = discover([docs])
    options = RunOptions(jobs=1, score=ScoreOptions(use_models=False))

    class StopAfterOne:
        def start(self, total): pass
        def close(self): pass
        def update(self, outcome):
            raise KeyboardInterrupt

    with ResultStore(tmp_path) as store:
        summary = run_batch(sources, store, options, StopAfterOne())
    assert summary.interrupted and summary.ok == 1
    with ResultStore(tmp_path) as store:
        assert len(store.latest) == 1
        summary = run_batch(sources, store, options)
    assert (summary.ok, summary.unchanged, summary.interrupted) == (2, 1, False)


def test_an_internal_error_on_one_file_does_not_stop_the_batch(tmp_path, synth_docs, monkeypatch):
    docs, _ = synth_docs
    real = worker.parse_bytes

    def flaky(data, name=None, format=None):
        if name.endswith(".json"):
            raise RuntimeError("boom")
        return real(data, name, format)

    monkeypatch.setattr(worker, "parse_bytes", flaky)
    with ResultStore(tmp_path) as store:
        summary = run_batch(discover([docs]), store, RunOptions(jobs=1, score=ScoreOptions(use_models=False)))
        failed = [store.read(e) for e in store.entries() if e.status == "failed"]
    assert (summary.ok, summary.failed) == (2, 1)
    assert failed[0].error == "internal error while scoring: RuntimeError: boom"


def test_scorers_are_built_once_per_process():
    options = ScoreOptions(use_models=False)
    assert scorers_for(options) is scorers_for(options)


def test_a_worker_bounds_the_embedding_cache_in_memory(monkeypatch):
    """The cache's service-sized memory layer is cut to the batch bound in every worker."""
    from scorer.embeddings import HashingEmbedder
    from scorer.embeddings.cache import CachedEmbedder
    from scorer.resources import EMBEDDER

    embedder = CachedEmbedder(HashingEmbedder(), ":memory:", memory_items=10 * worker.BATCH_MEMORY_VECTORS)

    class Pool:
        def __init__(self, *args, **kwargs):
            self.resources = {EMBEDDER: embedder}

    monkeypatch.setattr(worker, "ScorerPool", Pool)
    monkeypatch.setattr(worker, "_SCORERS", {})
    scorers_for(ScoreOptions(config="bounded.toml"))
    assert embedder.memory_items == worker.BATCH_MEMORY_VECTORS


@pytest.mark.parametrize("args, message", [
    (["nope-missing", "--out", "{out}"], "no such file or folder"),
    (["{empty}", "--out", "{out}"], "no input files found"),
    (["{empty}", "--out", "{out}", "--backend", "spark"], "unknown --backend"),
    (["{empty}", "--out", "{out}", "--jobs", "0"], "--jobs must be at least 1"),
    (["{seed}", "--out", "{out}", "--config", "{bad_config}"], "bad.toml: select"),
    (["{seed}", "--out", "{bad_config}"], "is a file; give a folder"),
    (["{seed}", "--out", "{out}", "--config", "{typo_config}"], "no check has the code or prefix ZB-MOO2"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = tmp_path / "bad.toml"
    bad.write_text("select = 3\n", encoding="utf-8")
    typo = tmp_path / "typo.toml"
    typo.write_text('select = ["ZB-MOO2"]\n', encoding="utf-8")
    values = {"out": str(tmp_path / "out"), "empty": str(empty), "seed": str(SEED_000), "bad_config": str(bad),
              "typo_config": str(typo)}
    result = _batch(*(a.format(**values) for a in args))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("backend, module", [("ray", "ray"), ("dask", "distributed")])
def test_a_backend_that_is_not_installed_is_a_usage_error(tmp_path, monkeypatch, backend, module):
    monkeypatch.setitem(sys.modules, module, None)  # what `import` sees when it is missing
    result = _batch(str(SEED_000), "--out", str(tmp_path), "--backend", backend, "--no-models")
    assert result.exit_code == 2 and "pip install" in result.stderr


def test_an_unreachable_ray_cluster_is_reported_at_once(tmp_path):
    pytest.importorskip("ray")
    with socket.socket() as free:  # a port nobody listens at
        free.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{free.getsockname()[1]}"
    result = _batch(str(SEED_000), "--out", str(tmp_path), "--backend", "ray", "--scheduler", address, "--no-models")
    assert result.exit_code == 2 and f"cannot reach the ray cluster at {address}" in result.stderr


def test_report_rebuilds_reports_from_results(tmp_path, synth_docs):
    docs, _ = synth_docs
    out = tmp_path / "out"
    assert _batch(str(docs), "--out", str(out), "--no-models").exit_code == 0
    before = (out / "report.html").read_bytes()
    for name in ("report.html", "report.xlsx", "analysis.json"):
        (out / name).unlink()
    result = runner.invoke(app, ["report", str(out / RESULTS_FILE), "--no-models"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_bytes() == before
    assert (out / "report.xlsx").exists() and (out / "analysis.json").exists()
    elsewhere = tmp_path / "elsewhere"
    assert runner.invoke(app, ["report", str(out), "--out", str(elsewhere), "--no-models"]).exit_code == 0
    assert (elsewhere / "report.html").read_bytes() == before
    missing = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no batch results" in missing.stderr


def test_a_failing_workbook_fails_the_reports_and_leaves_no_half_file(tmp_path, synth_docs, monkeypatch):
    """The workbook is written in a thread beside the analysis: its error must still reach
    the caller, and the other reports must still be whole."""
    from scorer.batch import reports

    docs, _ = synth_docs
    with ResultStore(tmp_path) as store:
        run_batch(discover([docs]), store, RunOptions(jobs=1, score=ScoreOptions(use_models=False)))

        def broken(results, fh, **_):  # (failed=, duplicates=: the files without a sheet)
            next(iter(results))
            fh.write(b"PK half")
            raise OSError("disk full")

        monkeypatch.setattr(reports, "write_annotated_workbook", broken)
        with pytest.raises(OSError, match="disk full"):
            reports.write_reports(store, tmp_path / "out")
    assert not (tmp_path / "out" / reports.REPORT_XLSX).exists()
    assert not list((tmp_path / "out").glob(".*.tmp"))
    assert (tmp_path / "out" / reports.REPORT_HTML).stat().st_size > 1000


@pytest.mark.parametrize("backend, module", [("dask", "distributed"), ("ray", "ray")])
def test_a_local_cluster_runs_the_same_tasks(tmp_path, synth_docs, backend, module):
    """``--backend dask|ray`` without ``--scheduler`` starts a local cluster, runs the
    same tasks through joblib's backend and stores the same results as local processes."""
    pytest.importorskip(module)
    docs, _ = synth_docs
    with ResultStore(tmp_path) as store:
        summary = run_batch(discover([docs]), store, RunOptions(jobs=2, backend=backend,
                                                               score=ScoreOptions(use_models=False)))
        assert (summary.ok, summary.failed) == (3, 0)
        indicators = sorted(e.indicators for e in store.entries())
    with ResultStore(tmp_path / "loky") as store:
        run_batch(discover([docs]), store, RunOptions(jobs=1, score=ScoreOptions(use_models=False)))
        assert sorted(e.indicators for e in store.entries()) == indicators


def test_report_on_results_without_a_readable_line_is_an_error(tmp_path):
    (tmp_path / "results.jsonl").write_text("garbage\nmore garbage\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "no readable results" in result.output
    assert not (tmp_path / "report.xlsx").exists()


def test_ctrl_c_while_the_reports_are_written_says_how_to_rebuild_them(tmp_path, monkeypatch):
    import scorer.cli.batch as cli_batch

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_batch, "write_reports", interrupted)
    out = tmp_path / "out"
    result = _batch(str(SEED_000), "--out", str(out), "--no-models")
    assert result.exit_code == 130
    assert f"zhibiao report {out}" in result.stderr and (out / "results.jsonl").stat().st_size > 0
