"""Eighth user pass: a large paste, feedback without its project, UTF-16 text from
Windows tools, and the batch commands speaking the budget office's language.

- A 12 MB paste (well under the request limit) was parsed to its end (~20-37 s holding a
  worker thread) before being refused with 413 for too many indicators: the parser now
  stops at the first indicator past ``ZHIBIAO_MAX_INDICATORS`` (~1 s).
- Feedback with an ``indicator_index`` and no ``project_index`` was stored unchecked: an
  index within no project. Now 422 naming the missing field.
- Text saved as UTF-16 without a BOM (PowerShell, "Unicode" exports) was called binary, by
  ``zhibiao score/parse`` and by the API alike.
- ``zhibiao batch`` and ``zhibiao report`` printed their summary in English; ``report``
  exited 0 on results with failed files, where ``batch`` exits 1.
"""
from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings
from scorer.cli.main import app
from tests.conftest import SEED_000


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and "Traceback" not in response.text
    return error


def _rows(n: int) -> bytes:
    return "".join(f"产出指标\t数量指标\t新建农村公路里程{i}\t≥{i}公里\n" for i in range(n)).encode()


@pytest.fixture(scope="module")
def scoring_client(tmp_path_factory):
    """The app with its real service (stored submissions), scoring without models, and a
    small indicator limit."""
    from api import service as service_module
    from scorer.resources import ModelResources

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service_module, "ModelResources", lambda models_dir=None: ModelResources(use_models=False))
        settings = Settings(data_dir=tmp_path_factory.mktemp("pass8-api"), max_indicators=50)
        with TestClient(create_app(settings), raise_server_exceptions=False) as c:
            yield c


# -- 1. a large paste is refused as soon as it is known to be too large ----------------------

def test_a_large_paste_stops_at_the_first_indicator_past_the_limit(scoring_client, monkeypatch):
    """Every row of the paste was read and interpreted before the count was compared."""
    import scorer.parsers as parsers

    yielded = 0
    read_delimited = parsers.read_delimited

    def counting(*args, **kwargs):
        nonlocal yielded
        for item in read_delimited(*args, **kwargs):
            yielded += 1
            yield item

    monkeypatch.setattr(parsers, "read_delimited", counting)
    paste = _rows(20_000)
    error = _error(scoring_client.post("/v1/score", content=paste, headers={"Content-Type": "text/plain"}),
                   413, "too_large")
    assert error["message"].startswith("表格过大：指标多于 50 个，一次最多审核 50 个")
    assert "zhibiao batch" in error["message"] and "ZHIBIAO_MAX_INDICATORS=50" in error["detail"]
    assert yielded <= 60, f"read {yielded} of 20,000 rows"  # (before: all 20,000, ~3 s)
    upload = scoring_client.post("/v1/score/file", files={"file": ("rows.tsv", paste, "text/tab-separated-values")})
    assert _error(upload, 413, "too_large")["message"] == error["message"]
    # parsing only reads it too: the same limit, stopped as early
    yielded = 0
    parsed = scoring_client.post("/v1/parse", content=paste, headers={"Content-Type": "text/plain"})
    assert _error(parsed, 413, "too_large")["message"] == error["message"] and yielded <= 60


def test_the_refused_paste_is_kept_with_why(scoring_client):
    from sqlalchemy import select

    from api.db import Submission

    paste = _rows(70)
    _error(scoring_client.post("/v1/score", content=paste, headers={"Content-Type": "text/plain"}), 413, "too_large")
    with scoring_client.app.state.service.db.session() as session:
        kept = session.execute(select(Submission.content, Submission.result_summary)).all()
    assert any(row.content == paste and "ZHIBIAO_MAX_INDICATORS" in row.result_summary["error"] for row in kept)


def test_a_json_document_over_the_limit_is_counted_whole(scoring_client):
    """zhibiao's own JSON is not read row by row: its count is known and said."""
    from scorer.parsers import parse_bytes

    doc = parse_bytes(_rows(60), "rows.tsv").model_dump(mode="json")
    error = _error(scoring_client.post("/v1/score", json=doc), 413, "too_large")
    assert error["message"].startswith("表格过大：共 60 个指标，一次最多审核 50 个")


