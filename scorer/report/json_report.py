"""The JSON form of scored documents: one object for one file, a list for several."""

from __future__ import annotations

import json

from scorer.results import ScoredDocument


def render_json(results: list[ScoredDocument]) -> str:
    payload = [r.model_dump(mode="json") for r in results]
    return json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2)
