"""Sixth review pass of the reader: real .docx and .xlsx files as finance bureaus and
departments produce them (Word's merges, a title in a text box, 单位：元 above the table, a
spending plan in a table nested in a cell, tracked changes and comments, a table broken at a
page with its header row repeated; a sheet of several projects with hidden rows and columns,
full-width digits typed as text, dates, percentages, cached formula results and an
instruction sheet), and the known gaps left by the fifth (a sole heading naming the
document, JSON tables named by their path, goals under the table not choosing the year's
column). The expected parse of each input was written down before zhibiao was run on it.

The inputs are built in memory by ``tests/data/review6_parse/build.py``. Rules only: no
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

from scorer.parsers import parse_bytes, parse_text
from tests.golden_tables import load_builder, rows_of, summary

DATA = Path(__file__).parent / "data" / "review6_parse"
build = load_builder(DATA)


# -- 1. a finance bureau's Word form ------------------------------------------------------

def test_word_form_with_a_text_box_title_a_unit_paragraph_merges_and_revisions():
    """Expected before the run: the title in the text box names the document (once, though
    Word saves the box twice); 单位：元 above the table turns 1,200,000.00 into 120 万元; the
    spending plan in the table nested beside 资金支出计划 is read; 年度绩效目标 merged down over
    two rows gives two goals; merged 一级/二级 inherit; the tracked change reads as its
    inserted text (≥95%, not ≥90%≥95%); the comment adds nothing to its cell."""
    doc = parse_bytes(build.education_docx(), "教育局.docx")
    assert doc.title == build.EDU_TITLE and doc.department == "某县教育局"
    assert summary(doc) == [("义务教育阶段教师培训", "", 120, 100, 20, 2, 7)]
    (project,) = doc.projects
    assert project.unit == "元" and project.budget_raw["total"] == "1,200,000.00"
    assert project.fund_use == "用于全县中小学教师集中培训、送教下乡和网络研修。"
    assert project.spending_plan.raw == {3: "20%", 6: "50%", 9: "80%", 12: "100%"}
    assert [g.text for g in project.goals] == ["完成全县中小学教师集中培训600人次", "培训合格率达到95%以上。"]
    expected = []
    for level1, level2, name, value, _basis in build.EDU_ROWS:
        level1 = level1 or expected[-1][0]
        level2 = level2 or expected[-1][1]
        expected.append((level1, level2, name, value or "≥95%"))
    assert rows_of(project) == expected
    assert [i.basis for i in project.indicators] == [row[4] for row in build.EDU_ROWS]
    assert project.indicators[1].level1_inherited and project.indicators[1].level2_inherited
    assert "建议" not in json.dumps(doc.model_dump(mode="json"), ensure_ascii=False)
    assert doc.issues == []


def test_department_form_broken_at_a_page_with_the_header_row_repeated():
    """Expected: the sole heading names the document and the project; label cells merged
    across two grid columns keep their values beside them; the second table (after the page
    break) repeats the header row, which is not an indicator, and goes on the same project."""
    doc = parse_bytes(build.labour_docx(), "人社局.docx")
    assert doc.title == build.HRS_TITLE and doc.department == "某县人力资源和社会保障局"
    assert summary(doc) == [("职业技能提升行动", "", 300, 260, 40, 1, 7)]
    (project,) = doc.projects
    assert rows_of(project) == [("产出指标", "数量指标", "开展职业技能培训", "≥3000人次"),
                                ("产出指标", "数量指标", "新增取得职业资格证书人数", "≥1200人"),
                                ("产出指标", "质量指标", "培训合格率", "≥90%"),
                                ("产出指标", "时效指标", "补贴资金发放时间", "2025年12月31日前"),
                                ("效益指标", "社会效益指标", "培训后就业率", "≥70%"),
                                ("效益指标", "可持续影响指标", "劳动者技能水平", "持续提升"),
                                ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%")]
    assert [i.location.table for i in project.indicators] == ["2"] * 4 + ["3"] * 3
    assert "一级指标" not in [i.level1 for i in project.indicators]
    assert doc.issues == []


# -- 2. a sheet of several projects -------------------------------------------------------

def test_sheet_of_stacked_projects_with_hidden_rows_full_width_text_dates_and_formulas():
    """Expected: the 说明 sheet (with its sample row) is no project; two projects, both in 元
    by the note at the top of the sheet; the formula's cached 8600000 is the total, ６０００００
    typed as text is 60 万元; the hidden row (an obsolete indicator) and the hidden note column
    are left out, and the reviewer is told which; dates and percentages read as Excel shows
    them."""
    doc = parse_bytes(build.health_xlsx(), "卫健局.xlsx")
    assert doc.title == build.HEALTH_TITLE and doc.department == "某县卫生健康局"
    assert summary(doc) == [("基本公共卫生服务", "", 860, 800, 60, 2, 5), ("家庭医生签约服务", "", 320, 320, None, 1, 4)]
    public, family = doc.projects
    assert public.unit == family.unit == "元"
    assert rows_of(public) == [("产出指标", "数量指标", "建立居民健康档案", "≥２５万份"),
                               ("产出指标", "质量指标", "电子健康档案建档率", "≥90%"),
                               ("产出指标", "时效指标", "补助资金拨付时间", "2025-06-30"),
                               ("效益指标", "社会效益指标", "居民健康素养水平", "≥28.5%"),
                               ("满意度指标", "服务对象满意度指标", "居民满意度", "≥９０％")]
    assert public.indicators[0].target.value == 25 and public.indicators[4].target.value == 90
    assert public.indicators[2].target.deadline == "2025-06-30"
    assert rows_of(family) == [("产出指标", "数量指标", "签约重点人群人数", "≥52,000人"),
                               ("产出指标", "质量指标", "重点人群签约率", "75.00%"),
                               ("产出指标", "时效指标", "签约服务完成时间", "2025年11月30日前"),
                               ("满意度指标", "服务对象满意度指标", "签约居民满意度", "90%")]
    assert {i.location.table for p in doc.projects for i in p.indicators} == {"绩效目标"}
    (issue,) = doc.issues
    hidden = [r for r in range(1, 40) if openpyxl.load_workbook(io.BytesIO(build.health_xlsx()))["绩效目标"]
              .row_dimensions[r].hidden]
    assert issue.severity == "warning" and issue.location.table == "绩效目标" and issue.location.row == hidden[0]
    assert f"工作表「绩效目标」中隐藏的第 {hidden[0]} 行和第 F 列未读入" in issue.zh


def test_hidden_rows_warning_reaches_the_cli(tmp_path):
    from scorer.cli.main import app

    path = tmp_path / "卫健局.xlsx"
    path.write_bytes(build.health_xlsx())
    out = CliRunner().invoke(app, ["score", str(path), "--no-models"]).output
    (line,) = [line for line in out.splitlines() if " 解析 " in line]
    assert "表格「绩效目标」" in line and "隐藏的第" in line


def test_a_unit_note_holds_for_the_projects_under_it_in_its_sheet_only():
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "一般项目"
    rows = [["单位：元"]]
    for name in ("甲项目", "乙项目"):
        rows += [["项目名称", name], ["年度资金总额", "500000"], ["一级指标", "二级指标", "三级指标", "指标值"],
                 ["产出指标", "数量指标", "完成数量", "10个"], []]
    for row in rows:
        first.append(row)
    second = wb.create_sheet("专项")
    for row in (["项目名称", "丙项目"], ["年度资金总额", "50"], ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "完成数量", "10个"]):
        second.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse_bytes(buf.getvalue(), "a.xlsx")
    assert [(p.name, p.budget_total) for p in doc.projects] == [("甲项目", 50), ("乙项目", 50), ("丙项目", 50)]


def _two_projects(second_total: str, second_note: str = "") -> str:
    rows = ["单位：元"]
    for name, total, note in (("甲项目", "1200000.00", ""), ("乙项目", second_total, second_note)):
        rows += [note, f"项目名称\t{name}", f"年度资金总额\t{total}", "一级指标\t二级指标\t三级指标\t指标值",
                 "产出指标\t数量指标\t完成数量\t10个", ""]
    return "\n".join(r for r in rows if r is not None) + "\n"


@pytest.mark.parametrize(("second_total", "second_note", "expected", "warned"), [
    # 120 元 is no budget line: the first table's note was its own, and 120 is the template's 万元
    ("120", "", 120, True),
    ("35.5", "", 35.5, True),
    # amounts a 元 note plausibly holds for
    ("350000", "", 35, False),
    ("10000", "", 1, False),
    # the project's own note is never second-guessed
    ("120", "单位：元", 0.012, False),
    ("120", "单位：万元", 120, False),
])
def test_a_unit_note_from_an_earlier_table_yields_to_amounts_it_cannot_mean(second_total, second_note, expected,
                                                                          warned):
    """Before: a department's Word document with 单位：元 above its first table read every later
    table's 万元 amounts as 元 (120 万元 became 0.012 万元), silently."""
    doc = parse_text(_two_projects(second_total, second_note), "a.txt")
    first, second = doc.projects
    assert first.budget_total == 120 and second.budget_total == pytest.approx(expected)
    notes = [i.zh for i in doc.issues if "前面没有单位说明" in i.zh]
    assert bool(notes) == warned
    if warned:
        assert notes == [f"项目 2「乙项目」前面没有单位说明，金额按万元读取（若按前表的「单位：元」，"
                         f"最大金额 {float(second_total):g} 元不足 1 万元），请核对"]


