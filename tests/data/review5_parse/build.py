"""Builds the fifth parser review's inputs: the .xlsx and .docx in memory (the tests call
these functions), and the text files beside this script (run it to write them again:
``python tests/data/review5_parse/build.py``). Each input is shaped as the offices send
them; the expected parse is written in ``tests/test_parse_layouts_qa5.py``."""

from __future__ import annotations

import io
from pathlib import Path

HERE = Path(__file__).parent


# -- 1. a workbook whose indicator table has merged level cells and a blank spacer column --

PARKS_ROWS = [
    # (一级指标, 二级指标, 三级指标, value, number format, basis)
    ("产出指标", "数量指标", "日常养护公园数量", 32, '0"个"', "计划标准"),
    ("", "", "绿地养护面积", "≥186万平方米", None, "计划标准"),
    ("", "质量指标", "公园设施完好率", 0.95, '"≥"0%', "行业标准"),
    ("", "时效指标", "养护作业按期完成率", 1, "0%", "计划标准"),
    ("成本指标", "经济成本指标", "每平方米年养护成本", "≤4.6元", None, "历史标准"),
    ("效益指标", "社会效益指标", "公园日均接待游客", "≥3.5万人次", None, "历史标准"),
    ("满意度指标", "服务对象满意度指标", "游客满意度", "≥90%", None, "历史标准"),
]


