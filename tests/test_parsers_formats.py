"""Every input form parses to the same model: the seeds written into .docx, .xlsx, CSV and
pasted TSV (with real merged cells) must give the golden cells, and the .docx/.xlsx
readers show text, merges and numbers the way Word and Excel do."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from scorer.parsers import ParseError, parse_bytes, parse_text, sniff_format
from scorer.parsers import xlsx as xlsx_reader
from scorer.parsers.docx import read_docx
from scorer.parsers.stream import Row, TableStart, TextLine
from scorer.parsers.xlsx import format_value, read_xlsx
from tests.conftest import SEED_000, SEEDS
from tests.fixtures_writers import (
    seed_blocks,
    write_delimited,
    write_docx,
    write_flat,
    write_xlsx,
)
from tests.golden_tables import compact, golden_path

# name → (writer over a seed's blocks, file name the bytes are parsed under, expected format)
WRITERS = {
    "docx": (lambda b: write_docx(b), "seed.docx", "docx"),
    "docx-label-spans": (lambda b: write_docx(b, label_span=True), "seed.docx", "docx"),
    "xlsx-one-sheet": (lambda b: write_xlsx(b), "seed.xlsx", "xlsx"),
    "xlsx-sheet-per-table": (lambda b: write_xlsx(b, sheet_per_table=True), "seed.xlsx", "xlsx"),
    "xlsx-label-spans": (lambda b: write_xlsx(b, label_span=True), "seed.xlsx", "xlsx"),
    "csv": (lambda b: write_delimited(b, ",").encode("utf-8"), "seed.csv", "csv"),
    "tsv-paste": (lambda b: write_delimited(b, "\t").encode("utf-8"), None, "tsv"),
}


@pytest.fixture(scope="module")
def written():
    """Each seed in each form, written once for the module (python-docx merges are slow)."""
    out = {}
    for seed in SEEDS:
        blocks = seed_blocks(seed.read_text(encoding="utf-8"))
        for name, (write, file_name, _) in WRITERS.items():
            out[seed.name, name] = write(blocks)
    return out


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_round_trips_to_golden_cells(written, seed_docs, seed, writer):
    _, file_name, fmt = WRITERS[writer]
    data = written[seed.name, writer]
    doc = parse_bytes(data, file_name) if file_name else parse_text(data.decode("utf-8"))
    assert doc.format == fmt
    assert compact(doc) == json.loads(golden_path(seed).read_text(encoding="utf-8"))
    ref = seed_docs[seed.name]
    assert (doc.title, doc.department, doc.department_goals) == (ref.title, ref.department, ref.department_goals)
    assert [p.title for p in doc.projects] == [p.title for p in ref.projects]
    assert [p.unit for p in doc.projects] == [p.unit for p in ref.projects]
    assert [p.spending_plan for p in doc.projects] == [p.spending_plan for p in ref.projects]
    # A stray page number under the last table may be reported; nothing is an error.
    assert all(issue.severity == "warning" for issue in doc.issues)


def test_written_files_hold_real_merges(written):
    """The round trips above only mean something if the merged cells are real merges."""
    xml = zipfile.ZipFile(io.BytesIO(written[SEED_000.name, "docx"])).read("word/document.xml").decode()
    assert xml.count("<w:vMerge/>") >= 30 and xml.count("<w:gridSpan") >= 50
    sheet = openpyxl.load_workbook(io.BytesIO(written[SEED_000.name, "xlsx-one-sheet"])).active
    spans = {(r.max_row - r.min_row, r.max_col - r.min_col) for r in sheet.merged_cells.ranges}
    assert any(rows > 0 and cols == 0 for rows, cols in spans)  # 一级指标 and label columns
    assert any(rows == 0 and cols > 0 for rows, cols in spans)  # short rows' last cells


def test_docx_titles_lose_bookmarks_and_field_codes(written):
    doc = parse_bytes(written[SEEDS[1].name, "docx"], "seed.docx")
    assert doc.projects[0].title == "1、2020年中央大气污染防治资金绩效目标表"
    assert all(not p.junk and "TC" not in p.title for p in doc.projects)


def test_docx_locations_are_table_row_cell(written):
    doc = parse_bytes(written[SEED_000.name, "docx"], "seed.docx")
    first = doc.projects[0].indicators[0]
    # Table 1, row 9: 单位, 项目编码, 预算, 资金用途, 计划, 计划值, 目标, 指标表头, then the indicator.
    assert (first.location.table, first.location.row) == ("1", 9)
    assert doc.projects[10].indicators[-1].location.table == "11"


def test_xlsx_locations_point_at_the_sheet_cell(written):
    data = written[SEED_000.name, "xlsx-sheet-per-table"]
    doc = parse_bytes(data, "seed.xlsx")
    sheets = openpyxl.load_workbook(io.BytesIO(data))
    for project in (doc.projects[0], doc.projects[7]):
        ind = project.indicators[-1]
        assert sheets[ind.location.table].cell(ind.location.row, 3).value == ind.name


def test_xlsx_keeps_numbers_as_excel_shows_them(written):
    sheet = openpyxl.load_workbook(io.BytesIO(written[SEED_000.name, "xlsx-one-sheet"])).active
    # The writer stored budgets and plan values as numbers with a 0.00 format, not text.
    assert any(c.value == 60 and c.number_format == "0.00" for row in sheet.iter_rows() for c in row)
    doc = parse_bytes(written[SEED_000.name, "xlsx-one-sheet"], "seed.xlsx")
    assert doc.projects[0].budget_raw["total"] == "60.00"


def test_pasted_table_is_sniffed_as_tsv_and_csv_by_name(written):
    tsv = written[SEED_000.name, "tsv-paste"].decode("utf-8")
    assert sniff_format(tsv) == "tsv"
    assert sniff_format(written[SEED_000.name, "csv"], "seed.csv") == "csv"


def test_ragged_paste_without_padding_parses_like_the_seed():
    """Word and WPS copy rows as they are, without padding them to the widest row."""
    blocks = seed_blocks(SEED_000.read_text(encoding="utf-8"))
    lines = []
    for block in blocks:
        rows = [[block]] if isinstance(block, str) else block
        lines += ["\t".join(f'"{c}"' if "\n" in c else c for c in row) for row in rows]
    doc = parse_text("\n".join(lines))
    assert doc.format == "tsv"
    assert compact(doc) == json.loads(golden_path(SEED_000).read_text(encoding="utf-8"))


def test_paste_with_bare_carriage_returns():
    """Old Mac line ends, as some WPS pastes still have them."""
    doc = parse_text("一级指标\t二级指标\t三级指标\t指标值\r产出指标\t数量指标\t新建管网\t\"20\r公里\"\r")
    assert [(i.name, i.target_raw) for i in doc.indicators] == [("新建管网", "20\n公里")]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_flat_table_groups_rows_by_project(seed_docs, seed, delimiter):
    ref = seed_docs[seed.name]
    doc = parse_text(write_flat(ref, delimiter), "flat.csv" if delimiter == "," else "flat.tsv")
    assert [(p.department, p.name, p.code, p.budget_raw["total"]) for p in doc.projects] == [
        (p.department, p.name, p.code, p.budget_raw["total"]) for p in ref.projects]
    assert [c["indicators"] for c in compact(doc)] == [c["indicators"] for c in compact(ref)]
    assert not doc.issues


def test_flat_table_header_detection():
    """Only a row naming the 三级指标 column (with a level column, three columns in all)
    restarts a flat table; notes after a heading, full-width spellings and the preferred
    spelling decide the columns, and an indicator whose text merely mentions a heading
    stays an indicator."""
    header = "项目名称\t一级指标\t二级指标\t三级指标（必填）\t指标值\n"
    text = (header
            + "甲项目\t产出指标\t数量指标\t三级指标\t≥20公里\n"  # a value equal to a heading is no header
            + "甲项目\t产出指标\t质量指标\t验收合格率\t100%\n"
            # A second export pasted below, its columns in another order, a 绩效指标 label
            # column before the 三级指标 one (the 三级指标 spelling is preferred).
            + "绩效指标\t三级指标\t一级指标\t二级指标\t目标值\t项目名称\n"
            + "x\t群众满意度\t效益指标\t满意度指标\t≥90%\t乙项目\n")
    doc = parse_text(text, "flat.tsv")
    assert [(p.name, [(i.level1, i.level2, i.name, i.target_raw) for i in p.indicators]) for p in doc.projects] == [
        ("甲项目", [("产出指标", "数量指标", "三级指标", "≥20公里"), ("产出指标", "质量指标", "验收合格率", "100%")]),
        ("乙项目", [("效益指标", "满意度指标", "群众满意度", "≥90%")]),
    ]
    assert not doc.issues


def test_headerless_indicator_rows_are_one_project():
    text = ("产出指标\t数量指标\t新建污水管网\t管网长度\t≥20公里\t实施方案\n"
            "\t质量指标\t验收合格率\t\t100%\t\n"
            "效益指标\t社会效益指标\t群众满意度\t\t≥90%\t\n")
    doc = parse_text(text)
    assert len(doc.projects) == 1
    assert [(i.level1, i.level2, i.name, i.description, i.target_raw, i.basis) for i in doc.indicators] == [
        ("产出指标", "数量指标", "新建污水管网", "管网长度", "≥20公里", "实施方案"),
        ("产出指标", "质量指标", "验收合格率", "", "100%", ""),
        ("效益指标", "社会效益指标", "群众满意度", "", "≥90%", ""),
    ]
    assert doc.indicators[1].level1_inherited


# -- .docx details --------------------------------------------------------------------------

def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(text: str = "", span: int | None = None, vmerge: str | None = None, inner: str = "") -> str:
    props = ""
    if span:
        props += f"<w:gridSpan w:val='{span}'/>"
    if vmerge is not None:
        props += "<w:vMerge w:val='restart'/>" if vmerge == "restart" else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}{inner}</w:tc>"


def _tr(*cells: str, before: int | None = None) -> str:
    props = f"<w:trPr><w:gridBefore w:val='{before}'/></w:trPr>" if before else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def _tbl(*rows: str) -> str:
    return f"<w:tbl>{''.join(rows)}</w:tbl>"


def docx_with(body_xml: str) -> bytes:
    """A .docx whose body holds ``body_xml`` (WordprocessingML, prefix w)."""
    document = docx.Document()
    body = document.element.body
    for element in list(parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>")):
        body.insert(len(body) - 1, element)  # before the section properties
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


INDICATOR_TABLE = _tbl(
    _tr(_tc("一级指标"), _tc("二级指标"), _tc("三级指标", span=2), _tc("指标值")),
    _tr(_tc("产出指标", vmerge="restart"), _tc("数量指标"), _tc("新建管网", span=2), _tc("20公里")),
    _tr(_tc(vmerge="continue"), _tc("质量指标"), _tc("验收合格率", span=2), _tc("100%")),
)


def test_docx_merged_cells_follow_the_grid():
    rows = [i for i in read_docx(docx_with(INDICATOR_TABLE), "m.docx") if isinstance(i, Row)]
    assert [r.texts for r in rows] == [
        ["一级指标", "二级指标", "三级指标", "", "指标值"],
        ["产出指标", "数量指标", "新建管网", "", "20公里"],
        ["", "质量指标", "验收合格率", "", "100%"],
    ]
    assert rows[2].cells[4].location.label() == "m.docx table 1, row 3, cell 5"
    doc = parse_bytes(docx_with(INDICATOR_TABLE), "m.docx")
    assert [(i.level1, i.level1_inherited, i.name, i.target_raw) for i in doc.indicators] == [
        ("产出指标", False, "新建管网", "20公里"), ("产出指标", True, "验收合格率", "100%")]


def test_docx_text_is_what_word_shows():
    paragraph = (
        "<w:p><w:bookmarkStart w:id='0' w:name='_Toc1'/><w:r><w:t>1、</w:t></w:r>"
        "<w:ins w:id='1' w:author='a'><w:r><w:t>污水</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText>删去</w:delText></w:r></w:del>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        "<w:hyperlink><w:r><w:t>治理</w:t></w:r></w:hyperlink>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> TC \"x\" \\f C \\l 1 </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:sdt><w:sdtContent><w:r><w:t>绩效目标表</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:r><w:br/><w:t>第二行</w:t><w:br w:type='page'/></w:r><w:bookmarkEnd w:id='0'/></w:p>"
    )
    block_control = f"<w:sdt><w:sdtPr/><w:sdtContent>{_p('控件里的段落')}</w:sdtContent></w:sdt>"
    items = list(read_docx(docx_with(paragraph + block_control)))
    assert [i.text for i in items if isinstance(i, TextLine)] == ["1、污水治理绩效目标表\n第二行", "控件里的段落"]


def test_docx_nested_table_rows_follow_their_row():
    outer = _tbl(
        _tr(_tc("项目名称"), _tc("管网建设")),
        _tr(_tc("绩效指标"), _tc("见下表", inner=INDICATOR_TABLE)),
        _tr(_tc("备注"), _tc("无")),
    )
    items = list(read_docx(docx_with(outer)))
    rows = [(i.location.table, i.location.row, i.texts[:2]) for i in items if isinstance(i, Row)]
    assert rows == [
        ("1", 1, ["项目名称", "管网建设"]),
        ("1", 2, ["绩效指标", "见下表"]),
        ("1.1", 1, ["一级指标", "二级指标"]),
        ("1.1", 2, ["产出指标", "数量指标"]),
        ("1.1", 3, ["", "质量指标"]),
        ("1", 3, ["备注", "无"]),
    ]
    # The nested table starts a table and ends back in the outer one.
    assert [i.location.table for i in items if isinstance(i, TableStart)] == ["1", "1.1", "1"]
    doc = parse_bytes(docx_with(outer), "n.docx")
    assert doc.projects[0].name == "管网建设" and len(doc.indicators) == 2
    assert [i.location.row for i in doc.issues] == [2, 3]  # 绩效指标 | 见下表, 备注 | 无: reported, not dropped


def test_docx_grid_offsets_and_hostile_spans():
    table = _tbl(
        _tr(_tc("a"), _tc("b"), _tc("c")),
        _tr(_tc("x"), _tc("y"), before=1),
        _tr(_tc("wide", span=1_000_000)),
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='abc'/></w:tcPr>" + _p("z") + "</w:tc></w:tr>",
    )
    rows = [i.texts for i in read_docx(docx_with(table)) if isinstance(i, Row)]
    assert rows[:2] == [["a", "b", "c"], ["", "x", "y"]]
    assert len(rows[2]) == 63  # Word's column limit caps a corrupt span
    assert rows[3] == ["z"]


def test_docx_label_merged_across_columns_keeps_its_value():
    table = _tbl(
        _tr(_tc("项目名称", span=2), _tc("管网建设", span=3), _tc("项目编码"), _tc("")),
        _tr(_tc("预算数", span=2), _tc("100", span=3), _tc("其中：财政资金"), _tc("80")),
    ) + INDICATOR_TABLE
    project = parse_bytes(docx_with(table), "l.docx").projects[0]
    assert (project.name, project.code, project.budget_total, project.budget_fiscal) == ("管网建设", "", 100.0, 80.0)


def test_docx_header_with_a_label_column_before_the_levels():
    """The 2021 template's indicator block: a merged 绩效指标 label column, then the levels."""
    table = [["项目名称", "污水管网建设"], ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
             ["", "产出指标", "数量指标", "新建管网长度", "≥20公里"], ["", "", "质量指标", "验收合格率", "100%"]]
    doc = parse_bytes(write_docx([table]), "form.docx")
    assert [(i.level1, i.level2, i.name, i.target_raw) for i in doc.indicators] == [
        ("产出指标", "数量指标", "新建管网长度", "≥20公里"), ("产出指标", "质量指标", "验收合格率", "100%")]
    assert not doc.issues


