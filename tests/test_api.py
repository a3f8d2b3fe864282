"""API tests through httpx (FastAPI's TestClient): scoring, rules, feedback, limits, errors."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.conftest import SEED_000, SEED_001


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("api-data")
    settings = Settings(data_dir=data, admin_key="s3cret", max_request_bytes=2 * 1024 * 1024,
                        max_unzipped_bytes=5 * 1024 * 1024)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    assert "Traceback" not in response.text
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True


def test_score_pasted_cell_text(client):
    r = client.post("/v1/score", content=SEED_001.read_bytes(), headers={"Content-Type": "text/plain; charset=utf-8"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["projects"]) == 16
    assert "X-Zhibiao-Version" in r.headers
    first = body["projects"][0]["indicators"][0]
    assert first["name"] == "完成率" and first["target"] == "≥60"
    assert {f["code"] for f in first["findings"]} >= {"ZB-M003", "ZB-S001"}
    assert body["department"]["grade"] in {"优", "良", "中", "差"}


def test_score_document_json_and_wrapped_text(client):
    parsed = client.post("/v1/parse", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"})
    assert parsed.status_code == 200
    doc = parsed.json()
    r = client.post("/v1/score", json=doc)
    assert r.status_code == 200 and len(r.json()["projects"]) == 11
    wrapped = client.post("/v1/score", json={"text": SEED_000.read_text(encoding="utf-8")})
    assert wrapped.status_code == 200
    assert wrapped.json()["department"]["score"] == r.json()["department"]["score"]
    # As Python's json.dumps writes it: Chinese escaped, "text" far from the start.
    body = json.dumps({"name": "某县交通运输局2024年农村公路养护项目绩效目标表" * 3,
                       "text": SEED_000.read_text(encoding="utf-8")}).encode()
    assert body.index(b'"text"') > 200
    escaped = client.post("/v1/score", content=body, headers={"Content-Type": "application/json"})
    assert escaped.status_code == 200, escaped.text
    assert escaped.json()["department"]["score"] == r.json()["department"]["score"]


def test_score_file_upload(client):
    r = client.post("/v1/score/file", files={"file": ("seed.txt", SEED_000.read_bytes(), "text/plain")})
    assert r.status_code == 200 and len(r.json()["projects"]) == 11


def test_rules_catalog(client):
    rules = client.get("/v1/rules").json()
    assert len(rules) >= 30 and all(r["code"].startswith("ZB-") for r in rules)
    one = client.get("/v1/rules/ZB-M001").json()
    assert one["code"] == "ZB-M001" and one["message"]
    _assert_error(client.get("/v1/rules/ZB-X999"), 404, "rule_not_found")


def test_feedback_stored(client):
    scored = client.post("/v1/score", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"}).json()
    sha = scored["document"]["sha256"]
    r = client.post("/v1/feedback", json={
        "document_sha256": sha, "kind": "finding_wrong", "code": "ZB-M002", "project_index": 0,
        "indicator_index": 1, "indicator": {"level1": "产出指标", "level3": "通过专家评审", "target_value": "通过评审"},
    })
    assert r.status_code == 201 and r.json()["status"] == "stored"
    _assert_error(client.post("/v1/feedback", json={"document_sha256": sha, "kind": "level_corrected"}), 422)
    _assert_error(client.post("/v1/feedback", json={"kind": "nonsense"}), 422, "invalid_request")
    # a number beyond what the database holds is bad input too, not a server error
    _assert_error(client.post("/v1/feedback", json={"document_sha256": sha, "kind": "false_positive",
                                                    "project_index": 10 ** 23}), 422, "invalid_request")


@pytest.mark.parametrize(("change", "code", "says"), [
    ({"document_sha256": "a" * 64}, "unknown_document", "请先提交审核"),
    ({"code": "ZB-X999"}, "invalid_request", "ZB-X999"),
    ({"project_index": 999}, "invalid_request", "没有第 1000 个"),
])
def test_feedback_about_nothing_scored_is_refused(client, change, code, says):
    """Feedback becomes retraining data: it must name a document this service scored, a
    check it has and a project of that document."""
    sha = client.post("/v1/score", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"}).json()
    body = {"document_sha256": sha["document"]["sha256"], "kind": "finding_wrong", "code": "ZB-M002",
            "project_index": 0, **change}
    r = client.post("/v1/feedback", json=body)
    _assert_error(r, 422, code)
    assert says in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"", "text/plain", 422, "unparsable"),
        (b"just some words, no table", "text/plain", 422, "unparsable"),
        (b"\x00\x01\x02binary", "text/plain", 422, "unparsable"),
        (b"{not json", "application/json", 422, "unparsable"),
        (b'{"projects": 5}', "application/json", 422, "unparsable"),
        (b"<table><tr><td>x</td></tr></table>", "text/html", 422, "unparsable"),
        (b"a,b", "application/pdf", 415, "unsupported_media_type"),
        (b"a,b", "", 415, "unsupported_media_type"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "unparsable"),    # nested too deeply
        (b'{"text": "' + b"[" * 100_000 + b'", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         "application/json", 422, "unparsable"),
        ('{"text": "项目名称 道路养护", "name": 5}'.encode(), "application/json", 422, "invalid_request"),
        (b'{"text": ["a"]}', "application/json", 422, "invalid_request"),
        (b'{"text": null}', "application/json", 422, "invalid_request"),
    ],
)
def test_bad_input_is_a_json_4xx(client, body, content_type, status, code):
    headers = {"Content-Type": content_type} if content_type else {}
    err = _assert_error(client.post("/v1/score", content=body, headers=headers), status, code)
    if status == 422 and code == "unparsable":
        # Chinese for the reviewer, saying what was expected; English only in the detail.
        assert err["detail"] and err["message"].startswith("无法读取")
        assert not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", err["message"].replace("zhibiao ", "")), err["message"]


def test_unparsable_error_is_located(client):
    err = _assert_error(client.post("/v1/score", content="a\tb\nc\td\n".encode(), headers={"Content-Type": "text/plain"}), 422)
    assert "expected" in err["detail"]


def test_request_too_large(client):
    big = b"x" * (2 * 1024 * 1024 + 10)
    _assert_error(client.post("/v1/score", content=big, headers={"Content-Type": "text/plain"}), 413, "too_large")


def test_too_many_indicators_is_413_and_kept(tmp_path):
    """A paste of thousands of rows would hold the server for minutes: past the limit it
    is refused with the count and where to go instead, and the submission is kept."""
    from sqlalchemy import select

    from api.db import Submission

    settings = Settings(data_dir=tmp_path, max_indicators=50)
    lines = [f"产出指标\t数量指标\t新建农村公路里程{i}\t≥{i}公里\n" for i in range(60)]
    rows = "".join(lines).encode()
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        err = _assert_error(c.post("/v1/score", content=rows, headers={"Content-Type": "text/plain"}), 413, "too_large")
        # (The parse stops at the first indicator past the limit: the total is not counted.)
        assert "指标多于 50 个" in err["message"] and "zhibiao batch" in err["message"]
        upload = c.post("/v1/score/file", files={"file": ("rows.tsv", rows, "text/tab-separated-values")})
        _assert_error(upload, 413, "too_large")
        under = "".join(lines[:50]).encode()
        assert c.post("/v1/score", content=under, headers={"Content-Type": "text/plain"}).status_code == 200
        with c.app.state.service.db.session() as session:
            kept = session.scalars(select(Submission.result_summary)).all()
    assert sum("ZHIBIAO_MAX_INDICATORS" in (summary or {}).get("error", "") for summary in kept) == 2


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (6 * 1024 * 1024))
    return buf.getvalue()


def test_upload_decompressing_past_limit(client):
    r = client.post("/v1/score/file", files={"file": ("bomb.docx", _zip_bomb(), "application/octet-stream")})
    _assert_error(r, 413, "too_large")
    # The same archive as a raw body, which the parser would sniff as a .docx.
    for route in ("/v1/score", "/v1/parse"):
        _assert_error(client.post(route, content=_zip_bomb(), headers={"Content-Type": "text/plain"}), 413, "too_large")


def test_upload_unsupported_suffix_and_corrupt_docx(client):
    _assert_error(client.post("/v1/score/file", files={"file": ("a.pdf", b"%PDF", "application/pdf")}), 415)
    err = _assert_error(client.post("/v1/score/file", files={"file": ("a.docx", b"PK\x03\x04junk", "x")}), 422)
    assert "a.docx" in err["detail"]
    # an old Word file is taken, to be told what to do with it
    err = _assert_error(client.post("/v1/score/file", files={"file": ("旧.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "x")}),
                        422)
    assert "save as .docx" in err["detail"]
    two = [("file", ("a.csv", b"x", "text/csv")), ("file", ("b.csv", b"y", "text/csv"))]
    _assert_error(client.post("/v1/score/file", files=two), 422, "invalid_request")


def test_unknown_route_and_method(client):
    _assert_error(client.get("/v1/nothing"), 404, "not_found")
    _assert_error(client.get("/v1/score"), 405)


def test_model_admin_needs_key(client):
    _assert_error(client.post("/v1/models/rollback"), 401, "unauthorized")
    _assert_error(client.post("/v1/models/rollback", headers={"X-API-Key": "wrong"}), 403, "forbidden")
    _assert_error(client.post("/v1/models/train"), 401)
    listing = client.get("/v1/models")
    assert listing.status_code == 200 and listing.json()["current"]


def test_markup_in_cells_comes_back_as_text(client):
    # Excel quotes a cell that starts with a quote and doubles the quote inside.
    text = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t<script>alert(1)</script>\t\"\"\"><img src=x onerror=alert(1)>\"\n"
    r = client.post("/v1/score", content=text.encode(), headers={"Content-Type": "text/plain"})
    assert r.status_code == 200
    ind = r.json()["projects"][0]["indicators"][0]
    assert ind["name"] == "<script>alert(1)</script>"
    assert ind["target"] == '"><img src=x onerror=alert(1)>'


def test_index_page_served_offline(client):
    page = client.get("/")
    assert page.status_code == 200 and "绩效目标表" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200


def test_openapi_lists_routes(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/score", "/v1/score/file", "/v1/rules", "/v1/feedback", "/v1/models"} <= set(spec["paths"])
    assert json.dumps(spec)


@pytest.fixture(scope="module")
def admin_client(tmp_path_factory):
    """An app over a scratch copy of the shipped model store, so promotions stay local."""
    import shutil

    from scorer.modelstore.current import default_models_dir

    root = tmp_path_factory.mktemp("admin")
    models = root / "models"
    shutil.copytree(default_models_dir(), models, ignore=shutil.ignore_patterns(".registry.lock", ".tmp-*"))
    settings = Settings(data_dir=root / "data", admin_key="s3cret", models_dir=str(models))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _finished_job(client, job_id: int, key: dict[str, str]) -> dict:
    """Poll a training job until it is done or failed (2 minutes at most)."""
    import time

    for _ in range(240):
        status = client.get(f"/v1/models/jobs/{job_id}", headers=key).json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    return status


def test_train_promote_rollback_cycle(admin_client):
    key = {"X-API-Key": "s3cret"}
    before = admin_client.get("/v1/models").json()
    job = admin_client.post("/v1/models/train", headers=key)
    assert job.status_code == 202
    status = _finished_job(admin_client, job.json()["job"], key)
    assert status["status"] == "done", status
    new = status["result"]["version"]
    # Training never changes the live model.
    assert admin_client.get("/v1/models").json()["current"] == before["current"]
    promoted = admin_client.post(f"/v1/models/{new}/promote", headers=key)
    if promoted.status_code == 409:
        # The candidate is judged on its own held-out documents and may fall short of the
        # shipped model's figures: the refusal says so with them, and force overrides it.
        assert "l1_accuracy" in promoted.json()["error"]["detail"]
        assert admin_client.get("/v1/models").json()["current"] == before["current"]
        promoted = admin_client.post(f"/v1/models/{new}/promote", params={"force": True}, headers=key)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["current"] == new
    # The running app picks the promotion up without a restart.
    r = admin_client.post("/v1/score", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"})
    assert r.json()["model_versions"]["level_classifier"] == new
    back = admin_client.post("/v1/models/rollback", headers=key)
    assert back.status_code == 200 and back.json()["current"] == before["current"]
    _assert_error(admin_client.post("/v1/models/no-such-version/promote", headers=key), 404)


def test_relevance_model_admin(admin_client, monkeypatch):
    """The relevance model's versions through the same endpoints (``?task=relevance``);
    its training job uses the hashing embedder here so the test needs no model files."""
    key = {"X-API-Key": "s3cret"}
    listing = admin_client.get("/v1/models", params={"task": "relevance"}).json()
    assert listing["task"] == "relevance" and listing["current"]
    older = [v["version"] for v in listing["versions"] if not v["current"]]
    assert older and all("cv_roc_auc" in v["summary"] for v in listing["versions"])
    promoted = admin_client.post(f"/v1/models/{older[0]}/promote", params={"task": "relevance"}, headers=key)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["current"] == older[0] and "roc_auc" in promoted.json()["gate"]
    back = admin_client.post("/v1/models/rollback", params={"task": "relevance"}, headers=key)
    assert back.status_code == 200 and back.json()["current"] == listing["current"]
    # the level classifier's pointer did not move
    assert admin_client.get("/v1/models").json()["task"] == "level"
    _assert_error(admin_client.get("/v1/models", params={"task": "embedder"}), 422, "unknown_task")
    _assert_error(admin_client.post("/v1/models/rollback", params={"task": "embedder"}, headers=key), 422)

    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    job_id = admin_client.post("/v1/models/train", params={"task": "relevance"}, headers=key).json()["job"]
    status = _finished_job(admin_client, job_id, key)
    assert status["status"] == "done", status
    after = admin_client.get("/v1/models", params={"task": "relevance"}).json()
    assert status["result"]["version"] in {v["version"] for v in after["versions"]}
    assert after["current"] == listing["current"]  # training never changes the live model


def test_a_job_orphaned_by_a_dead_server_is_marked_failed(tmp_path):
    """A training job whose server process died (kill -9) would say "running" forever; the
    next start of the server marks it failed. A job of a live process is left alone."""
    import os
    import socket

    from api.db import Database, Job
    from api.model_admin import ModelAdmin

    db = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    db.migrate()
    dead = 2 ** 22 + 12345  # above the default pid_max: no such process
    with db.session() as session:
        for pid in (dead, os.getpid()):
            session.add(Job(kind="train", status="running", params={"host": socket.gethostname(), "pid": pid}))
    ModelAdmin(db, None, None)
    with db.session() as session:
        jobs = {job.params["pid"]: (job.status, job.error) for job in session.query(Job)}
    assert jobs[dead][0] == "failed" and "interrupted" in jobs[dead][1]
    assert jobs[os.getpid()] == ("running", None)


def test_a_submission_that_cannot_be_read_is_kept_with_why(client):
    """Nothing a user submitted is lost: an unreadable paste or upload is stored with the
    parser's message, as a scored one is with its summary."""
    import hashlib

    from sqlalchemy import select

    from api.db import Submission

    body = "这不是一张表：没有指标，只有一句话。".encode()
    _assert_error(client.post("/v1/score", content=body, headers={"Content-Type": "text/plain"}), 422, "unparsable")
    upload = b"PK\x03\x04broken docx"
    _assert_error(client.post("/v1/score/file", files={"file": ("坏.docx", upload, "x")}), 422)
    with client.app.state.service.db.session() as session:
        kept = {row.sha256: row for row in session.scalars(select(Submission))}
        for content in (body, upload):
            row = kept[hashlib.sha256(content).hexdigest()]
            assert row.content == content and row.result_summary["error"]


