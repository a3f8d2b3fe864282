"""Fifth review pass of the reader: the leftovers of the fourth (the sheet a 汇总 warning is
about, value columns of several years with no year in their headings, tables laid out
across) and eight messy inputs, each written down as a careful reader would read it before
zhibiao was run on it.

The text inputs are in ``tests/data/review5_parse/``; the .xlsx and .docx are built by
``tests/data/review5_parse/build.py`` (which also writes the text files). Rules only: no
models, each test a fraction of a second.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scorer.parsers import parse_bytes, parse_path, parse_text
from tests.golden_tables import load_builder, rows_of, summary

DATA = Path(__file__).parent / "data" / "review5_parse"
build = load_builder(DATA)


def test_text_inputs_are_what_the_builder_writes():
    for name, (make, encoding) in build.TEXT_FILES.items():
        assert (DATA / name).read_bytes() == make().encode(encoding), name


# -- 1. leftovers of the fourth pass -----------------------------------------------------

def test_summary_sheet_warning_names_the_sheet_everywhere(tmp_path):
    """The reviewer is told which sheet was read past: in the issue's own words (the page,
    the workbook report), in its location (JSON), on the CLI's line."""
    doc = parse_bytes(build.farm_xlsx(), "农业农村局.xlsx")
    (issue,) = doc.issues
    assert issue.severity == "warning" and issue.location.table == "汇总"
    assert "工作表「汇总」" in issue.zh
    assert json.loads(doc.model_dump_json())["issues"][0]["location"]["table"] == "汇总"

    from scorer.cli.main import app

    path = tmp_path / "农业农村局.xlsx"
    path.write_bytes(build.farm_xlsx())
    out = CliRunner().invoke(app, ["score", str(path), "--no-models"]).output
    (line,) = [line for line in out.splitlines() if " 解析 " in line]
    assert "表格「汇总」" in line and "工作表「汇总」" in line


def test_page_shows_the_table_of_a_parse_issue():
    """The page's 读取提示 line names the sheet (or Word table) beside the row."""
    script = (Path(__file__).parents[1] / "api" / "static" / "app.js").read_text(encoding="utf-8")
    notes = script[script.index("function parseNotes"):script.index("function renderSummary")]
    assert "loc.table" in notes


YEARS_HEADER = "一级指标\t二级指标\t三级指标\t2025年指标值\t2026年指标值\t2027年指标值\n"
YEARS_ROW = "产出指标\t数量指标\t培训人次\t600人次\t650人次\t700人次\n"


@pytest.mark.parametrize(("before", "name", "expected"), [
    # nothing says which year: the first column
    ("", None, "600人次"),
    # the goal names one of the columns' years
    ("年度绩效目标\t到2026年底完成培训650人次。\n", None, "650人次"),
    # the file name does
    ("", "某县人社局2026年项目绩效目标.tsv", "650人次"),
    # a 项目实施期 / 项目起止时间 cell does
    ("项目实施期\t2027年1月-2027年12月\n", None, "700人次"),
    ("项目起止时间\t2026.01.01-2026.12.31\n", "2027年.tsv", "650人次"),
    # a period over all three years, or a goal naming two of them, decides nothing
    ("项目实施期\t2025-2027年\n", "2026年.tsv", "650人次"),
    ("年度绩效目标\t2025年完成一期，2027年完成二期。\n", None, "600人次"),
    # the document's heading is asked first
    ("某县人社局2027年度项目支出绩效目标表\n年度绩效目标\t到2026年底完成培训。\n", None, "700人次"),
])
def test_value_column_of_the_year_the_document_states(before, name, expected):
    text = "项目名称\t职业技能培训\n" + before + YEARS_HEADER + YEARS_ROW
    doc = parse_text(text, name=name, format="tsv")
    assert doc.projects[0].indicators[0].target_raw == expected


def test_a_year_column_of_what_was_achieved_is_never_the_value():
    text = ("项目名称\t职业技能培训\n年度绩效目标\t在2024年基础上提高。\n"
            "一级指标\t二级指标\t三级指标\t2024年完成值\t2025年指标值\t2026年指标值\n" + YEARS_ROW)
    assert parse_text(text, name="2024年.tsv", format="tsv").projects[0].indicators[0].target_raw == "650人次"