@pytest.mark.parametrize(("format_id", "shown"), [(31, "2025年6月30日"), (57, "2025年6月"), (58, "2025-06-30"),
                                                  (14, "2025-06-30")])
def test_a_date_under_a_chinese_built_in_format_is_a_date_not_its_serial(format_id, shown):
    """Chinese Excel saves 2025年6月30日 as format id 31 with no code in the file; it read as
    45838 (openpyxl knows only the locale-free built-ins)."""
    doc = parse_bytes(build.builtin_date_xlsx(format_id), "a.xlsx")
    indicator = doc.projects[0].indicators[0]
    assert indicator.target_raw == shown
    assert indicator.target.deadline and indicator.target.deadline.startswith("2025-06")


# -- 3. the fifth pass's known gaps ---------------------------------------------------------

def test_a_unit_paragraph_above_a_word_table_is_the_unit_not_the_title():
    """It was taken for the document's title, and the amounts for 万元."""
    doc = parse_bytes(build.education_docx(), "a.docx")
    assert doc.title != "单位：元" and doc.projects[0].budget_total == 120


def test_a_title_in_an_old_style_text_box_is_read_once():
    doc = parse_bytes(build.vml_title_docx("某县2025年教师培训项目绩效目标表"), "a.docx")
    assert doc.title == "某县2025年教师培训项目绩效目标表" and doc.projects[0].title == doc.title


