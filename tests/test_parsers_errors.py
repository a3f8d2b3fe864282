"""Bad input: every failure is a ParseError naming the file (and table/row/cell where
there is one) and what was expected, never a raw exception; a document where some
projects are broken keeps the good ones and reports the rest."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from scorer.cli.main import app
from scorer.parsers import ParseError, archive, parse_bytes, parse_path, parse_text, xlsx
from tests.conftest import SEED_000, SEEDS
from tests.fixtures_writers import seed_blocks, write_docx, write_xlsx
from tests.golden_tables import compact, golden_path


def _golden(seed) -> list[dict]:
    return json.loads(golden_path(seed).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return write_docx(seed_blocks(SEED_000.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def good_xlsx() -> bytes:
    return write_xlsx(seed_blocks(SEED_000.read_text(encoding="utf-8")))


def _rezip(data: bytes, member: str, content: bytes | None) -> bytes:
    """``data`` with one archive member replaced (or removed when ``content`` is None)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
            elif content is not None:
                target.writestr(member, content)
    return out.getvalue()


def _raises(data: bytes, name: str | None, *fragments: str, fmt: str | None = None) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, name, fmt)
    text = caught.value.describe()
    for fragment in (name or "<input>", *fragments):
        assert fragment in text
    return caught.value


# -- unreadable inputs ---------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"  \r\n\t ", "\ufeff".encode("utf-8") + b"\n"])
def test_empty_input(data):
    _raises(data, "empty.txt", "empty")


def test_empty_text_and_file(tmp_path):
    with pytest.raises(ParseError, match="empty"):
        parse_text(" \n")
    path = tmp_path / "blank.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="blank.xlsx: the input is empty"):
        parse_path(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ParseError, match="file not found"):
        parse_path(tmp_path / "none.docx")
    with pytest.raises(ParseError, match="directory"):
        parse_path(tmp_path)


def test_binary_garbage():
    _raises(bytes(range(256)) * 8, "noise.bin", "binary", "expected")
    _raises(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc", "legacy", "save as .docx")
    _raises(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx", "password-protected")
    _raises(b"PK\x03\x04" + b"\x00" * 300, "archive.zip", "neither .docx nor .xlsx")


@pytest.mark.parametrize(("kind", "member", "content", "fragment"), [
    ("docx", None, None, "corrupt or truncated .docx"),
    ("docx", "word/document.xml", None, "word/document.xml"),
    ("docx", "word/document.xml", b"<w:document><unclosed", "not a readable .docx"),
    ("xlsx", None, None, "corrupt or truncated .xlsx"),
    ("xlsx", "xl/workbook.xml", None, "xl/workbook.xml"),
    ("xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><unclosed", "not a readable .xlsx"),
])
def test_corrupt_office_files(good_docx, good_xlsx, kind, member, content, fragment):
    data = good_docx if kind == "docx" else good_xlsx
    broken = data[: len(data) // 2] if member is None else _rezip(data, member, content)
    _raises(broken, f"broken.{kind}", fragment, "expected")


def test_bit_rot_inside_a_member_is_a_parse_error(good_docx, good_xlsx):
    for data, name in ((good_docx, "rot.docx"), (good_xlsx, "rot.xlsx")):
        damaged = data[:600] + bytes(b ^ 0x5A for b in data[600:700]) + data[700:]
        _raises(damaged, name, "not a readable")


def test_wrong_container_for_the_format(good_docx, good_xlsx):
    error = _raises(good_xlsx, "sheet.docx", "not a Word file", fmt="docx")
    assert "BytesIO" not in error.describe()
    _raises(good_docx, "doc.xlsx", "not a readable .xlsx", fmt="xlsx")


def test_zip_bomb_refused_before_inflating(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"\0" * (3 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 10_000
    monkeypatch.setattr(archive, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    _raises(data, "bomb.docx", "expands to 3 MB, over the 1 MB limit")


def test_declared_size_over_the_default_limit(good_xlsx):
    """A header claiming more than 200 MB is refused with the real limit, before reading."""
    data = bytearray(good_xlsx)
    central = data.index(b"PK\x01\x02")
    data[central + 24: central + 28] = (300 * 1024 * 1024).to_bytes(4, "little")  # uncompressed size
    _raises(bytes(data), "huge.xlsx", "over the 200 MB limit")


def test_too_many_cells(monkeypatch, good_xlsx):
    monkeypatch.setattr(xlsx, "MAX_CELLS", 50)
    _raises(good_xlsx, "big.xlsx", "cells, over the limit of 50")


# -- tables the interpreter cannot use -------------------------------------------------------

NO_INDICATORS = "\t项目编码\n\tA-1\n\t项目名称\n\t管网建设\n\n\t预算数\n\t100\n\n\t绩效目标\n\t完成建设\n"


def test_table_without_indicator_header():
    with pytest.raises(ParseError) as caught:
        parse_text(NO_INDICATORS, "plan.txt")
    assert caught.value.describe().startswith("plan.txt: no indicator table found (expected a table with a header row")


def test_docx_without_indicator_header():
    blocks = [["项目名称", "管网建设"], ["预算数", "100"]]
    _raises(write_docx([blocks]), "plan.docx", "no indicator table found", "一级指标")


def _seed_000_lines() -> list[str]:
    return SEED_000.read_text(encoding="utf-8").split("\n")


def test_row_with_more_cells_than_the_header_is_located():
    lines = _seed_000_lines()
    # Project 1's first indicator row: six cell lines from line 92; add a seventh cell.
    assert lines[91:93] == ["\t产出指标", "\t质量指标"]
    lines.insert(97, "\t多出来的一格")
    doc = parse_text("\n".join(lines), "extra.txt")
    [issue] = [i for i in doc.issues if i.severity == "error"]
    assert issue.location.label() == "extra.txt row 98, cell 7"
    assert "7 cells but the indicator header has 6" in issue.message and "多出来的一格" in issue.message
    assert compact(doc) == _golden(SEED_000)  # the row itself is still read


def test_docx_row_with_more_cells_names_table_row_and_cell():
    """In Word the header's last cell spans the extra column; the text under it has no heading."""
    table = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "管网", "20公里", "多余"]]
    doc = parse_bytes(write_docx([table]), "wide.docx")
    [issue] = doc.issues
    assert issue.location.label() == "wide.docx table 1, row 2, cell 5"
    assert issue.message == "cell 5 has no heading in the indicator header; extra text '多余' was not assigned to a column"
    assert doc.indicators[0].target_raw == "20公里"


def test_one_broken_project_keeps_the_others():
    lines = _seed_000_lines()
    # Project 3 (lines 183–250): its indicator header and rows become unreadable junk.
    header = lines.index("\t一级指标", 183)
    block_end = next(i for i in range(header, len(lines)) if lines[i].startswith("[bookmark"))
    lines[header:block_end] = ["\t？？？", "\t###", "", "\t无法识别", "", ""]
    doc = parse_text("\n".join(lines), "partly.txt")
    golden = _golden(SEED_000)
    got = compact(doc)
    assert len(got) == 11
    assert got[:2] + got[3:] == golden[:2] + golden[3:]
    assert got[2]["indicators"] == [] and got[2]["name"] == golden[2]["name"]
    messages = [(i.severity, i.message) for i in doc.issues]
    assert ("warning", "row not understood in project 3: ？？？ | ###") in messages
    assert any("project 3 '机动车遥感监测' has no indicator rows" in m for _, m in messages)


# -- encodings --------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_encodings_parse_identically(seed, encoding):
    data = seed.read_text(encoding="utf-8").encode(encoding)
    assert compact(parse_bytes(data, seed.name)) == _golden(seed)


# -- CLI ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data"), [
    ("bad.docx", b"PK\x03\x04 truncated"),
    ("bad.xlsx", b"PK\x03\x04 truncated"),
    ("empty.txt", b""),
    ("noise.bin", bytes(range(256))),
])
def test_cli_bad_file_exits_2_with_the_reason_in_chinese_then_english(tmp_path, name, data):
    """The reviewer's message first (无法读取 name：…), the detail (row, cell, what was
    expected) on the line below; nothing else."""
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"error: 无法读取 {name}") and "：" in lines[0]
    assert lines[1].strip().startswith(f"{path}: ")
    assert "Traceback" not in result.output


def test_cli_reads_docx_and_pasted_table(tmp_path, good_docx):
    path = tmp_path / "good.docx"
    path.write_bytes(good_docx)
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["projects"]) == 11
    pasted = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t新建管网\t20公里\n"
    result = CliRunner().invoke(app, ["parse", "-", "--format", "table"], input=pasted.encode("gbk"))
    assert result.exit_code == 0 and "新建管网" in result.stdout