# -- .xlsx details --------------------------------------------------------------------------

def _xlsx(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (60, "0.00", "60.00"),
    (60.0, "General", "60"),
    (0.1 + 0.2, "General", "0.3"),
    (0.95, "0%", "95%"),
    (0.955, "0.0%", "95.5%"),
    (2.5, "0", "3"),
    (4621, "#,##0.00_ ", "4,621.00"),
    (0.5, '0.00%;[Red]-0.00%', "50.00%"),
    (1e-5, "General", "0.00001"),
    (float("inf"), "General", "inf"),
    (True, "General", "TRUE"),
    (dt.datetime(2020, 12, 31), "yyyy-mm-dd", "2020-12-31"),
    (dt.datetime(2020, 12, 31, 8, 30), "yyyy-mm-dd hh:mm", "2020-12-31 08:30:00"),
    (dt.date(2021, 3, 1), "yyyy/m/d", "2021-03-01"),
    (None, "General", ""),
    ("≥95%", "@", "≥95%"),
])
def test_xlsx_values_shown_as_excel_does(value, fmt, shown):
    assert format_value(value, fmt) == shown


def test_xlsx_sheets_merges_dates_and_hidden_sheets():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "1、管网建设项目绩效目标表"
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值", "完成时限"])
    sheet.append(["产出指标", "数量指标", "新建管网", 20, dt.datetime(2020, 12, 31)])
    sheet.append([None, "质量指标", "验收合格率", 1, None])
    sheet["D3"].number_format = "0%"
    sheet.merge_cells("A2:A3")
    hidden = workbook.create_sheet("lists")
    hidden.append(["产出指标", "效益指标"])
    hidden.sheet_state = "hidden"
    items = list(read_xlsx(_xlsx(workbook), "w.xlsx"))
    assert isinstance(items[0], TableStart) and items[0].caption == sheet.title
    rows = [i for i in items if isinstance(i, Row)]
    assert [r.texts for r in rows] == [
        ["一级指标", "二级指标", "三级指标", "指标值", "完成时限"],
        ["产出指标", "数量指标", "新建管网", "20", "2020-12-31"],
        ["", "质量指标", "验收合格率", "100%", ""],
    ]
    assert rows[2].cells[3].location.label() == "w.xlsx table 1、管网建设项目绩效目标表, row 3, cell 4"
    doc = parse_bytes(_xlsx(workbook), "w.xlsx")
    assert doc.projects[0].title == sheet.title
    assert [i.level1 for i in doc.indicators] == ["产出指标", "产出指标"]