@pytest.mark.parametrize(("text", "title"), [
    # the only table's heading names the document
    ("某县2025年教师培训项目绩效目标表\n项目名称\t教师培训\n", "某县2025年教师培训项目绩效目标表"),
    # a heading over several projects that names none of them does too
    ("某县教育局2025年项目支出绩效目标表\n项目名称\t教师培训\n", "某县教育局2025年项目支出绩效目标表"),
])
def test_the_heading_of_a_document_of_one_table_is_its_title(text, title):
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    doc = parse_text(text + table + ("项目名称\t学生资助\n" + table if "项目支出" in title else ""), format="tsv")
    assert doc.title == title


def test_the_heading_of_the_first_of_several_projects_is_not_the_documents():
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    doc = parse_text("1.教师培训项目绩效目标表\n" + table + "2.学生资助项目绩效目标表\n" + table, format="tsv")
    assert doc.title == "" and [p.name for p in doc.projects] == ["教师培训项目", "学生资助项目"]


def test_export_json_tables_are_named_as_a_reviewer_reads_them():
    data = {"code": 0, "data": {"单位名称": "某局", "项目列表": [
        {"项目名称": name, "绩效指标": [{"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "培训人次",
                                      "指标值": "600人次"}]} for name in ("甲项目", "乙项目")]}}
    doc = parse_text(json.dumps(data, ensure_ascii=False))
    assert [p.indicators[0].location.table for p in doc.projects] == ["项目列表第1项（甲项目）", "项目列表第2项（乙项目）"]


