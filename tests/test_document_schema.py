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


def test_documents_of_the_previous_schema_still_load():
    """1.1 added ``Project.indicator_columns``; a 1.0 document reads with it empty."""
    from scorer.parsers import parse_text

    old = json.loads((SCHEMA_FILE.parent / "document-1.0.json").read_text(encoding="utf-8"))
    assert "indicator_columns" not in old["$defs"]["Project"]["properties"]
    data = {"schema_version": "1.0", "projects": [{"name": "道路养护", "indicators": [{"name": "日常养护里程"}]}]}
    doc = parse_text(json.dumps(data, ensure_ascii=False), "old.json")
    assert doc.projects[0].indicator_columns == [] and doc.projects[0].indicators[0].name == "日常养护里程"