def test_indicators_set_aside_later_do_not_count_against_the_limit():
    """A 长期 table's indicators are read, then set aside when the 年度 table comes: a
    document whose kept indicators are within the limit is read whole, not refused."""
    from scorer.parsers import TooManyIndicators, parse_text

    header = "一级指标\t二级指标\t三级指标\t指标值"
    rows = [f"产出指标\t数量指标\t维修供水工程数量{i}\t≥{i}处" for i in range(3)]
    text = "\n".join(["项目名称\t农村饮水安全维修养护\t\t", "长期绩效指标\t\t\t", header, *rows,
                      "年度绩效指标\t\t\t", header, *rows])
    doc = parse_text(text, "long.tsv", max_indicators=4)
    assert len(doc.indicators) == 3
    with pytest.raises(TooManyIndicators) as refused:
        parse_text(text, "long.tsv", max_indicators=2)
    assert refused.value.count is None and refused.value.limit == 2
    assert parse_text(text, "long.tsv").indicators == doc.indicators  # no limit: as before


# -- 2. feedback naming an indicator but not its project -----------------------------------

@pytest.mark.parametrize("rows", [3, None], ids=["one project", "several projects"])
def test_feedback_with_an_indicator_but_no_project_names_the_missing_field(scoring_client, rows):
    content = _rows(rows) if rows else SEED_000.read_bytes()
    scored = scoring_client.post("/v1/score", content=content, headers={"Content-Type": "text/plain"})
    assert scored.status_code == 200, scored.text
    sha = scored.json()["document"]["sha256"]
    body = {"document_sha256": sha, "kind": "finding_wrong", "code": "ZB-M003", "indicator_index": 0}
    error = _error(scoring_client.post("/v1/feedback", json=body), 422, "invalid_request")
    assert error["message"].startswith("请求缺少字段 project_index") and "indicator_index" in error["message"]
    assert scoring_client.post("/v1/feedback", json={**body, "project_index": 0}).status_code == 201
    # A finding about the document or a project names no indicator: still taken.
    assert scoring_client.post("/v1/feedback", json={**body, "indicator_index": None}).status_code == 201


# -- 3. UTF-16 without a BOM ---------------------------------------------------------------

def _indicators(doc: dict) -> list[tuple]:
    return [(p["name"], i["level1"], i["level2"], i["name"], i["target_raw"])
            for p in doc["projects"] for i in p["indicators"]]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_the_api_reads_utf16_without_a_bom(scoring_client, encoding):
    text = SEED_000.read_text(encoding="utf-8")
    expected = _indicators(scoring_client.post("/v1/parse", content=text.encode(),
                                               headers={"Content-Type": "text/plain"}).json())
    response = scoring_client.post("/v1/parse", content=text.encode(encoding), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text
    assert _indicators(response.json()) == expected and expected


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_the_cli_reads_utf16_without_a_bom(tmp_path, encoding):
    runner = CliRunner()
    text = SEED_000.read_text(encoding="utf-8")
    utf16 = tmp_path / "教育局.txt"
    utf16.write_bytes(text.encode(encoding))
    expected = _indicators(json.loads(runner.invoke(app, ["parse", str(SEED_000)]).stdout))
    from_file = runner.invoke(app, ["parse", str(utf16)])
    assert from_file.exit_code == 0, from_file.output
    assert _indicators(json.loads(from_file.stdout)) == expected
    piped = runner.invoke(app, ["parse", "-"], input=text.encode(encoding))
    assert piped.exit_code == 0, piped.output
    assert _indicators(json.loads(piped.stdout)) == expected
    scored = runner.invoke(app, ["score", "--no-models", "--fail-on", "never", str(utf16)])
    assert scored.exit_code == 0 and "部门得分" in scored.stdout


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 8,                                        # NULs on both parities
    "产出指标\t数量\n".encode("utf-16-le") + b"\x01\x00\x02\x00",  # controls: not text
    "产出指标\t数量\n".encode("utf-16-le") + b"\x00",              # odd length
], ids=["binary", "controls", "odd length"])
def test_binary_is_still_refused(data):
    from scorer.parsers import ParseError
    from scorer.parsers.decode import decode

    with pytest.raises(ParseError, match="binary"):
        decode(data)


# -- 4, 5. the batch commands in Chinese; report exits as batch does -----------------------

