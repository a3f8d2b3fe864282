"""Layouts of other published templates than the seeds': the 2021 national project table
(no spending-plan rows), and an older county template whose indicator column is 指标内容,
whose labels end in a colon, and which has a 长期 table before the 年度 one."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.config import Settings
from scorer.parsers import parse_path, parse_text
from scorer.parsers.interpret import split_goals
from scorer.pipeline import Scorer

TEMPLATES = Path(__file__).parent / "data" / "templates"


def _rows(doc) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.target_raw) for p in doc.projects for i in p.indicators]


def test_national_2021_project_table():
    doc = parse_path(TEMPLATES / "project_2021.tsv")
    (project,) = doc.projects
    assert project.name == "乡村道路养护经费" and project.department == "某县交通运输局"
    assert project.title == "项目支出绩效目标表（2024年度）"  # the year line under the heading is part of it
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (120, 100, 20)
    assert project.spending_plan is None and len(project.goals) == 1
    assert _rows(doc)[0] == ("产出指标", "数量指标", "日常养护里程", "≥120公里")
    assert [i.basis for i in project.indicators][:2] == ["计划标准", "行业标准"]
    assert len(project.indicators) == 7 and not doc.issues
    # The template has no 支出计划 rows: nothing to fault the submitter for.
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert "ZB-F007" not in codes and "ZB-F002" not in codes


def test_county_template_with_indicator_content_column_and_long_term_table():
    doc = parse_path(TEMPLATES / "county_long_and_annual.tsv")
    (project,) = doc.projects
    assert project.name == "农村饮水安全维修养护" and project.budget_total == 80 and project.budget_fiscal == 80
    # the year's goal, not the 长期目标 beside it
    assert [g.text for g in project.goals] == ["维修养护供水工程30处"]
    # the 年度 table is checked; the 长期 one is set aside, and the reader is told
    assert _rows(doc) == [
        ("产出指标", "数量指标", "维修供水工程数量", "≥30处"),
        ("产出指标", "质量指标", "维修工程验收合格率", "≥95%"),
        ("效益指标", "社会效益指标", "受益人口", "≥1.5万人"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]
    assert [i.message for i in doc.issues] == [
        "2 rows of 长期绩效指标 of project 1 not checked: zhibiao checks the 年度绩效指标 table"]


def test_annual_table_before_the_long_term_one():
    lines = (TEMPLATES / "county_long_and_annual.tsv").read_text(encoding="utf-8").splitlines()
    reordered = "\n".join(lines[:6] + lines[9:] + lines[6:9]) + "\n"
    doc = parse_text(reordered, "reordered.tsv")
    assert [name for _, _, name, _ in _rows(doc)] == ["维修供水工程数量", "维修工程验收合格率", "受益人口", "受益群众满意度"]
    assert len(doc.projects) == 1 and "长期绩效指标 of project 1 not checked" in doc.issues[0].message


def test_indicator_content_is_a_description_when_the_table_has_names():
    text = "一级指标\t二级指标\t三级指标\t指标内容\t指标值\n产出指标\t数量指标\t培训人次\t参加培训的人次\t≥200人次\n"
    (indicator,) = parse_text(text, "t.tsv").projects[0].indicators
    assert (indicator.name, indicator.description) == ("培训人次", "参加培训的人次")


@pytest.mark.parametrize("text, goals", [
    ("1.全面落实基本公共卫生服务项目；2.保障医疗机构正常运行。", ["全面落实基本公共卫生服务项目", "保障医疗机构正常运行。"]),
    ("1、完成A，\n2、完成B；", ["完成A", "完成B；"]),  # the last goal keeps its end: it may be cut off
    ("完成道路养护", ["完成道路养护"]),
    ("一是完成养护120公里；二是路况优良率达到80%。", ["完成养护120公里", "路况优良率达到80%。"]),
    ("（1）完成养护；（2）提升路况。", ["完成养护", "提升路况。"]),
    ("①完成养护②提升路况", ["完成养护", "提升路况"]),
    ("目标1：完成养护；目标2：提升路况", ["完成养护", "提升路况"]),
    ("一、完成养护\n二、提升路况", ["完成养护", "提升路况"]),
    ("1.5万亩高标准农田建设", ["1.5万亩高标准农田建设"]),  # a decimal, not a number 1
    ("统一是关键", ["统一是关键"]),
    ("目标1：2024年6月底前兑付；目标2：公示率100%", ["2024年6月底前兑付", "公示率100%"]),
    ("1.完成1.5万亩；2.新增2万户；3.2024年6月底前验收", ["完成1.5万亩", "新增2万户", "2024年6月底前验收"]),
])
def test_numbered_goals_lose_the_list_separator(text, goals):
    parsed = split_goals(text)
    assert [g.text for g in parsed] == goals
    if len(goals) > 1:
        assert [g.number for g in parsed] == list(range(1, len(goals) + 1))


def test_department_overall_table():
    """部门整体支出绩效目标表: the department's name row, the year's tasks (资金用途) with
    their amounts under 总额 | 财政拨款 | 其他资金, and the 合计 row (the budget)."""
    doc = parse_path(TEMPLATES / "department_overall.tsv")
    (project,) = doc.projects
    assert doc.department == project.department == "某县卫生健康局"
    assert project.name == "部门整体支出"  # from the heading, without 绩效目标申报表 and the year
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (800, 750, 50)
    assert project.fund_use.splitlines() == ["基本公共卫生服务：为辖区居民提供基本公共卫生服务",
                                             "医疗机构运行保障：保障乡镇卫生院正常运转"]
    assert [g.text for g in project.goals] == ["全面落实基本公共卫生服务项目", "保障医疗机构正常运行。"]
    assert len(project.indicators) == 5 and not doc.issues
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert not codes & {"ZB-F001", "ZB-F002", "ZB-FMT002"}


def test_department_tasks_without_a_total_row_sum_to_the_budget():
    lines = (TEMPLATES / "department_overall.tsv").read_text(encoding="utf-8").splitlines()
    without_total = "\n".join(line for line in lines if not line.startswith("金额合计")) + "\n"
    (project,) = parse_text(without_total, "no-total.tsv").projects
    assert project.budget_total == 800 and project.budget_fiscal is None


def test_2015_template_with_multi_year_and_annual_halves():
    """财预〔2015〕88号 layout: 主管部门及代码, 项目属性/项目期 rows, the 项目资金 block with
    中期 amounts beside the year's, and 中期目标 | 年度目标 headings with the goals under them."""
    doc = parse_path(TEMPLATES / "project_2015.tsv")
    (project,) = doc.projects
    assert project.department == "某区城市管理局"
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (300, 300, 0)
    assert [g.text for g in project.goals] == ["完成城区垃圾日产日清"]
    assert len(project.indicators) == 7 and not doc.issues
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert not codes & {"ZB-F001", "ZB-F002", "ZB-F007", "ZB-ST011"}


