"""Corpus reading and validation: every bad line is reported, good rows survive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from training.corpus import REQUIRED_COLUMNS, CorpusError, load_corpus, read_corpus

HEADER = "\t".join(REQUIRED_COLUMNS)


def tsv_row(level1="产出指标", level2="数量指标", name="培训人次", target="≥100人次", source="doc-a", description="") -> str:
    values = {c: "" for c in REQUIRED_COLUMNS}
    values.update(source=source, level1=level1, level2=level2, level3=name, target_value=target, description=description)
    return "\t".join(values[c] for c in REQUIRED_COLUMNS)


def write(path: Path, *lines: str, encoding_errors: dict[int, bytes] | None = None) -> Path:
    """Lines joined with newlines; ``encoding_errors`` replaces whole lines by raw bytes."""
    raw = [line.encode("utf-8") for line in lines]
    for index, data in (encoding_errors or {}).items():
        raw[index] = data
    path.write_bytes(b"\n".join(raw) + b"\n")
    return path


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    return write(
        tmp_path / "bad.tsv",
        HEADER,
        tsv_row(),  # 2 good
        tsv_row(name="验收合格率", level2="质量指标", target="100%"),  # 3 good
        "not\tenough\tfields",  # 4 fields
        tsv_row(name=""),  # 5 empty name, no description
        tsv_row(level2="社会、经济、生态效益指标", name="费用减少率"),  # 6 unknown label
        tsv_row(),  # 7 duplicate of 2
        "placeholder",  # 8 saved as GBK, not UTF-8
        tsv_row(level1="项目决策", name="宣传次数"),  # 9 warning only
        tsv_row(name="88"),  # 10 a name without words
        encoding_errors={7: tsv_row(name="资金到位率", level2="质量指标").encode("gbk")},
    )


def test_good_rows_are_read_with_canonical_labels(tmp_path: Path):
    corpus = read_corpus([write(tmp_path / "c.tsv", HEADER, tsv_row(), tsv_row(level1="效果指标", level2="社会效益指标", name="受益人口"))])
    assert not corpus.problems
    assert [(r.line, r.label.level1, r.label.level2) for r in corpus.rows] == [(2, "产出", "数量"), (3, "效益", "社会效益")]
    assert corpus.rows[0].group == "doc-a"
    assert corpus.summary()["level2"] == {"数量": 1, "社会效益": 1}


def test_every_bad_line_is_reported_with_its_line_number(bad_corpus: Path):
    corpus = read_corpus([bad_corpus])
    errors = {(p.line, p.code) for p in corpus.errors}
    assert errors == {(4, "fields"), (5, "empty-name"), (6, "unknown-label"), (7, "duplicate"), (8, "encoding"), (10, "empty-name")}
    assert {(p.line, p.code) for p in corpus.warnings} == {(9, "level1")}
    assert [r.line for r in corpus.rows] == [2, 3, 9]
    assert corpus.rejected == 6
    duplicate = next(p for p in corpus.errors if p.code == "duplicate")
    assert duplicate.message.endswith(f"{bad_corpus}:2")


def test_a_corpus_with_bad_rows_is_rejected_unless_skip_bad(bad_corpus: Path):
    with pytest.raises(CorpusError) as info:
        load_corpus([bad_corpus])
    message = str(info.value)
    for line in (4, 5, 6, 7, 8, 10):
        assert f"{bad_corpus}:{line}:" in message
    assert len(load_corpus([bad_corpus], skip_bad=True).rows) == 3


def test_missing_columns_reject_every_row(tmp_path: Path):
    header = "\t".join(c for c in REQUIRED_COLUMNS if c != "level2")
    corpus = read_corpus([write(tmp_path / "c.tsv", header, "a\tb", "c\td")])
    assert [(p.line, p.code) for p in corpus.errors] == [(1, "columns")]
    assert "level2" in corpus.errors[0].message
    assert corpus.rows == [] and corpus.rejected == 2


def test_satisfaction_level2_is_implied_by_its_level1(tmp_path: Path):
    corpus = read_corpus([write(tmp_path / "c.tsv", HEADER, tsv_row(level1="满意度指标", level2="", name="群众满意度"))])
    assert corpus.rows[0].label.level2 == "服务对象满意度"
    assert [p.code for p in corpus.warnings] == ["level2"]


def test_csv_and_jsonl_with_extra_columns(tmp_path: Path):
    csv_path = tmp_path / "c.csv"
    csv_path.write_text(
        ",".join((*REQUIRED_COLUMNS, "note")) + "\n" + 'doc,,,,,产出指标,时效指标,"按时完成率,季度",,100%,,x\n',
        encoding="utf-8",
    )
    jsonl_path = tmp_path / "c.jsonl"
    record = {c: "" for c in REQUIRED_COLUMNS} | {"source": "doc", "level1": "产出指标", "level2": "成本指标", "level3": "项目总成本", "extra": 1}
    jsonl_path.write_text(json.dumps(record, ensure_ascii=False) + "\n" + '{"level1": "产出指标"}\n[1]\n', encoding="utf-8")
    corpus = read_corpus([csv_path, jsonl_path])
    assert [r.fields["level3"] for r in corpus.rows] == ["按时完成率,季度", "项目总成本"]
    assert corpus.rows[0].fields["note"] == "x"
    assert {(p.file, p.line, p.code) for p in corpus.errors} == {(str(jsonl_path), 2, "columns"), (str(jsonl_path), 3, "fields")}


def test_shipped_corpus_summary():
    corpus = read_corpus([Path(__file__).resolve().parents[1] / "corpus" / "indicators.tsv"])
    summary = corpus.summary()
    assert summary["rows"] + summary["rejected"] == 599
    assert summary["sources"] > 50
    assert {p.code for p in corpus.errors} <= {"unknown-label", "empty-name", "duplicate"}


runner = CliRunner()


def test_check_command_lists_bad_lines_and_exits_2(bad_corpus: Path):
    result = runner.invoke(app, ["corpus", "check", str(bad_corpus)])
    assert result.exit_code == 2, result.output
    for line in (4, 5, 6, 7, 8, 10):
        assert f"{bad_corpus}:{line}: error" in result.output
    assert "3 good rows, 6 bad lines" in result.output
    assert runner.invoke(app, ["corpus", "check", str(bad_corpus), "--skip-bad"]).exit_code == 0


def test_check_command_json(bad_corpus: Path):
    result = runner.invoke(app, ["corpus", "check", str(bad_corpus), "--skip-bad", "--format", "json"])
    payload = json.loads(result.output)
    assert payload["summary"]["rows"] == 3
    assert len(payload["problems"]) == 7


def test_check_command_on_a_missing_file(tmp_path: Path):
    result = runner.invoke(app, ["corpus", "check", str(tmp_path / "nope.tsv")])
    assert result.exit_code == 2
    assert "No such file" in result.output


def test_old_mac_line_endings_and_deep_json_lines(tmp_path: Path):
    """Excel for Mac's "CSV (Macintosh)" ends lines with \\r alone; a JSON line nested
    thousands deep is a bad line like any other, not a crash."""
    mac = tmp_path / "mac.tsv"
    mac.write_bytes("\r".join([HEADER, tsv_row(), tsv_row(name="受益人口")]).encode("utf-8"))
    assert [r.line for r in read_corpus([mac]).rows] == [2, 3]
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n", encoding="utf-8")
    corpus = read_corpus([deep])
    assert not corpus.rows and "nested too deeply" in corpus.problems[0].message


def test_check_command_on_a_corpus_without_rows(tmp_path: Path):
    for text in ("", HEADER + "\n"):
        empty = write(tmp_path / "empty.tsv", *([HEADER] if text else []))
        result = runner.invoke(app, ["corpus", "check", str(empty)])
        assert result.exit_code == 2 and "no indicator rows" in result.output


def test_a_corpus_in_utf16_is_one_problem(tmp_path: Path):
    path = tmp_path / "c.tsv"
    path.write_bytes("\n".join([HEADER, tsv_row(), tsv_row(name="受益人口")]).encode("utf-16"))
    corpus = read_corpus([path])
    assert [(p.line, p.code) for p in corpus.problems] == [(1, "encoding")] and not corpus.rows
    assert "UTF-16" in corpus.problems[0].message


def test_a_whole_corpus_in_gb18030_is_read_with_a_warning(tmp_path: Path):
    """What Excel or WPS on Chinese Windows saves as CSV: unambiguous as a whole file."""
    path = tmp_path / "c.tsv"
    path.write_bytes("\n".join([HEADER, tsv_row(), tsv_row(name="受益人口")]).encode("gb18030"))
    corpus = read_corpus([path])
    assert [r.fields["level3"] for r in corpus.rows] == ["培训人次", "受益人口"]
    assert [(p.line, p.code, p.severity) for p in corpus.problems] == [(1, "encoding", "warning")]
    assert "GB18030" in corpus.problems[0].message and corpus.rejected == 0


CHINESE_HEADINGS = {"source": "来源", "region": "地区", "department": "部门", "project_name": "项目名称",
                    "budget_wan": "预算数（万元）", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
                    "description": "指标解释", "target_value": "指标值：", "basis": "指标值确定依据"}


def test_chinese_headings_name_the_corpus_columns(tmp_path: Path):
    header = "\t".join(CHINESE_HEADINGS[c] for c in REQUIRED_COLUMNS) + "\t备注"
    corpus = read_corpus([write(tmp_path / "c.tsv", header, tsv_row() + "\t自建")])
    assert not corpus.problems
    row = corpus.rows[0]
    assert (row.fields["level3"], row.fields["target_value"], row.fields["备注"]) == ("培训人次", "≥100人次", "自建")


def test_a_column_written_by_its_own_name_wins_over_a_heading_that_means_it(tmp_path: Path):
    header = "指标名称\t" + HEADER
    corpus = read_corpus([write(tmp_path / "c.tsv", header, "别的名称\t" + tsv_row())])
    assert corpus.rows[0].fields["level3"] == "培训人次" and corpus.rows[0].fields["指标名称"] == "别的名称"


def test_an_excel_workbook_is_read_from_its_sheet_with_the_columns(tmp_path: Path):
    """A labeler's spreadsheet: an instructions sheet first, Chinese headings, numbers
    typed as numbers, trailing empty cells; lines are the sheet's row numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按列填写指标"])
    sheet = book.create_sheet("指标")
    sheet.append([CHINESE_HEADINGS[c] for c in REQUIRED_COLUMNS])
    sheet.append(["doc-a", "", "", "培训项目", 120.0, "产出指标", "数量指标", "培训人次", "", "≥100人次", "", None, None])
    sheet.append([])
    sheet.append(["doc-a", "", "", "培训项目", 120, "产出指标", "质量指标", "培训合格率", "", 0.95, ""])
    sheet.append(["doc-b", "", "", "培训项目", 120, "产出指标", "没有这种指标", "培训天数", "", "5天", ""])
    path = tmp_path / "labels.xlsx"
    book.save(path)
    corpus = read_corpus([path])
    assert [(r.line, r.fields["level3"], r.fields["budget_wan"], r.fields["target_value"]) for r in corpus.rows] == [
        (2, "培训人次", "120", "≥100人次"), (4, "培训合格率", "120", "0.95")]
    assert [(p.line, p.code) for p in corpus.errors] == [(5, "unknown-label")]
    assert corpus.files[0].lines == 5


@pytest.mark.parametrize("name, data, message", [
    ("labels.xlsx", b"PK\x03\x04 not really a workbook", "not a readable Excel workbook"),
    ("labels.xlsx", "来源\t三级指标\n".encode(), "not a readable Excel workbook"),
    ("labels.xls", b"\xd0\xcf\x11\xe0 old binary", "save it as .xlsx or as CSV"),
])
def test_a_workbook_that_cannot_be_read_is_one_clear_problem(tmp_path: Path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    corpus = read_corpus([path])
    assert [(p.line, p.code) for p in corpus.errors] == [(1, "fields")]
    assert message in corpus.errors[0].message and not corpus.rows


def test_a_workbook_title_row_above_the_header_is_passed_over(tmp_path: Path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["2024年指标标注"])
    book.active.append([CHINESE_HEADINGS[c] for c in REQUIRED_COLUMNS])
    book.active.append(["doc-a", "", "", "培训项目", 120, "产出指标", "数量指标", "培训人次", "", "≥100人次", ""])
    path = tmp_path / "labels.xlsx"
    book.save(path)
    corpus = read_corpus([path])
    assert not corpus.problems and [(r.line, r.fields["level3"]) for r in corpus.rows] == [(3, "培训人次")]
