"""Builds the sixth parser review's inputs in memory: .docx and .xlsx files shaped as finance
bureaus and departments save them (Word's merges, a table broken at a page with its header
row repeated, a title in a text box, tracked changes and comments; a sheet of several
projects one under another with hidden rows and columns, numbers typed as full-width text,
dates, percentages, formulas with the values Excel cached, an instruction sheet). The
expected parse is written in ``tests/test_parse_layouts_qa6.py``; nothing is written to
disk (the tests call these functions)."""

from __future__ import annotations

import io
import re
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _saved(package) -> bytes:
    """The bytes of a python-docx Document or an openpyxl Workbook as saved to a file."""
    buf = io.BytesIO()
    package.save(buf)
    return buf.getvalue()


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(_qn(f"w:{key}"), value)
    return element


def _cell_property(cell, tag: str, **attrs: str) -> None:
    cell._tc.get_or_add_tcPr().append(_el(tag, **attrs))


def _mark_header(row) -> None:
    """w:tblHeader: Word repeats the row at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(_el("w:tblHeader"))


def _write_row(table, r: int, texts: list[str], spans: list[int] | None = None) -> None:
    """Cells of grid row ``r`` from the left; ``spans`` merges each across that many columns."""
    spans = spans or [1] * len(texts)
    column = 0
    for text, span in zip(texts, spans):
        cell = table.cell(r, column)
        if span > 1:
            cell = cell.merge(table.cell(r, column + span - 1))
        cell.text = text
        column += span


def _merge_down(table, column: int, first: int, last: int) -> None:
    """w:vMerge over rows first..last of a column (python-docx writes restart/continue)."""
    if last > first:
        text = table.cell(first, column).text
        table.cell(first, column).merge(table.cell(last, column)).text = text


# A title in a text box, as Word 2010+ saves one: the drawing (wps) and the VML fallback each
# hold the same text, so a reader that walked into both would read it twice.
_TEXT_BOX = (
    '<w:r xmlns:w="{w}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
    'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="5000000" cy="400000"/><wp:wrapTopAndBottom/><wp:docPr id="10" name="文本框 10"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>{title}</w:t></w:r></w:p>'
    '</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
    '</mc:Choice><mc:Fallback><w:pict><v:shape style="width:400pt;height:30pt"><v:textbox><w:txbxContent>'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>{title}</w:t></w:r></w:p>'
    '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def _tracked(cell, deleted: str, inserted: str) -> None:
    """The cell's text replaced with tracked changes on: the old value in w:del, the new in w:ins."""
    from lxml import etree

    p = cell.paragraphs[0]
    for run in list(p._p.iterchildren(_qn("w:r"))):
        p._p.remove(run)
    p._p.append(etree.fromstring(
        f'<w:del xmlns:w="{W}" w:id="901" w:author="审核人" w:date="2025-03-01T10:00:00Z">'
        f'<w:r><w:delText>{deleted}</w:delText></w:r></w:del>'))
    p._p.append(etree.fromstring(
        f'<w:ins xmlns:w="{W}" w:id="902" w:author="审核人" w:date="2025-03-01T10:00:00Z">'
        f'<w:r><w:t>{inserted}</w:t></w:r></w:ins>'))


# -- 1. a finance bureau's form: title in a text box, 单位：元 above the table, merges,
#       a nested spending-plan table, tracked changes and a comment --------------------------

EDU_TITLE = "某县教育局2025年项目支出绩效目标表"
EDU_ROWS = [
    # (一级, 二级, 三级, 指标值, 依据); "" = covered by the merge above
    ("产出指标", "数量指标", "集中培训人次", "≥600人次", "计划标准"),
    ("", "", "送教下乡场次", "≥24场次", "计划标准"),
    ("", "质量指标", "培训合格率", None, "历史标准"),  # the value is a tracked change
    ("", "时效指标", "培训完成时间", "2025年11月30日前", "计划标准"),
    ("成本指标", "经济成本指标", "人均培训成本", "≤1600元", "历史标准"),
    ("效益指标", "社会效益指标", "教师教学能力", "明显提升", "行业标准"),
    ("满意度指标", "服务对象满意度指标", "参训教师满意度", "≥90%", "历史标准"),
]
EDU_PLAN = [("3月底", "20%"), ("6月底", "50%"), ("9月底", "80%"), ("12月底", "100%")]