def test_export_json_flat_rows_keep_a_plain_table_name():
    rows = [{"项目名称": "甲项目", "一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "培训人次", "指标值": "1次"}]
    doc = parse_text(json.dumps({"rows": rows}, ensure_ascii=False))
    assert doc.projects[0].indicators[0].location.table == "JSON"


YEARS = ("项目名称\t职业技能培训\n一级指标\t二级指标\t三级指标\t2025年指标值\t2026年指标值\t2027年指标值\n"
         "产出指标\t数量指标\t培训人次\t600人次\t650人次\t700人次\n")


@pytest.mark.parametrize(("after", "name", "expected"), [
    ("年度绩效目标\t到2026年底完成培训650人次。\n", None, "650人次"),
    # the goals say more than the file name
    ("年度绩效目标\t到2027年底完成培训700人次。\n", "2025年.tsv", "700人次"),
    # goals naming two of the years decide nothing
    ("年度绩效目标\t2025年完成一期，2027年完成二期。\n", None, "600人次"),
    ("", "2026年.tsv", "650人次"),
])
def test_goals_under_the_indicator_table_choose_the_years_column(after, name, expected):
    doc = parse_text(YEARS + after, name=name, format="tsv")
    assert len(doc.projects) == 1 and doc.issues == []
    indicator = doc.projects[0].indicators[0]
    assert indicator.target_raw == expected and indicator.target.value == float(expected[:3])
    assert len(doc.projects[0].goals) == (1 if after else 0)


def test_a_goal_row_that_starts_the_next_project_stays_with_it():
    """Under a table, a 年度绩效目标 row followed by the next project's table is that
    project's (a department's tables announced by their headings)."""
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成数量\t10个\n"
    doc = parse_text("项目名称\t甲项目\n年度绩效目标\t甲的目标。\n" + table + "年度绩效目标\t乙的目标。\n" + table,
                     format="tsv")
    assert [[g.text for g in p.goals] for p in doc.projects] == [["甲的目标。"], ["乙的目标。"]]


def test_goals_in_rows_under_a_label_merged_down_in_a_paste():
    text = ("项目名称\t某项目\n年度绩效目标\t1.完成培训600人次；\n\t2.合格率达到95%。\n"
            "资金用途\t培训费\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n")
    project = parse_text(text, format="tsv").projects[0]
    assert [g.text for g in project.goals] == ["完成培训600人次", "合格率达到95%。"]
    assert project.fund_use == "培训费"


def test_a_margin_column_row_after_the_goals_is_not_a_goal():
    text = ("\t项目名称\t某项目\n\t年度绩效目标\t完成培训。\n\t\t\n\t一级指标\t二级指标\t三级指标\t指标值\n"
            "\t产出指标\t数量指标\t培训人次\t600人次\n")
    project = parse_text(text, format="tsv").projects[0]
    assert [g.text for g in project.goals] == ["完成培训。"]


def test_a_plan_label_alone_takes_its_periods_from_the_next_row():
    text = ("项目名称\t某项目\n资金支出计划\n3月底\t6月底\t9月底\t12月底\n10%\t40%\t70%\t100%\n"
            "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n")
    doc = parse_text(text, format="tsv")
    assert doc.projects[0].spending_plan.raw == {3: "10%", 6: "40%", 9: "70%", 12: "100%"} and doc.issues == []


# -- properties ------------------------------------------------------------------------------

_goal = st.text(alphabet=st.sampled_from(list("完成培训人次合格率达到提高覆盖全县乡镇")), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_goal, min_size=1, max_size=5))
def test_goals_one_per_row_under_a_merged_label_read_as_goals_in_one_cell(goals):
    numbered = [f"{n}.{g}；" for n, g in enumerate(goals, start=1)]
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    one_cell = parse_text(f"项目名称\t某项目\n年度绩效目标\t\"{chr(10).join(numbered)}\"\n{table}", format="tsv")
    per_row = parse_text("项目名称\t某项目\n年度绩效目标\t" + "\n\t".join(numbered) + "\n" + table, format="tsv")
    assert [g.text for g in per_row.projects[0].goals] == [g.text for g in one_cell.projects[0].goals]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["2025", "2026", "2027"]), st.booleans())
