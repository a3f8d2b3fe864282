"""The exported JSON schema is versioned and kept in step with the model."""

from __future__ import annotations

import json
from pathlib import Path

from scorer.document import SCHEMA_VERSION, Document, json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "schema" / f"document-{SCHEMA_VERSION}.json"


def test_committed_schema_matches_model():
    # A model change without a schema bump and `zhibiao schema > docs/schema/…` fails here.
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()


def test_document_json_round_trip(seed_docs):
    for doc in seed_docs.values():
        again = Document.model_validate_json(doc.model_dump_json())
        assert again == doc
        assert again.schema_version == SCHEMA_VERSION