def test_errors_name_files_without_server_paths(admin_client):
    """A model store error names the file, as the log does, but not where the server
    keeps it: a client learns nothing of the machine's layout."""
    from pathlib import Path

    from api.errors import public_text

    key = {"X-API-Key": "s3cret"}
    models = Path(admin_client.app.state.settings.models_dir)
    version = sorted(v["version"] for v in admin_client.get("/v1/models").json()["versions"])[0]
    artifact = models / version / "model.joblib"
    original = artifact.read_bytes()
    artifact.write_bytes(original + b"tampered")
    try:
        r = admin_client.post(f"/v1/models/{version}/promote", params={"force": True}, headers=key)
    finally:
        artifact.write_bytes(original)
    _assert_error(r, 404, "model_error")
    detail = r.json()["error"]["detail"]
    assert "model.joblib" in detail and "does not match" in detail
    assert str(models) not in r.text and "/tmp" not in r.text
    assert public_text(r"读取 C:\data\zhibiao\corpus.tsv 失败；见 GET /v1/rules") == "读取 corpus.tsv 失败；见 GET /v1/rules"


@pytest.mark.parametrize(("text", "public"), [
    ("model dir /work/main/models/classifier/2026 x", "model dir 2026 x"),
    ("(/root/.cache/zhibiao/embedders/e5/) missing", "(e5) missing"),
    ("~/zhibiao/models/x", "x"),
    ("D:/data/x/y.xlsx", "y.xlsx"),
    # values and routes are not paths
    ("指标值 ≥95%/年/人", "指标值 ≥95%/年/人"),
    ("「/元/人次」", "「/元/人次」"),
    ("ratio 3/4 and 2024/01/02", "ratio 3/4 and 2024/01/02"),
    ("交通/运输局", "交通/运输局"),
    ("see GET /v1/rules", "see GET /v1/rules"),
    ("http://x.com/a/b ok", "http://x.com/a/b ok"),
])
def test_public_text_cuts_paths_only(text, public):
    from api.errors import public_text

    assert public_text(text) == public