def education_docx() -> bytes:
    import docx
    from lxml import etree

    document = docx.Document()
    title = document.add_paragraph()
    title._p.append(etree.fromstring(_TEXT_BOX.format(w=W, title=EDU_TITLE)))
    document.add_paragraph("单位：元")
    header_at = 9
    table = document.add_table(rows=header_at + 1 + len(EDU_ROWS), cols=5)
    table.style = "Table Grid"
    _write_row(table, 0, ["项目名称", "义务教育阶段教师培训"], [1, 4])
    _write_row(table, 1, ["主管部门", "某县教育局", "实施单位", "县教师发展中心"], [1, 2, 1, 1])
    for r, (label, amount) in enumerate((("年度资金总额", "1,200,000.00"), ("其中：财政拨款", "1,000,000.00"),
                                         ("其他资金", "200,000.00")), start=2):
        _write_row(table, r, ["项目资金" if r == 2 else "", label, amount], [1, 1, 3])
    _merge_down(table, 0, 2, 4)
    _write_row(table, 5, ["资金用途", "用于全县中小学教师集中培训、送教下乡和网络研修。"], [1, 4])
    _write_row(table, 6, ["资金支出计划", ""], [1, 4])
    nested = table.cell(6, 1).add_table(rows=2, cols=len(EDU_PLAN))
    for c, (month, share) in enumerate(EDU_PLAN):
        nested.cell(0, c).text, nested.cell(1, c).text = month, share
    for r, goal in ((7, "1.完成全县中小学教师集中培训600人次；"), (8, "2.培训合格率达到95%以上。")):
        _write_row(table, r, ["年度绩效目标" if r == 7 else "", goal], [1, 4])
    _merge_down(table, 0, 7, 8)
    _write_row(table, header_at, ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"])
    _mark_header(table.rows[header_at])
    first = header_at + 1
    for i, row in enumerate(EDU_ROWS):
        _write_row(table, first + i, [t or "" for t in row])
    for column in (0, 1):
        starts = [i for i, row in enumerate(EDU_ROWS) if row[column]] + [len(EDU_ROWS)]
        for start, end in zip(starts, starts[1:]):
            _merge_down(table, column, first + start, first + end - 1)
    _tracked(table.cell(first + 2, 3), "≥90%", "≥95%")
    # A reviewer's comment on the deadline: the comment's text is not the cell's.
    runs = table.cell(first + 3, 3).paragraphs[0].runs
    document.add_comment(runs, text="建议改为11月底前", author="财政局", initials="CZ")
    return _saved(document)


# -- 2. a department's form: one table, a title paragraph, label cells merged across
#       two columns, the table broken at a page into two with its header row repeated ---------

HRS_TITLE = "某县人力资源和社会保障局2025年职业技能提升行动项目绩效目标表"
HRS_ROWS = [
    ("产出指标", "数量指标", "开展职业技能培训", "≥3000人次", "计划标准"),
    ("", "", "新增取得职业资格证书人数", "≥1200人", "计划标准"),
    ("", "质量指标", "培训合格率", "≥90%", "历史标准"),
    ("", "时效指标", "补贴资金发放时间", "2025年12月31日前", "计划标准"),
    # -- page break: the table goes on in a second table that repeats the header row --
    ("效益指标", "社会效益指标", "培训后就业率", "≥70%", "历史标准"),
    ("", "可持续影响指标", "劳动者技能水平", "持续提升", "行业标准"),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "历史标准"),
]
HRS_BREAK = 4


