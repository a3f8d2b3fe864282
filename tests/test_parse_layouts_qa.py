"""Layouts a finance bureau receives that the template tests do not cover: 预算管理一体化系统
exports (worded 指标性质, several projects on a sheet, rows copied without their header),
two-row value headers (中长期 | 年度), label rows on their own, label and value in one cell,
instruction sheets, Excel 2003 XML, and files that hold no readable table."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from scorer.parsers import ParseError, parse_bytes, parse_text
from scorer.parsers.xlsx import read_xlsx


def _tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def _summary(doc) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.target_raw) for i in doc.indicators]


def _xlsx(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- 预算管理一体化系统 exports ------------------------------------------------------------

def test_worded_comparator_column_is_read_as_its_symbol():
    doc = parse_text(_tsv([
        ["项目名称", "雪亮工程机房租赁服务采购"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重(分值)", "指标值说明"],
        ["产出指标", "数量指标", "机柜数量", "大于等于", "77", "台", "20", ""],
        ["", "时效指标", "故障维护响应时间", "小于", "24", "小时", "10", ""],
        ["", "成本指标", "维护成本", "小于等于", "168.17", "万元", "10", ""],
        ["效益指标", "社会效益指标", "服务保障民生", "定性", "有力保障", "", "20", ""],
    ]))
    assert [i.target_raw for i in doc.indicators] == ["≥77台", "<24小时", "≤168.17万元", "有力保障"]
    assert [i.target.comparator for i in doc.indicators] == [">=", "<", "<=", None]


def test_rows_copied_without_header_with_comparator_and_unit_cells():
    doc = parse_text(_tsv([
        ["产出指标", "数量指标", "机柜数量", "≥", "77", "台", "20", "", ""],
        ["", "质量指标", "视频监控在线率", "大于等于", "97", "%", "20", "", ""],
        ["效益指标", "社会效益指标", "服务保障民生", "定性", "有力保障", "", "20", "", ""],
    ]))
    assert _summary(doc) == [("产出指标", "数量指标", "机柜数量", "≥77台"),
                             ("产出指标", "质量指标", "视频监控在线率", "≥97%"),
                             ("效益指标", "社会效益指标", "服务保障民生", "有力保障")]
    assert not doc.issues  # a weight column is not text worth reading


def test_words_in_columns_a_headerless_paste_cannot_place_are_reported():
    """指标值说明 and 评分标准 after the 度量单位: without the header their order is a guess,
    so they are not read, and the reviewer is told to paste the header too."""
    doc = parse_text(_tsv([
        ["产出指标", "数量指标", "购置设备数量", "≥", "77", "台", "10", "按采购合同计", "完成得满分"],
        ["", "质量指标", "验收合格率", "≥", "95", "%", "10", "", ""],
    ]))
    assert _summary(doc)[0] == ("产出指标", "数量指标", "购置设备数量", "≥77台")
    assert [(i.severity, i.location.row) for i in doc.issues] == [("warning", 1)]
    assert "cell(s) 8, 9 not read" in doc.issues[0].message


# -- value headers over two rows, label rows -------------------------------------------

MID_AND_ANNUAL = [
    ["项目名称", "城区生活垃圾清运处置", "", "", "", ""],
    ["年度资金总额", "300", "", "", "", ""],
    ["中长期目标", "到2026年垃圾分类覆盖率达到90%。", "", "", "", ""],
    ["年度目标", "完成城区垃圾日产日清。", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标值", "", "指标值确定依据"],
    ["", "", "", "中长期指标值", "年度指标值", ""],
    ["产出指标", "数量指标", "日均清运垃圾量", "≥200吨", "≥180吨", "历史标准"],
    ["", "质量指标", "垃圾无害化处理率", "100%", "100%", "行业标准"],
]


def test_two_row_value_header_reads_the_years_value():
    doc = parse_text(_tsv(MID_AND_ANNUAL))
    assert _summary(doc) == [("产出指标", "数量指标", "日均清运垃圾量", "≥180吨"),
                             ("产出指标", "质量指标", "垃圾无害化处理率", "100%")]
    assert [i.basis for i in doc.indicators] == ["历史标准", "行业标准"]
    project = doc.projects[0]
    assert [g.text for g in project.goals] == ["完成城区垃圾日产日清。"]  # not the 中长期目标
    assert not doc.issues  # neither the sub-header nor the 中长期目标 row is "not understood"


def _cell(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = (f"<w:gridSpan w:val='{span}'/>" if span > 1 else "") + (
        {"restart": "<w:vMerge w:val='restart'/>", "continue": "<w:vMerge/>"}.get(vmerge or "", ""))
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def _table(rows: list[list[str]], width: int) -> str:
    grid = "<w:gridCol w:w='1200'/>" * width
    body = "".join(f"<w:tr>{''.join(r)}</w:tr>" for r in rows)
    return f"<w:tbl {nsdecls('w')}><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def test_two_row_value_header_in_word_repeated_after_a_page_break():
    header = [[_cell("一级指标", vmerge="restart"), _cell("二级指标", vmerge="restart"),
               _cell("三级指标", vmerge="restart"), _cell("指标值", span=2)],
              [_cell("", vmerge="continue"), _cell("", vmerge="continue"), _cell("", vmerge="continue"),
               _cell("中长期指标值"), _cell("年度指标值")]]
    document = docx.Document()
    document.add_paragraph("项目支出绩效目标表")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(_table(header + [
        [_cell("产出指标"), _cell("数量指标"), _cell("培训人次"), _cell("≥2000人次"), _cell("≥500人次")]], 5)))
    document.add_paragraph("")
    body.insert(len(body) - 1, parse_xml(_table(header + [
        [_cell("满意度指标"), _cell("服务对象满意度指标"), _cell("参训人员满意度"), _cell("≥90%"), _cell("≥85%")]], 5)))
    out = io.BytesIO()
    document.save(out)
    doc = parse_bytes(out.getvalue(), "form.docx")
    assert [i.target_raw for i in doc.indicators] == ["≥500人次", "≥85%"]
    assert len(doc.projects) == 1 and not doc.issues


def test_long_and_annual_labels_on_their_own_rows_keep_the_tables_apart():
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    doc = parse_text(_tsv([
        ["项目名称", "农村饮水安全维修养护", "", ""],
        ["长期绩效指标", "", "", ""],
        header,
        ["产出指标", "数量指标", "维修供水工程数量", "≥100处"],
        ["年度绩效指标", "", "", ""],
        header,
        ["产出指标", "数量指标", "维修供水工程数量", "≥30处"],
    ]))
    assert [i.target_raw for i in doc.indicators] == ["≥30处"]
    assert len(doc.projects) == 1
    assert any("长期绩效指标" in issue.message for issue in doc.issues)


def test_label_cell_beside_a_nested_indicator_table_is_not_a_stray_row():
    inner = _table([[_cell("一级指标"), _cell("二级指标"), _cell("三级指标"), _cell("指标值")],
                    [_cell("产出指标"), _cell("数量指标"), _cell("培训人次"), _cell("≥500人次")]], 4)
    nested = f"<w:tc><w:tcPr/>{inner.replace(' ' + nsdecls('w'), '')}<w:p/></w:tc>"
    outer = _table([[_cell("项目名称"), _cell("基层医务人员培训")], [_cell("绩效指标"), nested]], 2)
    document = docx.Document()
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(outer))
    out = io.BytesIO()
    document.save(out)
    doc = parse_bytes(out.getvalue(), "nested.docx")
    assert [i.name for i in doc.indicators] == ["培训人次"]
    assert not doc.issues


# -- forms with the label and the value in one cell ---------------------------------------

def test_label_and_value_in_one_cell():
    doc = parse_text(_tsv([
        ["2024年度项目支出绩效目标表", "", "", "单位：万元"],
        ["项目名称：社区居家养老服务补贴", "", "", ""],
        ["主管部门：某区民政局　　实施单位：某区养老服务中心", "", "", ""],
        ["资金总额：360", "", "财政拨款：300", "其他资金：60"],
        ["年度目标：为辖区1200名失能半失能老人提供居家养老服务。", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "服务老年人数", "≥1200人"],
    ]))
    project = doc.projects[0]
    assert (project.name, project.department, project.unit) == ("社区居家养老服务补贴", "某区民政局", "万元")
    assert project.title == "2024年度项目支出绩效目标表"
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == (360, 300, 60)
    assert [g.text for g in project.goals] == ["为辖区1200名失能半失能老人提供居家养老服务。"]


def test_department_goal_paragraphs_with_a_colon_stay_department_goals():
    doc = parse_text(_tsv([
        ["（一）总体绩效目标"],
        ["绩效目标：全面提升基本公共卫生服务水平。"],
        ["项目名称：基本公共卫生服务", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "健康管理人数", "≥5000人"],
    ]))
    assert len(doc.projects) == 1 and doc.projects[0].name == "基本公共卫生服务"
    assert doc.projects[0].goals == []


def test_department_functions_are_read_with_the_fund_use():
    doc = parse_text(_tsv([
        ["部门（单位）名称", "某县卫生健康局", "", ""],
        ["部门职能", "负责全县基本公共卫生服务和疾病预防控制。", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "健康管理人数", "≥5000人"],
    ]))
    assert doc.projects[0].fund_use == "负责全县基本公共卫生服务和疾病预防控制。"
    assert not doc.issues


def test_names_wrapped_in_their_cell_are_one_line():
    doc = parse_text('产出指标\t"数量\n指标"\t"新建垃圾中转站\n（座）"\t≥3座\n'
                     '\t质量指标\t"PM2.5\n浓度"\t≤35微克/立方米\n')
    assert [(i.level2, i.name) for i in doc.indicators] == [("数量指标", "新建垃圾中转站（座）"),
                                                         ("质量指标", "PM2.5 浓度")]


# -- workbooks -----------------------------------------------------------------------------

def test_instruction_sheet_is_not_read():
    def build(workbook):
        notes = workbook.active
        notes.title = "填表说明"
        notes.append(["填表说明：一级指标包括产出指标、效益指标、满意度指标。"])
        notes.append(["一级指标", "二级指标", "三级指标", "指标值"])  # a sample row in the notes
        notes.append(["产出指标", "数量指标", "（示例）完成数量", "≥X个"])
        sheet = workbook.create_sheet("项目1")
        sheet.append(["项目名称", "农村公路养护"])
        sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
        sheet.append(["产出指标", "数量指标", "养护里程", "≥320公里"])

    doc = parse_bytes(_xlsx(build), "book.xlsx")
    assert [p.name for p in doc.projects] == ["农村公路养护"]
    assert [i.name for i in doc.indicators] == ["养护里程"]
    assert doc.title == ""


def test_several_projects_on_one_sheet_with_comparator_and_unit_columns():
    def build(workbook):
        sheet = workbook.active
        for name, amount in (("项目甲", 100), ("项目乙", 50)):
            sheet.append(["项目名称", name])
            sheet.append(["资金总额", amount])
            sheet.append(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"])
            sheet.append(["产出指标", "数量指标", f"{name}完成数", "≥", "3", "个"])
            sheet.append([])

    doc = parse_bytes(_xlsx(build), "two.xlsx")
    assert [(p.name, p.budget_total, [i.target_raw for i in p.indicators]) for p in doc.projects] == [
        ("项目甲", 100, ["≥3个"]), ("项目乙", 50, ["≥3个"])]


# -- Excel 2003 XML -----------------------------------------------------------------------

SPREADSHEET_ML = """<?xml version="1.0" encoding="{encoding}"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">
 <Styles><Style ss:ID="pct"><NumberFormat ss:Format="0%"/></Style></Styles>
 <Worksheet ss:Name="下拉选项"><Table><Row><Cell><Data ss:Type="String">产出指标</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>
 </Worksheet>
 <Worksheet ss:Name="绩效目标表"><Table>
  <Row><Cell><Data ss:Type="String">项目名称</Data></Cell>
   <Cell ss:MergeAcross="2"><Data ss:Type="String">农村饮水安全维修养护</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">资金总额</Data></Cell><Cell><Data ss:Type="Number">60.5</Data></Cell></Row>
  <Row ss:Index="4"><Cell><Data ss:Type="String">一级指标</Data></Cell><Cell><Data ss:Type="String">二级指标</Data></Cell>
   <Cell><Data ss:Type="String">三级指标</Data></Cell><Cell><Data ss:Type="String">指标值</Data></Cell></Row>
  <Row><Cell ss:MergeDown="1"><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">数量指标</Data></Cell>
   <Cell><Data ss:Type="String">维修工程处数</Data></Cell><Cell><Data ss:Type="String">≥30处</Data></Cell></Row>
  <Row><Cell ss:Index="2"><Data ss:Type="String">质量指标</Data></Cell>
   <Cell><Data ss:Type="String">验收合格率</Data></Cell><Cell ss:StyleID="pct"><Data ss:Type="Number">0.95</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""