def test_transposed_indicator_table_is_read_across():
    """Field names down the first column, one indicator per column: read as the table
    it is turned on its side (the 一级指标 merged across two columns carries over)."""
    doc = parse_path(DATA / "transposed_indicators.tsv")
    assert summary(doc) == [("社区养老服务驿站运营", "", 150, None, None, 1, 4)]
    (project,) = doc.projects
    assert rows_of(project) == [("产出指标", "数量指标", "运营驿站数量", "12个"),
                                ("产出指标", "质量指标", "服务质量达标率", "≥95%"),
                                ("效益指标", "社会效益指标", "老年人助餐服务覆盖率", "≥80%"),
                                ("满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%")]
    assert [i.basis for i in project.indicators] == ["计划标准", "行业标准", "计划标准", "历史标准"]
    assert project.indicators[1].level1_inherited
    # each indicator points at its 三级指标 cell
    assert (project.indicators[1].location.row, project.indicators[1].location.cell) == (7, 3)
    assert doc.issues == []


def test_transposed_table_without_levels_is_said_in_chinese():
    """Across but without a level row: not guessed at; the reviewer is told what it looks like."""
    text = ("项目名称\t某项目\n"
            "三级指标\t培训人次\t培训合格率\t学员满意度\n"
            "指标值\t≥600人次\t≥95%\t≥90%\n"
            "一级指标\t二级指标\t三级指标\t指标值\n"
            "产出指标\t数量指标\t发放教材\t600册\n")
    doc = parse_text(text, format="tsv")
    assert rows_of(doc.projects[0]) == [("产出指标", "数量指标", "发放教材", "600册")]
    (issue,) = doc.issues
    assert issue.zh.startswith("表格似乎是转置的：") and "三级指标" in issue.zh and issue.location.row == 2


def test_an_ordinary_header_is_not_taken_for_a_transposed_table():
    text = ("一级指标\t二级指标\t三级指标\t指标值\n"
            "产出指标\t数量指标\t培训人次\t600人次\n")
    assert rows_of(parse_text(text, format="tsv").projects[0]) == [("产出指标", "数量指标", "培训人次", "600人次")]


# -- 2. messy inputs, expected parse written before the run -----------------------------

def test_workbook_with_merged_levels_a_margin_and_a_spacer_column():
    doc = parse_bytes(build.parks_xlsx(), "园林局.xlsx")
    # (a table's own heading is its project's title; as the heading of the only table it also
    # names the document, which the batch and the reports are named after: review 6)
    assert doc.title == doc.projects[0].title == "2025年城市公园管养项目支出绩效目标表"
    assert summary(doc) == [("城市公园日常管养", "", 860, 800, 60, 2, 7)]
    (project,) = doc.projects
    assert project.department == "某市园林绿化局" and project.unit == "万元"
    assert rows_of(project) == [
        ("产出指标", "数量指标", "日常养护公园数量", "32个"),
        ("产出指标", "数量指标", "绿地养护面积", "≥186万平方米"),
        ("产出指标", "质量指标", "公园设施完好率", "≥95%"),
        ("产出指标", "时效指标", "养护作业按期完成率", "100%"),
        ("成本指标", "经济成本指标", "每平方米年养护成本", "≤4.6元"),
        ("效益指标", "社会效益指标", "公园日均接待游客", "≥3.5万人次"),
        ("满意度指标", "服务对象满意度指标", "游客满意度", "≥90%"),
    ]
    assert [i.basis for i in project.indicators] == [row[5] for row in build.PARKS_ROWS]
    assert project.indicators[0].location.table == "绩效目标表" and project.indicators[0].location.row == 10
    assert doc.issues == []