def _indicator_table(document, rows, header: list[str]):
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    _write_row(table, 0, header)
    _mark_header(table.rows[0])
    for i, row in enumerate(rows, start=1):
        _write_row(table, i, list(row))
    for column in (0, 1):
        starts = [i for i, row in enumerate(rows) if row[column]] + [len(rows)]
        for start, end in zip(starts, starts[1:]):
            _merge_down(table, column, 1 + start, end)
    return table


def labour_docx() -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph(HRS_TITLE)
    document.add_paragraph("单位：万元")
    # 8 grid columns: labels span 2, values 6 (the indicator table below is its own table)
    form = document.add_table(rows=6, cols=8)
    _write_row(form, 0, ["项目名称", "职业技能提升行动"], [2, 6])
    _write_row(form, 1, ["主管部门", "某县人力资源和社会保障局", "实施单位", "县就业服务中心"], [2, 3, 1, 2])
    _write_row(form, 2, ["项目资金", "年度资金总额", "300"], [2, 2, 4])
    _write_row(form, 3, ["", "其中：财政拨款", "260"], [2, 2, 4])
    _write_row(form, 4, ["", "其他资金", "40"], [2, 2, 4])
    form.cell(2, 0).merge(form.cell(4, 1)).text = "项目资金"
    _write_row(form, 5, ["年度绩效目标", "全年开展职业技能培训3000人次以上，培训后就业率达到70%。"], [2, 6])
    header = ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"]
    _indicator_table(document, HRS_ROWS[:HRS_BREAK], header)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _indicator_table(document, HRS_ROWS[HRS_BREAK:], header)
    return _saved(document)


# -- 3. a workbook: several projects one under another in one sheet, blank rows between,
#       hidden rows and columns, full-width digits typed as text, dates, percentages,
#       formulas with cached values, and an instruction sheet first ---------------------------

HEALTH_TITLE = "某县卫生健康局2025年项目支出绩效目标表"
#: (name, [(label, value, number format)], goal, [(一级, 二级, 三级, value, format, 依据, hidden)])
HEALTH = [
    ("基本公共卫生服务", "县疾病预防控制中心",
     [("年度资金总额", "=C6+C7", "#,##0.00"), ("其中：财政拨款", 8_000_000, "#,##0.00"),
      ("其他资金", "６０００００", None)],
     "1.为辖区居民建立健康档案25万份；2.电子健康档案建档率达到90%。",
     [("产出指标", "数量指标", "建立居民健康档案", "≥２５万份", None, "计划标准", False),
      ("", "质量指标", "电子健康档案建档率", 0.9, '"≥"0%', "行业标准", False),
      ("", "时效指标", "上年结转任务完成时间", "2024年12月31日前", None, "计划标准", True),
      ("", "时效指标", "补助资金拨付时间", "2025-06-30", "yyyy-mm-dd", "计划标准", False),
      ("效益指标", "社会效益指标", "居民健康素养水平", 0.285, '"≥"0.0%', "历史标准", False),
      ("满意度指标", "服务对象满意度指标", "居民满意度", "≥９０％", None, "历史标准", False)]),
    ("家庭医生签约服务", "县卫生健康服务中心",
     [("年度资金总额", "3,200,000.00", None), ("其中：财政拨款", 3_200_000, "0")],
     "重点人群家庭医生签约率达到75%以上。",
     [("产出指标", "数量指标", "签约重点人群人数", 52000, '"≥"#,##0"人"', "计划标准", False),
      ("", "质量指标", "重点人群签约率", 0.75, "0.00%", "历史标准", False),
      ("", "时效指标", "签约服务完成时间", "2025-11-30", 'yyyy"年"m"月"d"日前"', "计划标准", False),
      ("满意度指标", "服务对象满意度指标", "签约居民满意度", 0.9, "0%", "历史标准", False)]),
]
#: What the formula in the first project's 年度资金总额 cell last computed (C6+C7).
HEALTH_CACHED = "8600000"


