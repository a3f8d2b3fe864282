"""The versioned model store: hashes before loading, atomic pointer, gated promotion."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import joblib
import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from scorer.modelstore import MODEL, ModelIntegrityError, ModelStore, ModelStoreError, load_current_model
from scorer.modelstore.card import render_markdown
from scorer.modelstore.store import BASELINE, REGISTRY

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def card(l1: float, l2: float) -> dict:
    figures = {"l1_accuracy": l1, "l2_macro_f1": l2, "l2_accuracy": l2}
    return {"summary": figures, "metrics": {"model": figures}, "disagreement": {"threshold": 0.6}, "training": {"documents": []}}


def add(store: ModelStore, name: str, l1: float = 0.8, l2: float = 0.6) -> str:
    # The store does not care what the artifact is; a small picklable object keeps tests fast.
    return store.add_version({MODEL: {"model": name}, BASELINE: {"baseline": name}}, card(l1, l2), render_markdown)


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models")


def test_a_new_version_is_registered_but_not_current(store: ModelStore):
    version = add(store, "a")
    registry = store.read_registry()
    assert registry.current is None and list(registry.versions) == [version]
    files = registry.versions[version]["files"]
    assert set(files) == {MODEL, BASELINE, "card.json", "README.md"}
    assert {p.name for p in (store.root / version).iterdir()} == set(files)
    assert not [p for p in store.root.iterdir() if p.name.startswith(".tmp-")]
    assert store.card(version)["artifacts"][MODEL]["sha256"] == files[MODEL]
    with pytest.raises(ModelStoreError, match="no current model"):
        store.load()


def test_promote_load_and_rollback(store: ModelStore):
    first, second = add(store, "a"), add(store, "b")
    assert store.promote(first) is None
    assert store.load().estimator == {"model": "a"}
    assert store.promote(second) == first
    assert store.load().version == second
    assert store.rollback() == first
    assert store.current_version() == first
    with pytest.raises(ModelStoreError, match="nothing to roll back"):
        store.rollback()
    with pytest.raises(ModelStoreError, match="unknown model version"):
        store.promote("nope")


@pytest.mark.parametrize("name", [MODEL, "card.json"])
def test_a_tampered_file_is_refused_before_joblib_sees_it(store: ModelStore, monkeypatch, name: str):
    version = add(store, "a")
    store.promote(version)
    path = store.root / version / name
    path.write_bytes(path.read_bytes() + b"\n")
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("joblib.load on an unverified file"))
    with pytest.raises(ModelIntegrityError, match="does not match the registry"):
        store.load(version)
    with pytest.raises(ModelIntegrityError):
        store.promote(version)


def test_a_directory_outside_the_registry_is_never_loaded(store: ModelStore):
    version = add(store, "a")
    (store.root / "rogue").mkdir()
    joblib.dump({"evil": True}, store.root / "rogue" / MODEL)
    with pytest.raises(ModelStoreError, match="unknown model version 'rogue'"):
        store.load("rogue")
    (store.root / version / BASELINE).unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        store.verify(version)


def test_an_interrupted_write_changes_nothing(store: ModelStore, monkeypatch):
    current = add(store, "a")
    store.promote(current)
    before = store.registry_path.read_bytes()

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "rename", crash)
    with pytest.raises(KeyboardInterrupt):
        add(store, "b")
    assert store.registry_path.read_bytes() == before
    assert sorted(p.name for p in store.root.iterdir() if not p.name.startswith(".registry")) == sorted([current, REGISTRY])


def test_the_same_model_written_twice_gets_two_names(store: ModelStore):
    first, second = add(store, "same"), add(store, "same")
    assert first != second
    assert store.card(second)["version"] == second
    store.verify(first)
    store.verify(second)


def test_concurrent_writers_all_land_in_the_registry(store: ModelStore):
    threads = [threading.Thread(target=add, args=(store, str(i))) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.versions()) == 4


def test_a_running_process_picks_up_a_promotion(store: ModelStore):
    first, second = add(store, "a"), add(store, "b")
    store.promote(first)
    served = load_current_model(store.root)
    assert served.version == first
    assert load_current_model(store.root) is served  # cached while nothing changed
    store.promote(second)
    assert load_current_model(store.root).version == second


def test_models_dir_from_the_environment(store: ModelStore, monkeypatch):
    store.promote(add(store, "a"))
    monkeypatch.setenv("ZHIBIAO_MODELS_DIR", str(store.root))
    assert load_current_model().estimator == {"model": "a"}


def test_the_shipped_model_is_registered_verified_and_small():
    shipped = ModelStore(ROOT / "models")
    version = shipped.current_version()
    assert version is not None
    shipped.verify(version)
    size = sum(p.stat().st_size for p in (ROOT / "models" / version).iterdir())
    assert size < 5 * 1024 * 1024
    card = shipped.card(version)
    for key in ("created_at", "labels", "metrics", "libraries", "disagreement", "corpus"):
        assert key in card
    assert len(card["corpus"]["sha256"]) == 64 and card["corpus"]["rows_used"] > 500
    assert any(band["reached"] for band in card["disagreement"]["bands"])


# -- the command line ------------------------------------------------------------------


def models_cli(store: ModelStore, *args: str):
    return runner.invoke(app, ["models", *args, "--models-dir", str(store.root)])


def test_list_show_promote_rollback_commands(store: ModelStore):
    first, second = add(store, "a", 0.80, 0.60), add(store, "b", 0.81, 0.61)
    assert models_cli(store, "promote", first).exit_code == 0
    result = models_cli(store, "promote", second)
    assert result.exit_code == 0, result.output
    assert "current 0.800, candidate 0.810" in result.output
    listing = json.loads(models_cli(store, "list", "--format", "json").output)
    assert listing["current"] == second and listing["history"] == [first]
    assert second in models_cli(store, "list").output
    assert json.loads(models_cli(store, "show", first, "--format", "json").output)["version"] == first
    assert "level classifier" in models_cli(store, "show").output
    rolled = models_cli(store, "rollback")
    assert rolled.exit_code == 0 and f"current model: {first}" in rolled.output


def test_promotion_of_a_worse_model_is_refused_with_both_figures(store: ModelStore):
    good, worse = add(store, "good", 0.90, 0.70), add(store, "worse", 0.90, 0.60)
    store.promote(good)
    refused = models_cli(store, "promote", worse)
    assert refused.exit_code == 2
    assert "l2_macro_f1: current 0.700, candidate 0.600 (worse)" in refused.output
    assert "refused" in refused.output
    assert store.current_version() == good
    assert models_cli(store, "promote", worse, "--margin", "0.2").exit_code == 0
    store.promote(good)
    forced = models_cli(store, "promote", worse, "--force")
    assert forced.exit_code == 0 and store.current_version() == worse


@pytest.mark.parametrize("rows, promoted", [(29, False), (30, True)])
def test_the_gate_decides_nothing_on_too_few_rows_even_forced(store: ModelStore, rows: int, promoted: bool):
    from scorer.modelstore.gate import Comparison, TooFewRows, promote_gated

    good, same = add(store, "good", 0.90, 0.70), add(store, "same", 0.90, 0.70)
    store.promote(good)
    figures = {"l1_accuracy": 0.9, "l2_macro_f1": 0.7}

    def compare(current, candidate):
        return Comparison({"current": figures, "candidate": figures}, rows, "new.tsv")

    if promoted:
        done = promote_gated(store, same, compare=compare, force=True)
        assert done.decision.basis == "30 rows of new.tsv that neither model trained on"
    else:
        with pytest.raises(TooFewRows, match="only 29 rows of new.tsv"):
            promote_gated(store, same, compare=compare, force=True)
    assert store.current_version() == (same if promoted else good)


def test_user_errors_are_one_line_and_exit_2(store: ModelStore):
    version = add(store, "a")
    unknown = models_cli(store, "promote", "nope")
    assert unknown.exit_code == 2 and "unknown model version" in unknown.output
    (store.root / version / MODEL).write_bytes(b"tampered")
    tampered = models_cli(store, "promote", version)
    assert tampered.exit_code == 2 and "refusing to load a modified model" in tampered.output
    assert "Traceback" not in tampered.output
    assert models_cli(store, "rollback").exit_code == 2


@pytest.mark.parametrize("args, message", [
    (["models", "list", "--models-dir", "/nonexistent/models"], "no such folder"),
    (["train", "--corpus", "corpus/indicators.tsv", "--skip-bad", "--cv-folds", "1"], "--cv-folds must be 0"),
])
def test_model_commands_refuse_what_cannot_be_meant(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