def test_word_document_with_each_project_named_in_a_paragraph_above_its_table():
    doc = parse_bytes(build.streets_docx(), "城管局.docx")
    assert doc.title == "某区城市管理局2025年部门项目支出绩效目标" and doc.department == "某区城市管理局"
    assert summary(doc) == [("城区道路清扫保洁项目", "", 1260, 1260, None, 2, 4),
                            ("市政设施维修养护经费", "", 540, 500, None, 1, 5),
                            ("城市照明运行维护", "", 310, 310, None, 1, 3)]
    assert [p.title for p in doc.projects] == [s[0] for s in build.STREETS]
    assert rows_of(doc.projects[1])[1] == ("产出指标", "时效指标", "报修处置及时率", "≥95%")
    assert doc.issues == []


def test_wps_paste_with_full_width_spaces_and_trailing_tabs():
    doc = parse_path(DATA / "wps_paste_fullwidth.tsv")
    assert doc.format == "tsv"
    assert doc.projects[0].title == "某县林业局2025年项目支出绩效目标表" and doc.department == "某县林业局"
    assert summary(doc) == [("森林防火能力提升", "", 120, 120, None, 1, 5)]
    (project,) = doc.projects
    assert project.goals[0].text.startswith("购置扑火装备300套")
    assert rows_of(project) == [("产出指标", "数量指标", "购置扑火装备", "≥300套"),
                                ("产出指标", "数量指标", "防火巡护天数", "≥180天"),
                                ("产出指标", "质量指标", "装备验收合格率", "100%"),
                                ("效益指标", "生态效益指标", "森林火灾受害率", "≤0.9‰"),
                                ("满意度指标", "服务对象满意度指标", "林区群众满意度", "≥90%")]
    assert doc.issues == []