def health_xlsx() -> bytes:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    for line in ("填表说明：", "1.本表由项目单位填报，金额单位为元。", "2.示例：",):
        notes.append([line])
    notes.append(["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"])
    notes.append(["产出指标", "数量指标", "示例指标", "≥100个", "计划标准"])
    ws = wb.create_sheet("绩效目标")
    ws["A1"] = HEALTH_TITLE
    ws.merge_cells("A1:E1")
    ws["E2"] = "单位：元"
    r = 3
    formula_cell = ""
    hidden_rows: list[int] = []
    for name, implementer, money, goal, rows in HEALTH:
        ws.cell(r, 1, "项目名称"), ws.cell(r, 2, name)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
        ws.cell(r + 1, 1, "主管部门"), ws.cell(r + 1, 2, "某县卫生健康局")
        ws.cell(r + 1, 4, "实施单位"), ws.cell(r + 1, 5, implementer)
        r += 2
        ws.cell(r, 1, "项目资金")
        ws.merge_cells(start_row=r, start_column=1, end_row=r + len(money) - 1, end_column=1)
        for label, value, fmt in money:
            ws.cell(r, 2, label)
            cell = ws.cell(r, 3, value)
            if fmt:
                cell.number_format = fmt
            if isinstance(value, str) and value.startswith("="):
                formula_cell = cell.coordinate
            ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=5)
            r += 1
        ws.cell(r, 1, "年度绩效目标"), ws.cell(r, 2, goal)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
        r += 1
        for c, heading in enumerate(("一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据", "填报人备注"), start=1):
            ws.cell(r, c, heading)
        r += 1
        for level1, level2, ind, value, fmt, basis, hidden in rows:
            if level1:
                ws.cell(r, 1, level1)
            if level2:
                ws.cell(r, 2, level2)
            ws.cell(r, 3, ind)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = dt.datetime.fromisoformat(value)
            cell = ws.cell(r, 4, value)
            if fmt:
                cell.number_format = fmt
            ws.cell(r, 5, basis)
            if hidden:
                ws.row_dimensions[r].hidden = True
                ws.cell(r, 6, "已取消，隐藏")
                hidden_rows.append(r)
            r += 1
        r += 2  # blank rows between projects
    # The helper column F (填报人备注) is hidden, as offices hide their working notes.
    ws.column_dimensions["F"].hidden = True
    ws.cell(14, 6, "较上年提高5个百分点")
    return _with_cached_value(_saved(wb), "xl/worksheets/sheet2.xml", formula_cell, HEALTH_CACHED)


def _rewrite_part(data: bytes, part: str, edit) -> bytes:
    """The zip package ``data`` with the XML of ``part`` passed through ``edit`` (str → str):
    how a file saved by Excel or Word differs from what openpyxl writes, edited in place."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def _with_cached_value(data: bytes, part: str, coordinate: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula cell carries its last result (openpyxl
    writes formulas without one, as a tool that never calculates does)."""
    def edit(xml: str) -> str:
        xml, count = re.subn(rf'(<c r="{coordinate}"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?',
                             rf"\1<f>\2</f><v>{value}</v>", xml)
        if not count:
            xml, count = re.subn(rf'(<c r="{coordinate}"[^>]*>)<f>([^<]*)</f>',
                                 rf"\1<f>\2</f><v>{value}</v>", xml)
        assert count == 1, "formula cell not found"
        return xml

    return _rewrite_part(data, part, edit)


# -- 4. a date under one of the built-in formats a Chinese Excel saves without a format code --

