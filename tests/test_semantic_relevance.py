"""The relevance model's data, training and ``zhibiao eval --task relevance`` (hashing
embedder, scratch model store); and that no evaluation document was trained on."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scorer.cli.main import app
from scorer.embeddings import HashingEmbedder
from scorer.modelstore.store import ModelStore, ModelStoreError
from scorer.semantic.domains import LIBRARY, OTHER
from scorer.semantic.frequency import fund_neutral
from scorer.semantic.relevance import (
    FEATURES,
    MONOTONIC,
    ProjectContext,
    RelevancePair,
    bare_name,
    embed_pairs,
    indicator_text,
    top_k_stable,
    unjudged,
)
from tests.conftest import ROOT
from training.corpus import load_corpus
from training.dataset import group_id
from training.relevance import (
    CORPUS,
    EVAL_SET,
    RelevanceConfig,
    best_f1_threshold,
    example_model,
    movable,
    moved_negatives,
    relevance_dir,
    relevance_label,
    labelled,
    labelled_draws,
    row_pairs,
    train_relevance,
    training_rows,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def positives():
    _, rows, _ = training_rows([CORPUS], [EVAL_SET])
    return row_pairs(rows)


def test_indicator_text_uses_a_description_that_says_more():
    assert indicator_text("完成率", "按照要求和计划完成研究任务的项目的比例") == "完成率：按照要求和计划完成研究任务的项目的比例"
    assert indicator_text("网格化设备在线率", "网格化设备在线率") == "网格化设备在线率"
    assert indicator_text("受益人数", "指标方向:正向") == "受益人数"


@pytest.mark.parametrize("name, bare", [
    ("指标1:验收通过率", "验收通过率"), ("指标3：文明施工", "文明施工"), ("(2)培训人次", "培训人次"),
    ("3、覆盖率", "覆盖率"), ("★补助种植数量", "补助种植数量"), ("一、产出", "产出"),
    ("1.5万人次", "1.5万人次"), ("2020年完成", "2020年完成"), ("88", "88"), ("★", "★"),
])
def test_row_numbering_is_not_part_of_the_indicator(name, bare):
    assert bare_name(name) == bare


def test_numbered_siblings_are_compared_without_their_numbers():
    project = ProjectContext("市级文物保护专项经费")
    pair = RelevancePair("指标1:全县参合人数", "", project, siblings=("指标1:验收通过率", "指标2:工程质量管理"))
    assert pair.text == "全县参合人数" and pair.sibling_texts == ("验收通过率", "工程质量管理")
    X = embed_pairs([pair], HashingEmbedder())
    numbered = embed_pairs([RelevancePair("全县参合人数", "", project, siblings=("验收通过率", "工程质量管理"))],
                           HashingEmbedder())
    np.testing.assert_allclose(X.siblings[0], numbered.siblings[0])


def test_every_feature_has_a_monotonic_constraint():
    assert set(MONOTONIC) == set(FEATURES) and set(MONOTONIC.values()) <= {-1, 0, 1}


def test_vague_goals_are_not_purposes():
    context = ProjectContext("招商引资工作经费", "用于完成招商引资任务", ("按政府要求完成工作", "完成招商引资任务"))
    assert context.purposes == ("用于完成招商引资任务", "完成招商引资任务")
    assert context.texts[0] == "招商引资工作经费"


def test_each_line_of_the_fund_use_is_a_purpose():
    """A 部门整体支出 table's 资金用途 is its duties and then one 活动 per line: each is
    a purpose of its own, so a row is compared with its activity, not with the whole list."""
    context = ProjectContext("部门整体支出", "1.负责促进就业工作；2.负责社会保障。\n促进就业\n就业创业补贴发放\n  \n",
                             ("城镇新增就业2.6万人",))
    assert context.purposes == ("1.负责促进就业工作；2.负责社会保障。", "促进就业", "就业创业补贴发放", "城镇新增就业2.6万人")


def test_rows_know_their_siblings(positives):
    pair = positives[0]
    table = [p for p in positives if p.project_group == pair.project_group and p.project.name == pair.project.name]
    assert len(pair.siblings) == len(table) - 1 and pair.name not in pair.siblings[:0]


def test_moved_negatives_cross_kinds_and_documents(positives):
    moved = moved_negatives(positives, seed=3)
    assert len(moved) > 0.4 * len(positives)
    for index, negative in moved:
        donor = positives[index]
        assert movable(donor) and donor.project.kind not in (LIBRARY, OTHER)
        assert negative.project.kind != donor.project.kind and negative.project_group != donor.project_group
        assert negative.indicator_group == donor.indicator_group and donor.name not in negative.siblings
    assert moved_negatives(positives, seed=3) == moved  # deterministic
    assert not any(movable(p) for p in positives if p.name in ("群众满意度", "资金支付及时率", "完成率"))


@pytest.mark.parametrize("name, neutral", [
    ("完成时限", True), ("项目维持时效", True), ("案件办理及时率", True), ("完成及时率(≥**%)", True),
    ("2020年12月完成", True), ("培训费", True), ("检查差旅费", True), ("车辆购置成本", True),
    ("完成率", False), ("资金到位率", False), ("新建污水处理站数量", False), ("2020年新增造林面积", False),
    ("参与政府决策活动次数", False),
])
def test_time_and_cost_indicators_are_fund_neutral(name, neutral):
    assert fund_neutral(name) is neutral


def test_unjudged_rows_are_never_moved_nor_flagged(positives):
    """Rows training never makes negatives of get probability 0: time and cost, generic
    names with nothing more, satisfaction, and names that name nothing (ZB-S004's)."""
    assert not any(movable(p) for p in positives if unjudged(p))
    assert any(unjudged(p) for p in positives) and any(movable(p) for p in positives)
    embedder = HashingEmbedder()
    model = example_model(embedder)
    project = ProjectContext("专项人员经费", "保障劳务派遣人员工资")
    unjudged_names = ["完成时限", "培训费", "全年", "效果显著", "群众满意度", "12月底之前完成", "2022年全年", "88"]
    pairs = [RelevancePair(name, "", project) for name in unjudged_names]
    pairs += [RelevancePair("参与政府决策活动次数", "", project),
              # a generic name whose description says what it counts is judged
              RelevancePair("完成率", "按照要求和计划完成研究任务的项目在所有立项项目中的比例", project)]
    probabilities = model.mismatch_probability(embed_pairs(pairs, embedder))
    assert (probabilities[:len(unjudged_names)] == 0.0).all() and (probabilities[len(unjudged_names):] > 0.0).all()


def test_a_pairs_features_do_not_depend_on_its_batch(positives):
    """The features are computed for all pairs at once; each row must be what the pair
    alone gives (and what the knn part says of it: its own documents never count)."""
    embedder = HashingEmbedder()
    model = example_model(embedder)
    pairs = positives[:40] + [n for _, n in moved_negatives(positives[:200], seed=1)][:20]
    together = model.features.transform(embed_pairs(pairs, embedder))
    alone = np.vstack([model.features.transform(embed_pairs([p], embedder)) for p in pairs[::7]])
    np.testing.assert_allclose(together[::7], alone, rtol=1e-5, atol=1e-5)
    assert np.isfinite(together).all()


def test_features_have_the_declared_columns(positives):
    from scorer.semantic.relevance import RelevanceFeatures

    pairs = positives[:40]
    X = embed_pairs(pairs, HashingEmbedder())
    features = RelevanceFeatures().fit(X, np.ones(len(pairs), int)).transform(X)
    assert features.shape == (40, len(FEATURES)) and np.isfinite(features).all()


def test_neighbours_of_the_same_kind_raise_the_fit(positives):
    """``knn_kind``: the share of the nearest corpus indicators' weight that sits in
    projects of the pair's kind; 0.5 when the project has no kind."""
    from scorer.semantic.relevance import RelevanceFeatures

    embedder = HashingEmbedder()
    features = RelevanceFeatures().fit(embed_pairs(positives, embedder))
    column = FEATURES.index("knn_kind")
    school, nowhere = ProjectContext("学生营养改善计划", department="县教育局"), ProjectContext("专项经费")
    pairs = [RelevancePair("学生营养餐供应天数", "", school, "a", "a"),
             RelevancePair("学生营养餐供应天数", "", nowhere, "a", "a")]
    out = features.transform(embed_pairs(pairs, embedder))[:, column]
    assert school.kind == "教育" and out[0] > 0.5 and nowhere.kind == OTHER and out[1] == 0.5


def test_a_model_fitted_on_other_features_is_refused(hashing_store):
    """A version saved before the features changed (a rollback, an old models directory)
    is refused with the reason, instead of failing on every document."""
    from training.relevance import load_relevance_model

    models, version, _ = hashing_store
    model, _, _ = load_relevance_model(models, version)
    assert model.incompatibility() is None
    model.feature_names = FEATURES[:-1]
    assert "other features" in model.incompatibility()
    del model.feature_names
    assert "older zhibiao" in model.incompatibility()
    store = ModelStore(relevance_dir(models))
    old = store.add_version({"model.joblib": model, "baseline.joblib": store.load_artifact(version, "baseline.joblib")},
                            store.card(version), lambda card: "old\n")
    with pytest.raises(ModelStoreError, match="cannot be used: it was saved by an older zhibiao"):
        load_relevance_model(models, old)


def test_best_f1_threshold_separates_cleanly():
    scores = np.array([0.9, 0.8, 0.7, 0.3, 0.2])
    truth = np.array([True, True, True, False, False])
    assert 0.3 < best_f1_threshold(truth, scores) < 0.7


def test_evaluation_documents_were_never_trained_on():
    store = ModelStore(relevance_dir(ROOT / "models"))
    card = store.card(store.current_version())
    trained = set(card["training"]["documents"])
    rows = load_corpus([EVAL_SET], skip_bad=True).rows
    used = {group_id(r.group) for r in rows} | {group_id(r.fields["indicator_source"]) for r in rows
                                                if r.fields["indicator_source"]}
    assert trained and used and not trained & used
    labels = {r.fields["label"] for r in rows}
    assert labels == {"ok", "mismatch", ""}


@pytest.fixture(scope="module")
def hashing_store(tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    version, card = train_relevance([CORPUS], models, HashingEmbedder(), config=RelevanceConfig(folds=3, draws=2))
    return models, version, card


def test_training_writes_a_current_version_with_its_card(hashing_store):
    models, version, card = hashing_store
    assert ModelStore(relevance_dir(models)).current_version() == version
    assert card["embedder"] == HashingEmbedder().model_id and set(card["features"]) == set(FEATURES)
    assert card["metrics"]["cv"]["model"]["roc_auc"] > 0.5 and 0 < card["threshold"] < 1
    assert (relevance_dir(models) / version / "README.md").read_text(encoding="utf-8").startswith("# zhibiao relevance model")


def test_eval_command_reports_model_and_baseline(hashing_store, monkeypatch):
    models, version, _ = hashing_store
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    result = runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(EVAL_SET), "--models-dir", str(models),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["version"] == version and report["task"] == "relevance"
    for name in ("model", "baseline"):
        assert {"roc_auc", "precision", "recall", "f1", "threshold"} <= set(report[name])
        assert report[name]["rows"] == 272 and report[name]["mismatches"] == 91
    assert {"seed 001", "corpus moved"} <= set(report["by_origin"])
    text = runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(EVAL_SET), "--models-dir", str(models)])
    assert text.exit_code == 0 and "ROC-AUC" in text.output and "baseline" in text.output