def test_gbk_csv_form_with_amounts_in_yuan():
    raw = (DATA / "sanitation_form_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    doc = parse_path(DATA / "sanitation_form_gbk.csv")
    assert doc.format == "csv" and doc.projects[0].title == "某县环境卫生管理所2025年项目支出绩效目标表"
    assert summary(doc) == [("农村生活垃圾收运处置", "", 125, 120, 5, 2, 5)]
    (project,) = doc.projects
    assert project.department == "某县住房和城乡建设局" and project.budget_raw["total"] == "1,250,000.00"
    assert [g.text for g in project.goals] == ["覆盖全县12个乡镇生活垃圾收运", "生活垃圾无害化处理率达到100%。"]
    assert rows_of(project)[1] == ("产出指标", "数量指标", "日均收运生活垃圾量", "≥150吨")
    assert doc.issues == []


def test_department_document_of_thirty_projects_some_without_goals():
    doc = parse_path(DATA / "agri_30_projects.tsv")
    assert doc.title == "某县农业农村局2025年部门预算项目支出绩效目标表" and doc.department == "某县农业农村局"
    expected = []
    for i, name in enumerate(build.AGRI_NAMES, start=1):
        code, count, budget, goal = build.agri_plan(i)
        goals = 0 if goal in (None, "", "无", "/") else (2 if "\n" in goal else 1)
        expected.append((name, code, budget, budget, None, goals, count))
    assert summary(doc) == expected
    assert doc.projects[9].title == "10.渔业资源保护项目"
    # a project without goals takes none from its neighbours
    assert all(name in p.goals[0].text for p, name in zip(doc.projects, build.AGRI_NAMES) if p.goals)
    assert rows_of(doc.projects[3])[1] == ("产出指标", "质量指标", "动物疫病防控指标2", "≥81%")
    assert doc.issues == []


def test_workbook_of_one_sheet_per_project_named_after_it():
    doc = parse_bytes(build.farm_xlsx(), "农业农村局.xlsx")
    assert doc.title == "某县农业农村局2025年项目支出绩效目标汇总表" and doc.department == "某县农业农村局"
    assert summary(doc) == [("农机购置补贴", "", 380, 380, None, 1, 4),
                            ("高标准农田建设", "", 2400, 2100, None, 1, 5),
                            ("动物疫病防控", "", 165, 165, None, 1, 3)]
    assert [p.indicators[0].location.table for p in doc.projects] == [s[0] for s in build.FARM_SHEETS]


def test_generic_sheet_names_and_template_headings_name_no_project():
    """Sheet1 and 项目支出绩效目标表 say nothing of the project: its name stays empty rather
    than 'Sheet1' or '项目支出'."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["2025年项目支出绩效目标表"], ["主管部门", "某局"], ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "培训人次", "600人次"]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse_bytes(buf.getvalue(), "a.xlsx")
    assert doc.projects[0].name == ""


# -- focused rules ------------------------------------------------------------------------

def test_a_lone_heading_cell_after_a_blank_margin_column_is_a_heading():
    text = ("\t某县2025年农村供水项目支出绩效目标表\t\t\n"
            "\t项目名称\t农村供水维修\t\n\t一级指标\t二级指标\t三级指标\t指标值\n"
            "\t产出指标\t数量指标\t维修供水点\t≥20处\n")
    doc = parse_text(text, format="tsv")
    assert doc.projects[0].title == "某县2025年农村供水项目支出绩效目标表" and doc.issues == []


@pytest.mark.parametrize(("heading", "name"), [
    ("一、城区道路清扫保洁项目", "城区道路清扫保洁项目"), ("（二）市政设施维修养护经费", "市政设施维修养护经费"),
    ("项目三：城市照明运行维护", "城市照明运行维护"), ("4.农村公路养护补助资金", "农村公路养护补助资金")])
def test_a_numbered_project_heading_names_the_table_under_it(heading, name):
    table = ("主管部门\t某局\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成数量\t10个\n")
    doc = parse_text(f"某局2025年项目支出绩效目标\n{heading}\n{table}{heading}\n{table}", format="tsv")
    assert [p.name for p in doc.projects] == [name, name] and doc.title == "某局2025年项目支出绩效目标"


def test_a_sentence_or_a_department_goal_section_is_not_a_project_heading():
    """A numbered sentence and the 分项绩效目标 headings before the tables stay department text."""
    text = ("某局2025年部门预算绩效信息\n分项绩效目标\n（一）农村公路养护项目\n绩效目标：完成养护任务。\n"
            "项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t30公里\n"
            "1.完成道路养护项目，保障通行。\n")
    doc = parse_text(text, format="tsv")
    assert [p.name for p in doc.projects] == ["道路养护"]
    assert doc.department_goals.sections[0].title == "农村公路养护项目"


@pytest.mark.parametrize("cell", ["无", "/", "——", "暂无", "无。", "-"])
def test_a_goal_cell_that_says_there_is_none_is_no_goal(cell):
    text = f"项目名称\t某项目\n年度绩效目标\t{cell}\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成数量\t10个\n"
    assert parse_text(text, format="tsv").projects[0].goals == []


def test_a_sheet_with_two_projects_lends_neither_its_name():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "农业项目"
    for heading in ("项目支出绩效目标表", "项目支出绩效目标表"):
        for row in ([heading], ["主管部门", "某局"], ["一级指标", "二级指标", "三级指标", "指标值"],
                    ["产出指标", "数量指标", "培训人次", "600人次"]):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse_bytes(buf.getvalue(), "a.xlsx")
    assert [p.name for p in doc.projects] == ["", ""]


# -- property: a table laid out across reads as the same table laid out down ----------------

_LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]
_indicator = st.tuples(st.sampled_from(_LEVELS),
                       st.text(alphabet=st.sampled_from(list("培训人次验收合格率覆盖面积新建改造")), min_size=2, max_size=8),
                       st.sampled_from(["≥95%", "12个", "100%", "明显改善", "≤30天", ""]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_indicator, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_transposed_table_reads_as_the_table_laid_down(indicators, with_basis, merged):
    fields = ["一级指标", "二级指标", "三级指标", "指标值"] + (["指标值确定依据"] if with_basis else [])
    rows = []
    for k, ((level1, level2), name, value) in enumerate(indicators):
        shown1 = "" if merged and k and indicators[k - 1][0][0] == level1 else level1
        rows.append([shown1, level2, name, value] + (["计划标准"] if with_basis else []))
    down = "项目名称\t某项目\n" + "\t".join(fields) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    across = "项目名称\t某项目\n" + "".join(
        "\t".join([field] + [r[i] for r in rows]) + "\n" for i, field in enumerate(fields))
    expected = parse_text(down, format="tsv")
    got = parse_text(across, format="tsv")
    assert rows_of(got.projects[0]) == rows_of(expected.projects[0])
    assert [i.basis for i in got.projects[0].indicators] == [i.basis for i in expected.projects[0].indicators]


def test_cell_per_line_word_text_with_a_two_row_year_header_and_project_headings():
    """Word's own cells: the 指标值 cell spanning 2025年 | 2026年 is one cell, so the rows
    under the header have one cell more than its first row; the year is the 项目实施期's."""
    doc = parse_path(DATA / "culture_word_cells.txt")
    assert doc.format == "cells" and doc.title == "某县文化和旅游局项目支出绩效目标"
    assert summary(doc) == [("乡镇综合文化站免费开放项目", "", 96, 96, None, 2, 5),
                            ("公共图书馆数字资源建设", "", 45, 45, None, 0, 3)]
    stations = doc.projects[0]
    assert rows_of(stations) == [("产出指标", "数量指标", "免费开放文化站数量", "18个"),
                                 ("产出指标", "数量指标", "开展群众文化活动场次", "≥216场次"),
                                 ("产出指标", "时效指标", "补助资金拨付时间", "2026年6月底前"),
                                 ("效益指标", "社会效益指标", "参与群众文化活动人次", "≥4.5万人次"),
                                 ("满意度指标", "服务对象满意度指标", "群众满意度", "≥92%")]
    assert [i.basis for i in stations.indicators] == ["计划标准", "历史标准", "计划标准", "历史标准", "历史标准"]
    assert doc.department == "某县文化和旅游局"
    assert doc.issues == []


def test_indicators_given_one_block_of_fields_each_are_read_as_rows():
    """An export that writes each indicator as a block of field | value rows (一级指标 | …,
    二级指标 | …, 三级指标 | …, 指标值 | …), block after block: one row per block."""
    text = "项目名称\t培训项目\n"
    rows = [("产出指标", "数量指标", "培训人次", "600人次"), ("产出指标", "质量指标", "培训合格率", "≥95%"),
            ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%")]
    for level1, level2, name, value in rows:
        text += f"一级指标\t{level1}\n二级指标\t{level2}\n三级指标\t{name}\n指标值\t{value}\n\n"
    doc = parse_text(text, format="tsv")
    assert [rows_of(p) for p in doc.projects] == [rows] and doc.issues == []


def test_flat_table_with_value_columns_per_year_reads_the_file_names_year():
    text = ("项目名称\t一级指标\t二级指标\t三级指标\t2025年指标值\t2026年指标值\n"
            "培训项目\t产出指标\t数量指标\t培训人次\t600人次\t650人次\n")
    assert parse_text(text, name="2026年绩效目标.tsv", format="tsv").indicators[0].target_raw == "650人次"


def test_a_lone_indicator_name_that_reads_like_a_title_stays_an_indicator():
    text = ("\t项目名称\t绩效管理\t\n\t一级指标\t二级指标\t三级指标\t指标值\n"
            "\t产出指标\t数量指标\t培训人次\t≥20人次\n\t\t\t编制项目支出绩效目标表\t\n")
    doc = parse_text(text, format="tsv")
    assert [i.name for i in doc.projects[0].indicators] == ["培训人次", "编制项目支出绩效目标表"]


def test_a_numbered_note_under_a_table_does_not_start_a_project():
    text = ("项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t30公里\n"
            "1.本项目为延续项目\n效益指标\t社会效益指标\t通行条件\t明显改善\n")
    doc = parse_text(text, format="tsv")
    assert [(p.name, len(p.indicators)) for p in doc.projects] == [("道路养护", 2)]


@pytest.mark.parametrize(("heading", "name"), [
    ("某县林业局2025年项目支出绩效目标表", ""), ("某县林业局2025年度项目支出绩效目标表", ""),
    ("某县林业局2025年森林防火项目绩效目标表", "某县林业局2025年森林防火项目"),
    ("3.2025年森林防火项目绩效目标表", "2025年森林防火项目")])
def test_a_heading_that_names_only_who_files_it_names_no_project(heading, name):
    text = f"{heading}\n主管部门\t某县林业局\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t巡护天数\t≥180天\n"
    assert parse_text(text, format="tsv").projects[0].name == name