def test_self_evaluation_table():
    """项目支出绩效自评表: the budget block has a column per stage (年初预算数 | 全年预算数 |
    全年执行数 …) and the goal block 预期目标 | 实际完成情况; the year's adjusted budget and
    the expected goal are what the indicators answer to."""
    doc = parse_path(TEMPLATES / "self_evaluation.tsv")
    (project,) = doc.projects
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (1250, 1250, 0)
    assert [g.text[:6] for g in project.goals] == ["保障城区3座"]
    assert len(project.indicators) == 10 and project.indicators[0].target_raw == "≥3650万吨"
    assert not doc.issues  # the 总分 row is the score total, not a stray row
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert not codes & {"ZB-F001", "ZB-F002", "ZB-ST011", "ZB-R002"}


def test_provincial_fund_table():
    """省级专项资金绩效目标表: 省级主管部门, a multi-year and a year's budget side by side
    whose fiscal money is 中央补助 + 省级资金 on rows of their own, and 区域绩效目标 with
    实施期 and 年度 goals in columns."""
    doc = parse_path(TEMPLATES / "provincial_fund.tsv")
    (project,) = doc.projects
    assert (project.name, project.department) == ("耕地地力保护补贴", "某省农业农村厅")
    assert (project.budget_total, project.budget_fiscal, project.fund_use) == (186000, 186000, "")
    assert [g.text[:9] for g in project.goals] == ["2024年6月底前", "补贴发放公开公示率"]
    assert project.indicators[0].target_raw == "≥5200万亩" and not doc.issues