def test_the_years_column_is_the_same_whether_the_goals_stand_above_or_below_the_table(year, above):
    goal = f"年度绩效目标\t到{year}年底完成培训。\n"
    header, row = YEARS.split("\n", 1)[1].split("\n", 1)
    before = parse_text("项目名称\t职业技能培训\n" + goal + header + "\n" + row, format="tsv")
    after = parse_text(YEARS + goal, format="tsv")
    assert rows_of(after.projects[0]) == rows_of(before.projects[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=10**9), st.sampled_from([("元", 1e-4), ("万元", 1.0), ("千元", 0.1)]))
def test_a_unit_note_converts_every_project_under_it(amount, unit):
    """A note above the first table: each project under it is in that unit."""
    name, factor = unit
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成数量\t10个\n"
    text = f"单位：{name}\n" + "".join(f"项目名称\t项目{k}\n年度资金总额\t{amount}\n{table}" for k in (1, 2))
    doc = parse_text(text, format="tsv")
    assert [p.budget_total for p in doc.projects] == [pytest.approx(amount * factor)] * 2


@pytest.mark.parametrize("paragraphs", [
    ["某县教育局2025年项目支出绩效目标表", "单位：元"],
    ["某县教育局2025年项目支出绩效目标表", "金额单位：元"],
    ["某县教育局2025年项目支出绩效目标表", "单位（元）"],
    ["某县教育局2025年项目支出绩效目标表\t\t\t单位：元"],
    ["某县教育局2025年项目支出绩效目标表\u3000\u3000\u3000\u3000金额单位：元"],
    ["某县教育局2025年项目支出绩效目标表", "填报单位：某县教育局\u3000\u3000单位：元"],
])
def test_the_unit_note_as_offices_write_it_above_a_word_table(paragraphs):
    doc = parse_bytes(build.paragraphs_over_a_table(paragraphs), "a.docx")
    assert doc.title == "某县教育局2025年项目支出绩效目标表" and doc.department == "某县教育局"
    assert (doc.projects[0].unit, doc.projects[0].budget_total) == ("元", 100)


def test_a_department_name_line_is_no_unit_note():
    doc = parse_bytes(build.paragraphs_over_a_table(["某县教育局2025年项目支出绩效目标表", "单位名称：某县教育局"], "100"),
                      "a.docx")
    assert (doc.projects[0].unit, doc.projects[0].budget_total) == ("", 100)


def test_excel_2003_xml_hidden_rows_and_columns_are_left_out_as_in_an_xlsx():
    def cells(*texts):
        return "".join(f'<Cell><Data ss:Type="String">{t}</Data></Cell>' for t in texts)

    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="绩效"><Table>'
           '<Column ss:Index="5" ss:Hidden="1"/>'
           f'<Row>{cells("项目名称", "某项目")}</Row>'
           f'<Row>{cells("一级指标", "二级指标", "三级指标", "指标值", "填报人备注")}</Row>'
           f'<Row>{cells("产出指标", "数量指标", "培训人次", "600人次", "较上年增加")}</Row>'
           f'<Row ss:Hidden="1">{cells("产出指标", "数量指标", "已取消的指标", "1个")}</Row>'
           '</Table></Worksheet></Workbook>')
    doc = parse_text(xml)
    assert doc.format == "xml2003" and rows_of(doc.projects[0]) == [("产出指标", "数量指标", "培训人次", "600人次")]
    (issue,) = doc.issues
    assert issue.zh.startswith("工作表「绩效」中隐藏的第 4 行和第 E 列未读入") and issue.location.row == 4


