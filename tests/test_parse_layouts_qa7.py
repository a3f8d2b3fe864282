"""Seventh review pass of the reader, as a budget reviewer who receives real documents: the
sixth pass's known gaps (goals and 项目实施期 written under a table in the middle of a
department's document, Excel error values, text boxes in Word cells, rows a filter hides,
time formats), then inputs in the layouts departments and provinces produce (a WPS paste of
three 2021 tables on one sheet, the 2015 申报表 as docx-to-text gives it, a 部门整体支出 table,
a province's export with worded comparators and amounts in 元, a municipal table over two
pages under 续表, a department's tables announced by numbered headings with their goals under
them, a 民政局 workbook left as the office worked on it, a Word form typed into text boxes).
The expected parse of each input was written down before zhibiao was run on it.

Text inputs are files in ``tests/data/review7_parse/``; the .docx/.xlsx ones are built in
memory by its ``build.py``. Rules only: no models, each test a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.parsers import parse_bytes, parse_path, parse_text
from tests.golden_tables import load_builder, rows_of, summary

DATA = Path(__file__).parent / "data" / "review7_parse"
build = load_builder(DATA)
TABLE = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成数量\t10个\n"


def _goals(doc) -> list[list[str]]:
    return [[g.text for g in p.goals] for p in doc.projects]


# -- 1. goals and 项目实施期 under a table in the middle of a document ----------------------

@pytest.mark.parametrize("announce", ["项目名称\t{name}\n", "{n}.{name}绩效目标表\n", "（{n}）{name}\n"])
def test_goals_under_a_table_in_the_middle_are_that_tables(announce):
    """Before: the goals under the first table went to the second project, the second's to a
    third project with no indicators (and, with headings, the second heading was lost)."""
    names = ("城区道路清扫项目", "城市照明维护项目")
    text = "".join(announce.format(n=n, name=name) + TABLE + f"年度绩效目标\t{name}的目标。\n"
                   for n, name in enumerate(names, start=1))
    doc = parse_text(text, format="tsv")
    assert [p.name for p in doc.projects] == list(names)
    assert _goals(doc) == [[f"{name}的目标。"] for name in names]
    assert doc.issues == []


def test_a_period_and_fund_use_under_a_table_stay_with_it():
    text = ("1.甲项目绩效目标表\n" + TABLE + "项目实施期\t2025年\n资金用途\t甲的用途\n年度绩效目标\t甲的目标。\n"
            "2.乙项目绩效目标表\n" + TABLE)
    doc = parse_text(text, format="tsv")
    assert [(p.name, p.fund_use) for p in doc.projects] == [("甲项目", "甲的用途"), ("乙项目", "")]
    assert _goals(doc) == [["甲的目标。"], []] and len(doc.projects[1].indicators) == 1


YEARS = "一级指标\t二级指标\t三级指标\t2025年指标值\t2026年指标值\n产出指标\t数量指标\t完成数量\t10个\t20个\n"


def test_a_period_under_the_table_chooses_the_years_column():
    """Before: a 项目实施期 row under the table was read past; the first column was the value."""
    doc = parse_text("项目名称\t甲项目\n" + YEARS + "项目实施期\t2026年1月-2026年12月\n", format="tsv")
    assert [i.target_raw for i in doc.projects[0].indicators] == ["20个"] and doc.issues == []


def test_a_period_above_a_table_announced_by_a_heading_is_that_projects():
    """Before: the 项目实施期 row under the second heading was forgotten when the table started
    the project, and the first column was read."""
    doc = parse_text("1.甲项目绩效目标表\n" + YEARS + "2.乙项目绩效目标表\n项目实施期\t2026年\n" + YEARS, format="tsv")
    assert [p.indicators[0].target_raw for p in doc.projects] == ["10个", "20个"]


def test_goals_above_the_next_table_still_start_it():
    """Goals under a table followed by a table (and no name or heading) head that table."""
    doc = parse_text("项目名称\t甲项目\n年度绩效目标\t甲的目标。\n" + TABLE + "年度绩效目标\t乙的目标。\n" + TABLE,
                     format="tsv")
    assert _goals(doc) == [["甲的目标。"], ["乙的目标。"]]


def test_a_budget_row_after_a_table_still_starts_the_next_project():
    doc = parse_text("项目名称\t甲项目\n" + TABLE + "年度绩效目标\t乙的目标。\n年度资金总额\t50\n项目名称\t乙项目\n" + TABLE,
                     format="tsv")
    assert [(p.name, p.budget_total) for p in doc.projects] == [("甲项目", None), ("乙项目", 50)]
    assert _goals(doc) == [[], ["乙的目标。"]]


# -- 2. Excel error values ------------------------------------------------------------------

def _sheet(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("error", "meaning"), [("#DIV/0!", "除数为零"), ("#REF!", "引用的单元格已被删除"),
                                                ("#VALUE!", "参与计算的值类型不对"), ("#N/A", "查找不到对应的值")])
def test_an_excel_error_value_is_named_to_the_reviewer(error, meaning):
    """Before: read as the text '#DIV/0!' without a word (an amount: only 'not a number')."""
    doc = parse_bytes(_sheet([["项目名称", "甲"], ["年度资金总额", error], ["一级指标", "二级指标", "三级指标", "指标值"],
                              ["产出指标", "数量指标", "完成率", error]]), "a.xlsx")
    assert doc.projects[0].budget_total is None and doc.projects[0].indicators[0].target_raw == error
    assert [(i.location.table, i.location.row, i.location.cell) for i in doc.issues] == [("绩效目标", 2, 2),
                                                                                        ("绩效目标", 4, 4)]
    assert [i.zh for i in doc.issues] == [
        f"工作表「绩效目标」的 {ref} 单元格显示 Excel 错误值 {error}（{meaning}），公式没有算出数值：请在 Excel 或 WPS 中修正公式后重新提交"
        for ref in ("B2", "D4")]
    assert all(i.severity == "warning" and f"shows the Excel error {error}" in i.message for i in doc.issues)


def test_an_error_value_pasted_from_excel_is_named_by_row_and_cell():
    doc = parse_text("项目名称\t甲\n" + TABLE.replace("10个", "#DIV/0!"), format="tsv")
    (issue,) = doc.issues
    assert issue.zh.startswith("第 3 行第 4 格显示 Excel 错误值 #DIV/0!") and issue.location.row == 3


def test_a_spending_plan_error_is_named_once():
    doc = parse_text("项目名称\t甲\n资金支出计划\t6月底\t12月底\n\t#DIV/0!\t100%\n" + TABLE, format="tsv")
    assert [i.zh.split("（")[0] for i in doc.issues] == ["第 3 行第 2 格显示 Excel 错误值 #DIV/0!"]


def test_text_that_only_mentions_an_error_is_no_error():
    doc = parse_text("项目名称\t甲\n" + TABLE.replace("10个", "#1号楼完成"), format="tsv")
    assert doc.issues == []


# -- 3. text boxes in Word cells --------------------------------------------------------------

def test_values_typed_into_text_boxes_in_the_cells_are_read():
    """Before: the name, the goal and a value typed into text boxes laid in the form's cells
    were empty. Expected: read once each (the box is saved twice), the title from the paragraph."""
    doc = parse_bytes(build.text_box_form_docx(), "镇.docx")
    assert doc.title == "某镇2025年项目支出绩效目标表"
    assert summary(doc) == [(build.FORM_NAME, "", 60, None, None, 1, 2)]
    assert _goals(doc) == [[build.FORM_GOAL]]
    assert rows_of(doc.projects[0]) == [("产出指标", "数量指标", "上门服务老人数", "≥1200人"),
                                        ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%")]
    assert doc.issues == []


# -- 4. rows a filter hides; time formats --------------------------------------------------

def _filtered(active: bool) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效"
    for row in (["项目名称", "甲"], ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "600人次"],
                ["产出指标", "数量指标", "发放教材", "600册"], ["产出指标", "质量指标", "合格率", "≥90%"], ["填报人", "张三"]):
        ws.append(row)
    ws.auto_filter.ref = "A2:D5"
    if active:
        ws.auto_filter.add_filter_column(1, ["数量指标"])
    ws.row_dimensions[5].hidden = True  # inside the filter's range
    ws.row_dimensions[6].hidden = True  # outside it: hidden by hand
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_rows_an_active_filter_hides_are_read_and_the_reviewer_told():
    """Before: the row the filter hid was left out as if struck out. A filter is a view."""
    doc = parse_bytes(_filtered(active=True), "a.xlsx")
    assert [i.name for i in doc.projects[0].indicators] == ["培训人次", "发放教材", "合格率"]
    filtered, hidden = doc.issues
    assert filtered.zh.startswith("工作表「绩效」设置了筛选，被筛选隐藏的第 5 行也已读入") and filtered.location.row == 5
    assert hidden.zh.startswith("工作表「绩效」中隐藏的第 6 行未读入")


def test_rows_hidden_under_a_filter_with_no_criteria_were_hidden_by_hand():
    doc = parse_bytes(_filtered(active=False), "a.xlsx")
    assert [i.name for i in doc.projects[0].indicators] == ["培训人次", "发放教材"]
    (issue,) = doc.issues
    assert issue.zh.startswith("工作表「绩效」中隐藏的第 5、6 行未读入")


def _excel_2003(last_row: str, after_table: str = "", styles: str = "") -> str:
    """An Excel 2003 XML sheet 绩效 of one project, its last indicator row as given."""
    strings = (("项目名称", "某项目"), ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "培训人次", "600人次"))
    rows = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{t}</Data></Cell>' for t in r) + "</Row>"
                   for r in strings)
    return ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<Styles>{styles}</Styles><Worksheet ss:Name="绩效"><Table>{rows}{last_row}</Table>{after_table}'
            '</Worksheet></Workbook>')


def test_excel_2003_xml_filtered_rows_are_read_too():
    xml = _excel_2003('<Row ss:Hidden="1"><Cell><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">'
                      '数量指标</Data></Cell><Cell><Data ss:Type="String">发放教材</Data></Cell><Cell><Data ss:Type="String">'
                      '600册</Data></Cell></Row>',
                      '<AutoFilter x:Range="R2C1:R4C4" xmlns="urn:schemas-microsoft-com:office:excel">'
                      '<AutoFilterColumn x:Index="3" x:Type="Custom"/></AutoFilter>')
    doc = parse_text(xml)
    assert [i.name for i in doc.projects[0].indicators] == ["培训人次", "发放教材"]
    (issue,) = doc.issues
    assert "被筛选隐藏的第 4 行也已读入" in issue.zh


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (dt.time(0, 15), "h:mm", "0:15"),
    (dt.time(8, 30), "hh:mm:ss", "08:30:00"),
    (dt.time(8, 30), 'h"时"mm"分"', "8时30分"),
    (dt.time(18, 0), '上午/下午h"时"mm"分"', "下午6时00分"),
    (dt.time(18, 0), "h:mm AM/PM", "6:00 PM"),
    (dt.timedelta(hours=36), "[h]:mm", "36:00"),
    (dt.timedelta(hours=48), '"≤"[h]"小时"', "≤48小时"),
    (dt.time(0, 30), '"≤"[m]"分钟"', "≤30分钟"),
    (0.0208333, "mm:ss", "30:00"),  # Excel rounds to the second
    (dt.datetime(2025, 6, 30, 17, 0), 'yyyy"年"m"月"d"日" h"时"', "2025年6月30日 17时"),
    # a date and time with separators stays ISO, as every date is shown
    (dt.datetime(2020, 12, 31, 8, 30), "yyyy-mm-dd hh:mm", "2020-12-31 08:30:00"),
])
def test_times_are_shown_as_excel_shows_them(value, number_format, shown):
    """Before: 0:15 read 00:15:00, [h]:mm read '1 day, 12:00:00', ≤48小时 read '2 days, 0:00:00'."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["项目名称", "甲"], ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "时效指标", "时限", value]):
        ws.append(row)
    ws["D3"].number_format = number_format
    buf = io.BytesIO()
    wb.save(buf)
    assert parse_bytes(buf.getvalue(), "a.xlsx").projects[0].indicators[0].target_raw == shown


