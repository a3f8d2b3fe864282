from __future__ import annotations

import os
from pathlib import Path

import pytest

# Never reach for a model hub from a test.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED_000 = EXAMPLES / "000_625616916719a6fa.txt"
SEED_001 = EXAMPLES / "001_f5f4a8cbd5432af0.txt"
SEEDS = (SEED_000, SEED_001)


@pytest.fixture(scope="session")
def seed_docs():
    from scorer.parsers import parse_path

    return {p.name: parse_path(p) for p in SEEDS}