def parks_xlsx() -> bytes:
    """The form starts in column B (A is a narrow margin), and column E of the indicator
    table is a blank spacer between 三级指标 and 指标值; 一级 and 二级 cells are merged down;
    two values are numbers shown by their format (32 as 0"个", 0.95 as "≥"0%)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    ws["B1"] = "2025年城市公园管养项目支出绩效目标表"
    ws.merge_cells("B1:G1")
    ws["G2"] = "单位：万元"
    ws["B3"], ws["C3"] = "项目名称", "城市公园日常管养"
    ws.merge_cells("C3:G3")
    ws["B4"], ws["C4"], ws["F4"], ws["G4"] = "主管部门", "某市园林绿化局", "实施单位", "市公园管理中心"
    ws.merge_cells("C4:E4")
    for r, (label, amount) in enumerate((("年度资金总额", 860), ("其中：财政拨款", 800), ("其他资金", 60)), start=5):
        ws.cell(r, 2, label)
        ws.cell(r, 3, amount).number_format = "0.00"
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=7)
    ws["B8"], ws["C8"] = "年度总体目标", "1.完成城区32个公园日常养护；\n2.公园设施完好率保持在95%以上。"
    ws.merge_cells("C8:G8")
    for c, heading in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (6, "指标值"), (7, "指标值确定依据")):
        ws.cell(9, c, heading)
    first = 10
    for i, (level1, level2, name, value, fmt, basis) in enumerate(PARKS_ROWS):
        r = first + i
        if level1:
            ws.cell(r, 2, level1)
        if level2:
            ws.cell(r, 3, level2)
        ws.cell(r, 4, name)
        cell = ws.cell(r, 6, value)
        if fmt:
            cell.number_format = fmt
        ws.cell(r, 7, basis)
    for col, idx in ((2, 0), (3, 1)):  # each level merged down over the rows it leaves empty
        starts = [i for i, row in enumerate(PARKS_ROWS) if row[idx]] + [len(PARKS_ROWS)]
        for start, end in zip(starts, starts[1:]):
            if end - start > 1:
                ws.merge_cells(start_row=first + start, start_column=col, end_row=first + end - 1, end_column=col)
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["E"].width = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- 2. a Word document: one table per project, the project named in a paragraph above --

STREETS = [
    ("一、城区道路清扫保洁项目", "城区道路清扫保洁项目", "区环境卫生管理所", "1260", "1260",
     "1.保障城区126条道路每日清扫保洁；\n2.道路机械化清扫率达到85%以上。",
     [("产出指标", "数量指标", "保洁道路条数", "126条"),
      ("", "质量指标", "道路机械化清扫率", "≥85%"),
      ("效益指标", "社会效益指标", "市容环境质量", "明显改善"),
      ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%")]),
    ("（二）市政设施维修养护经费", "市政设施维修养护经费", "区市政设施维护中心", "540", "500",
     "及时修复破损路面和人行道，保障市政设施安全运行。",
     [("产出指标", "数量指标", "修复破损路面面积", "≥1.8万平方米"),
      ("", "时效指标", "报修处置及时率", "≥95%"),
      ("成本指标", "经济成本指标", "每平方米修复成本", "≤260元"),
      ("效益指标", "社会效益指标", "市政设施完好率", "≥96%"),
      ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]),
    ("项目三：城市照明运行维护", "城市照明运行维护", "区路灯管理所", "310", "310",
     "保障全区2.1万盏路灯正常运行，亮灯率不低于98%。",
     [("产出指标", "数量指标", "维护路灯数量", "2.1万盏"),
      ("", "质量指标", "主干道亮灯率", "≥98%"),
      ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%")]),
]


def streets_docx() -> bytes:
    """A department's document: its heading, then per project a heading paragraph (numbered
    one way or another) and a table with no 项目名称 row (主管部门 | … first)."""
    import docx

    document = docx.Document()
    document.add_paragraph("某区城市管理局2025年部门项目支出绩效目标")
    document.add_paragraph("单位：万元")
    for heading, _name, unit, total, fiscal, goal, rows in STREETS:
        document.add_paragraph(heading)
        table = document.add_table(rows=4 + len(rows), cols=4)
        cells = [("主管部门", "某区城市管理局", "实施单位", unit),
                 ("年度资金总额", total, "其中：财政拨款", fiscal)]
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        table.cell(2, 0).text = "年度绩效目标"
        table.cell(2, 1).merge(table.cell(2, 3)).text = goal
        for c, text in enumerate(("一级指标", "二级指标", "三级指标", "指标值")):
            table.cell(3, c).text = text
        for r, row in enumerate(rows, start=4):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        document.add_paragraph("")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# -- 6. a workbook with a 汇总 sheet and one sheet per project, named after the project --

FARM_SHEETS = [
    ("农机购置补贴", 380, 380, "补贴购置农业机械1200台，主要农作物耕种收综合机械化率达到88%。",
     [("产出指标", "数量指标", "补贴农机具数量", "≥1200台"),
      ("", "质量指标", "补贴资金兑付准确率", "100%"),
      ("效益指标", "经济效益指标", "主要农作物耕种收综合机械化率", "≥88%"),
      ("满意度指标", "服务对象满意度指标", "购机农户满意度", "≥90%")]),
    ("高标准农田建设", 2400, 2100, "新建高标准农田2万亩，项目区粮食产能提高10%。",
     [("产出指标", "数量指标", "新建高标准农田面积", "2万亩"),
      ("", "质量指标", "工程验收合格率", "100%"),
      ("", "时效指标", "项目完工时间", "2025年12月底前"),
      ("成本指标", "经济成本指标", "亩均财政投入", "≤1200元"),
      ("效益指标", "经济效益指标", "项目区粮食产能提高", "≥10%")]),
    ("动物疫病防控", 165, 165, "重大动物疫病免疫密度保持在90%以上，不发生区域性重大动物疫情。",
     [("产出指标", "数量指标", "强制免疫畜禽数量", "≥85万头（只）"),
      ("", "质量指标", "免疫抗体合格率", "≥70%"),
      ("效益指标", "社会效益指标", "区域性重大动物疫情", "不发生")]),
]


def farm_xlsx() -> bytes:
    """汇总 first (序号 | 项目名称 | 年度资金总额 | 财政拨款), then one sheet per project named
    after it; each sheet's form has only the template's generic heading and no 项目名称 row."""
    import openpyxl

    wb = openpyxl.Workbook()
    listing = wb.active
    listing.title = "汇总"
    listing.append(["某县农业农村局2025年项目支出绩效目标汇总表"])
    listing.append(["序号", "项目名称", "年度资金总额", "财政拨款"])
    for n, (name, total, fiscal, _goal, _rows) in enumerate(FARM_SHEETS, start=1):
        listing.append([n, name, total, fiscal])
    for name, total, fiscal, goal, rows in FARM_SHEETS:
        ws = wb.create_sheet(name)
        ws["A1"] = "项目支出绩效目标表"
        ws.merge_cells("A1:D1")
        ws["A2"], ws["B2"] = "主管部门", "某县农业农村局"
        ws["A3"], ws["B3"], ws["C3"], ws["D3"] = "年度资金总额", total, "其中：财政拨款", fiscal
        ws["A4"], ws["B4"] = "年度绩效目标", goal
        ws.merge_cells("B4:D4")
        for c, heading in enumerate(("一级指标", "二级指标", "三级指标", "指标值"), start=1):
            ws.cell(5, c, heading)
        for r, row in enumerate(rows, start=6):
            for c, text in enumerate(row, start=1):
                if text:
                    ws.cell(r, c, text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- text inputs, written to files ------------------------------------------------------

def wps_paste() -> str:
    """A WPS paste: full-width spaces padding and justifying cells (主　管　部　门), every row
    carried to the copied range's width with trailing tabs, full-width digits in the budget."""
    rows = [
        "　　某县林业局2025年项目支出绩效目标表\t\t\t\t\t\t",
        "\t\t\t\t单位：万元\t\t",
        "项目名称\t森林防火能力提升　　\t\t\t\t\t",
        "主　管　部　门\t某县林业局\t实施单位\t县森林消防大队\t\t\t",
        "年度资金总额\t１２０\t\t\t\t\t",
        "其中：财政拨款\t１２０\t\t\t\t\t",
        "年度绩效目标\t　　购置扑火装备300套，开展防火巡护180天，全年森林火灾受害率控制在0.9‰以内。\t\t\t\t\t",
        "一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据\t\t",
        "产出指标　\t数量指标\t购置扑火装备\t≥300套\t计划标准\t\t",
        "\t\t防火巡护天数\t≥180天\t计划标准\t\t",
        "\t质量指标\t装备验收合格率\t100%\t行业标准\t\t",
        "效益指标\t生态效益指标\t森林火灾受害率\t≤0.9‰\t国家标准\t\t",
        "满意度指标\t服务对象满意度指标\t林区群众满意度\t≥90%\t历史标准\t　\t",
        "\t\t\t\t\t\t",
    ]
    return "\r\n".join(rows) + "\r\n"


