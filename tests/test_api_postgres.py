"""The API's storage on PostgreSQL (any SQLAlchemy URL works; .ci/run starts a server
and sets ZHIBIAO_TEST_DATABASE_URL). Migrations, submissions and feedback round-trip."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db import Feedback, Submission
from api.main import create_app
from api.settings import Settings
from tests.conftest import SEED_000

URL = os.environ.get("ZHIBIAO_TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(not URL, reason="no PostgreSQL: set ZHIBIAO_TEST_DATABASE_URL (.ci/run starts one)")


def test_score_and_feedback_stored_in_postgres(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=URL)
    with TestClient(create_app(settings)) as client:
        r = client.post("/v1/score", content=SEED_000.read_bytes(), headers={"Content-Type": "text/plain"})
        assert r.status_code == 200
        sha = r.json()["document"]["sha256"]
        fb = client.post("/v1/feedback", json={"document_sha256": sha, "kind": "finding_wrong", "code": "ZB-M002"})
        assert fb.status_code == 201
        service = client.app.state.service
        assert service.db.engine.dialect.name == "postgresql"
        with service.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Submission).where(Submission.sha256 == sha)) >= 1
            stored = session.get(Feedback, fb.json()["id"])
            assert stored.code == "ZB-M002"