def _run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """One batch with a broken file (exit 1), one with every file scored (exit 0)."""
    root = tmp_path_factory.mktemp("pass8-batch")
    folder = root / "2025申报"
    folder.mkdir()
    shutil.copy(SEED_000, folder / "教育局.txt")
    shutil.copy(SEED_000, folder / "教育局（副本）.txt")
    (folder / "卫健委.docx").write_bytes(b"PK\x03\x04 not a document")
    clean = root / "clean"
    clean.mkdir()
    shutil.copy(SEED_000, clean / "教育局.txt")
    runs = {}
    for name, source in (("failed", folder), ("clean", clean)):
        out = root / f"out-{name}"
        runs[name] = (out, _run("batch", str(source), "--out", str(out), "--no-models"))
    return runs


def test_batch_prints_its_summary_in_chinese_with_the_paths(batches):
    out, result = batches["failed"]
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[-2].startswith("共 3 个文件：审核 2 个，未改动（沿用上次结果）0 个，未能审核 1 个 · 审核了 ")
    assert lines[-2].endswith(" 秒") and " 个指标，用时 " in lines[-2]
    assert lines[-1].startswith("1 份文档（另有 1 个重复文件，只计一次），1 个部门；报告：")
    assert f"{out / 'report.html'}, {out / 'report.xlsx'}, {out / 'analysis.json'}" in lines[-1]
    assert "file(s)" not in result.stdout and "document(s)" not in result.stdout


def test_report_exits_1_when_the_results_hold_failed_files_as_batch_does(batches, tmp_path):
    out, _ = batches["failed"]
    result = _run("report", str(out), "--out", str(tmp_path / "failed"), "--no-models")
    assert result.exit_code == 1, result.output
    assert (tmp_path / "failed" / "report.html").exists()  # the reports are still written
    assert result.stdout.strip().startswith("1 份文档（另有 1 个重复文件，只计一次），1 个文件未能审核；报告：")
    assert str(tmp_path / "failed" / "report.xlsx") in result.stdout
    clean, batch = batches["clean"]
    assert batch.exit_code == 0, batch.output
    result = _run("report", str(clean), "--out", str(tmp_path / "clean"), "--no-models")
    assert result.exit_code == 0, result.output
    assert "0 个文件未能审核" in result.stdout


def test_an_interrupted_batch_says_so_in_chinese(tmp_path, monkeypatch):
    import scorer.cli.batch as cli_batch
    from scorer.batch.runner import RunSummary

    monkeypatch.setattr(cli_batch, "run_batch", lambda *a, **k: RunSummary(ok=2, failed=1, interrupted=True))
    out = tmp_path / "结果"
    result = _run("batch", str(SEED_000), "--out", str(out), "--no-models")
    assert result.exit_code == 130
    said = " ".join(result.stderr.split())
    assert f"已中断：已完成的 3 个文件保存在 {out / 'results.jsonl'}；再次运行同一命令即可继续" in said


def test_no_input_files_is_said_in_chinese_with_the_detail(tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    result = _run("batch", str(empty), "--out", str(tmp_path / "out"), "--no-models")
    assert result.exit_code == 2
    assert "没有找到可审核的文件" in result.stderr and "no input files found" in result.stderr


def test_the_batch_log_lines_speak_as_the_summary_does():
    """A budget office running the batch from a script reads one line per file: it was in
    English (ok / FAILED / indicators / ETA) under a Chinese summary."""
    import io as _io

    from scorer.batch.progress import PlainProgress
    from scorer.batch.worker import Outcome

    stream = _io.StringIO()
    progress = PlainProgress(stream)
    progress.start(3)
    progress.update(Outcome(source_id="a", name="市直/教育局.xlsx", status="ok", indicators=412, seconds=0.84))
    progress.update(Outcome(source_id="b", name="市直/卫健委.docx", status="failed", message="文件已损坏或不完整",
                            error="corrupt or truncated .docx file", seconds=0.01))
    progress.update(Outcome(source_id="c", name="市直/民政局.csv", status="unchanged"))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "批量审核：共 3 个文件"
    assert lines[1].startswith("[1/3] 已审核  市直/教育局.xlsx  412 个指标  0.84 秒  预计剩余 ")
    assert lines[2].startswith("[2/3] 未能审核 市直/卫健委.docx  文件已损坏或不完整  (corrupt or truncated .docx file)")
    assert lines[3].startswith("[3/3] 未改动  市直/民政局.csv") and lines[3].endswith("预计剩余 0:00:00")
