"""The feedback loop: a reviewer's level correction, stored by the API, comes out of
`zhibiao feedback export` as a corpus file the trainer accepts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings, get_settings
from scorer.cli.main import app as cli
from tests.conftest import SEED_001
from training.corpus import load_corpus


def test_level_correction_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    record = {"project_name": "专项人员经费", "department": "定州市生态环境局", "level1": "效果指标",
              "level2": "社会效益指标", "level3": "参与政府决策活动次数", "target_value": "≥5次"}
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as client:
        scored = client.post("/v1/score", content=SEED_001.read_bytes(), headers={"Content-Type": "text/plain"})
        sha = scored.json()["document"]["sha256"]
        r = client.post("/v1/feedback", json={"document_sha256": sha, "kind": "level_corrected",
                                              "code": "ZB-ST013", "indicator": record,
                                              "level1": "产出指标", "level2": "数量指标"})
        assert r.status_code == 201
        # a correction that could never be exported is refused, not stored
        for bad in ({"indicator": None}, {"level1": "胡说", "level2": "八道"}):
            body = {"document_sha256": sha, "kind": "level_corrected", "indicator": record,
                    "level1": "产出指标", "level2": "数量指标", **bad}
            assert client.post("/v1/feedback", json=body).status_code == 422
        client.post("/v1/feedback", json={"document_sha256": sha, "kind": "finding_wrong",
                                          "code": "ZB-M002", "indicator": record})
    out, wrong = tmp_path / "corrections.tsv", tmp_path / "wrong.tsv"
    result = CliRunner().invoke(cli, ["feedback", "export", "--out", str(out), "--findings-out", str(wrong)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "1 level corrections" in result.output
    corpus = load_corpus([out])
    (row,) = corpus.rows
    assert (row.fields["level1"], row.fields["level2"], row.fields["level3"]) == ("产出指标", "数量指标", "参与政府决策活动次数")
    assert row.concept == "数量"
    assert "ZB-M002" in wrong.read_text(encoding="utf-8")
