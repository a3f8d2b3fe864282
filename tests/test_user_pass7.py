"""Seventh user pass: the reviewer's wrong-typed requests, the budget office's batch and
forwarded workbook, the maintainer's failed retrain, each checked on what the user reads.

- A field or parameter of the wrong type got "请求格式不正确" (the page shows only the
  message): now it names the field, what it should be and what it was; a file field that
  came as text, an export of an edited result, an empty body say so too.
- Feedback naming an indicator past its project's indicators was stored; uploads refused
  for their type (.et, PDF) were not kept, unlike the ones the parser failed on.
- ``report.xlsx`` of a batch counted only the scored documents: forwarded on its own it
  did not show that files had failed or were copies. Its summary now lists them, with the
  counts of analysis.json, report.html and results.jsonl.
- A named pipe in a batch folder hung the batch; an ``--out`` that cannot be made
  (batch, report, feedback export, train) printed a traceback or a bare errno line;
  ``zhibiao score`` on a folder or .zip did not point to ``zhibiao batch``.
- ``zhibiao train`` on an empty corpus, or one whose every line is bad (a missing column,
  with --skip-bad), said "the corpus needs at least 2 labels": now it names the file and
  why it has no rows; the (copied) model store is left as it was.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings
from scorer.cli.main import app
from scorer.report.xlsx import SUMMARY_SHEET
from tests.conftest import ROOT, SEED_000, SEED_001


# -- the reviewer: requests with fields of the wrong type ------------------------------------

class _NoModels:
    """The app's service without models or database: every request below is refused
    before a route would score it (validation, the body's shape), so a test needs no scorer."""

    def model_versions(self) -> dict[str, str]:
        return {}

    def keep_failed_submission(self, *args: object) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("pass7-api"), admin_key="k")
    with TestClient(create_app(settings, service=_NoModels()), raise_server_exceptions=False) as c:
        yield c


def _error(response, status: int = 422, code: str = "invalid_request") -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and "Traceback" not in response.text
    return error


FEEDBACK = {"document_sha256": "abcdefgh12345678", "kind": "finding_wrong"}


@pytest.mark.parametrize(("body", "says"), [
    ([FEEDBACK], "请求内容应为 JSON 对象（{…}），实际是列表"),
    ("finding_wrong", "请求内容应为 JSON 对象（{…}），实际是文字"),
    ({**FEEDBACK, "document_sha256": 12345678}, "字段 document_sha256 应为文字（字符串），实际是数字"),
    ({**FEEDBACK, "kind": "wrong"}, "字段 kind 只能是 'finding_wrong' 或 'level_corrected'"),
    ({**FEEDBACK, "project_index": "第一个"}, "字段 project_index 应为整数"),
    ({**FEEDBACK, "project_index": -1}, "字段 project_index 应 ≥ 0"),
    ({**FEEDBACK, "document_sha256": "ab"}, "字段 document_sha256 太短：至少 8 个字符"),
    ({**FEEDBACK, "comment": "很" * 2001}, "字段 comment 太长：最多 2000 个字符"),
    ({**FEEDBACK, "projct_index": 0}, "不认识的字段 projct_index"),
    ({**FEEDBACK, "indicator": {"level1": 1}}, "字段 indicator.level1 应为文字（字符串），实际是数字"),
])
def test_a_feedback_field_of_the_wrong_type_is_named_with_what_was_expected(client, body, says):
    """Once all "请求格式不正确", which the page shows as the whole message."""
    error = _error(client.post("/v1/feedback", json=body))
    assert error["message"].startswith(says), error["message"]
    assert error["detail"]  # the English detail stays, for whoever runs the service


def test_an_empty_feedback_body_says_so(client):
    error = _error(client.post("/v1/feedback", content=b"", headers={"Content-Type": "application/json"}))
    assert error["message"] == "请求内容为空：请提交 JSON 对象（{…}）"


@pytest.mark.parametrize("form", [
    {"data": {"file": "绩效目标表.docx"}},                        # curl -F file=name, without the @
    {"files": {"file": ("", b"x", "text/plain")}},              # a file part without its name
])
def test_a_file_field_that_came_as_text_says_to_choose_a_file(client, form):
    """Once "字段 file 的值不对"."""
    error = _error(client.post("/v1/score/file", **form))
    assert error["message"].startswith("表单字段 file 收到的是文字，不是文件") and "-F file=@" in error["message"]