def test_a_two_row_header_repeated_after_a_page_break_is_not_an_indicator():
    """Expected: four indicators, the 2025年 column (the heading's year), 一级 carried over the
    break."""
    doc = parse_bytes(build.year_header_split_docx(), "a.docx")
    assert doc.title == "某县2025年职业培训项目绩效目标表"
    assert summary(doc) == [("职业培训", "", None, None, None, 1, 4)]
    assert rows_of(doc.projects[0]) == [("产出指标", "数量指标", "培训人次", "600人次"),
                                        ("产出指标", "数量指标", "发放教材", "600册"),
                                        ("产出指标", "质量指标", "培训合格率", "≥90%"),
                                        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%")]
    assert doc.issues == []


@pytest.mark.parametrize(("plan", "raw"), [
    ("资金支出计划\t6月底：50%\t12月底：100%\n", {6: "50%", 12: "100%"}),
    ("资金支出计划\t3月底：20%，6月底：50%，9月底：80%，12月底：100%。\n", {3: "20%", 6: "50%", 9: "80%", 12: "100%"}),
    ("资金支出计划\t一季度：２０％；二季度：５０％\n", {3: "２０％", 6: "５０％"}),
])
def test_a_spending_plan_written_as_period_and_share_in_its_cells(plan, raw):
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    doc = parse_text("项目名称\t某项目\n" + plan + table, format="tsv")
    assert doc.projects[0].spending_plan.raw == raw and doc.issues == []
    assert list(doc.projects[0].spending_plan.values.values())[0] in (20, 50)


def test_a_plan_cell_in_words_is_no_plan():
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    doc = parse_text("项目名称\t某项目\n资金支出计划\t按工程进度支付\n" + table, format="tsv")
    assert doc.projects[0].spending_plan is None


def test_formulas_a_program_wrote_without_results_are_named_to_the_reviewer():
    """The parser cannot know what B2 would compute: the reviewer is told which cells, in
    which sheet, and how to get the results saved."""
    doc = parse_bytes(build.uncached_formulas_xlsx(), "导出.xlsx")
    project = doc.projects[0]
    assert project.budget_total is None and project.indicators[0].target_raw == ""
    (issue,) = doc.issues
    assert issue.severity == "warning" and (issue.location.table, issue.location.row, issue.location.cell) == ("项目表", 2, 2)
    assert issue.zh.startswith("工作表「项目表」中 B2、D6 是公式，但文件里没有保存计算结果") and "D7" not in issue.zh


def test_formulas_with_their_cached_results_raise_nothing():
    assert parse_bytes(build.health_xlsx(), "a.xlsx").projects[0].budget_total == 860
    assert not [i for i in parse_bytes(build.health_xlsx(), "a.xlsx").issues if "公式" in i.zh]


@pytest.mark.parametrize("mark", ["附件1", "附件：", "附表2-1", "附件 3：", "附件一"])
def test_an_attachment_mark_above_the_heading_is_not_the_title(mark):
    """An annex to an official document starts with 附件1 at its top left; the title is the
    heading under it. (附件1 was the document's title.)"""
    doc = parse_bytes(build.paragraphs_over_a_table([mark, "某县教育局2025年项目支出绩效目标表", "单位：元"]), "a.docx")
    assert doc.title == doc.projects[0].title == "某县教育局2025年项目支出绩效目标表"
    text = f"{mark}\n某县教育局2025年项目支出绩效目标表\n项目名称\t教师培训\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t600人次\n"
    assert parse_text(text, format="tsv").title == "某县教育局2025年项目支出绩效目标表"
