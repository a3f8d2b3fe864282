"""Training, evaluation and the label audit, end to end on slices of the real corpus.

Nothing here trains on the full corpus: the slices are whole source documents, small
enough that a training run with its cross-validation takes a few seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from scorer.modelstore import ModelStore
from training.audit import audit
from training.corpus import read_corpus
from training.dataset import group_id, grouped_split, learnable
from training.evaluate import EvalError, EvalRequest, compare_on_corpus, run_task
from training.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "indicators.tsv"
runner = CliRunner()


def documents_slice(path: Path, first: int, last: int, extra_lines: tuple[str, ...] = ()) -> Path:
    """The corpus rows of source documents number first..last-1 (in file order)."""
    header, *lines = CORPUS.read_text(encoding="utf-8").splitlines()
    sources: list[str] = []
    for line in lines:
        source = line.split("\t")[0]
        if source not in sources:
            sources.append(source)
    wanted = set(sources[first:last])
    kept = [line for line in lines if line.split("\t")[0] in wanted]
    path.write_text("\n".join([header, *kept, *extra_lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("corpora")
    return {
        "train": documents_slice(tmp / "train.tsv", 0, 40),
        "unseen": documents_slice(tmp / "unseen.tsv", 40, 60),
        "bad": documents_slice(tmp / "bad.tsv", 0, 40, ("x\ty", "doc\t\t\t\t\t效益指标\t社会、经济、生态效益指标\t费用减少率\t\t5%\t")),
    }


@pytest.fixture(scope="module")
def trained(corpora, tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    return train([corpora["train"]], models, config=TrainConfig(cv_folds=2))


def test_training_writes_a_new_version_with_its_card(trained):
    store = ModelStore(trained.path.parent)
    assert store.current_version() is None  # never current until promoted
    card = trained.card
    assert card["version"] == trained.version
    assert card["corpus"]["documents_test"] > 0 and card["corpus"]["rows_train"] > card["corpus"]["rows_test"]
    assert set(card["metrics"]) >= {"model", "baseline", "cv"}
    assert card["metrics"]["cv"]["folds"] == 2
    assert 0 < card["disagreement"]["threshold"] <= 1
    assert (trained.path / "README.md").read_text(encoding="utf-8").startswith("# zhibiao level classifier")
    assert trained.seconds < 60


def test_train_and_test_documents_do_not_overlap(corpora):
    data, _ = learnable(read_corpus([corpora["train"]]).rows)
    train_set, test_set = grouped_split(data, 0.2, 0)
    assert not set(train_set.groups) & set(test_set.groups)
    assert len(train_set) + len(test_set) == len(data)


def test_eval_reproduces_the_held_out_figures(trained, corpora):
    report = run_task("level", EvalRequest([corpora["train"]], trained.path.parent, trained.version))
    result = report.as_dict()
    for name in ("model", "baseline"):
        assert result[name]["l2_macro_f1"] == pytest.approx(trained.card["metrics"][name]["l2_macro_f1"])
        assert result[name]["l1_accuracy"] == pytest.approx(trained.card["metrics"][name]["l1_accuracy"])
    assert result["skipped"]["training documents"] == trained.card["corpus"]["rows_train"]


def test_eval_on_unseen_documents_and_the_cli(trained, corpora):
    args = ["eval", "--corpus", str(corpora["unseen"]), "--skip-bad", "--models-dir", str(trained.path.parent), "--model", trained.version]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["task"] == "level" and payload["model"]["rows"] == payload["baseline"]["rows"] > 0
    assert set(payload["model"]) >= {"l1_accuracy", "l2_macro_f1", "per_class", "confusion"}
    text = runner.invoke(app, args)
    assert text.exit_code == 0 and "L2 macro-F1" in text.output and "confusion matrix (baseline)" in text.output
    unknown = runner.invoke(app, [*args, "--task", "nope"])
    assert unknown.exit_code == 2 and "unknown task 'nope'" in unknown.output


def test_eval_refuses_when_nothing_is_held_out(trained, corpora, tmp_path):
    seen = set(trained.card["training"]["documents"])
    header, *lines = corpora["train"].read_text(encoding="utf-8").splitlines()
    seen_only = tmp_path / "seen.tsv"
    kept = [line for line in lines if group_id(line.split("\t")[0]) in seen]
    seen_only.write_text("\n".join([header, *kept]) + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match="nothing to evaluate"):
        run_task("level", EvalRequest([seen_only], trained.path.parent, trained.version))


def test_a_bad_corpus_is_rejected_listing_every_line_and_nothing_is_written(corpora, tmp_path):
    models = tmp_path / "models"
    result = runner.invoke(app, ["train", "--corpus", str(corpora["bad"]), "--out", str(models), "--cv-folds", "0"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(lines) == 2 and "fields" in lines[0] and "unknown level2" in lines[1]
    assert not (models / "registry.json").exists()
    ok = runner.invoke(app, ["train", "--corpus", str(corpora["bad"]), "--out", str(models), "--cv-folds", "0", "--skip-bad"])
    assert ok.exit_code == 0, ok.output
    assert "not promoted" in ok.output and len(ModelStore(models).versions()) == 1


def test_training_that_cannot_succeed_leaves_the_store_alone(tmp_path):
    one_label = tmp_path / "one.tsv"
    header, *lines = CORPUS.read_text(encoding="utf-8").splitlines()
    one_label.write_text("\n".join([header, *(line for line in lines if "\t数量指标\t" in line)]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "--corpus", str(one_label), "--out", str(tmp_path / "models"), "--skip-bad"])
    assert result.exit_code == 2 and "at least 2 labels" in result.output
    assert not (tmp_path / "models" / "registry.json").exists()


def test_promotion_compared_on_the_same_unseen_rows(corpora, tmp_path):
    models = tmp_path / "models"
    first = train([corpora["train"]], models, config=TrainConfig(cv_folds=0, seed=0))
    second = train([corpora["train"]], models, config=TrainConfig(cv_folds=0, seed=1))
    store = ModelStore(models)
    store.promote(first.version)
    models_ = {"current": store.load(first.version), "candidate": store.load(second.version)}
    results, rows = compare_on_corpus([corpora["unseen"]], models_, skip_bad=True)
    assert rows > 0 and set(results) == {"current", "candidate"}
    result = runner.invoke(app, ["models", "promote", second.version, "--models-dir", str(models), "--corpus", str(corpora["unseen"]), "--skip-bad", "--margin", "1"])
    assert result.exit_code == 0, result.output
    assert f"rows of {corpora['unseen']} that neither model trained on" in result.output
    # A file that leaves a handful of unseen rows decides nothing: one row would be 0.1 of accuracy.
    header, *lines = corpora["unseen"].read_text(encoding="utf-8").splitlines()
    few = tmp_path / "few.tsv"
    few.write_text("\n".join([header, *lines[:8]]) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["models", "promote", first.version, "--models-dir", str(models), "--corpus", str(few),
                                  "--skip-bad", "--margin", "1"])
    assert refused.exit_code == 2 and "fewer than the 30 a comparison needs" in refused.output
    assert store.current_version() == second.version


def test_audit_ranks_suspicious_labels(corpora):
    data, _ = learnable(read_corpus([corpora["train"]]).rows)
    result = audit(data, {}, folds=3)
    assert result.rows == len(data) == len(result.suspects)
    qualities = [s.quality for s in result.suspects]
    assert qualities == sorted(qualities)
    assert 0 < result.issues < result.rows
    top = result.suspects[0]
    assert top.suggested != top.given and top.line > 1


def test_audit_command(corpora):
    result = runner.invoke(app, ["corpus", "audit", str(corpora["bad"]), "--top", "5", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "likely mislabeled" in result.output and "2 bad lines skipped" in result.output
    payload = json.loads(runner.invoke(app, ["corpus", "audit", str(corpora["train"]), "--top", "3", "--folds", "3", "--format", "json"]).output)
    assert len(payload["suspects"]) == 3 and payload["issues"] > 0
