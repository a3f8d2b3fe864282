"""Label corrections: an overlay relabels the corpus rows it names, the corpus file stays
as published, and a correction that cannot be applied rejects the whole overlay."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from tests.test_corpus import HEADER, tsv_row, write
from training.corpus import CORRECTION_COLUMNS, CorrectionsError, load_corpus, read_corpus, read_corrections
from training.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "corpus" / "indicators.tsv"
SHIPPED_CORRECTIONS = ROOT / "corpus" / "corrections.tsv"
CORRECTIONS_HEADER = "\t".join(CORRECTION_COLUMNS)
runner = CliRunner()


def correction(
    name="验收合格率",
    target="100%",
    original=("产出指标", "数量指标"),
    corrected=("产出指标", "质量指标"),
    reason="合格率反映产出达到的标准,属质量指标。",
    source="doc-a",
    project="",
) -> str:
    return "\t".join((source, project, name, target, *original, *corrected, reason))


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "c.tsv",
        HEADER,
        tsv_row(),  # 2: 培训人次, 数量
        tsv_row(name="验收合格率", level2="数量指标", target="100%"),  # 3: published under 数量
        tsv_row(name="受益人口", level1="效益指标", level2="社会效益指标", target="90人"),  # 4
    )


def test_a_correction_relabels_its_row_and_leaves_the_file_as_published(tmp_path: Path, corpus_file: Path):
    published = corpus_file.read_bytes()
    overlay = write(tmp_path / "fix.tsv", CORRECTIONS_HEADER, correction())
    plain = read_corpus([corpus_file])
    corrected = read_corpus([corpus_file], [overlay])
    assert [r.label.level2 for r in plain.rows] == ["数量", "数量", "社会效益"]
    assert [r.label.level2 for r in corrected.rows] == ["数量", "质量", "社会效益"]
    assert corrected.rows[1].fields["level2"] == "质量指标" and corrected.rows[1].line == 3
    assert corrected.corrected == 1 and plain.corrected == 0
    assert corrected.summary()["corrections"] == [str(overlay)]
    # Corrected labels are different training data, so the corpus hash says so.
    assert corrected.sha256 != plain.sha256
    assert corpus_file.read_bytes() == published


def test_a_correction_matching_no_row_is_an_error_even_with_skip_bad(tmp_path: Path, corpus_file: Path):
    overlay = write(
        tmp_path / "fix.tsv",
        CORRECTIONS_HEADER,
        correction(),
        correction(name="按期完成率"),  # 3: no such row
        correction(original=("产出指标", "时效指标")),  # 4: the row was not published with these labels
    )
    with pytest.raises(CorrectionsError) as info:
        load_corpus([corpus_file], skip_bad=True, corrections=[overlay])
    assert [(p.line, p.code) for p in info.value.problems] == [(3, "unmatched"), (4, "unmatched")]
    assert f"{overlay}:3:" in str(info.value) and "按期完成率" in str(info.value)


def test_every_bad_correction_line_is_listed(tmp_path: Path):
    overlay = write(
        tmp_path / "fix.tsv",
        CORRECTIONS_HEADER,
        correction(),  # 2 good
        correction(reason=""),  # 3 no reason
        correction(name="a", corrected=("效益指标", "社会、经济、生态效益指标")),  # 4 not one label
        correction(name="b", corrected=("产出指标", "社会效益指标")),  # 5 a pair no template allows
        correction(name="c", corrected=("产出", "数量")),  # 6 the published label again
        correction(),  # 7 the same row as line 2
        "too\tfew",  # 8
    )
    corrections, files, problems = read_corrections([overlay])
    assert [c.line for c in corrections] == [2]
    assert [(p.line, p.code) for p in problems] == [
        (3, "reason"),
        (4, "unknown-label"),
        (5, "pair"),
        (6, "no-change"),
        (7, "duplicate"),
        (8, "fields"),
    ]
    assert files[0].lines == 8


def test_an_overlay_without_its_columns_is_rejected(tmp_path: Path, corpus_file: Path):
    overlay = write(tmp_path / "fix.tsv", "source\tlevel3\tlevel2", "doc-a\t验收合格率\t质量指标")
    with pytest.raises(CorrectionsError, match="missing columns: project_name"):
        read_corpus([corpus_file], [overlay])


def test_a_correction_naming_two_rows_is_ambiguous(tmp_path: Path):
    corpus = write(
        tmp_path / "c.tsv",
        HEADER,
        tsv_row(name="验收合格率", target="100%", description="工程"),
        tsv_row(name="验收合格率", target="100%", description="设备"),
    )
    overlay = write(tmp_path / "fix.tsv", CORRECTIONS_HEADER, correction())
    with pytest.raises(CorrectionsError) as info:
        read_corpus([corpus], [overlay])
    assert [p.code for p in info.value.problems] == ["ambiguous"]
    assert f"{corpus}:2, {corpus}:3" in str(info.value)


def test_csv_overlay_with_extra_columns(tmp_path: Path, corpus_file: Path):
    overlay = tmp_path / "fix.csv"
    with overlay.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)  # the reason has a comma, so it is quoted
        writer.writerows([[*CORRECTION_COLUMNS, "review"], [*correction().split("\t"), "sample"]])
    assert read_corpus([corpus_file], [overlay]).rows[1].label.level2 == "质量"


def test_the_shipped_corrections_apply_to_the_shipped_corpus():
    corrections, _, problems = read_corrections([SHIPPED_CORRECTIONS])
    assert not problems and corrections
    plain = {r.line: r for r in read_corpus([SHIPPED_CORPUS]).rows}
    corrected = read_corpus([SHIPPED_CORPUS], [SHIPPED_CORRECTIONS])
    assert corrected.corrected == len(corrections)
    changed = [r for r in corrected.rows if r.label.level2 != plain[r.line].label.level2]
    assert len(changed) == len(corrections)
    # Each change is the one its correction wrote down, on the row published with the original labels.
    wanted = {(c.key[2], c.key[3], c.key[4], c.key[5]): (c.level1, c.level2) for c in corrections}
    for row in changed:
        published = plain[row.line].fields
        key = (published["level3"], published["target_value"], published["level1"], published["level2"])
        assert (row.fields["level1"], row.fields["level2"]) == wanted[key]


def test_check_command_reports_corrections(tmp_path: Path, corpus_file: Path):
    good = write(tmp_path / "fix.tsv", CORRECTIONS_HEADER, correction())
    result = runner.invoke(app, ["corpus", "check", str(corpus_file), "--corrections", str(good), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    assert summary["corrected"] == 1 and summary["level2"] == {"数量": 1, "质量": 1, "社会效益": 1}

    stale = write(tmp_path / "stale.tsv", CORRECTIONS_HEADER, correction(name="按期完成率"))
    result = runner.invoke(app, ["corpus", "check", str(corpus_file), "--skip-bad", "--corrections", str(stale)])
    assert result.exit_code == 2
    assert "corrections rejected" in result.output and f"{stale}:2:" in result.output
    assert "Traceback" not in result.output


def test_eval_says_which_labels_it_measured_against(tmp_path: Path):
    args = ["eval", "--corpus", str(SHIPPED_CORPUS), "--skip-bad", "--format", "json"]
    published = json.loads(runner.invoke(app, args).output)
    corrected = json.loads(runner.invoke(app, [*args, "--corrections", str(SHIPPED_CORRECTIONS)]).output)
    assert published["corrections"] == [] and corrected["corrections"] == [str(SHIPPED_CORRECTIONS)]
    assert published["model"]["rows"] == corrected["model"]["rows"]

    stale = write(tmp_path / "stale.tsv", CORRECTIONS_HEADER, correction())
    result = runner.invoke(app, [*args, "--corrections", str(stale)])
    assert result.exit_code == 2 and "matches no corpus row" in result.output


def test_training_records_the_corrections_in_the_card(tmp_path: Path):
    # A slice of real documents: enough to train on in a second.
    header, *lines = SHIPPED_CORPUS.read_text(encoding="utf-8").splitlines()
    sources = list(dict.fromkeys(line.split("\t")[0] for line in lines))[:30]
    corpus = tmp_path / "slice.tsv"
    corpus.write_text("\n".join([header, *(l for l in lines if l.split("\t")[0] in sources)]) + "\n", encoding="utf-8")
    row = read_corpus([corpus]).rows[1]  # 重点建设工程验收合格率, 质量: relabelled 社会效益 below
    f = row.fields
    overlay = write(
        tmp_path / "fix.tsv",
        CORRECTIONS_HEADER,
        correction(f["level3"], f["target_value"], (f["level1"], f["level2"]), ("效益指标", "社会效益指标"), "测试", f["source"], f["project_name"]),
    )
    result = train([corpus], tmp_path / "models", skip_bad=True, config=TrainConfig(cv_folds=0, corrections=(overlay,)))
    card = result.card["corpus"]
    assert card["rows_corrected"] == 1
    assert [c["path"] for c in card["corrections"]] == [str(overlay)]
    assert card["sha256"] == read_corpus([corpus], [overlay]).sha256 != read_corpus([corpus]).sha256
    assert "label corrections" in (result.path / "README.md").read_text(encoding="utf-8")