def test_an_excel_2003_xml_time_is_shown_by_its_format():
    """Before: 1899-12-31 00:30:00 (Excel 2003 XML writes a time on the day before its epoch)."""
    xml = _excel_2003('<Row><Cell><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">时效指标'
                      '</Data></Cell><Cell><Data ss:Type="String">响应时间</Data></Cell><Cell ss:StyleID="t">'
                      '<Data ss:Type="DateTime">1899-12-31T00:30:00.000</Data></Cell></Row>',
                      styles='<Style ss:ID="t"><NumberFormat ss:Format="Short Time"/></Style>')
    assert parse_text(xml).projects[0].indicators[1].target_raw == "0:30"


# -- 5. documents as departments and provinces send them -------------------------------------

def test_wps_paste_of_three_2021_tables_on_one_sheet():
    """Expected: the heading is the document's title and names the department; three projects
    (a 项目名称 row starts each), 主管部门 not 实施单位 the department, the budgets in 万元, the
    绩效指标 label cell merged down the left read past, 一级/二级 merged down inherited."""
    doc = parse_path(DATA / "wps_2021_stacked.tsv")
    assert doc.title == "某县农业农村局2025年项目支出绩效目标表" and doc.department == "某县农业农村局"
    assert summary(doc) == [("高标准农田建设管护", "", 350, 300, 50, 1, 6), ("农村人居环境整治", "", 180, 180, None, 2, 4),
                            ("动物疫病防控", "", 96.5, 96.5, 0, 1, 5)]
    first = doc.projects[0]
    assert rows_of(first)[1] == ("产出指标", "数量指标", "灌排设施维修", "≥35处")
    assert first.indicators[1].level1_inherited and first.indicators[1].level2_inherited
    assert [i.basis for i in first.indicators][:2] == ["计划标准", "计划标准"]
    assert {p.department for p in doc.projects} == {"某县农业农村局"}
    assert _goals(doc)[1] == ["完成农村户厕改造600户", "农村生活垃圾收运处置体系覆盖率达到100%。"]
    assert doc.issues == []