def test_eval_errors_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    none = runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(EVAL_SET), "--models-dir", str(tmp_path)])
    assert none.exit_code == 2 and "no relevance model" in none.output and "Traceback" not in none.output
    other = runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(EVAL_SET), "--models-dir", str(ROOT / "models")])
    assert other.exit_code == 2 and "trained with embedder" in other.output


def test_corpus_without_labels_is_judged_on_moved_rows(hashing_store, tmp_path, monkeypatch):
    models, _, _ = hashing_store
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    keep = [i for i, c in enumerate(header) if c not in ("label", "origin", "indicator_source", "fund_use", "goals")]
    corpus_rows = [line.split("\t") for line in lines[1:] if line.split("\t")[header.index("origin")] == "corpus"]
    unlabeled = tmp_path / "unlabeled.tsv"
    unlabeled.write_text("\n".join("\t".join(r[i] for i in keep) for r in [header, *corpus_rows]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(unlabeled), "--models-dir", str(models),
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["by_origin"]) == {"corpus", "moved"} and report["model"]["mismatches"] > 0


def test_threshold_cross_validation_pools_repeats(positives):
    """Each repeat scores every pair once, with its own folds and negatives; the first
    repeat is the single run."""
    from training.relevance import cross_validate

    embedder = HashingEmbedder()
    sample = positives[:240]
    once = cross_validate(sample, embedder, RelevanceConfig(folds=3, repeats=1, draws=1))
    twice = cross_validate(sample, embedder, RelevanceConfig(folds=3, repeats=2, draws=1))
    assert once["mismatch"].sum() > 0 and len(once["mismatch"]) > len(sample)
    # pooled rows: every positive twice, plus each repeat's own negatives
    assert (~twice["mismatch"]).sum() == 2 * len(sample)
    assert len(twice["model"]) == len(twice["mismatch"]) == len(twice["baseline"])
    n = len(once["mismatch"])
    np.testing.assert_array_equal(twice["mismatch"][:n], once["mismatch"])
    np.testing.assert_allclose(twice["model"][:n], once["model"])


def test_relevance_train_promote_list_show_rollback_commands(tmp_path, monkeypatch):
    """The maintainer's cycle for the relevance model, through the same commands as the
    level classifier's: train registers a version without making it current; promotion
    is gated on the cards' figures or on a labeled file; rollback restores."""
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    models = str(tmp_path / "models")

    def zhibiao(*args: str):
        result = runner.invoke(app, list(args))
        assert "Traceback" not in result.output
        return result

    def train(seed: str) -> str:
        result = zhibiao("train", "--task", "relevance", "--corpus", str(CORPUS), "--skip-bad", "--out", models,
                         "--cv-folds", "3", "--draws", "2", "--seed", seed, "-f", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["version"]

    rejected = zhibiao("train", "--task", "relevance", "--corpus", str(CORPUS), "--out", models)
    assert rejected.exit_code == 2 and "empty-name" in rejected.output  # bad rows listed, nothing written
    first = train("0")
    assert ModelStore(relevance_dir(tmp_path / "models")).current_version() is None
    assert zhibiao("models", "promote", "--task", "relevance", first, "--models-dir", models).exit_code == 0
    second = train("1")
    refused = zhibiao("models", "promote", "--task", "relevance", second, "--models-dir", models, "--margin", "-1")
    assert refused.exit_code == 2 and "refused" in refused.output and "roc_auc: current" in refused.output
    # On a labeled file: refused when it must be better than it can be, promoted within a
    # margin (two hashing-embedder models differ by chance, so the test does not bet on which
    # seed wins).
    strict = zhibiao("models", "promote", "--task", "relevance", second, "--models-dir", models,
                     "--corpus", str(EVAL_SET), "--margin", "-1")
    assert strict.exit_code == 2 and "272 rows of" in strict.output and "refused" in strict.output
    on_file = zhibiao("models", "promote", "--task", "relevance", second, "--models-dir", models,
                      "--corpus", str(EVAL_SET), "--margin", "1")
    assert on_file.exit_code == 0, on_file.output
    assert "272 rows of" in on_file.output and f"current model: {second} (was {first})" in on_file.output
    listing = json.loads(zhibiao("models", "list", "--task", "relevance", "--models-dir", models, "-f", "json").output)
    assert listing["current"] == second and set(listing["versions"]) == {first, second}
    assert "CV ROC-AUC" in zhibiao("models", "list", "--task", "relevance", "--models-dir", models).output
    assert "zhibiao relevance model" in zhibiao("models", "show", "--task", "relevance", "--models-dir", models).output
    rolled = zhibiao("models", "rollback", "--task", "relevance", "--models-dir", models)
    assert rolled.exit_code == 0 and f"current model: {first}" in rolled.output
    # the level classifier's store in the same directory is untouched
    level = json.loads(zhibiao("models", "list", "--models-dir", models, "-f", "json").output)
    assert level["current"] is None and level["versions"] == {}


def test_relevance_training_input_errors_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    source = header.index("source")
    two_documents = sorted({line.split("\t")[source] for line in lines[1:]})[:2]
    small = tmp_path / "small.tsv"
    small.write_text("\n".join([lines[0], *(l for l in lines[1:] if l.split("\t")[source] in two_documents)]) + "\n",
                     encoding="utf-8")
    out = str(tmp_path / "models")
    for args, expected in (
        (["--corpus", str(small), "--skip-bad"], "at least 5 source documents"),
        (["--corpus", str(CORPUS), "--skip-bad", "--corrections", str(ROOT / "corpus" / "corrections.tsv")],
         "apply to --task level only"),
        (["--corpus", str(CORPUS), "--skip-bad", "--cv-folds", "1"], "at least 2"),
        (["--corpus", str(tmp_path / "missing.tsv")], "missing.tsv"),
    ):
        result = runner.invoke(app, ["train", "--task", "relevance", "--out", out, *args])
        assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output, result.output
    assert not (tmp_path / "models" / "relevance" / "registry.json").exists()
    unknown = runner.invoke(app, ["models", "list", "--task", "embedder"])
    assert unknown.exit_code == 2 and "unknown model task 'embedder'" in unknown.output
    level_only = runner.invoke(app, ["train", "--corpus", str(CORPUS), "--held-out", str(EVAL_SET), "--out", out])
    assert level_only.exit_code == 2 and "--held-out applies to --task relevance only" in level_only.output


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 12), st.integers(1, 30), st.integers(0, 32), st.integers(0, 2**32 - 1))
def test_top_k_is_the_stable_sort_cut_to_k(rows, columns, k, seed):
    """The neighbour search's partial sort picks what a full stable sort would, ties
    (a corpus repeats indicators word for word) and excluded rows (-inf) included."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, (rows, columns)) / 3 if seed % 2 else rng.random((rows, columns))
    scores[rng.random((rows, columns)) < 0.2] = -np.inf
    k = min(k, columns)
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    assert np.array_equal(top_k_stable(scores, k), expected)


def _relabelled(tmp_path, spellings: dict[str, str]):
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    column = lines[0].split("\t").index("label")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split("\t")
        cells[column] = spellings.get(cells[column], cells[column])
        out.append("\t".join(cells))
    path = tmp_path / "relabelled.tsv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("written, label", [("ok", "ok"), (" OK ", "ok"), ("相关", "ok"), ("Match", "ok"),
                                            ("Mismatch", "mismatch"), ("不相关", "mismatch"), ("un-related", "mismatch"),
                                            ("1", None), ("yes", None), ("?", None)])
def test_relevance_labels_are_read_as_labelers_write_them(written, label):
    assert relevance_label(written) == label


def test_eval_reads_other_label_spellings_and_names_bad_lines(hashing_store, tmp_path, monkeypatch):
    models, _, _ = hashing_store
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")

    def run(path):
        return runner.invoke(app, ["eval", "--task", "relevance", "--corpus", str(path), "--models-dir", str(models),
                                   "-f", "json"])

    plain = json.loads(run(EVAL_SET).output)
    chinese = run(_relabelled(tmp_path, {"ok": "相关", "mismatch": "不相关"}))
    assert chinese.exit_code == 0, chinese.output
    assert json.loads(chinese.output)["model"] == plain["model"]
    numeric = run(_relabelled(tmp_path, {"ok": "1", "mismatch": "0"}))
    assert numeric.exit_code == 2 and "Traceback" not in numeric.output
    assert re.search(r"relabelled.tsv:\d+ '1'", numeric.output) and "272 rows have another" in numeric.output


def test_draw_ensemble_fits_one_member_per_draw_on_the_shared_rows_and_its_own():
    """Each member sees the positives (draw -1) and its own draw's negatives only, and
    the ensemble's probabilities are the members' mean."""
    from sklearn.linear_model import LogisticRegression

    from scorer.semantic.relevance import DrawEnsemble

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = np.r_[np.ones(30, int), np.zeros(60, int)]
    draw = np.r_[np.full(30, -1), np.zeros(30, int), np.ones(30, int)]
    X[60:, 0] += 5  # draw 1's negatives sit elsewhere: its member must differ from draw 0's
    ensemble = DrawEnsemble(LogisticRegression()).fit(X, y, draw=draw)
    assert len(ensemble.estimators_) == 2 and list(ensemble.classes_) == [0, 1]
    alone = [LogisticRegression().fit(X[(draw == -1) | (draw == k)], y[(draw == -1) | (draw == k)]) for k in (0, 1)]
    expected = np.mean([m.predict_proba(X) for m in alone], axis=0)
    assert np.allclose(ensemble.predict_proba(X), expected)
    assert not np.allclose(alone[0].predict_proba(X), alone[1].predict_proba(X))
    single = DrawEnsemble(LogisticRegression()).fit(X, y)
    assert len(single.estimators_) == 1
    assert np.allclose(single.predict_proba(X), LogisticRegression().fit(X, y).predict_proba(X))


def test_draws_of_negatives_share_the_positives(positives):
    pairs, y, draw = labelled_draws(positives, seed=0, draws=3)
    assert (draw[y == 1] == -1).all() and set(draw[y == 0]) == {0, 1, 2}
    first, y_first = labelled(positives, 0)
    assert [p.project.name for p in pairs[:len(first)]] == [p.project.name for p in first]  # draw 0 is labelled(seed)
    hosts = [[p.project.name for p, d in zip(pairs, draw) if d == k] for k in range(3)]
    assert hosts[0] != hosts[1]
