"""Fourth review pass of the reader: 绩效目标表 in shapes the earlier passes
(test_review_qa3, test_parse_layouts_qa, test_parsers_templates) do not have, written down
as a careful reader would read them before zhibiao was run on them.

The text inputs are in ``tests/data/review4/``; the .xlsx and the .docx are built here the
way Excel and Word hold them (formulas with the results Excel caches, a hidden drop-down
sheet, merged title rows inside a Word table, vMerge and gridSpan cells). Rules only: no
models, each test a fraction of a second.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK

from scorer.parsers import parse_bytes, parse_path, parse_text
from tests.golden_tables import rows_of, summary

DATA = Path(__file__).parent / "data" / "review4"


# -- 1. a city department's whole document, cell-per-line ------------------------------

def test_city_document_with_headings_instead_of_name_rows_and_a_continued_table():
    """11 project tables (2021 template) under numbered headings; every other table has no
    项目名称 row (the heading names the project), and two tables go on after a page break
    under their heading repeated ("…绩效目标表（续）", or the same heading again)."""
    doc = parse_path(DATA / "city_housing_cellines.txt")
    assert doc.format == "cells"
    assert doc.title == "某市住房和城乡建设局2025年部门预算项目支出绩效目标"
    assert doc.department == "某市住房和城乡建设局"
    assert summary(doc) == [
        ("城市道路桥梁日常养护项目", "330100-ZJ-001", 1280, 1280, 0, 2, 6),
        ("城市照明设施运行维护项目", "", 860, 860, None, 1, 5),
        ("城市公园绿地养护项目", "330100-ZJ-003", 2150, 1950, 200, 1, 6),
        ("老旧小区改造项目", "", 5600, 4600, 1000, 2, 7),
        ("建筑工地扬尘治理项目", "330100-ZJ-005", 320, 320, 0, 1, 4),
        ("城镇燃气安全监管项目", "", 410, 410, None, 1, 6),
        ("保障性租赁住房筹集项目", "330100-ZJ-007", 3800, 3800, 0, 1, 5),
        ("城市排水防涝设施维护项目", "", 1560, 1560, 0, 2, 6),
        ("建筑市场信用监管平台运维项目", "330100-ZJ-009", 96, 96, None, 1, 4),
        ("农村生活垃圾分类处置补助项目", "", 740, 740, 0, 1, 4),
        ("城市防汛应急物资储备项目", "330100-ZJ-011", 180, 180, 0, 1, 5),
    ]
    roads, lights = doc.projects[0], doc.projects[1]
    # The rows after the （续） heading are the roads project's, levels carried over the break.
    assert rows_of(roads)[4:] == [("效益指标", "社会效益指标", "道路完好率", "≥98%"),
                                  ("满意度指标", "服务对象满意度指标", "市民出行满意度", "≥90%")]
    assert lights.goals[0].text == "保障全市4.2万盏路灯正常运行，亮灯率不低于98%。"
    assert lights.department == "某市住房和城乡建设局" and lights.title.startswith("2. ")
    assert [p.title for p in doc.projects].count("4. 老旧小区改造项目绩效目标表") == 1
    assert [g.text for g in doc.projects[3].goals] == ["完成老旧小区改造42个，惠及居民1.1万户", "改造雨污管网38公里。"]
    assert doc.issues == []


# -- 2. value columns per period and per year ------------------------------------------

def test_year_and_long_term_value_columns_read_the_budget_years_value():
    """中长期指标值 | 年度指标值 in one header row; 指标值 over 2024年完成值 | 2025年目标值; and
    2024年指标值 | 2025年指标值 in a 2025 document: the value is the 2025 one each time."""
    doc = parse_path(DATA / "education_year_columns.tsv")
    assert [(p.name, p.budget_total, len(p.indicators)) for p in doc.projects] == [
        ("学前教育保教费补助", 460, 5), ("农村义务教育学校校舍维修", 1350, 5), ("县域普通高中教师培训", 85, 4)]
    preschool, repair, training = doc.projects
    assert [i.target_raw for i in preschool.indicators] == ["≥1200人", "100%", "2025年11月底前", "≥92%", "≥90%"]
    assert [i.target_raw for i in repair.indicators] == ["18所", "2.6万平方米", "100%", "100%", "≥90%"]
    assert [i.target_raw for i in training.indicators] == ["≥650人次", "≥96%", "≤1300元", "≥92%"]
    assert all(i.basis for p in doc.projects for i in p.indicators)
    assert doc.issues == []


def test_year_columns_without_a_year_in_the_heading_keep_the_first():
    """No budget year anywhere: nothing says which year is the target; the first is read."""
    text = ("一级指标\t二级指标\t三级指标\t2025年指标值\t2026年指标值\n"
            "产出指标\t数量指标\t培训人次\t600人次\t650人次\n")
    assert parse_text(text).projects[0].indicators[0].target_raw == "600人次"


# -- 3. a 申报表 with 指标内容 / 分值 / 评（扣）分标准 ------------------------------------

def test_scored_application_table_with_indicator_content_column():
    doc = parse_path(DATA / "rural_scored_indicator_content.tsv")
    (project,) = doc.projects
    assert (project.name, project.department, project.budget_total, project.budget_fiscal) == \
        ("乡村振兴衔接资金产业发展项目", "某县农业农村局", 2300, 2300)
    assert len(project.indicators) == 7
    first = project.indicators[0]
    assert (first.level1, first.level2, first.name, first.target_raw, first.basis) == \
        ("产出指标（50分）", "数量指标（20分）", "扶持特色产业基地个数", "≥12个", "")
    assert project.indicators[-1].target_raw == "≥90%"
    # The 合计 row of the scores ends the table; it is not an unreadable row.
    assert doc.issues == []


# -- 4. a workbook: cover, 汇总, hidden 下拉, one sheet per project, formulas ------------

HEALTH = [
    ("基层医疗卫生机构能力提升", "330100-WJ-021", "各区县卫生健康局", 800, 0,
     "支持60家乡镇卫生院和社区卫生服务中心配置基本医疗设备，提升基层诊疗能力。",
     [("产出指标", "数量指标", "支持基层医疗卫生机构数量", "60家", None),
      (None, None, "配置基本医疗设备台套数", "≥360台（套）", None),
      (None, "质量指标", "设备验收合格率", '="≥"&TEXT(0.98,"0%")', "≥98%"),
      (None, "时效指标", "设备采购完成时间", "2025年9月底前", None),
      ("成本指标", "经济成本指标", "每家机构平均补助", '="≤"&ROUND(D6/60,2)&"万元"', "≤13.33万元"),
      ("效益指标", "社会效益指标", "基层诊疗量占比", 0.55, "0%"),
      ("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", None)]),
    ("公立医院重点专科建设", "330100-WJ-022", "市第一人民医院", 600, 150,
     "建设市级重点专科8个，提升疑难重症诊治能力。",
     [("产出指标", "数量指标", "建设市级重点专科数量", "8个", None),
      (None, "质量指标", "专科建设年度考核达标率", "100%", None),
      ("效益指标", "社会效益指标", "县域外转诊率同比下降", "≥5%", None),
      ("满意度指标", "服务对象满意度指标", "患者满意度", "≥92%", None)]),
]


def health_xlsx() -> bytes:
    """As a 卫健委 sends it: a 封面 sheet, a 项目汇总 sheet listing the projects, a hidden 下拉
    sheet of level names, then a sheet per project (title and unit above the form, 年度资金总额
    a SUM formula, two values built by formulas, one a number shown as 0%)."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["A1"] = "某市卫生健康委员会2025年部门预算项目支出绩效目标申报书"
    cover.merge_cells("A1:F1")
    cover["A3"] = "申报单位（盖章）：某市卫生健康委员会"
    cover["A4"] = "填报日期：2024年10月15日"
    cover["A5"], cover["C5"] = "联系人：王某某", "联系电话：0571-87000000"
    listing = wb.create_sheet("项目汇总")
    listing.append(["2025年项目支出绩效目标汇总表"])
    listing.append(["序号", "项目名称", "年度资金总额", "财政拨款", "其他资金"])
    cached: dict[tuple[str, str], object] = {}
    for n, (name, _code, _unit, fiscal, other, _goal, _rows) in enumerate(HEALTH, start=1):
        listing.append([n, name, f"=SUM('{name[:10]}'!D5)", fiscal, other])
        cached["项目汇总", f"C{n + 2}"] = fiscal + other
    drop = wb.create_sheet("下拉")
    for i, word in enumerate(("产出指标", "效益指标", "成本指标", "满意度指标", "数量指标", "质量指标"), start=1):
        drop.cell(i, 1, word)
    drop.sheet_state = "hidden"
    for name, code, unit, fiscal, other, goal, rows in HEALTH:
        ws = wb.create_sheet(name[:10])
        ws["A1"] = "项目支出绩效目标表"
        ws.merge_cells("A1:F1")
        ws["F2"] = "单位：万元"
        ws["A3"], ws["B3"], ws["D3"], ws["E3"] = "项目名称", name, "项目编码", code
        ws.merge_cells("B3:C3")
        ws["A4"], ws["B4"], ws["D4"], ws["E4"] = "主管部门", "某市卫生健康委员会", "实施单位", unit
        ws.merge_cells("B4:C4")
        ws["A5"] = "项目资金"
        ws.merge_cells("A5:A7")
        for r, (label, value) in enumerate((("年度资金总额", "=SUM(D6:D7)"), ("其中：财政拨款", fiscal),
                                             ("其他资金", other)), start=5):
            ws.cell(r, 2, label)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
            ws.cell(r, 4, value).number_format = "0.00"
        cached[name[:10], "D5"] = fiscal + other
        ws["A8"], ws["B8"] = "年度总体目标", goal
        ws.merge_cells("B8:F8")
        for c, heading in enumerate(("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"), start=1):
            ws.cell(9, c, heading)
        for r, (level1, level2, indicator, value, shown) in enumerate(rows, start=10):
            ws.cell(r, 2, level1), ws.cell(r, 3, level2), ws.cell(r, 4, indicator), ws.cell(r, 6, "计划标准")
            cell = ws.cell(r, 5, value)
            if isinstance(value, str) and value.startswith("="):
                cached[name[:10], f"E{r}"] = shown
            elif shown:
                cell.number_format = shown
        ws.merge_cells(start_row=9, start_column=1, end_row=9 + len(rows), end_column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return with_cached_results(buf.getvalue(), wb.sheetnames, cached)


def with_cached_results(data: bytes, sheets: list[str], cached: dict[tuple[str, str], object]) -> bytes:
    """The results Excel stores beside each formula when it saves (openpyxl stores none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            part = re.match(r"xl/worksheets/sheet(\d+)\.xml$", item.filename)
            if part:
                sheet, xml = sheets[int(part.group(1)) - 1], body.decode("utf-8")
                for (name, ref), value in cached.items():
                    if name == sheet:
                        kind = ' t="str"' if isinstance(value, str) else ""
                        xml = re.sub(rf'<c r="{ref}"([^>]*?)><f>(.*?)</f><v\s*/>\s*</c>|<c r="{ref}"([^>]*?)><f>(.*?)</f><v></v></c>',
                                     lambda m: (f'<c r="{ref}"{m.group(1) or m.group(3) or ""}{kind}>'
                                                f'<f>{m.group(2) or m.group(4)}</f><v>{value}</v></c>'), xml)
                body = xml.encode("utf-8")
            target.writestr(item, body)
    return out.getvalue()


def test_workbook_with_cover_listing_hidden_sheet_and_formulas():
    doc = parse_bytes(health_xlsx(), "卫健委项目绩效目标.xlsx")
    assert doc.format == "xlsx"
    assert doc.title == "某市卫生健康委员会2025年部门预算项目支出绩效目标申报书"
    assert doc.department == "某市卫生健康委员会"
    assert summary(doc) == [("基层医疗卫生机构能力提升", "330100-WJ-021", 800, 800, 0, 1, 7),
                            ("公立医院重点专科建设", "330100-WJ-022", 750, 600, 150, 1, 4)]
    assert [p.title for p in doc.projects] == ["项目支出绩效目标表"] * 2
    first = doc.projects[0]
    assert [i.target_raw for i in first.indicators] == \
        ["60家", "≥360台（套）", "≥98%", "2025年9月底前", "≤13.33万元", "55%", "≥90%"]
    assert first.indicators[0].location.table == "基层医疗卫生机构能力"
    # The 汇总 sheet is said once, not read as a project nor row by row.
    (issue,) = doc.issues
    assert issue.severity == "warning" and "汇总" in issue.zh and issue.location.table == "项目汇总"


# -- 5. a 预算管理一体化系统 export: GBK CSV, amounts in 元 --------------------------------

def test_gbk_system_export_csv_with_amounts_in_yuan():
    raw = (DATA / "water_system_export_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file is what the system writes: GBK, no BOM
    doc = parse_path(DATA / "water_system_export_gbk.csv")
    assert doc.format == "csv" and doc.department == "某县水利局"
    assert summary(doc) == [("小型水库除险加固", "33112224T000000012345", 350, None, None, 2, 5),
                            ("农村饮用水工程维修养护", "33112224T000000012388", 86, None, None, 1, 5)]
    reservoir = doc.projects[0]
    assert [i.target_raw for i in reservoir.indicators] == ["=5座", "=100%", "2025年汛前", "≥1.2万人", "≥90%"]
    assert reservoir.indicators[2].description == "汛期前完成\n主体工程"
    assert reservoir.goals[1].text == "消除水库安全隐患，保障下游群众生命财产安全。"
    assert doc.issues == []


@pytest.mark.parametrize(("unit_row", "label", "expected"), [
    ("单位：元", "资金总额", 12.5), ("单位：万元", "资金总额（元）", 12.5), ("", "资金总额（万元）", 125000),
    ("单位：万元", "资金总额", 125000)])
def test_budget_amounts_are_in_wan_whatever_unit_the_table_states(unit_row, label, expected):
    text = (f"{unit_row}\n项目名称\t某项目\n{label}\t125000\n"
            "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t服务人次\t100人次\n")
    project = parse_text(text, format="tsv").projects[0]
    assert project.budget_total == expected and project.budget_raw["total"] == "125000"


# -- 6. level names numbered and scored, pasted without the header ---------------------

def test_headerless_paste_with_numbered_scored_level_names():
    """一、产出指标（50分） | 1.数量指标（20分）, 3.时效（15分） without 指标, and a 分值
    column last: read as indicator rows, the levels as written, the score not a basis."""
    doc = parse_path(DATA / "roads_numbered_levels_paste.tsv")
    (project,) = doc.projects
    assert rows_of(project) == [
        ("一、产出指标（50分）", "1.数量指标（20分）", "新改建农村公路里程", "≥35公里"),
        ("一、产出指标（50分）", "1.数量指标（20分）", "危桥改造座数", "6座"),
        ("一、产出指标（50分）", "2.质量指标（15分）", "交工验收合格率", "100%"),
        ("一、产出指标（50分）", "3.时效（15分）", "项目完工时间", "2025年11月底前"),
        ("二、效益指标（30分）", "1.社会效益（20分）", "通行条件", "明显改善"),
        ("二、效益指标（30分）", "2.可持续影响（10分）", "农村公路列养率", "100%"),
        ("三、满意度指标（10分）", "服务对象满意度（10分）", "沿线群众满意度", "≥90%"),
        ("四、成本指标（10分）", "经济成本（10分）", "每公里建设成本", "≤80万元"),
    ]
    assert all(i.basis == "" for i in project.indicators)
    assert doc.issues == []


def test_headerless_rows_still_need_level_names():
    with pytest.raises(Exception, match="no indicator table"):
        parse_text("项目一\t某内容\t说明文字\t100\n项目二\t其他\t说明\t200\n", format="tsv")


# -- 7. a Word table with its title inside, vMerge and gridSpan; a table broken with 续表 --

def civil_affairs_docx() -> bytes:
    """Project 1: the title and the filing unit are rows inside the table, merged across it;
    项目资金, 绩效指标 and the level cells merged down (vMerge); the name and each 三级指标
    merged across two grid columns (gridSpan). Project 2: a heading paragraph and no 项目名称
    row, its table broken at a page into two with a 续表 paragraph between them."""
    document = docx.Document()
    document.add_paragraph("某区民政局2025年项目支出绩效目标")
    indicators = [
        ("产出指标", "数量指标", "居家养老服务对象人数", "≥3200人", "计划标准"),
        ("", "", "助餐服务人次", "≥18万人次", "历史标准"),
        ("", "质量指标", "服务对象回访合格率", "≥95%", "行业标准"),
        ("", "时效指标", "服务补贴按月拨付及时率", "100%", "计划标准"),
        ("成本指标", "经济成本指标", "人均年服务补贴标准", "≤1500元", "政策标准"),
        ("效益指标", "社会效益指标", "居家养老服务覆盖社区比例", "≥90%", "计划标准"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "历史标准"),
    ]
    top = 8
    table = document.add_table(rows=top + 1 + len(indicators), cols=7)

    def put(row: int, col: int, text: str, *, to_col: int | None = None, to_row: int | None = None) -> None:
        cell = table.cell(row, col)
        if to_col is not None or to_row is not None:
            cell = cell.merge(table.cell(row if to_row is None else to_row, col if to_col is None else to_col))
        cell.text = text

    put(0, 0, "项目支出绩效目标表", to_col=6)
    put(1, 0, "填报单位（盖章）：某区民政局", to_col=3)
    put(1, 4, "单位：万元", to_col=6)
    put(2, 0, "项目名称")
    put(2, 1, "居家和社区养老服务", to_col=6)
    put(3, 0, "主管部门")
    put(3, 1, "某区民政局", to_col=3)
    put(3, 4, "实施单位")
    put(3, 5, "区养老服务指导中心", to_col=6)
    put(4, 0, "项目资金（万元）", to_row=6)
    for row, (label, amount) in enumerate((("年度资金总额", "520"), ("其中：财政拨款", "480"), ("其他资金", "40")), start=4):
        put(row, 1, label, to_col=3)
        put(row, 4, amount, to_col=6)
    put(7, 0, "年度总体目标")
    put(7, 1, "1.为全区3200名老年人提供居家养老上门服务；\n2.运营社区老年食堂42个，提供助餐服务18万人次以上。", to_col=6)
    put(top, 0, "绩效指标", to_row=top + len(indicators))
    for col, heading in ((1, "一级指标"), (2, "二级指标"), (5, "指标值"), (6, "指标值确定依据")):
        put(top, col, heading)
    put(top, 3, "三级指标", to_col=4)
    for i, (_l1, _l2, name, value, basis) in enumerate(indicators):
        put(top + 1 + i, 3, name, to_col=4)
        put(top + 1 + i, 5, value)
        put(top + 1 + i, 6, basis)
    for col in (1, 2):  # each level cell merged down over the rows that leave it empty
        starts = [i for i, ind in enumerate(indicators) if ind[col - 1]] + [len(indicators)]
        for start, end in zip(starts, starts[1:]):
            put(top + 1 + start, col, indicators[start][col - 1], to_row=top + end if end - 1 > start else None)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("2.困难群众救助补助资金绩效目标表")
    header = ("一级指标", "二级指标", "三级指标", "指标值")
    parts = [[("主管部门", "某区民政局", "实施单位", "区社会救助服务中心"),
              ("年度资金总额", "1860", "其中：财政拨款", "1860"),
              ("年度总体目标", "保障城乡低保、特困人员基本生活，做到应保尽保。", "", ""),
              header,
              ("产出指标", "数量指标", "城乡低保保障人数", "≥5600人"),
              ("", "", "特困人员供养人数", "≥820人"),
              ("", "质量指标", "低保对象认定准确率", "≥98%")],
             [header,
              ("", "时效指标", "救助资金按月足额发放率", "100%"),
              ("效益指标", "社会效益指标", "困难群众基本生活", "有效保障"),
              ("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%")]]
    for n, rows in enumerate(parts):
        part = document.add_table(rows=len(rows), cols=4)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                part.cell(r, c).text = text
        if n == 0:
            document.add_paragraph("续表")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_word_table_with_title_rows_inside_merges_and_a_continued_table():
    doc = parse_bytes(civil_affairs_docx(), "民政局绩效目标.docx")
    assert doc.title == "某区民政局2025年项目支出绩效目标" and doc.department == "某区民政局"
    assert summary(doc) == [("居家和社区养老服务", "", 520, 480, 40, 2, 7),
                            ("困难群众救助补助资金", "", 1860, 1860, None, 1, 6)]
    care, relief = doc.projects
    assert (care.title, care.unit, care.department) == ("项目支出绩效目标表", "万元", "某区民政局")
    assert rows_of(care)[1] == ("产出指标", "数量指标", "助餐服务人次", "≥18万人次")
    assert care.indicators[1].level1_inherited and care.indicators[1].level2_inherited
    assert [i.basis for i in care.indicators][-1] == "历史标准"
    assert relief.department == "某区民政局"
    assert rows_of(relief)[3] == ("产出指标", "时效指标", "救助资金按月足额发放率", "100%")
    assert doc.issues == []


# -- 8. JSON an export tool writes -------------------------------------------------------

def test_export_json_with_chinese_keys_and_indicators_nested_by_level():
    doc = parse_path(DATA / "culture_system_export.json")
    assert doc.format == "json" and doc.department == "某县文化和旅游局"
    assert summary(doc) == [("公共文化服务体系建设", "52013025Y000001", 126.5, 126.5, 0, 2, 5),
                            ("文物安全巡查保护", "52013025Y000002", 48, 48, 0, 1, 4)]
    culture = doc.projects[0]
    assert rows_of(culture)[2] == ("产出指标", "质量指标", "提档升级项目验收合格率", "100%")
    assert culture.indicators[0].basis == "计划标准"
    # the wrapper's 单位名称 is the department, not each project's 实施单位
    assert {p.department for p in doc.projects} == {"某县文化和旅游局"}
    # (the table is named as a reviewer reads it, not by its JSON path data.项目列表[1]: review 6)
    assert culture.indicators[0].location.table == "项目列表第1项（公共文化服务体系建设）"
    assert doc.issues == []


def test_export_json_as_flat_rows_groups_by_project():
    rows = [{"项目名称": name, "预算金额": budget, "一级指标": "产出指标", "二级指标": "数量指标",
             "三级指标": indicator, "指标值": value}
            for name, budget, indicator, value in (("甲项目", 10, "培训人次", "≥100人次"),
                                                  ("甲项目", 10, "发放手册", "500册"),
                                                  ("乙项目", 20, "巡查次数", "≥12次"))]
    doc = parse_text(json.dumps({"单位名称": "某局", "rows": rows}, ensure_ascii=False))
    assert [(p.name, p.department, p.budget_total, len(p.indicators)) for p in doc.projects] == \
        [("甲项目", "某局", 10, 2), ("乙项目", "某局", 20, 1)]


def test_json_without_indicators_is_still_refused_in_chinese():
    with pytest.raises(Exception) as caught:
        parse_text(json.dumps({"code": 0, "data": {"项目名称": "某项目", "金额": 10}}, ensure_ascii=False))
    assert "没有项目" in caught.value.chinese()