@pytest.fixture(scope="module")
def scoring_client(tmp_path_factory):
    """The app with its real service, scoring without models (fast): for feedback, which
    checks what it names against the stored submission."""
    from api import service as service_module
    from scorer.resources import ModelResources

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service_module, "ModelResources", lambda models_dir=None: ModelResources(use_models=False))
        settings = Settings(data_dir=tmp_path_factory.mktemp("pass7-scoring"))
        with TestClient(create_app(settings), raise_server_exceptions=False) as c:
            yield c


def test_feedback_on_an_indicator_the_project_does_not_have_is_refused(scoring_client):
    """A project_index past the projects was refused, an indicator_index past the
    project's indicators was stored (and exported for retraining)."""
    scored = scoring_client.post("/v1/score", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"})
    assert scored.status_code == 200, scored.text
    result = scored.json()
    project = result["projects"][0]
    n = len(project["indicators"])
    body = {"document_sha256": result["document"]["sha256"], "kind": "finding_wrong", "code": "ZB-M003",
            "project_index": 0}
    error = _error(scoring_client.post("/v1/feedback", json={**body, "indicator_index": n}))
    assert error["message"] == f"第 1 个项目只有 {n} 个指标，没有第 {n + 1} 个"
    stored = scoring_client.post("/v1/feedback", json={**body, "indicator_index": n - 1})
    assert stored.status_code == 201, stored.text


@pytest.mark.parametrize(("method", "url", "says"), [
    ("GET", "/v1/models/jobs/第一个", "路径参数 job_id 应为整数"),
    ("POST", "/v1/models/20261127/promote?force=也许", "查询参数 force 应为 true 或 false"),
])
def test_a_parameter_of_the_wrong_type_is_named(client, method, url, says):
    error = _error(client.request(method, url, headers={"X-API-Key": "k"}))
    assert error["message"] == says


@pytest.mark.parametrize(("body", "says"), [
    (b'{"text": ["a"]}', "字段 text 应为文字（字符串），实际是列表"),
    (b'{"text": null}', "字段 text 应为文字（字符串），实际是空值（null）"),
    ('{"text": "项目名称 道路养护", "name": 5}'.encode(), "字段 name 应为文字（字符串），实际是数字"),
])
def test_a_wrapped_paste_of_the_wrong_type_is_named(client, body, says):
    error = _error(client.post("/v1/score", content=body, headers={"Content-Type": "application/json"}))
    assert error["message"] == says


def test_an_export_of_an_edited_result_names_the_field_in_the_message(client):
    from scorer.parsers import parse_path
    from scorer.pipeline import Scorer

    good = Scorer(resources={}).score_document(parse_path(SEED_000)).model_dump(mode="json")
    result = json.loads(json.dumps(good))
    result["projects"][0]["grade"] = "很好"
    error = _error(client.post("/v1/export/xlsx", json=result), code="invalid_result")
    assert "字段 projects.0.grade 不对" in error["message"] and error["detail"].startswith("projects.0.grade")
    whole = _error(client.post("/v1/export/xlsx", json="x"), code="invalid_result")
    assert "应为 JSON 对象或列表" in whole["message"]
    second = _error(client.post("/v1/export/xlsx", json=[good, 5]), code="invalid_result")
    assert "第 2 份结果不是审核结果" in second["message"]
    second = _error(client.post("/v1/export/xlsx", json=[result, good]), code="invalid_result")
    assert "第 1 份结果的字段 projects.0.grade 不对" in second["message"]


# -- the budget office: the forwarded workbook accounts for every file -----------------------

def _run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Two departments, one of them again under another name, a broken .docx, an empty
    file and a .zip holding another .zip: batch-scored without models."""
    root = tmp_path_factory.mktemp("pass7-office")
    folder = root / "2025申报"
    (folder / "市直").mkdir(parents=True)
    shutil.copy(SEED_000, folder / "市直" / "教育局.txt")
    shutil.copy(SEED_001, folder / "市直" / "生态 环境局.txt")
    shutil.copy(SEED_001, folder / "生态环境局（最终版）.txt")
    (folder / "卫健委.docx").write_bytes(b"PK\x03\x04 not a document")
    (folder / "空表.xlsx").write_bytes(b"")
    inner = root / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(SEED_000, "教育局.txt")
    with zipfile.ZipFile(folder / "补充.zip", "w") as zf:
        zf.write(inner, "县区/inner.zip")
    out = root / "out"
    result = _run("batch", str(folder), "--out", str(out), "--jobs", "1", "--no-models")
    assert result.exit_code == 1, result.output  # some files failed
    return out


def _summary_rows(path: Path) -> list[list]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [[v for v in row if v is not None] for row in wb[SUMMARY_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()


def _section(rows: list[list], title: str) -> list[list]:
    start = next(i for i, row in enumerate(rows) if row and str(row[0]).startswith(title)) + 2
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def _newest_lines(out: Path) -> list[dict]:
    newest: dict[str, dict] = {}
    for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        newest[record["id"]] = record
    return list(newest.values())


def test_the_workbook_lists_failed_and_duplicate_files_as_the_other_reports_do(office):
    analysis = json.loads((office / "analysis.json").read_text(encoding="utf-8"))
    lines = _newest_lines(office)
    failed_lines = [r for r in lines if r["status"] != "ok"]
    assert analysis["failed"] == len(failed_lines) == 3  # the .docx, the empty file, the nested .zip
    assert len(analysis["duplicates"]) == 1
    assert analysis["documents"] + len(analysis["duplicates"]) == sum(r["status"] == "ok" for r in lines)

    rows = _summary_rows(office / "report.xlsx")
    headline = rows[1][0]
    assert headline.startswith(f"{analysis['documents']} 份文档 · {analysis['projects']} 个项目 · "
                               f"{analysis['indicators']} 个指标")
    assert f"{analysis['failed']} 个文件未能审核" in headline and "1 个重复文件" in headline

    failed = _section(rows, "未能审核的文件")
    assert [(r[1], r[2]) for r in failed] == [(f["name"], f["message"]) for f in analysis["failures"]]
    assert all(r[2].isascii() is False for r in failed)  # the reason a budget office reads is Chinese
    assert any("压缩包中的压缩包" in r[2] for r in failed) and any("内容为空" in r[2] for r in failed)
    duplicates = _section(rows, "重复的文件")
    assert [(r[1], r[2]) for r in duplicates] == [(d["name"], d["same_as"]) for d in analysis["duplicates"]]
    # One sheet per counted document, besides the summary.
    assert len(_section(rows, "文档排名")) == analysis["documents"]
    html = (office / "report.html").read_text(encoding="utf-8")
    assert f"未能审核的文件（{analysis['failed']}）" in html and "重复的文件（1）" in html


def test_report_rebuilds_the_same_workbook(office, tmp_path):
    result = _run("report", str(office / "results.jsonl"), "--out", str(tmp_path), "--no-models")
    assert result.exit_code == 1, result.output  # the office's failed files, as batch said (exit 1)
    for name in ("report.xlsx", "report.html", "analysis.json"):
        assert (tmp_path / name).read_bytes() == (office / name).read_bytes(), name


def test_an_export_from_the_page_has_no_batch_sections(tmp_path):
    """The API's export writes the same workbook without failed or duplicate files: its
    summary reads as before."""
    from scorer.parsers import parse_path
    from scorer.pipeline import Scorer
    from scorer.report.xlsx import write_annotated_workbook

    result = Scorer(resources={}).score_document(parse_path(SEED_000))
    write_annotated_workbook([result], tmp_path / "one.xlsx")
    rows = _summary_rows(tmp_path / "one.xlsx")
    assert rows[1][0].endswith("个指标")
    assert not any(row and str(row[0]).startswith(("未能审核", "重复的文件")) for row in rows)


# -- the maintainer: a retrain that cannot run says why, and touches no model ----------------

def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def models_copy(tmp_path):
    """A copy of the shipped model stores (never the live one): a failed retrain must leave it as it was."""
    copy = tmp_path / "models"
    shutil.copytree(ROOT / "models", copy)
    return copy


def _corpus_lines(n: int) -> list[str]:
    return (ROOT / "corpus" / "indicators.tsv").read_text(encoding="utf-8").splitlines(keepends=True)[:n]


@pytest.mark.parametrize(("content", "extra", "says"), [
    ("", [], "has no usable rows (an empty file, or a header alone)"),
    (None, ["--skip-bad"], "has no usable rows (39 bad lines; zhibiao corpus check lists them)"),
])
def test_a_corpus_without_rows_is_named_with_why(models_copy, tmp_path, content, extra, says):
    corpus = tmp_path / "语料 2025.tsv"
    if content is None:
        # level1 column missing: every line is bad; --skip-bad keeps none
        lines = _corpus_lines(40)
        content = "".join("\t".join(c for i, c in enumerate(line.rstrip("\n").split("\t")) if i != 5) + "\n"
                          for line in lines)
    corpus.write_text(content, encoding="utf-8")
    before = _tree(models_copy)
    result = _run("train", "--corpus", str(corpus), "--out", str(models_copy), "--cv-folds", "0", *extra)
    assert result.exit_code == 2, result.output
    assert f"nothing to train on: {corpus} {says}" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert _tree(models_copy) == before


def test_labels_in_too_few_documents_are_listed_with_the_file(models_copy, tmp_path):
    corpus = tmp_path / "small.tsv"
    corpus.write_text("".join(_corpus_lines(12)), encoding="utf-8")  # one source document
    before = _tree(models_copy)
    result = _run("train", "--corpus", str(corpus), "--out", str(models_copy), "--cv-folds", "0")
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert f"{corpus}: the corpus needs at least 2 labels" in output and "in too few documents: 数量" in output
    assert _tree(models_copy) == before


def test_a_relevance_retrain_on_an_empty_corpus_says_so(models_copy, tmp_path, monkeypatch):
    """Once "needs rows from at least 5 source documents …; found 0", which named no file."""
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    corpus = tmp_path / "empty.tsv"
    corpus.write_text("".join(_corpus_lines(1)), encoding="utf-8")  # the header alone
    before = _tree(models_copy)
    result = _run("train", "--task", "relevance", "--corpus", str(corpus), "--out", str(models_copy))
    assert result.exit_code == 2, result.output
    assert f"nothing to train on: {corpus} has no usable rows (an empty file, or a header alone)" in \
        " ".join(result.output.split())
    assert _tree(models_copy) == before


def test_a_named_pipe_in_the_folder_fails_alone_instead_of_hanging_the_batch(tmp_path):
    """A FIFO (or a link to a device) named like a table was read as a file: the read
    waited for a writer forever and the batch never finished."""
    import os
    import threading

    from scorer.batch.discover import discover
    from scorer.batch.worker import ScoreOptions, Task, score_task

    folder = tmp_path / "申报"
    folder.mkdir()
    shutil.copy(SEED_000, folder / "教育局.txt")
    os.mkfifo(folder / "管道.txt")
    sources = {s.name.rsplit("/", 1)[-1]: s for s in discover([folder])}
    outcomes = {}

    def score_all() -> None:
        for name, source in sources.items():
            outcomes[name] = score_task(Task(source=source, options=ScoreOptions(use_models=False)))

    worker = threading.Thread(target=score_all, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "reading the pipe hung"
    assert outcomes["教育局.txt"].status == "ok"
    piped = outcomes["管道.txt"]
    assert piped.status == "failed" and "not a regular file" in piped.error
    assert piped.message.startswith("这不是普通文件")


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_score_on_a_folder_or_zip_points_to_batch(tmp_path, kind):
    """``zhibiao score 申报/`` said only "这是文件夹，不是文件", and a .zip "既不是 .docx 也不是 .xlsx"."""
    folder = tmp_path / "申报 2025"
    folder.mkdir()
    shutil.copy(SEED_000, folder / "教育局.txt")
    target = folder
    if kind == "zip":
        target = tmp_path / "申报.zip"
        with zipfile.ZipFile(target, "w") as zf:
            zf.write(SEED_000, "教育局.txt")
    result = _run("score", "--no-models", str(target))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"zhibiao batch {target} --out" in " ".join(result.output.split())
    plain = _run("score", "--no-models", str(tmp_path / "坏.docx"))
    assert "zhibiao batch" not in plain.output  # a missing file is not told to batch


def test_an_upload_refused_for_its_type_is_kept_with_why(scoring_client):
    """A .wps or .et (WPS's own formats) or a PDF got 415 and was gone: the submissions the
    parser failed on were kept, the ones refused a step earlier were not."""
    from sqlalchemy import select

    from api.db import Submission

    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    r = scoring_client.post("/v1/score/file", files={"file": ("2025 预算 绩效.et", data, "application/octet-stream")})
    _error(r, 415, "unsupported_media_type")
    body = scoring_client.post("/v1/score", content=b"a,b", headers={"Content-Type": "application/pdf"})
    _error(body, 415, "unsupported_media_type")
    with scoring_client.app.state.service.db.session() as session:
        kept = session.execute(select(Submission.filename, Submission.content, Submission.result_summary)).all()
    assert any(row.filename == "2025 预算 绩效.et" and row.content == data and row.result_summary["error"]
               for row in kept)
    assert any(row.content == b"a,b" and "application/pdf" in row.result_summary["error"] for row in kept)


def test_an_out_folder_that_cannot_be_made_is_a_usage_error_not_a_traceback(office, tmp_path):
    """``--out`` under a file (a typo, a path on another machine's layout): batch printed
    a NotADirectoryError traceback and exited 1, as if files had failed; report printed
    "[Errno 17] File exists"."""
    a_file = tmp_path / "说明.txt"
    a_file.write_text("x", encoding="utf-8")
    batch = _run("batch", str(SEED_000), "--out", str(a_file / "结果"), "--no-models")
    assert batch.exit_code == 2 and "Traceback" not in batch.output  # (an uncaught error exits 1)
    assert f"{a_file / '结果'}: cannot write the batch results here (Not a directory" in " ".join(batch.output.split())
    onto_file = _run("report", str(office), "--out", str(a_file), "--no-models")
    assert onto_file.exit_code == 2 and "is a file; give a folder for the reports" in onto_file.output
    under_file = _run("report", str(office), "--out", str(a_file / "报告"), "--no-models")
    assert under_file.exit_code == 2 and "Traceback" not in under_file.output
    assert f"cannot write the reports into {a_file / '报告'}" in " ".join(under_file.output.split())


def test_feedback_export_to_a_path_that_cannot_be_written_says_which(tmp_path, monkeypatch):
    """``zhibiao feedback export --out 不存在的目录/x.tsv`` printed a FileNotFoundError traceback."""
    from api.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ZHIBIAO_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        missing = _run("feedback", "export", "--out", str(tmp_path / "没有的目录" / "corrections.tsv"))
        assert missing.exit_code == 2 and "Traceback" not in missing.output
        assert f"its folder {tmp_path / '没有的目录'} does not exist" in " ".join(missing.output.split())
        folder = _run("feedback", "export", "--out", str(tmp_path))
        assert folder.exit_code == 2 and "is a folder; give a file name" in folder.output
        # --out is fine, --findings-out is not: nothing written, not even an empty --out
        refused = _run("feedback", "export", "--out", str(tmp_path / "corrections.tsv"),
                       "--findings-out", str(tmp_path / "没有的目录" / "wrong.tsv"))
        assert refused.exit_code == 2 and not (tmp_path / "corrections.tsv").exists()
        fine = _run("feedback", "export", "--out", str(tmp_path / "corrections.tsv"))
        assert fine.exit_code == 0, fine.output
        assert (tmp_path / "corrections.tsv").read_text(encoding="utf-8").startswith("source\t")
    finally:
        get_settings.cache_clear()


def test_train_into_a_store_that_cannot_be_made_stops_before_training(tmp_path):
    """--out under a file was found only after the fit (minutes on the full corpus), as
    "[Errno 20] Not a directory"."""
    a_file = tmp_path / "models.txt"
    a_file.write_text("x", encoding="utf-8")
    corpus = tmp_path / "small.tsv"
    corpus.write_text("".join(_corpus_lines(12)), encoding="utf-8")
    result = _run("train", "--corpus", str(corpus), "--out", str(a_file / "store"), "--cv-folds", "0")
    assert result.exit_code == 2, result.output
    assert f"--out {a_file / 'store'}: cannot create the model store folder (Not a directory)" in \
        " ".join(result.output.split())