@pytest.mark.parametrize("encoding", ["utf-8", "gb2312"])
def test_excel_2003_xml_workbook(encoding):
    data = SPREADSHEET_ML.format(encoding=encoding).encode("gbk" if encoding == "gb2312" else encoding)
    doc = parse_bytes(data, "export.xls")
    assert doc.format == "xml2003"
    project = doc.projects[0]
    assert (project.name, project.budget_total) == ("农村饮水安全维修养护", 60.5)
    assert _summary(doc) == [("产出指标", "数量指标", "维修工程处数", "≥30处"),
                             ("产出指标", "质量指标", "验收合格率", "95%")]
    assert doc.indicators[1].level1_inherited


def test_corrupt_excel_2003_xml_is_refused_in_chinese():
    data = SPREADSHEET_ML.format(encoding="utf-8").encode()[:-200]
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, "broken.xls")
    assert "Excel 2003 XML" in caught.value.chinese()


# -- files that hold no readable table ---------------------------------------------------------

@pytest.mark.parametrize(("data", "name", "zh"), [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), "table.pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png", "图片"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "scan.jpg", "图片"),
    (b"{\\rtf1\\ansi \\u39033?}", "table.rtf", "RTF"),
])
def test_pdf_image_and_rtf_are_refused_with_what_to_send(data, name, zh):
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, name)
    assert zh in caught.value.chinese() and ".docx" in caught.value.chinese()


def test_xlsx_reader_still_skips_hidden_sheets():
    def build(workbook):
        workbook.active.append(["一级指标", "二级指标", "三级指标", "指标值"])
        hidden = workbook.create_sheet("选项")
        hidden.append(["产出指标"])
        hidden.sheet_state = "hidden"

    tables = {item.location.table for item in read_xlsx(_xlsx(build))}
    assert tables == {"Sheet"}


def test_excel_2003_xml_sheets_share_one_cell_limit(monkeypatch):
    """Each sheet just under the limit, padded by one value far right: together they are
    refused, so a small file of many such sheets cannot cost minutes."""
    from scorer.parsers import xmlss

    monkeypatch.setattr(xmlss, "MAX_CELLS", 5_000)
    row = '<Row><Cell ss:Index="100"><Data ss:Type="String">x</Data></Cell></Row>'
    sheets = "".join(f'<Worksheet ss:Name="S{k}"><Table>{row * 40}</Table></Worksheet>' for k in range(3))
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">{sheets}</Workbook>')
    with pytest.raises(ParseError, match="sheet 'S1' spans 40 rows by 100 columns, which brings the workbook over"):
        parse_text(xml, "many.xls")
