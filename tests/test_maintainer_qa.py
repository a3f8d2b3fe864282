"""A maintainer receiving labeled files from colleagues: the files as people deliver them
(Excel's CSV with multi-line cells and #N/A, a workbook with a title row, one cell naming
both levels), and ``zhibiao eval``/``train``/``models promote`` saying in one line why
there is nothing to measure or fit. Small slices of the real corpus, hashing embedder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from scorer.embeddings import HashingEmbedder
from scorer.modelstore.store import ModelStore
from tests.test_classifier_training import CORPUS, documents_slice
from training.corpus import REQUIRED_COLUMNS, read_corpus
from training.dataset import group_id
from training.evaluate import EvalError
from training.relevance import RelevanceConfig, compare_relevance_on_corpus, relevance_dir, train_relevance
from training.train import TrainConfig, train

runner = CliRunner()


def row(**cells: str) -> list[str]:
    values = {c: "" for c in REQUIRED_COLUMNS}
    values.update(source="doc-a", level1="产出指标", level2="数量指标", level3="培训人次", target_value="≥100人次")
    values.update(cells)
    return [values[c] for c in REQUIRED_COLUMNS]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(REQUIRED_COLUMNS), *rows])  # CRLF line ends, as Excel writes
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result


# -- reading what colleagues deliver -----------------------------------------------------------


def test_a_csv_cell_with_line_breaks_keeps_them_and_later_rows_keep_their_line_numbers(tmp_path):
    path = write_csv(tmp_path / "c.csv", [row(description="第一行\n\n第三行"), row(level3="受益人口", level2="#N/A")])
    corpus = read_corpus([path])
    assert corpus.rows[0].fields["description"] == "第一行\n\n第三行"
    assert [(p.line, p.code) for p in corpus.errors] == [(5, "excel-error")]  # the record after lines 2-4


def test_an_unclosed_csv_quote_is_one_problem_not_a_traceback(tmp_path):
    rows = [row(), row(level3='"受益人口' + "很长" * 70_000), *[row(level3=f"指标{i}") for i in range(3)]]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(",".join(r) for r in [list(REQUIRED_COLUMNS), *rows]) + "\n", encoding="utf-8")
    corpus = read_corpus([path])
    assert [(p.line, p.code) for p in corpus.errors] == [(3, "fields")] and "quote" in corpus.errors[0].message
    assert len(corpus.rows) == 1 and corpus.rejected == 1
    result = invoke("corpus", "check", str(path))
    assert result.exit_code == 2 and "quote left open" in result.output


def test_a_short_unclosed_quote_says_where_the_row_runs_to(tmp_path):
    path = tmp_path / "c.csv"
    lines = [",".join(REQUIRED_COLUMNS), ",".join(row(level3='"受益人口')), ",".join(row(level3="宣传次数"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = read_corpus([path]).errors
    assert problem.line == 2 and "runs on to line 3" in problem.message


def test_excel_error_values_reject_model_cells_and_clear_context_cells(tmp_path):
    path = write_csv(tmp_path / "c.csv", [row(level3="#N/A"), row(level3="受益人口", target_value="#DIV/0!"),
                                          row(level3="宣传次数", budget_wan="#VALUE!", source="#REF!")])
    corpus = read_corpus([path])
    assert [(p.line, p.code, p.severity) for p in corpus.problems if p.code == "excel-error"] == [
        (2, "excel-error", "error"), (3, "excel-error", "error"), (4, "excel-error", "warning"), (4, "excel-error", "warning")]
    [kept] = corpus.rows
    assert kept.fields["budget_wan"] == "" and kept.fields["source"] == "" and kept.fields["level3"] == "宣传次数"


def test_a_huge_cell_is_an_error(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text("\n".join("\t".join(r) for r in [list(REQUIRED_COLUMNS), row(description="说明" * 5000)]),
                    encoding="utf-8")
    [problem] = read_corpus([path]).errors
    assert problem.code == "cell-size" and "10000 characters" in problem.message


@pytest.mark.parametrize("level1, level2", [("效益指标-社会效益", ""), ("", "效益指标-社会效益"), ("产出指标：数量指标", "")])
def test_one_cell_naming_both_levels_gives_both(tmp_path, level1, level2):
    path = write_csv(tmp_path / "c.csv", [row(level1=level1, level2=level2)])
    corpus = read_corpus([path])
    assert not corpus.problems and len(corpus.rows) == 1
    label = corpus.rows[0].label
    assert (label.level1, label.level2) in {("效益", "社会效益"), ("产出", "数量")}


def test_a_workbook_missing_a_column_names_it_and_the_headings_not_understood(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年指标标注"])
    sheet.append(["来源", "地区", "主管部门", "项目名称", "项目预算", "一级指标", "二级指标", "三级指标", "指标解释", "指标值",
                  "指标值确定依据"])
    sheet.append(row())
    book.save(path := tmp_path / "c.xlsx")
    [problem] = read_corpus([path]).errors
    assert problem.line == 2 and problem.message == "missing columns: budget_wan; headings that name no column: 项目预算"


def test_a_gb18030_csv_from_windows_excel_reads_like_utf8(tmp_path):
    rows = [row(level3="受益人口", basis="计划数"), row(level3="宣传次数")]
    gb = read_corpus([write_csv(tmp_path / "gb.csv", rows, "gb18030")])
    utf8 = read_corpus([write_csv(tmp_path / "u.csv", rows)])
    assert [r.fields for r in gb.rows] == [r.fields for r in utf8.rows] and gb.rows[0].fields["basis"] == "计划数"


# -- the level classifier: eval and train -------------------------------------------------------


@pytest.fixture(scope="module")
def level_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("level")
    trained = train([documents_slice(tmp / "train.tsv", 0, 30)], tmp / "models", config=TrainConfig(cv_folds=0))
    seen = set(trained.card["training"]["documents"])
    header, *lines = CORPUS.read_text(encoding="utf-8").splitlines()
    (tmp / "seen.tsv").write_text("\n".join([header, *(x for x in lines if group_id(x.split("\t")[0]) in seen)]) + "\n",
                                  encoding="utf-8")
    unseen = documents_slice(tmp / "unseen.tsv", 40, 50, ("x\ty",))
    return trained, tmp / "seen.tsv", unseen


def test_eval_on_training_documents_only_says_so_in_one_line(level_model):
    trained, seen, _ = level_model
    result = invoke("eval", "--corpus", str(seen), "--models-dir", str(trained.path.parent), "--model", trained.version)
    assert result.exit_code == 2 and "from documents the model trained on" in result.output
    assert "{" not in result.output  # no Python dict in the message


def header_only(path: Path) -> Path:
    path.write_text("\t".join(REQUIRED_COLUMNS) + "\n", encoding="utf-8")
    return path


def test_eval_on_a_file_without_rows_says_it_has_none(level_model, tmp_path):
    trained, _, _ = level_model
    empty = header_only(tmp_path / "empty.tsv")
    result = invoke("eval", "--corpus", str(empty), "--models-dir", str(trained.path.parent), "--model", trained.version)
    assert result.exit_code == 2 and "empty.tsv has no usable rows" in result.output


def test_eval_counts_the_bad_lines_it_skipped(level_model):
    trained, _, unseen = level_model
    result = invoke("eval", "--corpus", str(unseen), "--skip-bad", "--models-dir", str(trained.path.parent),
                    "--model", trained.version, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["skipped"]["bad lines"] == 1


def test_a_fit_that_fails_says_what_the_training_documents_hold(tmp_path, monkeypatch):
    class Unfittable:
        def __init__(self, **params):
            pass

        def fit(self, *args, **kwargs):
            raise ValueError("every class needs at least 2 examples to calibrate")

    monkeypatch.setattr("training.train.LevelClassifier", Unfittable)
    corpus = documents_slice(tmp_path / "c.tsv", 0, 20)
    result = invoke("train", "--corpus", str(corpus), "--out", str(tmp_path / "models"), "--cv-folds", "0")
    assert result.exit_code == 2 and "cannot be fitted on this corpus (every class needs" in result.output
    assert "rows/" in result.output and "with a description" in result.output
    assert not (tmp_path / "models").exists() or not ModelStore(tmp_path / "models").read_registry().versions


# -- the relevance model: eval and the promotion gate -------------------------------------------


@pytest.fixture(scope="module")
def relevance_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("relevance")
    corpus = documents_slice(tmp / "train.tsv", 0, 40)
    version, card = train_relevance([corpus], tmp / "models", HashingEmbedder(),
                                    config=RelevanceConfig(folds=3, repeats=1, draws=1))
    return tmp / "models", version, card


@pytest.fixture
def hashing(monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")


def labelled_file(path: Path, label: str, first: int = 60, last: int = 70) -> Path:
    """Corpus rows of documents no slice above trains on, each with ``label`` (Chinese headings)."""
    header, *lines = documents_slice(path, first, last).read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"{header}\t标签", *(f"{x}\t{label}" for x in lines)]) + "\n", encoding="utf-8")
    return path


def test_relevance_eval_without_mismatches_shows_no_f1(relevance_store, hashing, tmp_path):
    models, _, _ = relevance_store
    path = labelled_file(tmp_path / "ok.tsv", "相关")
    result = invoke("eval", "--task", "relevance", "--corpus", str(path), "--models-dir", str(models))
    assert result.exit_code == 0 and "0 mismatches" in result.output
    model_row = next(line for line in result.output.splitlines() if line.startswith("│ model"))
    assert model_row.count("n/a") == 4


def test_relevance_gate_on_a_file_without_mismatches_is_refused_with_the_reason(relevance_store, hashing, tmp_path):
    models, version, _ = relevance_store
    stored = ModelStore(relevance_dir(models)).load(version)
    path = labelled_file(tmp_path / "ok.tsv", "相关")
    with pytest.raises(EvalError, match="none of its .* pairs .* is a mismatch"):
        compare_relevance_on_corpus([path], {"current": stored, "candidate": stored})


def test_relevance_eval_on_training_documents_only_or_no_rows_says_so(relevance_store, hashing, tmp_path):
    models, _, card = relevance_store
    trained = set(card["training"]["documents"])
    header, *lines = CORPUS.read_text(encoding="utf-8").splitlines()
    seen = tmp_path / "seen.tsv"
    seen.write_text("\n".join([header, *(x for x in lines if group_id(x.split("\t")[0]) in trained)]) + "\n",
                    encoding="utf-8")
    result = invoke("eval", "--task", "relevance", "--corpus", str(seen), "--models-dir", str(models), "--skip-bad")
    assert result.exit_code == 2 and "from documents the model trained on" in result.output
    empty = invoke("eval", "--task", "relevance", "--corpus", str(header_only(tmp_path / "e.tsv")), "--models-dir",
                   str(models))
    assert empty.exit_code == 2 and "e.tsv has no usable rows" in empty.output
