"""Builds the seventh parser review's binary inputs in memory: a 民政局 workbook of two
projects on one sheet as an office leaves it after working on it (单位：元 at the top, totals
as formulas with the results Excel cached, one of them broken into #REF!, the goals and the
项目实施期 written under each table, a filter left on that hides one indicator, a time limit
typed as an Excel time, the sign-off at the bottom), and a Word form whose values were typed into text boxes laid in its
cells. The expected parse is written in ``tests/test_parse_layouts_qa7.py``; nothing is
written to disk. The sixth review's helpers (merges, text boxes, rewriting a part of the
zip) are reused from its builder."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tests.golden_tables import load_builder

_six = load_builder(Path(__file__).parent.parent / "review6_parse")
W = _six.W

# -- 1. a 民政局 workbook: two projects on one sheet -----------------------------------------

CIVIL_TITLE = "某区民政局2025年项目支出绩效目标表"
#: (name, fiscal, other, [(一级, 二级, 三级, value, number format)], goal, 项目实施期)
CIVIL_PROJECTS = [
    ("困难群众救助补助", 8_000_000, 600_000, [
        ("产出指标", "数量指标", "城乡低保保障人数", 5200, '"≥"0"人"'),
        ("", "质量指标", "救助资金发放准确率", 1, "0%"),
        ("", "时效指标", "临时救助审批时限", dt.timedelta(hours=48), '"≤"[h]"小时"'),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度", 0.9, '"≥"0%'),
    ], "保障全区5200名城乡低保对象基本生活，救助资金按月足额发放。", "2025年1月-2025年12月"),
    ("养老服务体系建设", 2_000_000, 350_000, [
        ("产出指标", "数量指标", "新建居家养老服务站", 12, '"≥"0"个"'),
        ("", "数量指标", "已撤销的助餐点改造", 3, '"≥"0"个"'),  # the row the filter hides
        ("", "时效指标", "服务热线响应时间", dt.time(0, 30), '"≤"[m]"分钟"'),
        ("效益指标", "社会效益指标", "社区养老服务覆盖率", 0.85, '"≥"0%'),
    ], "新建12个居家养老服务站，社区养老服务覆盖率达到85%。", "2025年1月-2025年12月"),
]


def civil_affairs_xlsx() -> tuple[bytes, dict[str, int]]:
    """The workbook and where things stand in it: the rows of each project's total (the
    second one's cached as #REF!: the cells it added up were deleted), and the row the filter
    hides."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目绩效目标"
    ws.append([CIVIL_TITLE])
    ws.append(["单位：元"])
    at: dict[str, int] = {}
    for n, (name, fiscal, other, rows, goal, period) in enumerate(CIVIL_PROJECTS):
        ws.append(["项目名称", name])
        total_row = ws.max_row + 1
        at[f"total{n}"] = total_row
        ws.append(["年度资金总额", f"=B{total_row + 1}+B{total_row + 2}"])
        ws.append(["其中：财政拨款", fiscal])
        ws.append(["其他资金", other])
        ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
        header = ws.max_row
        for level1, level2, indicator, value, number_format in rows:
            ws.append([level1, level2, indicator, value])
            ws.cell(ws.max_row, 4).number_format = number_format
            if indicator.startswith("已撤销"):
                at["filtered"] = ws.max_row
                ws.row_dimensions[ws.max_row].hidden = True
                # The office filtered the table on 三级指标 and saved it so.
                ws.auto_filter.ref = f"A{header}:D{header + len(rows)}"
                ws.auto_filter.add_filter_column(2, [r[2] for r in rows if not r[2].startswith("已撤销")])
        ws.append(["项目实施期", period])
        ws.append(["年度绩效目标", goal])
        ws.append([])
    ws.append(["单位负责人：王某", "财务负责人：李某", "填表人：张某", "填报日期：2025年1月15日"])  # the form's sign-off
    data = _six._saved(wb)

    def cache(xml: str) -> str:
        # Excel's saved results: the first total computed, the second broken (its operands deleted)
        first, second = at["total0"], at["total1"]
        xml = re.sub(rf'<c r="B{first}"([^>]*)><f>([^<]*)</f>(?:<v>[^<]*</v>)?</c>',
                     rf'<c r="B{first}"\1><f>\2</f><v>8600000</v></c>', xml)
        return re.sub(rf'<c r="B{second}"[^>]*>.*?</c>', f'<c r="B{second}" t="e"><f>#REF!+#REF!</f><v>#REF!</v></c>',
                      xml)

    return _six._rewrite_part(data, "xl/worksheets/sheet1.xml", cache), at


# -- 2. a Word form with its values typed into text boxes in the cells ------------------------

FORM_NAME = "社区居家养老服务补助"
FORM_GOAL = "为全镇1200名80岁以上老人提供居家养老上门服务，服务满意度达到90%以上。"


def _in_cell_text_box(cell, text: str) -> None:
    """A text box anchored in the cell's paragraph, as an office lays one over a printed form's
    cell to type into it (Word saves the drawing and a VML copy of it)."""
    from lxml import etree

    cell.paragraphs[0]._p.append(etree.fromstring(_six._TEXT_BOX.format(w=W, title=text)))