def sanitation_csv() -> str:
    """A form saved as CSV by a county office (GBK, no BOM): title, 单位：元 at the right,
    amounts with thousands separators (quoted), goals numbered in one cell."""
    rows = [
        "某县环境卫生管理所2025年项目支出绩效目标表,,,,",
        ",,,,单位：元",
        "项目名称,农村生活垃圾收运处置,,,",
        "主管部门,某县住房和城乡建设局,实施单位,某县环境卫生管理所,",
        '年度资金总额,"1,250,000.00",,,',
        '其中：财政拨款,"1,200,000.00",,,',
        '其他资金,"50,000.00",,,',
        '年度绩效目标,"1.覆盖全县12个乡镇生活垃圾收运；2.生活垃圾无害化处理率达到100%。",,,',
        "一级指标,二级指标,三级指标,指标值,指标值确定依据",
        "产出指标,数量指标,覆盖乡镇数量,12个,计划标准",
        ",,日均收运生活垃圾量,≥150吨,历史标准",
        ",质量指标,生活垃圾无害化处理率,100%,国家标准",
        "成本指标,经济成本指标,每吨垃圾收运处置成本,≤230元,历史标准",
        "满意度指标,服务对象满意度指标,村民满意度,≥90%,历史标准",
    ]
    return "\r\n".join(rows) + "\r\n"


#: The 30 projects of the department document: (name, indicators, goals) — goals 0 means
#: the project lacks them (the row missing, empty, or a placeholder: 无, /, ——).
AGRI_NAMES = [
    "耕地地力保护补贴", "农机购置补贴", "高标准农田建设", "动物疫病防控", "农产品质量安全监管", "种业振兴行动",
    "农村人居环境整治", "农业技术推广", "新型农业经营主体培育", "渔业资源保护", "畜禽粪污资源化利用",
    "农村改厕后续管护", "农业面源污染治理", "农民合作社规范提升", "家庭农场示范创建", "农业保险保费补贴",
    "农田水利设施维护", "秸秆综合利用", "耕地质量监测", "农村集体产权制度改革", "乡村振兴示范村建设",
    "农业综合执法", "植物病虫害防治", "农产品产地冷藏保鲜", "数字农业示范", "高素质农民培育",
    "农村公路养护补助", "农业防灾减灾", "农药包装废弃物回收", "现代农业产业园建设",
]


def agri_plan(i: int) -> tuple[str, int, float, str | None]:
    """Project i (1-based): its code, indicator count, budget and goal cell (None: no row)."""
    code = f"361122250000{i:02d}"
    count = 3 + i % 5
    budget = 10.0 * i + 0.5
    if i % 5 == 0:
        goal = None  # no 年度绩效目标 row at all
    elif i % 7 == 0:
        goal = "无"
    elif i % 11 == 0:
        goal = ""
    elif i % 13 == 0:
        goal = "/"
    elif i % 3 == 0:
        goal = f"1.完成{AGRI_NAMES[i - 1]}年度任务；\n2.资金按进度拨付到位。"
    else:
        goal = f"完成{AGRI_NAMES[i - 1]}年度任务，服务对象满意度达到90%以上。"
    return code, count, budget, goal