def test_2015_declaration_form_as_docx_to_text_gives_it():
    """Expected: the year note joins the title; 主管部门及代码 without its code; the year's half
    of the 中期 | 年度 budget block; the 年度目标 column's two goals; the 年度指标值 column."""
    doc = parse_path(DATA / "word_2015_cells.txt")
    assert doc.format == "cells" and doc.title == "项目支出绩效目标申报表（2024年度）"
    assert summary(doc) == [("城乡居民基本医疗保险补助", "", 500, 450, 50, 2, 5)]
    (project,) = doc.projects
    assert project.department == "某县医疗保障局"
    assert _goals(doc) == [["城乡居民参保率达到95%以上", "政策范围内住院费用基金支付比例达到70%左右。"]]
    assert [i.target_raw for i in project.indicators] == ["≥30万人", "≥70%", "2024年9月底前", "有所减轻", "≥90%"]
    assert doc.issues == []


def test_department_overall_table_pasted_from_wps():
    """Expected: the department from 部门（单位）名称; the tasks are the 资金用途, one a line; the
    金额合计 row the budget; three goals; six indicators."""
    doc = parse_path(DATA / "dept_overall_wps.tsv")
    assert doc.title == "部门整体支出绩效目标表（2025年度）" and doc.department == "某县市场监督管理局"
    (project,) = doc.projects
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (250, 240, 10)
    assert project.fund_use.split("\n") == ["食品安全抽检：完成食品安全监督抽检1200批次",
                                            "特种设备安全监管：开展特种设备定期检验和隐患排查",
                                            "知识产权保护：查办侵权假冒案件，开展知识产权宣传"]
    assert len(project.goals) == 3 and len(project.indicators) == 6
    assert rows_of(project)[1] == ("产出指标", "数量指标", "查办侵权假冒案件", "≥30件")
    assert doc.issues == []