def text_box_form_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某镇2025年项目支出绩效目标表")
    table = document.add_table(rows=6, cols=4)
    _six._write_row(table, 0, ["项目名称", ""], [1, 3])
    _in_cell_text_box(table.cell(0, 1), FORM_NAME)
    _six._write_row(table, 1, ["年度资金总额", "60"], [1, 3])
    _six._write_row(table, 2, ["年度绩效目标", ""], [1, 3])
    _in_cell_text_box(table.cell(2, 1), FORM_GOAL)
    _six._write_row(table, 3, ["一级指标", "二级指标", "三级指标", "指标值"])
    _six._write_row(table, 4, ["产出指标", "数量指标", "上门服务老人数", ""])
    _in_cell_text_box(table.cell(4, 3), "≥1200人")
    _six._write_row(table, 5, ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"])
    return _six._saved(document)


# -- 3. a 水利局 document: one Word table per project, goals and period in its last rows ------

WATER_TITLE = "某县水利局2025年项目支出绩效目标表"
#: (name, total, [(一级, 二级, 三级, value)], goal, 项目实施期)
WATER_PROJECTS = [
    ("小型水库维修养护", "150", [("产出指标", "数量指标", "维修水库数量", "≥6座"), ("", "质量指标", "工程验收合格率", "100%"),
                          ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%")],
     "完成6座小型水库维修养护，工程验收合格率100%。", "2025年1月-2025年12月"),
    ("农村饮水安全巡检", "45", [("产出指标", "数量指标", "巡检供水工程", "≥120处"),
                          ("效益指标", "社会效益指标", "农村自来水普及率", "≥92%")],
     "巡检120处农村供水工程，自来水普及率达到92%。", "2025年1月-2025年12月"),
]


def water_docx() -> bytes:
    """Each project a table of its own under the heading and 单位：万元: 项目名称, 主管部门 |
    实施单位, 年度资金总额, the indicators, then 项目实施期 and 年度绩效目标 in the table's last rows
    (the county's form puts them under the indicators)."""
    import docx

    document = docx.Document()
    document.add_paragraph(WATER_TITLE)
    document.add_paragraph("单位：万元")
    for name, total, rows, goal, period in WATER_PROJECTS:
        document.add_paragraph("")
        table = document.add_table(rows=6 + len(rows), cols=4)
        _six._write_row(table, 0, ["项目名称", name], [1, 3])
        _six._write_row(table, 1, ["主管部门", "某县水利局", "实施单位", "某县水利工程管理站"])
        _six._write_row(table, 2, ["年度资金总额", total], [1, 3])
        _six._write_row(table, 3, ["一级指标", "二级指标", "三级指标", "指标值"])
        for r, row in enumerate(rows, start=4):
            _six._write_row(table, r, list(row))
        _six._write_row(table, 4 + len(rows), ["项目实施期", period], [1, 3])
        _six._write_row(table, 5 + len(rows), ["年度绩效目标", goal], [1, 3])
    return _six._saved(document)


# -- 4. a 部门整体支出 table in Word: merged down task label, 预算金额 over three columns --------

VETERANS_TASKS = [("优抚对象抚恤补助", "按标准发放重点优抚对象抚恤和生活补助", "560", "560", "0"),
                  ("退役士兵安置", "做好退役士兵接收安置和就业培训", "120", "100", "20")]
VETERANS_ROWS = [("产出指标", "数量指标", "抚恤补助发放人数", "≥3200人"), ("", "", "退役士兵安置人数", "≥150人"),
                 ("", "时效指标", "抚恤补助发放时间", "每季度首月底前"), ("效益指标", "社会效益指标", "优抚对象生活水平", "稳步提高"),
                 ("满意度指标", "服务对象满意度指标", "优抚对象满意度", "≥95%")]


def veterans_docx() -> bytes:
    """The heading, the filer's line with the unit at its right, then one table: 部门（单位）名称;
    年度主要任务 merged down its block, 预算金额 over 总额 | 财政拨款 | 其他资金, the tasks and 金额合计;
    年度总体目标; 年度绩效指标 merged down the left of the header and rows, the value column
    (指标值（包含数字及文字描述）) two grid columns wide, 一级/二级 merged down."""
    import docx

    document = docx.Document()
    document.add_paragraph("2025年部门整体支出绩效目标表")
    document.add_paragraph("填报单位（盖章）：某县退役军人事务局\u3000\u3000\u3000\u3000单位：万元")
    table = document.add_table(rows=8 + len(VETERANS_TASKS) + len(VETERANS_ROWS) - 2, cols=6)
    _six._write_row(table, 0, ["部门（单位）名称", "某县退役军人事务局"], [1, 5])
    _six._write_row(table, 1, ["年度主要任务", "任务名称", "主要内容", "预算金额"], [1, 1, 1, 3])
    _six._write_row(table, 2, ["", "", "", "总额", "财政拨款", "其他资金"])
    for r, task in enumerate(VETERANS_TASKS, start=3):
        _six._write_row(table, r, ["", *task])
    total = 3 + len(VETERANS_TASKS)
    _six._write_row(table, total, ["", "金额合计", "", "680", "660", "20"])
    for column in (1, 2):
        _six._merge_down(table, column, 1, 2)
    _six._merge_down(table, 0, 1, total)
    _six._write_row(table, total + 1, ["年度总体目标", "1.按时足额发放优抚对象抚恤补助；2.退役士兵安置率达到100%。"], [1, 5])
    header = total + 2
    _six._write_row(table, header, ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值（包含数字及文字描述）"],
                    [1, 1, 1, 1, 2])
    for r, row in enumerate(VETERANS_ROWS, start=header + 1):
        _six._write_row(table, r, ["", *row], [1, 1, 1, 1, 2])
    _six._merge_down(table, 0, header, header + len(VETERANS_ROWS))
    for column in (1, 2):
        _six._merge_down(table, column, header + 1, header + 2)
    return _six._saved(document)