def _blocks(path: Path) -> list:
    """A template file as writer blocks: its heading lines, then one table."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first_row = next(i for i, line in enumerate(lines) if "\t" in line)
    return [*lines[:first_row], [line.split("\t") for line in lines[first_row:]]]


def _summary(doc) -> list:
    return [(p.name, p.department, p.budget_total, p.budget_fiscal, p.budget_other, p.fund_use,
             [g.text for g in p.goals], [(i.level1, i.level2, i.name, i.target_raw, i.basis) for i in p.indicators])
            for p in doc.projects]


@pytest.mark.parametrize("name", ["project_2021.tsv", "project_2015.tsv", "county_long_and_annual.tsv",
                                  "department_overall.tsv", "self_evaluation.tsv"])
@pytest.mark.parametrize("label_span", [False, True])
def test_templates_read_the_same_from_docx_and_xlsx(name, label_span, tmp_path):
    """Word and Excel merge the label cells these templates span; the documents read from
    them are the ones read from the paste."""
    from tests.fixtures_writers import write_docx, write_xlsx

    expected = _summary(parse_path(TEMPLATES / name))
    blocks = _blocks(TEMPLATES / name)
    for suffix, data in (("docx", write_docx(blocks, label_span)), ("xlsx", write_xlsx(blocks, label_span=label_span))):
        path = tmp_path / f"t.{suffix}"
        path.write_bytes(data)
        assert _summary(parse_path(path)) == expected, suffix


def test_comparator_and_unit_columns_are_read_with_the_value():
    """指标性质 | 指标值 | 度量单位 (the central 2021 核心绩效指标表 and several provinces): the
    value is what the three cells say together, so its unit and direction are not missing."""
    doc = parse_path(TEMPLATES / "comparator_and_unit_columns.tsv")
    (project,) = doc.projects
    assert [(i.target_raw, i.target.comparator, i.target.unit) for i in project.indicators] == [
        ("≥120座", ">=", "座"), ("≥90%", ">=", "%"), ("≤48小时", "<=", "小时"), ("≤0.8万元", "<=", "万元"),
        ("≥150吨", ">=", "吨"), ("≥90%", ">=", "%")]
    assert project.indicators[0].description == "全区已建成设施"
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert not codes & {"ZB-M003", "ZB-M004"}


@pytest.mark.parametrize("value, comparator, unit, read", [
    ("120", "≥", "座", "≥120座"),
    ("≥120", "≥", "座", "≥120座"),     # the value already has its comparator
    ("120座", "＝", "座", "=120座"),    # full-width comparator, unit already written
    ("良好", "定性", "%", "良好"),      # a qualitative value takes neither
    ("95", "定量", "%", "95%"),
    ("", "≥", "%", ""),
])
def test_value_with_comparator_and_unit_cells(value, comparator, unit, read):
    from scorer.parsers.interpret import with_comparator_and_unit

    assert with_comparator_and_unit(value, comparator, unit) == read


def test_header_row_repeated_at_a_page_break_continues_the_table():
    """A long table carries its header row onto every page (PDF conversions and pastes
    keep the copies): the same header again is the same table, not a new project."""
    lines = (TEMPLATES / "project_2021.tsv").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if "三级指标" in line)
    repeated = lines[:header + 3] + [lines[header]] + lines[header + 3:]
    doc = parse_text("\n".join(repeated) + "\n", "paged.tsv")
    assert [len(p.indicators) for p in doc.projects] == [7] and not doc.issues
    # a different header after indicators still starts a new table
    other = lines + ["一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t培训人次\t≥200人次"]
    assert [len(p.indicators) for p in parse_text("\n".join(other) + "\n", "two.tsv").projects] == [7, 1]


@pytest.mark.parametrize("repeat_header", [True, False])
def test_word_table_broken_at_a_page_continues_the_project(repeat_header, tmp_path):
    """Word (and a PDF converted back to Word) breaks a long table at a page into two
    tables; the second may repeat the header row or start straight with indicator rows.
    Its rows belong to the same project, not to a nameless new one."""
    from tests.fixtures_writers import write_docx

    *heading, table = _blocks(TEMPLATES / "project_2021.tsv")
    header = next(i for i, row in enumerate(table) if "三级指标" in row)
    top, rest = table[:header + 4], table[header + 4:]
    if repeat_header:
        rest = [table[header], *rest]
    path = tmp_path / "paged.docx"
    path.write_bytes(write_docx([*heading, top, "", rest]))
    assert _summary(parse_path(path)) == _summary(parse_path(TEMPLATES / "project_2021.tsv"))
    # a title between the two tables: the second is another project's table
    path.write_bytes(write_docx([*heading, top, "2、农村公路危桥改造项目绩效目标表", rest]))
    first, second = parse_path(path).projects
    assert len(first.indicators) == 3 and second.title == "2、农村公路危桥改造项目绩效目标表"


def test_department_document_of_2021_project_tables():
    """A department's document is the 2021 project table once per project, with only a
    项目名称 row to start each: every table is its own project with its own header block."""
    first = (TEMPLATES / "project_2021.tsv").read_text(encoding="utf-8").splitlines()
    second = [line.replace("乡村道路养护经费", "农村公路危桥改造").replace("120", "300") for line in first[2:]]
    doc = parse_text("\n".join(["某县交通运输局2025年项目支出绩效目标", *first[2:], "", *second]) + "\n", "dept.tsv")
    assert [(p.name, p.budget_total, len(p.indicators), len(p.goals)) for p in doc.projects] == [
        ("乡村道路养护经费", 120, 7, 1), ("农村公路危桥改造", 300, 7, 1)]
    assert not doc.issues


def test_spending_plan_by_quarter():
    text = ("项目名称\t乡村道路养护经费\n项目编码\t52000123\n预算数\t120\t财政资金\t120\t其他资金\t\n"
            "资金支出计划（%）\t一季度\t二季度\t三季度\t四季度\n\t20\t50\t80\t100\n"
            "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t日常养护里程\t≥120公里\n")
    doc = parse_text(text, "quarters.tsv")
    assert doc.projects[0].spending_plan.values == {3: 20, 6: 50, 9: 80, 12: 100} and not doc.issues


@pytest.mark.parametrize("column, month", [
    ("3月底", 3), ("6月", 6), ("12月末", 12), ("1-6月", 6), ("一季度", 3), ("第2季度", 6), ("Q3", 9),
    ("四季度末", 12), ("上半年", 6), ("全年", 12), ("13月", None), ("季度", None), ("2024年", None),
])
def test_plan_columns(column, month):
    from scorer.parsers.interpret import plan_month

    assert plan_month(column) == month


def test_budget_amounts_under_their_headings():
    """项目资金（万元）| 年度资金总额 | 财政拨款 | 其他资金, and the amounts in the row below
    (not a 资金用途 of "120 100 20")."""
    text = ("项目名称\t乡村道路养护经费\t\t\n项目资金（万元）\t年度资金总额\t财政拨款\t其他资金\n\t120\t100\t20\n"
            "年度总体目标\t完成农村公路日常养护120公里\t\t\n一级指标\t二级指标\t三级指标\t指标值\n"
            "产出指标\t数量指标\t日常养护里程\t≥120公里\n")
    (project,) = parse_text(text, "budget-row.tsv").projects
    assert (project.budget_total, project.budget_fiscal, project.budget_other, project.fund_use) == (120, 100, 20, "")


def test_goal_rows_and_labels_with_a_unit_note():
    """绩效目标 | 目标1 | … then | 目标2 | … rows, and 预算金额（万元） as the budget label."""
    (project,) = parse_path(TEMPLATES / "goal_rows_and_noted_labels.tsv").projects
    assert [(g.number, g.text) for g in project.goals] == [(1, "完成农村公路日常养护120公里"), (2, "路况优良率达到80%以上")]
    assert (project.code, project.budget_total, project.budget_fiscal) == ("52000123", 120, 120)
    assert project.fund_use == "农村公路日常养护、小修保养及应急抢险"


@pytest.mark.parametrize("header", [
    "指标类别\t二级指标\t指标名称\t目标值",
    "一级指标名称\t二级指标名称\t三级指标名称\t指标值",
    "一级指标\t二级指标\t三级指标\t预期目标值",
    "一级指标\t二级指标\t三级指标\t预期目标值（2025年）",
    "一级指标\t二级指标\t三级指标\t2025年目标",
])
def test_other_spellings_of_the_indicator_header(header):
    """Spellings of the level and value columns seen in local templates; a value column no
    list names is still found by its heading, so no row loses its value."""
    (indicator,) = parse_text(f"{header}\n产出指标\t数量指标\t培训人次\t≥200人次\n", "h.tsv").projects[0].indicators
    assert (indicator.level1, indicator.level2, indicator.name, indicator.target_raw) == \
        ("产出指标", "数量指标", "培训人次", "≥200人次")


def test_implementation_content_and_duties_are_read_with_the_fund_use():
    """项目实施内容 (and a department's 部门职能职责) say what the money does where a template
    has no 资金用途 row; 立项依据 is read past."""
    text = ("项目名称\t高标准农田建设\n立项依据\t《全国高标准农田建设规划》\n"
            "项目实施内容\t新建高标准农田2万亩，实施土地平整、灌溉排水工程。\n"
            "资金用途\t用于工程建设。\n"
            "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t新建高标准农田面积\t≥2万亩\n")
    doc = parse_text(text, "t.tsv")
    assert doc.projects[0].fund_use == "新建高标准农田2万亩，实施土地平整、灌溉排水工程。\n用于工程建设。"
    assert not doc.issues


def test_department_table_with_duty_and_activity_columns():
    """部门整体支出 tables that file indicators under 职责 | 活动 columns: the duties and
    activities are what the money does (资金用途, once each), not part of every row; the table
    has no basis column, so no basis is asked for."""
    doc = parse_path(TEMPLATES / "department_duties_activities.tsv")
    (project,) = doc.projects
    lines = project.fund_use.split("\n")
    assert {"促进就业", "就业创业补贴发放", "职业技能培训"} <= set(lines) and len(lines) == len(set(lines))
    assert project.indicators[1].name == "发放创业担保贷款" and project.indicators[1].description == ""
    assert "basis" not in project.indicator_columns and not doc.issues
    codes = {f.code for f in Scorer(Settings()).score_document(doc).all_findings()}
    assert "ZB-ST009" not in codes


def test_filer_line_gives_the_department_and_the_unit():
    """"填报单位（盖章）：…　　单位：万元" above the table is who filed it, not the title."""
    lines = (TEMPLATES / "project_2021.tsv").read_text(encoding="utf-8").splitlines()
    text = "\n".join([lines[0], "填报单位（盖章）：某县交通运输局\u3000\u3000\u3000\u3000单位：万元", *lines[2:]]) + "\n"
    doc = parse_text(text, "filed.tsv")
    assert doc.department == "某县交通运输局" and doc.title != text.splitlines()[1]
    assert doc.projects[0].unit == "万元"


@pytest.mark.parametrize("text", [
    "项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t指标值确定依据\n产出指标\t数量指标\t养护里程\t计划标准\n",
    "项目名称,一级指标,二级指标,三级指标\n道路养护,产出指标,数量指标,养护里程\n",
])
def test_an_indicator_header_without_a_value_column_is_reported(text):
    doc = parse_text(text, "t.csv" if "," in text else "t.tsv")
    assert doc.indicators and doc.indicators[0].target_raw == ""
    assert [i.severity for i in doc.issues if "no value column" in i.message] == ["warning"]