def test_province_export_with_worded_comparators_and_amounts_in_yuan():
    """Expected: one project per 项目名称, 项目代码 the code, 预算金额（元） in 万元; 大于等于 / 等于 /
    小于等于 as symbols before the value and 度量单位 after it, 定性 adding nothing; 权重 read
    past, 指标值说明 the description."""
    doc = parse_path(DATA / "province_export_flat.tsv")
    assert summary(doc) == [("困难群众救助补助", "33010025001", 860, None, None, 0, 4),
                            ("养老服务体系建设", "33010025002", 235, None, None, 0, 3)]
    relief, care = doc.projects
    assert [i.target_raw for i in relief.indicators] == ["≥5200人", "=100%", "按月足额发放", "≥90%"]
    assert [i.target_raw for i in care.indicators] == ["≥12个", "≥85%", "≤18万元"]
    assert relief.indicators[0].description == "全年月均保障人数" and relief.indicators[0].basis == ""
    assert doc.issues == []


def test_municipal_table_over_two_pages_under_xu_biao():
    """Expected: one project; the page number between the pages and 续表 are no rows; the
    header typed again on the second page is no indicator; the plan and the two goals."""
    doc = parse_path(DATA / "municipal_cells_continued.txt")
    assert doc.title == "某市文化广电旅游局2025年项目支出绩效目标表" and doc.department == "某市文化广电旅游局"
    assert summary(doc) == [("公共文化场馆免费开放", "330100250017", 260, 260, 0, 2, 6)]
    (project,) = doc.projects
    assert project.spending_plan.raw == {3: "25%", 6: "50%", 9: "75%", 12: "100%"}
    assert project.fund_use == "用于市图书馆、文化馆、博物馆免费开放运行保障。"
    assert "一级指标" not in [i.level1 for i in project.indicators]
    assert rows_of(project)[3] == ("产出指标", "时效指标", "免费开放保障资金拨付", "2025年6月底前")
    assert doc.issues == []