def test_xlsx_far_away_cell_does_not_widen_the_walk():
    """A value at the sheet's last column pads rows to it; it must not make the reader walk
    billions of empty cells, and a style-only cell far away adds nothing."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    sheet.append(["产出指标", "数量指标", "新建管网", "20公里"])
    sheet.cell(1_048_576, 16_384).number_format = "0.00"  # formatted, no value
    rows = [i for i in read_xlsx(_xlsx(workbook)) if isinstance(i, Row)]
    assert [len(r.cells) for r in rows] == [4, 4]


def test_xlsx_value_far_right_of_a_long_sheet_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_CELLS", 1000)
    workbook = openpyxl.Workbook()
    for _ in range(100):
        workbook.active.append(["产出指标", "数量指标", "新建管网", "20公里"])
    workbook.active.cell(1, 200, "远处的值")
    with pytest.raises(ParseError, match="spans 100 rows by 200 columns, which brings the workbook over the limit of 1,000 cells"):
        list(read_xlsx(_xlsx(workbook), "far.xlsx"))


def test_xlsx_sheet_named_like_sheet1_is_not_a_title():
    workbook = openpyxl.Workbook()
    workbook.active.append(["一级指标", "二级指标", "三级指标", "指标值"])
    items = list(read_xlsx(_xlsx(workbook)))
    assert items[0] == TableStart(location=items[0].location, caption="")
    assert items[0].location.table == "Sheet"