# -- what the reader could not place, in Chinese for the reviewer --------------------------

_HEADER = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t≥20公里\n"


@pytest.mark.parametrize("text, english, chinese", [
    ("项目名称\t道路养护\n年度资金总额\t待定\n" + _HEADER,
     "budget cell '待定' is not a number", "预算数单元格「待定」不是数字"),
    ("项目名称\t道路养护\n资金支出计划（累计%）\t3月底\t6月底\t10月底\t12月底\n\t三成\t50\t80\t100\n" + _HEADER,
     "spending plan cell '三成' for 3月底 is not a number", "3月底支出计划单元格「三成」不是数字"),
    ("项目名称\t道路养护\n？？？\t###\n项目名称\t桥梁检测\n" + _HEADER,
     "row not understood in project 1: ？？？ | ###", "项目 1 中这一行无法识别，未读入：？？？ | ###"),
    ("项目名称\t道路养护\n？？？\t###\n项目名称\t桥梁检测\n" + _HEADER,
     "project 1 '道路养护' has no indicator rows", "项目 1「道路养护」没有读到指标行"),
    (_HEADER.replace("≥20公里", "≥20公里\t多余"),
     "row has 5 cells but the indicator header has 4", "本行有 5 格，指标表头只有 4 列，多出的文字「多余」未归入任何列"),
    ("项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t依据\n产出指标\t数量指标\t养护里程\t计划标准\n",
     "no value column", "指标表头没有指标值列"),
    ("产出指标\t数量指标\t购置设备数量\t≥\t77\t台\t10\t按采购合同计\t完成得满分\n",
     "cell(s) 8, 9 not read", "第 8, 9 格未读入：请连同表头行一起粘贴"),
])
def test_every_reading_problem_is_told_in_chinese_too(text, english, chinese):
    issue = next(i for i in parse_text(text, "t.tsv").issues if english in i.message)
    assert chinese in issue.zh


def test_reading_problems_reach_the_reviewer_in_chinese_with_the_english_below():
    text = "项目名称\t道路养护\n" + _HEADER + "页码 3\n"
    result = CliRunner().invoke(app, ["score", "-", "--no-models"], input=text)
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "解析" in line)
    assert ":4:" in lines[at]  # the row, as findings give theirs
    assert "项目 1 中这一行无法识别，未读入：页码 3" in lines[at]
    assert "row not understood in project 1: 页码 3" in lines[at + 1]