def test_department_tables_announced_by_headings_with_goals_and_period_under_them():
    """Expected: three projects named by their headings; each table's goals and 项目实施期
    (written under it) are its own, and the 2025 column is the value (the period says so)."""
    doc = parse_path(DATA / "dept_headings_goals_under.tsv")
    assert doc.title == "某县城市管理局2025年度项目支出绩效目标" and doc.department == "某县城市管理局"
    assert summary(doc) == [("城区道路清扫保洁项目", "", 120, None, None, 1, 3),
                            ("市政设施维修养护经费", "", 120, None, None, 1, 3),
                            ("城市照明运行维护项目", "", 120, None, None, 1, 2)]
    assert [g[0][:7] for g in _goals(doc)] == ["完成城区320", "完成1.5万平", "维护全县860"]
    assert [p.indicators[0].target_raw for p in doc.projects] == ["≥320万平方米", "≥1.5万平方米", "≥8600盏"]
    assert doc.issues == []


def test_civil_affairs_workbook_as_the_office_left_it():
    """Expected: two projects under the sheet's 单位：元; the first total the formula's cached
    8600000 (860 万元), the second #REF! (no total, named to the reviewer at its cell, no
    'not a number' besides); each table's goals and period under it are its own; the row the
    filter hides is read, and said; the time limits as Excel shows them; the sign-off row at
    the bottom is no indicator."""
    data, at = build.civil_affairs_xlsx()
    doc = parse_bytes(data, "民政局.xlsx")
    assert doc.title == build.CIVIL_TITLE and doc.department == "某区民政局"
    assert summary(doc) == [("困难群众救助补助", "", 860, 800, 60, 1, 4), ("养老服务体系建设", "", None, 200, 35, 1, 4)]
    assert _goals(doc) == [[build.CIVIL_PROJECTS[0][4]], [build.CIVIL_PROJECTS[1][4]]]
    assert [i.target_raw for i in doc.projects[0].indicators] == ["≥5200人", "100%", "≤48小时", "≥90%"]
    assert [i.target_raw for i in doc.projects[1].indicators] == ["≥12个", "≥3个", "≤30分钟", "≥85%"]
    error, filtered = sorted(doc.issues, key=lambda i: i.location.row)
    assert (error.location.table, error.location.row, error.location.cell) == ("项目绩效目标", at["total1"], 2)
    assert error.zh.startswith(f"工作表「项目绩效目标」的 B{at['total1']} 单元格显示 Excel 错误值 #REF!")
    assert filtered.location.row == at["filtered"] and f"被筛选隐藏的第 {at['filtered']} 行也已读入" in filtered.zh


# -- 6. defects the inputs above led to -----------------------------------------------------