def agri_document() -> str:
    """A county department's whole document pasted from Excel: its heading, then 30 project
    tables, each announced by a numbered heading; some projects lack goals."""
    lines = ["某县农业农村局2025年部门预算项目支出绩效目标表\t\t\t\t", "单位：万元\t\t\t\t"]
    levels = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
              ("效益指标", "社会效益指标"), ("成本指标", "经济成本指标"), ("效益指标", "可持续影响指标"),
              ("满意度指标", "服务对象满意度指标")]
    for i, name in enumerate(AGRI_NAMES, start=1):
        code, count, budget, goal = agri_plan(i)
        lines.append(f"{i}.{name}项目\t\t\t\t")
        lines.append(f"项目名称\t{name}\t项目编码\t{code}\t")
        lines.append("主管部门\t某县农业农村局\t实施单位\t某县农业农村局\t")
        lines.append(f"年度资金总额\t{budget:g}\t其中：财政拨款\t{budget:g}\t")
        if goal is not None:
            lines.append(f'年度绩效目标\t"{goal}"\t\t\t' if "\n" in goal else f"年度绩效目标\t{goal}\t\t\t")
        lines.append("一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据")
        previous = ("", "")
        for k in range(count):
            level1, level2 = levels[k]
            shown1 = "" if level1 == previous[0] else level1
            lines.append(f"{shown1}\t{level2}\t{name}指标{k + 1}\t≥{80 + k}%\t计划标准")
            previous = (level1, level2)
    return "\n".join(lines) + "\n"


def transposed_table() -> str:
    """Indicators laid out across: the field names down the first column, one indicator per
    column (a 一级指标 merged across its columns leaves the next cells empty)."""
    rows = [
        "项目名称\t社区养老服务驿站运营\t\t\t",
        "主管部门\t某区民政局\t\t\t",
        "年度资金总额\t150\t\t\t",
        "年度绩效目标\t运营社区养老服务驿站12个，为辖区老年人提供助餐、助洁服务。\t\t\t",
        "一级指标\t产出指标\t\t效益指标\t满意度指标",
        "二级指标\t数量指标\t质量指标\t社会效益指标\t服务对象满意度指标",
        "三级指标\t运营驿站数量\t服务质量达标率\t老年人助餐服务覆盖率\t老年人满意度",
        "指标值\t12个\t≥95%\t≥80%\t≥90%",
        "指标值确定依据\t计划标准\t行业标准\t计划标准\t历史标准",
    ]
    return "\n".join(rows) + "\n"


def culture_cells() -> str:
    """A Word document as docx-to-text writes it (a cell per line, a row per block; Word's own
    cells: 指标值 spans two columns over the 2025年 | 2026年 sub-headings, so the header's first
    row has a cell fewer than the rows under it). No year in the heading: the 项目实施期 cell
    says 2026. The second project names itself in a 项目名称 row; its goal cell says 无."""
    def row(*cells: str) -> str:
        return "".join(f"\t{c}\n" for c in cells) + "\n"

    return "".join([
        "某县文化和旅游局项目支出绩效目标\n", "\n",
        "（一）乡镇综合文化站免费开放项目\n", "\n",
        row("主管部门", "某县文化和旅游局", "实施单位", "各乡镇综合文化站"),
        row("年度资金总额", "96", "其中：财政拨款", "96"),
        row("项目实施期", "2026年1月-12月"),
        row("年度绩效目标", "1.保障全县18个乡镇综合文化站免费开放；\n2.全年开展群众文化活动不少于216场次。"),
        row("一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"),
        row("", "", "", "2025年", "2026年", ""),
        row("产出指标", "数量指标", "免费开放文化站数量", "17个", "18个", "计划标准"),
        row("", "", "开展群众文化活动场次", "≥200场次", "≥216场次", "历史标准"),
        row("", "时效指标", "补助资金拨付时间", "2025年6月底前", "2026年6月底前", "计划标准"),
        row("效益指标", "社会效益指标", "参与群众文化活动人次", "≥4万人次", "≥4.5万人次", "历史标准"),
        row("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "≥92%", "历史标准"),
        "（二）公共图书馆数字资源建设项目\n", "\n",
        row("项目名称", "公共图书馆数字资源建设"),
        row("主管部门", "某县文化和旅游局", "实施单位", "县图书馆"),
        row("年度资金总额", "45", "其中：财政拨款", "45"),
        row("年度绩效目标", "无"),
        row("一级指标", "二级指标", "三级指标", "指标值"),
        row("产出指标", "数量指标", "新增数字资源容量", "≥5TB"),
        row("", "质量指标", "数字资源验收合格率", "100%"),
        row("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
    ])


TEXT_FILES = {
    "wps_paste_fullwidth.tsv": (wps_paste, "utf-8"),
    "sanitation_form_gbk.csv": (sanitation_csv, "gbk"),
    "agri_30_projects.tsv": (agri_document, "utf-8"),
    "transposed_indicators.tsv": (transposed_table, "utf-8"),
    "culture_word_cells.txt": (culture_cells, "utf-8"),
}


def main() -> None:
    for name, (make, encoding) in TEXT_FILES.items():
        (HERE / name).write_bytes(make().encode(encoding))


if __name__ == "__main__":
    main()