def builtin_date_xlsx(number_format_id: int) -> bytes:
    """A 时效 value typed as a date and formatted 2025年6月30日 in a Chinese Excel: the cell's
    style names the built-in format by its id (31) and the file holds no code for it."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "时效指标", "完成时间", dt.datetime(2025, 6, 30)]):
        ws.append(row)
    ws["D3"].number_format = "yyyy/m/d"  # a custom format, replaced below by the built-in id

    def edit(xml: str) -> str:
        custom = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy/m/d"/>', xml)
        return xml.replace(custom.group(0), "").replace(f'numFmtId="{custom.group(1)}"',
                                                        f'numFmtId="{number_format_id}"')

    return _rewrite_part(_saved(wb), "xl/styles.xml", edit)


# -- 5. a title in an old-style (VML only) text box, as WPS and Word 2007 save one ----------

def vml_title_docx(title: str) -> bytes:
    import docx
    from lxml import etree

    document = docx.Document()
    fallback_only = re.sub(r"<mc:AlternateContent><mc:Choice.*?</mc:Choice><mc:Fallback>(.*)</mc:Fallback>"
                           r"</mc:AlternateContent>", r"\1", _TEXT_BOX.format(w=W, title=title), flags=re.S)
    document.add_paragraph()._p.append(etree.fromstring(fallback_only))
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate((["项目名称", "某项目", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
                             ["产出指标", "数量指标", "培训人次", "600人次"])):
        _write_row(table, r, row)
    return _saved(document)


# -- 6. the unit note in the paragraphs above a table, as offices write it -------------------

def paragraphs_over_a_table(paragraphs: list[str], total: str = "1000000") -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate((["项目名称", "教师培训", "", ""], ["年度资金总额", total, "", ""],
                             ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "600人次"])):
        _write_row(table, r, row)
    return _saved(document)


# -- 7. a two-row header (指标值 over 2025年 | 2026年) repeated on the table's next page -------

YEAR_SPLIT_ROWS = [[("产出指标", "数量指标", "培训人次", "600人次", "650人次"), ("", "", "发放教材", "600册", "650册")],
                   [("", "质量指标", "培训合格率", "≥90%", "≥95%"), ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "≥92%")]]


def year_header_split_docx() -> bytes:
    """The 一级/二级/三级 headings merged down over the header's two rows, 指标值 across its
    two year columns; both header rows marked to repeat, and typed again at the top of the
    table's second half after a page break. The heading names the budget year."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph("某县2025年职业培训项目绩效目标表")
    form = document.add_table(rows=2, cols=4)
    _write_row(form, 0, ["项目名称", "职业培训"], [1, 3])
    _write_row(form, 1, ["年度绩效目标", "完成培训600人次，合格率达到90%以上。"], [1, 3])
    for half, rows in enumerate(YEAR_SPLIT_ROWS):
        if half:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = document.add_table(rows=2 + len(rows), cols=5)
        _write_row(table, 0, ["一级指标", "二级指标", "三级指标", "指标值"], [1, 1, 1, 2])
        _write_row(table, 1, ["", "", "", "2025年", "2026年"])
        for column in range(3):
            _merge_down(table, column, 0, 1)
        _mark_header(table.rows[0])
        _mark_header(table.rows[1])
        for r, row in enumerate(rows, start=2):
            _write_row(table, r, list(row))
    return _saved(document)


# -- 8. a workbook a program wrote: formulas without the results Excel would cache ------------

def uncached_formulas_xlsx() -> bytes:
    """As a budget system or a script writes it (openpyxl here): the total and one value are
    formulas, and no program has calculated them. An empty text result (t="str") is a result."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目表"
    for row in (["项目名称", "某项目"], ["年度资金总额", "=B3+B4"], ["其中：财政拨款", 100], ["其他资金", 20],
                ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "=10*60"],
                ["产出指标", "数量指标", "备注", "说明"]):
        ws.append(row)
    # D7: a formula whose text result is empty, as Excel saves one
    return _rewrite_part(_saved(wb), "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        r'<c r="D7"[^>]*>.*?</c>', '<c r="D7" t="str"><f>""</f><v></v></c>', xml))