@pytest.mark.parametrize("fmt", ["tsv", "cells"])
def test_a_year_note_under_the_only_heading_stays_in_the_documents_title(fmt):
    """Before: the 2015 申报表 and the 部门整体 table headed '…表' / '（2025年度）' had no title
    (the heading joined its year note, and no longer matched the first heading)."""
    rows = [["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "600人次"]]
    if fmt == "tsv":
        text = "部门整体支出绩效目标表\n（2025年度）\n" + "".join("\t".join(r) + "\n" for r in rows)
    else:
        text = "部门整体支出绩效目标表\n\n（2025年度）\n\n" + "".join("".join(f"\t{c}\n" for c in r) + "\n" for r in rows)
    doc = parse_text(text, format=fmt)
    assert doc.title == doc.projects[0].title == "部门整体支出绩效目标表（2025年度）"


@pytest.mark.parametrize(("cells", "expected"), [
    # the amounts row under 资金总额 | 财政拨款 | 其他资金 headings, as finance offices write it
    ("350万元\t¥3,000,000.00元\t500000元", (350, 300, 50)),
    ("350\t￥300\t50", (350, 300, 50)),
    ("3,500,000.00元\t3,000,000.00元\t", (350, 300, None)),
])
def test_amounts_with_a_currency_sign_or_their_own_unit(cells, expected):
    """Before: the row of amounts was taken for the 资金用途 (¥3,000,000.00 is no number to the
    amount parser), and 3,000,000.00元 was read as 3,000,000 万元."""
    text = ("部门（单位）名称\t某县司法局\n年度预算申请（万元）\t资金总额\t财政拨款\t其他资金\n\t" + cells + "\n" + TABLE)
    project = parse_text(text, format="tsv").projects[0]
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == expected and project.fund_use == ""


def test_an_amount_in_wan_yuan_under_a_yuan_note_keeps_its_own_unit():
    doc = parse_text("单位：元\n项目名称\t甲\n年度资金总额\t350万元\n其中：财政拨款\t3000000\n" + TABLE, format="tsv")
    assert (doc.projects[0].budget_total, doc.projects[0].budget_fiscal) == (350, 300)


def test_xu_biao_in_a_cell_of_its_own_continues_the_table():
    """Before: '续表' pasted from a sheet (a row, not a heading: under six characters) was a
    row not understood."""
    header, row = TABLE.splitlines()
    text = f"项目名称\t甲\t\t\n{TABLE}续表\t\t\t\n{header}\n{row.replace('完成数量', '验收合格率')}\n"
    doc = parse_text(text, format="tsv")
    assert [i.name for i in doc.projects[0].indicators] == ["完成数量", "验收合格率"] and doc.issues == []


@pytest.mark.parametrize(("name_row", "name"), [("项目名称\t城区绿化养护\t\t单位：元", "城区绿化养护"), ("项目名称\t\t\t单位：元", "")])
def test_a_unit_note_at_the_right_of_the_name_row(name_row, name):
    """Before: the note was read past (800000 元 read as 800000 万元), or taken for the name."""
    doc = parse_text(f"{name_row}\n年度资金总额\t800000\t\t\n{TABLE}项目名称\t乙项目\t\t\n年度资金总额\t600000\t\t\n{TABLE}",
                     format="tsv")
    assert [(p.name, p.unit, p.budget_total) for p in doc.projects] == [(name, "元", 80), ("乙项目", "元", 60)]


def test_word_tables_with_the_goals_in_their_last_rows():
    """Expected: two projects, each with its own goal (in its table's last row, under the
    indicators), the 主管部门 the department, 一级 merged down inherited. Before: the first
    table's goal went to the second project and the second's to a third with no indicators."""
    doc = parse_bytes(build.water_docx(), "水利局.docx")
    assert doc.title == build.WATER_TITLE and doc.department == "某县水利局"
    assert summary(doc) == [("小型水库维修养护", "", 150, None, None, 1, 3), ("农村饮水安全巡检", "", 45, None, None, 1, 2)]
    assert _goals(doc) == [[p[3]] for p in build.WATER_PROJECTS]
    assert doc.projects[0].indicators[1].level1 == "产出指标" and doc.issues == []


@pytest.mark.parametrize("heading", ["2025年部门整体支出绩效目标表", "某县退役军人事务局2025年部门整体支出绩效目标表",
                                     "部门整体支出绩效目标申报表（2025年度）"])
def test_a_department_overall_table_is_named_so_whatever_year_heads_it(heading):
    """Before: '2025年部门整体支出' (and the department before it) where the heading put the
    year in front; with the year after it the name was 部门整体支出 already."""
    text = f"{heading}\n部门（单位）名称\t某县退役军人事务局\n" + TABLE
    doc = parse_text(text, format="tsv")
    assert doc.projects[0].name == "部门整体支出" and doc.projects[0].department == "某县退役军人事务局"


def test_department_overall_table_in_word_with_merged_blocks():
    """Expected: the department from the filer's line and the name row; the unit 万元; the two
    tasks the 资金用途; 金额合计 the budget; two goals; five indicators, the value from the
    column two grid columns wide, 一级/二级 merged down inherited; named 部门整体支出."""
    doc = parse_bytes(build.veterans_docx(), "退役军人事务局.docx")
    assert doc.title == "2025年部门整体支出绩效目标表" and doc.department == "某县退役军人事务局"
    assert summary(doc) == [("部门整体支出", "", 680, 660, 20, 2, 5)]
    (project,) = doc.projects
    assert project.fund_use.split("\n") == [f"{name}：{content}" for name, content, *_ in build.VETERANS_TASKS]
    assert rows_of(project)[1] == ("产出指标", "数量指标", "退役士兵安置人数", "≥150人")
    assert [i.target_raw for i in project.indicators] == [row[3] for row in build.VETERANS_ROWS]
    assert doc.issues == []


def test_a_goal_paragraph_under_each_word_table_is_its_tables():
    """Before: '年度绩效目标：…' as a paragraph under a Word table (not a row of it) was dropped
    without a word."""
    import docx

    document = docx.Document()
    for name in ("小型水库维修养护", "农村饮水安全巡检"):
        table = document.add_table(rows=3, cols=4)
        for r, row in enumerate((["项目名称", name, "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
                                 ["产出指标", "数量指标", "完成数量", "10个"])):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        document.add_paragraph(f"年度绩效目标：完成{name}任务。")
    buf = io.BytesIO()
    document.save(buf)
    doc = parse_bytes(buf.getvalue(), "a.docx")
    assert _goals(doc) == [["完成小型水库维修养护任务。"], ["完成农村饮水安全巡检任务。"]] and doc.issues == []


@pytest.mark.parametrize("sign_off", ["填报人：张三\t审核人：李四\t填报日期：2025年1月10日\t",
                                      "单位负责人：王五\t\t财务负责人：赵六\t填表人：张三",
                                      "填报人\t张三\t联系电话\t13800000000", "\t\t填表人：张三\t联系电话：0571-88880000"])
def test_the_sign_off_under_a_table_is_no_indicator(sign_off):
    """Before: the form's sign-off row (who filled it in, checked it, when) was read as an
    indicator (一级指标 '填报人：张三', 二级指标 '审核人：李四' …), and scored."""
    doc = parse_text("项目名称\t甲项目\t\t\n" + TABLE + sign_off + "\n", format="tsv")
    assert [i.name for i in doc.projects[0].indicators] == ["完成数量"] and doc.issues == []


@pytest.mark.parametrize("note", ["备注\t本项目为新增项目\t\t", "说明\t指标值为年度目标\t\t", "其他需要说明的事项\t无\t\t",
                                  "主管部门审核意见\t同意\t\t"])
def test_a_note_row_under_a_table_is_no_indicator(note):
    """Before: read as an indicator with no name (一级指标 '备注', 二级指标 '本项目为新增项目').
    Now it is reported as a row not read, as the same row above the table is."""
    doc = parse_text("项目名称\t甲项目\t\t\n" + TABLE + note + "\n", format="tsv")
    assert [i.name for i in doc.projects[0].indicators] == ["完成数量"]
    (issue,) = doc.issues
    assert issue.severity == "warning" and issue.zh == f"项目 1 中这一行无法识别，未读入：{note.strip().replace(chr(9), ' | ')}"


# -- properties ------------------------------------------------------------------------------

_goal = st.text(alphabet=st.sampled_from(list("完成培训人次合格率达到提高覆盖全县乡镇")), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_goal, st.booleans()), min_size=1, max_size=5),
       st.sampled_from(["项目名称\t项目{n}\n", "{n}.第{n}个项目绩效目标表\n"]))
def test_goals_belong_to_their_table_whether_written_above_or_under_it(projects, announce):
    """A department's tables, each announced by a 项目名称 row or a heading, each with its goal
    (and sometimes its 项目实施期) under the table: the same projects as with the goal above."""
    above = under = ""
    for n, (goal, period) in enumerate(projects, start=1):
        rows = f"年度绩效目标\t{goal}。\n" + ("项目实施期\t2025年\n" if period else "")
        above += announce.format(n=n) + rows + TABLE
        under += announce.format(n=n) + TABLE + rows
    read_above, read_under = parse_text(above, format="tsv"), parse_text(under, format="tsv")
    assert _goals(read_under) == _goals(read_above) == [[f"{goal}。"] for goal, _ in projects]
    assert [p.name for p in read_under.projects] == [p.name for p in read_above.projects]
