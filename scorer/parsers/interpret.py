"""Turn a stream of rows and text lines into a :class:`~scorer.document.Document`.

This is where 绩效目标表 layouts are understood, once for every file format: project
header rows (项目编码 / 项目名称), the budget block (预算数 = 财政资金 + 其他资金) and the
fund-use row under it, the cumulative spending plan (3/6/10/12月底), the numbered goals,
the indicator header and its rows (merged L1/L2 cells inherit from the row above), and the
department-level goal text before the first table. A flat table with a project column on
every row (a corpus export, an Excel list) is grouped by project.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from scorer.document import (
    DepartmentGoals,
    TargetKind,
    Document,
    Goal,
    GoalSection,
    Indicator,
    Location,
    ParseIssue,
    Project,
    SpendingPlan,
)
from scorer.parsers.errors import ParseError
from scorer.parsers.stream import Cell, Item, Row, TableStart, TextLine, moved
from scorer.taxonomy import canonical_level1, canonical_level2
from scorer.text import clean_cell, fold_width, normalise_key
from scorer.values import QUARTERS, cn_number, parse_amount, parse_target

# Indicator-table columns: field → header spellings seen in published tables (keys normalised).
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "level1", "一级", "一级指标名称", "指标类别", "指标类型"),
    "level2": ("二级指标", "level2", "二级", "二级指标名称"),
    "name": ("三级指标", "指标名称", "绩效指标", "level3", "三级指标名称", "三级"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标内容", "指标说明", "description", "指标定义",
                    "指标值说明"),
    "target_raw": ("指标值", "目标值", "年度指标值", "指标值(目标值)", "绩效目标值", "年度目标值",
                   "target_value", "预期指标值", "指标目标值", "预期目标值", "年度预期目标值", "绩效指标值", "计划值"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据", "指标设定依据", "basis", "依据"),
    # Templates that give the comparator and the unit their own columns (the 2021 central
    # 核心绩效指标表: 指标性质 | 指标值 | 度量单位); the value is read with them.
    "comparator": ("指标性质", "比较符", "运算符", "指标值符号", "计算符号"),
    "unit": ("度量单位", "计量单位", "指标单位", "单位(计量)"),
    # 部门整体支出 tables file indicators under the department's duties and activities: what
    # the money does, read into the 资金用途 (once each) rather than onto every row.
    "duty": ("职责", "部门职责", "职能职责", "履职内容"),
    "activity": ("活动", "活动名称", "工作活动", "重点工作", "工作任务"),
}
PROJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    "project": ("项目名称", "project_name", "专项资金名称"),
    "code": ("项目编码", "project_code", "项目代码", "项目编号"),
    "department": ("部门", "单位", "department", "部门名称", "单位名称", "主管部门"),
    "budget": ("预算数", "budget_wan", "预算金额", "项目资金", "年度资金总额", "资金总额", "项目金额", "预算总额"),
    "fund_use": ("资金用途", "fund_use"),
    "goals": ("绩效目标", "goals", "年度绩效目标"),
}
_NAME_LABELS = {"项目名称", "专项资金名称", "资金名称", "项目全称"}
_CODE_LABELS = {"项目编码", "项目代码", "项目编号"}
_DEPT_LABELS = {"主管部门", "主管部门及代码", "省级主管部门", "主管部门(单位)", "实施单位", "预算单位", "单位名称", "部门名称", "项目单位", "部门(单位)名称",
                "单位(部门)名称", "部门(单位)"}
_IMPLEMENTER_LABELS = {"实施单位", "项目单位"}
#: The 部门整体支出 table's list of the year's tasks (任务名称 | 主要内容 | 预算金额), which
#: says what the department's money is for, and its 合计 row, which is the budget.
_TASK_LABELS = {"年度主要任务", "主要任务", "年度重点工作任务", "重点工作任务", "年度工作任务", "年度重点任务"}
_TASK_TOTAL = re.compile(r"^(?:金额)?合计|^总计")
_TOTAL_LABELS = {"预算数", "预算总额", "年度资金总额", "资金总额", "项目预算", "预算金额"}
_FISCAL_LABELS = {"其中:财政资金", "财政资金", "其中财政资金", "财政拨款", "其中:财政拨款", "其中:当年财政拨款",
                  "当年财政拨款", "财政拨款资金", "其中:财政拨款资金"}
#: Parts of the fiscal money on rows of their own, added up: 上年结转资金 (a 自评表's fiscal
#: money carried over from last year), 中央补助 and 省级资金 (a provincial fund's shares).
_FISCAL_PART_LABELS = {"上年结转资金", "上年结转", "其中:上年结转资金", "结转资金", "中央补助", "其中:中央补助",
                       "中央财政资金", "其中:中央财政资金", "中央资金", "其中:中央资金", "省级资金", "其中:省级资金",
                       "省级财政资金", "其中:省级财政资金", "市级资金", "县级资金", "地方财政资金", "其中:地方财政资金"}
_OTHER_LABELS = {"其他资金", "其中:其他资金", "自有资金"}
#: Budget field → its labels (a row of label | value, or the headings of a row of amounts).
_MONEY_LABELS = {"total": _TOTAL_LABELS, "fiscal": _FISCAL_LABELS, "other": _OTHER_LABELS,
                 "fiscal_part": _FISCAL_PART_LABELS}
#: 项目支出绩效自评表: the budget rows have a column per stage (年初预算数 | 全年预算数 |
#: 全年执行数 | 分值 | 执行率 | 得分). The year's budget is the adjusted one, else the initial.
_BUDGET_STAGE_HEADINGS = ("全年预算数", "调整后预算数", "全年预算", "年初预算数", "年初预算")
#: 财预〔2015〕88号's 项目资金 block gives the multi-year amounts, then the year's beside them.
_MULTI_YEAR_TOTAL_LABELS = {"中期资金总额", "实施期资金总额", "中长期资金总额"}
_BUDGET_LABELS = (_TOTAL_LABELS | _FISCAL_LABELS | _OTHER_LABELS | _FISCAL_PART_LABELS | _MULTI_YEAR_TOTAL_LABELS
                  | {"预算规模及资金用途"})
#: Header rows that say nothing the checks use (项目属性 | 延续项目 | 项目期 | 3年).
_INFO_LABELS = {"项目属性", "项目期", "项目类型", "项目负责人", "联系电话", "联系人", "项目起止时间", "项目实施期",
                "填报单位", "项目类别", "项目性质", "立项依据", "项目立项依据", "设立依据",
                # a 自评表 ends with its score total
                "总分", "合计得分", "自评得分", "合计", "分值合计"}
#: Goal column headings of a side-by-side goal block (中期目标（2016年-2018年） | 年度目标（2016年）).
_GOAL_COLUMN_HEADING = re.compile(r"^(?:(中期|长期|中长期|实施期|年度|预期)(?:绩效)?目标|实际完成情况|实际完成)")
_FUND_USE_LABELS = {"资金用途", "项目资金用途"}
#: What the money does, in templates without a 资金用途 row (or besides it): read with the
#: 资金用途, as the context indicators are judged against (ZB-R001, ZB-R003).
_FUND_CONTEXT_LABELS = {"项目实施内容", "实施内容", "主要实施内容", "项目主要内容", "项目内容", "项目概况", "项目简介",
                        "部门职能职责", "职能职责", "部门职责", "主要职能", "部门主要职能", "部门职能", "单位职能",
                        "单位职责", "部门主要职责", "主要职责", "机构职能"}
_GOAL_LABELS = {"绩效目标", "区域绩效目标", "年度绩效目标", "项目绩效目标", "年度目标", "总体目标", "实施期绩效目标", "年度总体目标",
                "项目年度绩效目标", "实施期目标"}
#: Multi-year goals beside the year's (a 长期目标 row under 项目绩效目标): the year's
#: indicators do not measure them, so they are not the project's goals.
_LONG_TERM_GOAL_LABELS = {"长期目标", "中期目标", "中长期目标", "长期绩效目标", "中期绩效目标"}
_BUDGET_BLOCK = "预算规模及资金用途"
_PLAN_LABEL = re.compile(r"^资金支出计划")
#: The header block's labels, for forms that write a label and its value in one cell
#: ("项目名称：社区养老服务", "主管部门：某区民政局　　实施单位：某中心").
_FORM_LABELS = frozenset(_NAME_LABELS | _CODE_LABELS | _DEPT_LABELS | _BUDGET_LABELS | _GOAL_LABELS
                         | _LONG_TERM_GOAL_LABELS | _FUND_USE_LABELS | _FUND_CONTEXT_LABELS | _INFO_LABELS)
#: A label and its colon at the start of a cell or after a gap in it.
_LABEL_IN_CELL = re.compile(r"(?:^|(?<=[\s\u3000]))((?:其中[:：])?[^\s\u3000:：]{2,16})[:：]")
_MONTH = re.compile(r"^(?:1-|1～|1~|1至)?(\d{1,2})月(?:底|末|份)?(?:前)?$")
#: Plan columns by quarter or half-year: 一季度 / 第1季度 / Q1 / 上半年 / 全年.
_QUARTER_COLUMN = re.compile(r"^(?:第?(?P<q>[一二三四1-4])季度(?:末|底)?|[Qq](?P<qq>[1-4])|(?P<h>上半年|下半年|全年|年底|年末))$")
_HALF_MONTH = {"上半年": 6, "下半年": 12, "全年": 12, "年底": 12, "年末": 12}
_TITLE = re.compile(r"绩效目标(?:表|申报表)|项目支出绩效|绩效目标情况表")
#: A table's continuation on the next page: 续表, （续）, …绩效目标表（续表）.
_CONTINUED = re.compile(r"[(（]?\s*续(?:表|上表|前表)?\s*[)）]?$")
#: A numbered section heading (第一部分, 一、部门职能, 2.项目情况): not the document's title.
_SECTION_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])")
_YEAR_NOTE = re.compile(r"^[(（]\s*(?:19|20)\d{2}\s*年度?\s*[)）]$")
_TITLE_NUMBER = re.compile(r"^\s*(?:(?:\d+|[一二三四五六七八九十]+)\s*[、.．]|[(（]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)）]"
                           r"|项目\s*(?:\d+|[一二三四五六七八九十]+)\s*[:：、.．])\s*")
#: A project's heading over its table where the table has no 项目名称 row: numbered (一、 2.
#: （三）) and named like a project (…项目, …资金, …经费, …工程, …补助), or 项目三：… .
_PROJECT_HEADING = re.compile(
    r"^(?:项目\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[:：、.．]\s*[^。；;，,]{2,38}"
    r"|(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．]|[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）])\s*"
    r"[^。；;，,:：\s]{2,38}?(?:项目|资金|经费|工程|专项|补助|补贴))$")
#: A heading's words that name a kind of money or project, not a project (三、项目资金, （二）重点项目).
_GENERIC_PROJECT_WORDS = re.compile(r"^(?:项目|专项|财政|其他|预算|年度|部门|重点|延续|新增|一般|当年|本级)*(?:资金|经费|项目)$")


def _is_project_heading(text: str) -> bool:
    """Whether a paragraph is a project's heading over its table (_PROJECT_HEADING), and not a
    section of the form (三、项目资金) or a kind of project (（二）延续项目)."""
    if not _PROJECT_HEADING.match(text):
        return False
    rest = _TITLE_NUMBER.sub("", text).strip()
    # (本项目为延续项目, 该项目…: a numbered note about the project, not its name)
    return (len(rest) >= 4 and not _GENERIC_PROJECT_WORDS.match(rest) and not is_form_label(rest)
            and not rest.startswith(("本", "该", "此", "其")))


#: What a heading that names no project leaves of itself once its number and 绩效目标表 are
#: taken off (项目支出绩效目标表, 2025年项目支出绩效目标表): not a project's name.
_GENERIC_TITLE_NAME = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)?(?:部门)?(?:预算)?(?:项目支出|项目|支出)?$")
#: Sheet names a workbook gives by default or by position (Sheet1, 工作表2, 表3, 项目1): they
#: name no project.
_GENERIC_SHEET = re.compile(r"^(?:sheet|工作表|表格?|附表|项目|page|封面|汇总|绩效目标表?)?\s*"
                            r"[\d一二三四五六七八九十]*\s*(?:[(（]\d+[)）])?$", re.IGNORECASE)
#: The error values Excel (and WPS) show in a cell whose formula fails, with what each means.
_EXCEL_ERRORS = {
    "#DIV/0!": ("除数为零", "division by zero"),
    "#REF!": ("引用的单元格已被删除", "a referenced cell was deleted"),
    "#VALUE!": ("参与计算的值类型不对", "a value of the wrong type"),
    "#N/A": ("查找不到对应的值", "a lookup found nothing"),
    "#NAME?": ("公式中有无法识别的名称", "an unknown name in the formula"),
    "#NUM!": ("数值无效", "an invalid number"),
    "#NULL!": ("引用的区域不相交", "ranges that do not intersect"),
    "#SPILL!": ("结果无法溢出到相邻单元格", "a result that cannot spill"),
    "#CALC!": ("计算出错", "a calculation error"),
}
_EXCEL_ERROR = re.compile("^(?:" + "|".join(map(re.escape, _EXCEL_ERRORS)) + ")$")


def _listed(items: list, unit_zh: str) -> tuple[str, str]:
    """Rows or columns as a message names them: a filter can hide hundreds, so the first ten,
    and how many ("5, 6 …" / "5、6 等 12 行")."""
    more = len(items) > 10
    return (", ".join(map(str, items[:10])) + (" …" if more else ""),
            "、".join(map(str, items[:10])) + (f" 等 {len(items)} {unit_zh}" if more else f" {unit_zh}"))


def _is_sheet(table: str | None) -> bool:
    """Whether a location's table is a workbook's sheet (named), not a Word table (numbered
    "2", or "2.1" when nested)."""
    return bool(table) and not re.fullmatch(r"\d+(?:\.\d+)*", table)


def _cell_names(location: Location) -> tuple[str, str]:
    """A cell as the reviewer finds it: "C5 of sheet '绩效'" / "工作表「绩效」的 C5 单元格" in a
    workbook, "row 3, cell 2 of table 2" / "第 2 个表格第 3 行第 2 格" in Word, else by line and cell."""
    table, row, cell = location.table, location.row, location.cell
    if _is_sheet(table) and row and cell:
        return f"cell {get_column_letter(cell)}{row} of sheet '{table}'", f"工作表「{table}」的 {get_column_letter(cell)}{row} 单元格"
    where_en, where_zh = _table_names(table)
    return (f"row {row}, cell {cell}{where_en}",
            f"{where_zh.removesuffix('的')}第 {row} 行第 {cell} 格" if table else f"第 {row} 行第 {cell} 格")


#: A goal cell that says there is none: 无, /, ——, 暂无.
_NO_GOAL = re.compile(r"^(?:无|暂无|没有|空|略|/|／|\\|-+|—+|－+|_+)[。.]?$")
_DEPT_ROW = re.compile(r"^(?:\d{3,}\s*)?(?P<name>\S{2,40}?(?:局|委|委员会|院|厅|办|办公室|中心|站|所|队|会|部|处|馆|校|学校|政府))$")
#: A document heading that starts with who files it and the year: 某县卫生健康局2025年…
_TITLE_DEPARTMENT = re.compile(r"^(?P<name>[^\s\d（(、.]{2,30}?(?:局|委员会|委|厅|办公室|办|中心|院|政府))(?:19|20)\d{2}\s*年")
_DEPT_CODE = re.compile(r"^\d{3,}\s*|\s*[(（]?\d{3,}[)）]?$")
#: The attachment mark at the top left of an official document's annex (附件1, 附表2-1, 附件：):
#: it says where the table stands among the papers, not what it is.
_ATTACHMENT_MARK = re.compile(r"^附\s*[件表]\s*[\d一二三四五六七八九十]*(?:\s*[-－—]\s*\d+)?\s*[:：]?$")
#: The unit note: 单位：万元, 金额单位：元, 单位（元）.
_UNIT_ROW = re.compile(r"^(?:金额|资金)?单位(?:[:：]\s*(?P<unit>\S+)|[(（](?P<bracketed>[^()（）\s]+)[)）])$")


def _unit_note(text: str) -> str:
    """The unit a note states (单位：元 → 元, 单位（元） → 元), or "" when ``text`` is no note."""
    m = _UNIT_ROW.match(fold_width(text).replace(" ", ""))
    return (m.group("unit") or m.group("bracketed")) if m else ""


#: A heading with the unit note at its right, in one paragraph ("…绩效目标表\t\t单位：万元").
_TITLE_WITH_UNIT = re.compile(r"^(?P<title>\S.*?)[\s\u3000]+(?:金额|资金)?单位\s*[:：]\s*(?P<unit>\S+)$")
#: The line above a table naming who filed it, often with the unit at its end:
#: "填报单位（盖章）：某区文化体育和旅游局　　　单位：万元".
_FILER_LINE = re.compile(r"^(?:填报|编制|申报|报送)单位(?:名称)?(?:[(（](?:盖章|公章)[)）])?[\s\u3000]*[:：][\s\u3000]*"
                         r"(?P<name>[^\s\u3000]+?)(?:[\s\u3000]*单位[\s\u3000]*[:：][\s\u3000]*(?P<unit>\S+))?[\s\u3000]*$")
#: A goal's number where a line or sentence starts: 1、 2. 3） (4) 一是 二、 目标1：, not a
#: decimal ("1.5万亩"); ① anywhere.
_GOAL_SPLIT = re.compile(
    r"(?:(?:^|\n|(?<=[。；;]))\s*(?:目标\s*)?"
    r"(?:[(（](?P<p>\d{1,2}|[一二三四五六七八九十]{1,3})[)）]"
    # after a period a digit makes a decimal (1.5万亩), unless it starts a year (3.2024年6月底前)
    r"|(?P<n>\d{1,2})\s*(?:[、)）:：]|[.．](?!\d)|[.．](?=(?:19|20)\d{2}年))"
    # "2.65岁以上…" on the line after goal 1: the next number, not a decimal (kept only then)
    r"|(?P<d>\d{1,2})[.．](?=\d)"
    r"|(?P<z>[一二三四五六七八九十]{1,3})\s*(?:是|[、:：]))"
    r"|(?P<c>[①-⑳]))\s*"  # circled numbers mark a list item wherever they stand
)
#: A goal's own label cell: 目标1, 目标 2.
_GOAL_ROW_LABEL = re.compile(r"^目标\s*(\d{1,2})$")


def _goal_number(m: re.Match[str]) -> int | None:
    if m.group("c"):
        return ord(m.group("c")) - ord("①") + 1
    text = m.group("n") or m.group("p") or m.group("z") or m.group("d")
    return int(text) if text.isdigit() else cn_number(text)


def _goal_marks(text: str) -> list[re.Match[str]]:
    """The goal numbers in a text. A number written like a decimal ("2.65岁及以上老年人…")
    starts a goal only where it is the one after the goal before it; elsewhere it is a
    decimal ("1.5万亩")."""
    marks: list[re.Match[str]] = []
    for m in _GOAL_SPLIT.finditer(text):
        if m.group("d") and not (marks and _goal_number(marks[-1]) == int(m.group("d")) - 1):
            continue
        marks.append(m)
    return marks


#: A line that stops mid-sentence (on a comma or an enumeration mark): the goal goes on in
#: the next line, as a cell wrapped by hand ("完成12座危桥改造，" / "消除安全隐患。").
_GOAL_LINE_GOES_ON = re.compile(r"[，,、：:（(《“—]$")


def _unnumbered_goals(text: str) -> list[str]:
    """One goal per line, a line that stops mid-sentence joined to the next."""
    goals: list[str] = []
    joining = False
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        if joining:
            goals[-1] += line
        else:
            goals.append(line)
        joining = bool(_GOAL_LINE_GOES_ON.search(line))
    return goals
_LEVEL_LIKE = re.compile(r"指标(?:\(.*\))?$")


#: What the 年度主要任务 block heads its total column with, besides the budget labels.
_TASK_TOTAL_HEADINGS = frozenset({"总额", "小计"})


def _money_columns(keys: list[str], extra_total: frozenset[str] = frozenset()) -> dict[str, int]:
    """Budget field → the column whose heading names it (the last one when repeated)."""
    return {field_name: i for i, k in enumerate(keys) for field_name, names in _MONEY_LABELS.items()
            if k in names or (field_name == "total" and k in extra_total)}


#: Money units a table states (单位：元, 预算金额（元）) → factor to 万元, the model's unit.
_MONEY_UNITS = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
_MONEY_UNIT = re.compile(r"^(亿元|万元|千元|元)")
#: The unit note of a money label or heading: 预算金额（元）, 资金总额(万元).
_MONEY_NOTE = re.compile(r"[(（]\s*(亿元|万元|千元|元)\s*[)）]$")


def _largest(amounts: list[float | None]) -> float | None:
    return max((a for a in amounts if a is not None), default=None)


def _money_unit_of(text: str) -> str:
    """元, 千元, 万元 or 亿元 at the start of a unit note's text, else ""."""
    unit = _MONEY_UNIT.match(fold_width(text).replace(" ", ""))
    return unit.group(1) if unit else ""


def money_unit(texts: list[str]) -> str:
    """The money unit a label or heading among ``texts`` states in its note, else ""."""
    return next((m.group(1) for t in texts if (m := _MONEY_NOTE.search(t.strip()))), "")


#: An amount cell as finance offices write it: a currency sign before it (a cell formatted
#: ¥#,##0.00 shows one) and its unit after it (3,000,000.00元, 350万元).
_AMOUNT_CELL = re.compile(r"^(?:[¥￥$]|RMB|人民币)?\s*(?P<number>.*?)\s*(?P<unit>亿元|万元|千元|元)?$", re.DOTALL)


def _amount_cell(raw: str) -> tuple[float | None, str]:
    """An amount cell's number, without its currency sign or unit, and the unit it writes
    ("" when it writes none)."""
    m = _AMOUNT_CELL.match(fold_width(raw or "").strip())
    return parse_amount(m.group("number")), m.group("unit") or ""


def _plain_amount(raw: str) -> float | None:
    """An amount cell's number, without its currency sign or unit."""
    return _amount_cell(raw)[0]


def _read_budget(project: Project) -> None:
    """The budget amounts from the cells kept in ``budget_raw``, in 万元 whatever unit the
    table states (an export from a 预算管理一体化系统 gives 元); a cell that writes its own unit
    (3,000,000.00元 in a table of 万元) is read in it."""

    def amount(raw: str) -> float | None:
        value, written = _amount_cell(raw)
        scale = _MONEY_UNITS.get(written or _money_unit_of(project.unit), 1.0)
        return value if value is None or scale == 1.0 else round(value * scale, 6)

    project.budget_total = amount(project.budget_raw.get("total", ""))
    project.budget_fiscal = amount(project.budget_raw.get("fiscal", ""))
    parts = [value for key, raw in project.budget_raw.items()
             if key.startswith("fiscal+") and (value := amount(raw)) is not None]
    if parts:
        project.budget_fiscal = (project.budget_fiscal or 0.0) + sum(parts)
    project.budget_other = amount(project.budget_raw.get("other", ""))


def plan_month(text: str) -> int | None:
    """The month a 资金支出计划 column ends: 3月底 → 3, 1-6月 → 6, 三季度 → 9, Q2 → 6, 上半年 → 6."""
    key = fold_width(text).replace(" ", "")
    m = _MONTH.match(key)
    if m:
        month = int(m.group(1))
        return month if 1 <= month <= 12 else None
    m = _QUARTER_COLUMN.match(key)
    if not m:
        return None
    if m.group("h"):
        return _HALF_MONTH[m.group("h")]
    return 3 * QUARTERS[m.group("q") or m.group("qq")]


_PLAN_PAIR = re.compile(r"^(?P<period>[^:：]{1,12})[:：]\s*(?P<value>\S+)$")


def _plan_pairs(texts: list[str]) -> list[tuple[int, str]]:
    """A plan written as "period：share" in the cells after its label ("6月底：50%" | "12月底：
    100%") or in one sentence ("3月底：20%，6月底：50%，12月底：100%"): (month, share) each, when
    every part of those cells is one; else nothing."""
    pairs: list[tuple[int, str]] = []
    for text in texts[1:]:
        for part in re.split(r"[，,；;、\s]+", text.strip("。. ")):
            if not part:
                continue
            m = _PLAN_PAIR.match(part)
            month = plan_month(m.group("period")) if m else None
            if month is None:
                return []
            pairs.append((month, m.group("value")))
    return pairs


def looks_like_title(text: str) -> bool:
    """A table heading such as "1、…绩效目标表" (a paragraph, a lone cell, a sheet name)."""
    return bool(_TITLE.search(text)) and len(text) <= 80


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    # Cached: a batch meets the same labels and level names on thousands of rows.
    # "资金总额：" and "资金总额" are one label (templates end labels with a colon).
    return normalise_key(text).replace("：", ":").rstrip(":")


@lru_cache(maxsize=1 << 16)
def _clean(text: str) -> tuple[str, tuple[str, ...]]:
    """:func:`~scorer.text.clean_cell`, cached for the same reason as :func:`_key`."""
    clean, junk = clean_cell(text)
    return clean, tuple(junk)


# "(必填)" and similar notes follow the column name in some templates.
_HEADER_NOTE = re.compile(r"\(.*?\)$")


def _spellings(columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {field_name: tuple(dict.fromkeys(map(_key, spellings))) for field_name, spellings in columns.items()}


_INDICATOR_SPELLINGS = _spellings(INDICATOR_COLUMNS)
#: Under a 指标值 heading merged across three columns, the sub-headings 符号 | 数值 | 单位
#: split the value into its comparator, number and unit. Only a sub-header row is read with
#: these: as a heading of its own, 单位 names the filing unit (a flat table's department).
_VALUE_PART_SPELLINGS = _spellings({
    field_name: INDICATOR_COLUMNS[field_name] + parts for field_name, parts in (
        ("comparator", ("符号", "比较符号", "运算符号", "关系符号")),
        ("target_raw", ("数值", "数量", "值", "指标数值")),
        ("unit", ("单位", "计量单位", "度量单位")),
    )
})
_PROJECT_SPELLINGS = _spellings(PROJECT_COLUMNS)
#: every spelling of the 三级指标 column: a row without one cannot be an indicator header.
_NAME_SPELLINGS = frozenset(_INDICATOR_SPELLINGS["name"])
#: a column headed as a value: …指标值, …目标值, …目标 (not 指标值确定依据, 指标值说明).
_VALUE_HEADING = re.compile(r"(?:指标值|目标值|目标)(?:\(.*\))?$")
#: the column that names the indicator where a template has no 三级指标 column.
_NAME_FALLBACK = frozenset({_key("指标内容"), _key("具体指标")})


def _column_map(keys: list[str], spellings: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Field → index of its column, from the row's normalised cells (``_key``)."""
    # The first cell whose key, or key without a trailing note, is each text.
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
        first.setdefault(_base(k), i)
    found: dict[str, int] = {}
    for field_name, options in spellings.items():
        # Spellings in order of preference: a 三级指标 column wins over a 绩效指标 label
        # column to its left (the 2021 template's header row starts with one).
        hit = next((first[s] for s in options if s in first), None)
        if hit is not None:
            found[field_name] = hit
    return found


def _base(key: str) -> str:
    return _HEADER_NOTE.sub("", key) if key.endswith(")") else key


@lru_cache(maxsize=1 << 16)
def _names_column(key: str) -> bool:
    """Whether a cell's key spells the 三级指标 column (cached: asked of every cell)."""
    return key in _NAME_SPELLINGS or _base(key) in _NAME_SPELLINGS


@lru_cache(maxsize=1 << 16)
def _may_name_indicators(key: str) -> bool:
    """Whether a cell's key could head the indicator name column (asked of every cell)."""
    return bool(key) and (_names_column(key) or key in _NAME_FALLBACK)


def _indicator_columns(keys: list[str]) -> dict[str, int] | None:
    """The indicator columns when the row is an indicator header, else None."""
    if not any(map(_may_name_indicators, keys)):
        return None  # most rows: decided without mapping every column
    cols = _column_map(keys, _INDICATOR_SPELLINGS)
    if "name" not in cols:
        # Older local templates have no 三级指标: the indicator is the 指标内容 column
        # beside the two levels and the value.
        at = next((i for i, k in enumerate(keys) if k in _NAME_FALLBACK), None)
        if at is None or "target_raw" not in cols or "level2" not in cols:
            return None
        cols["name"] = at
        if cols.get("description") == at:
            del cols["description"]
    if "target_raw" not in cols:
        # Another spelling of the value column ("预期目标值（2025年）"): the first column after the
        # name that is headed as a value, rather than losing every row's value.
        at = next((i for i, k in enumerate(keys) if i > cols["name"] and _VALUE_HEADING.search(k)), None)
        if at is not None:
            cols["target_raw"] = at
    return cols if "name" in cols and ("level1" in cols or "level2" in cols) and len(cols) >= 3 else None


_LONG_TERM = re.compile(r"长期|中期|实施期")
#: A row or paragraph that only labels the indicator table below it: 年度绩效指标,
#: 长期绩效指标, 三、绩效指标 (a form's label cell beside a nested table, too).
_SECTION_LABEL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.])?"
                            r"(?:中长期|长期|中期|实施期|年度|当年|本年|项目|部门|整体|区域)*绩效指标(?:表)?:?$")
#: Sub-headings under a merged 指标值 heading: 中长期指标值 | 年度指标值, 2024年 | 2024-2026年.
_PERIOD_HEADING = re.compile(r"^(?:中长期|长期|中期|实施期|年度|当年|本年|全年|(?:19|20)\d{2}(?:年度?)?"
                             r"(?:[-~至](?:19|20)\d{2}年?)?)(?:绩效)?(?:指标值|目标值|目标|指标|值|(?:预计|实际)*完成值?|实际值|执行值)?"
                             r"(?:\(.*\))?$")
_ANNUAL_HEADING = re.compile(r"^(?:年度|当年|本年|全年|(?:19|20)\d{2}年?度?(?:指标|目标|值|绩效|\(|$))")
#: A column of what was achieved (2024年完成值, 上年实际完成值): a baseline beside the target, never the target.
_ACHIEVED_HEADING = re.compile(r"完成|实际|执行")
#: A value column of one year, in a header that gives several (2024年指标值 | 2025年指标值).
_YEAR_VALUE_HEADING = re.compile(r"^((?:19|20)\d{2})年?度?(?:绩效)?(?:指标值|目标值|目标|指标|值)?(?:\(.*\))?$")
#: The budget year a heading names (某县教育局2025年度项目支出绩效目标表).
_HEADING_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
#: A year a text states (到2025年底, 2025年度); a file name's year may stand without 年.
_STATED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
#: Labels of the project's period (项目实施期 | 2025年1月-2025年12月): the budget year when it
#: is a single year.
_PERIOD_LABELS = {"项目实施期", "项目起止时间", "实施期", "实施周期", "项目期", "起止时间", "项目实施周期", "实施期限"}
#: The sign-off under a form (单位负责人：… 财务负责人：… 填表人：… 联系电话：… 填报日期：…).
_SIGN_OFF = re.compile(r"^(?:(?:单位|部门|财务|项目|主要|分管)?负责人|(?:分管|主管)领导|填报人|填表人|制表人|审核人|复核人"
                       r"|经办人|联系人|联系电话|电话|(?:填报|填表|审核|编制|报送)?日期)(?::|$)")
#: A note's label on a form (备注, 说明, 其他需要说明的事项, 主管部门审核意见).
_NOTE_LABEL = re.compile(r"^(?:备注|说明|注|其他(?:需要)?说明的?(?:事项|情况|问题)?|(?:主管部门|财政部门|部门|单位)?(?:审核|审批)意见)$")
#: Rows that may be written under an indicator table, about it (_Builder.block_project).
_TRAILING_LABELS = frozenset(_GOAL_LABELS | _PERIOD_LABELS | _FUND_USE_LABELS | _FUND_CONTEXT_LABELS)


def is_indicator_header(headings: list[str]) -> bool:
    """Whether headings (a JSON export's keys) make an indicator header row."""
    return _indicator_columns([_key(h) for h in headings]) is not None


def is_form_label(text: str) -> bool:
    """Whether a text is a label of a project's header block (项目名称, 主管部门, 年度资金总额,
    年度绩效目标, 资金用途 …)."""
    key = _key(text)
    return key in _FORM_LABELS or _base(key) in _FORM_LABELS


def is_name_label(text: str) -> bool:
    """Whether a text labels a project's name or code (the labels that start a project)."""
    return _key(text) in _NAME_LABELS | _CODE_LABELS


def is_department_label(text: str) -> bool:
    """Whether a text labels the project's department or unit (主管部门, 单位名称, 实施单位)."""
    return _key(text) in _DEPT_LABELS


def is_implementer_label(text: str) -> bool:
    """Whether a text labels the unit that carries a project out rather than files it."""
    return _key(text) in _IMPLEMENTER_LABELS


def _table_period(label_cells: list[str]) -> str:
    """"long" for a 长期/中期/实施期绩效指标 table, "annual" for a 年度绩效指标 one, else ""."""
    label = "".join(label_cells)
    if _LONG_TERM.search(label):
        return "long"
    return "annual" if "年度" in label else ""


#: Headings of a list of projects (a 汇总 sheet) besides the project and budget labels.
_LIST_HEADINGS = frozenset({"序号", "编号", "备注", "项目类别", "项目类型", "资金来源"})


def _table_names(table: str | None) -> tuple[str, str]:
    """" in sheet '汇总'" / "工作表「汇总」" for a sheet; " in table 2" / "第 2 个表格" for a
    Word table (numbered "2", or "2.1" when nested); empty when the input has no tables."""
    if not table:
        return "", ""
    if not _is_sheet(table):
        return f" in table {table}", f"第 {table} 个表格的"
    return f" in sheet '{table}'", f"工作表「{table}」的"


def _is_project_list_header(keys: list[str]) -> bool:
    """A row of column headings over a list of projects (序号 | 项目名称 | 年度资金总额 | …):
    three or more labels, one of them an amount or 序号, and no value beside 项目名称."""
    filled = [k for k in keys if k]
    labels = _NAME_LABELS | _CODE_LABELS | _DEPT_LABELS | _BUDGET_LABELS | _LIST_HEADINGS
    return (len(filled) >= 3 and all(k in labels or _base(k) in labels for k in filled)
            and any(k in _BUDGET_LABELS or _base(k) in _BUDGET_LABELS or k in _LIST_HEADINGS for k in filled))


def _names_level(text: str, canonical: Callable[[str], str | None]) -> bool:
    """Whether a cell names an indicator level: 产出指标, or a label the taxonomy knows in
    the forms tables number and score it (一、产出指标（50分）, 1.数量, 服务对象满意度（10分）)."""
    return bool(_LEVEL_LIKE.search(fold_width(text))) or canonical(text) is not None


def _headerless_columns(row: Row) -> dict[str, int] | None:
    """The columns of an indicator row pasted without its header (first cells level names),
    else None: by the row's width, or 指标性质 | 指标值 | 度量单位 after the name when the
    fourth cell is a comparator or 定性/定量 (rows copied from a 预算管理一体化系统 export)."""
    texts = [t.strip() for t in row.texts]
    if len(texts) < 4:
        return None
    first, second = texts[0], texts[1]
    if not (_names_level(second, canonical_level2) and (not first or _names_level(first, canonical_level1)) and texts[2]):
        return None
    if 6 <= len(texts) <= 12 and _is_comparator_cell(texts[3]):
        return {"level1": 0, "level2": 1, "name": 2, "comparator": 3, "target_raw": 4, "unit": 5}
    if len(texts) not in _DEFAULT_COLUMNS:
        return None
    columns = dict(_DEFAULT_COLUMNS[len(texts)])
    if "basis" in columns and _SCORE_CELL.match(texts[columns["basis"]]):
        del columns["basis"]  # a 分值/权重 column where a basis would be: not read
    return columns


#: A bare number under no heading, where the basis would be: a 分值 or 权重 (10, 15.5).
_SCORE_CELL = re.compile(r"^\d{1,3}(?:\.\d+)?$")


_DEFAULT_COLUMNS = {
    4: {"level1": 0, "level2": 1, "name": 2, "target_raw": 3},
    5: {"level1": 0, "level2": 1, "name": 2, "target_raw": 3, "basis": 4},
    6: {"level1": 0, "level2": 1, "name": 2, "description": 3, "target_raw": 4, "basis": 5},
    7: {"level1": 0, "level2": 1, "name": 2, "description": 3, "target_raw": 4, "basis": 5},
}


_LIST_SEPARATORS = "；;，,、 \t"
_COMPARATOR_CELL = re.compile(r"^(?:[≥≤><=＝≧≦]|>=|<=)$")
#: 指标性质 written out, as several provinces' 预算管理一体化系统 exports do: the symbol it means.
_WORDED_COMPARATORS = {
    **dict.fromkeys(("大于等于", "大于或等于", "不低于", "不少于", "不小于", "高于等于"), "≥"),
    **dict.fromkeys(("小于等于", "小于或等于", "不高于", "不超过", "不多于", "不大于", "低于等于"), "≤"),
    **dict.fromkeys(("大于", "高于", "多于", "超过"), ">"),
    **dict.fromkeys(("小于", "低于", "少于"), "<"),
    **dict.fromkeys(("等于", "为"), "="),
}
_STARTS_WITH_COMPARATOR = re.compile(r"^\s*(?:[≥≤><=＝≧≦~～]|不[低少高多超]于|大于|小于|等于|达到|超过|至少|最多)")


def _is_comparator_cell(text: str) -> bool:
    """A 指标性质 cell: a comparator symbol or word, or 定性/定量."""
    key = fold_width(text).replace(" ", "")
    return bool(_COMPARATOR_CELL.match(key)) or key in _WORDED_COMPARATORS or key in ("定性", "定量")


def with_comparator_and_unit(value: str, comparator: str, unit: str) -> str:
    """The value as the table means it when the comparator and the unit have columns of
    their own: "120" under 指标性质 "≥" (or "大于等于") and 度量单位 "座" is "≥120座". A
    指标性质 that names no comparison ("定性", "定量", "正向") adds nothing; a value that
    already writes a comparator or ends in the unit keeps it; a qualitative value gets no unit."""
    if not comparator and not unit:
        return value.strip()  # most tables: no 指标性质 or 度量单位 column
    value, comparator, unit = value.strip(), fold_width(comparator.strip()), unit.strip()
    if not value:
        return value
    comparator = _WORDED_COMPARATORS.get(comparator.replace(" ", ""), comparator)
    if _COMPARATOR_CELL.match(comparator) and not _STARTS_WITH_COMPARATOR.match(value):
        value = f"{comparator}{value}"
    if unit and not value.endswith(unit):
        parsed = parse_target(value)
        if parsed.kind == TargetKind.numeric and parsed.unit is None and not parsed.text:
            value = f"{value}{unit}"
    return value


#: A line break inside a short cell, between two Chinese characters or brackets.
_WRAP_BETWEEN_CJK = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\uffef()])[ \t\u3000]*\n\s*(?=[\u2e80-\u9fff\uf900-\uffef()])")


def one_line(text: str) -> str:
    """A level or indicator name wrapped onto several lines in its cell (Alt+Enter in
    Excel, two paragraphs in Word: "新建垃圾中转站" / "（座）") as the one line it is: no
    space between Chinese characters, one space elsewhere."""
    if "\n" not in text:
        return text
    return re.sub(r"\s*\n\s*", " ", _WRAP_BETWEEN_CJK.sub("", text)).strip()


def split_label_cells(texts: list[str]) -> list[tuple[int, str]] | None:
    """(source column, text) for a row whose cells hold a label and its value together,
    each pair as two cells ("资金总额：360" → "资金总额", "360"); None when no cell does."""
    joined = "".join(texts)
    if ":" not in joined and "：" not in joined:
        return None  # most rows (every indicator row without a colon): no regex per cell
    out: list[tuple[int, str]] = []
    split = False
    for i, text in enumerate(texts):
        marks = [m for m in _LABEL_IN_CELL.finditer(text) if _key(m.group(1)) in _FORM_LABELS
                 or _base(_key(m.group(1))) in _FORM_LABELS]
        if not marks or marks[0].start() != 0:
            out.append((i, text))
            continue
        for m, nxt in zip(marks, [*marks[1:], None]):
            value = text[m.end():nxt.start() if nxt else len(text)].strip()
            out += [(i, m.group(1)), (i, value)]
            split = split or bool(value)  # "资金总额：" alone is a label as it is
    return out if split else None


def split_goals(text: str) -> list[Goal]:
    """"1、…\\n2、…", "（1）…（2）…", "一是…；二是…" → numbered goals; unnumbered text →
    one goal per line."""
    text = text.strip()
    if not text or _NO_GOAL.match(text):
        return []  # (a goal cell filled with 无 or / says the project has none)
    marks = _goal_marks(text)
    if not marks:
        return [Goal(text=line) for line in _unnumbered_goals(text)]
    goals = []
    head = text[: marks[0].start()].strip()
    if head:
        goals.append(Goal(text=head))
    for i, m in enumerate(marks):
        last = i + 1 == len(marks)
        body = text[m.end():len(text) if last else marks[i + 1].start()].strip()
        if not last:
            # "1.…；2.…" on one line: the separator belongs to the list, not to the goal.
            body = body.rstrip(_LIST_SEPARATORS).strip()
        if body:
            goals.append(Goal(number=_goal_number(m), text=body))
    return goals


class _Builder:
    """State machine over the item stream. One instance per document."""

    #: told the document after each indicator is read, so that a caller can stop a parse
    #: that has read too much (parse_bytes' max_indicators) instead of reading it to the end.
    indicator_read: Callable[[Document], None] | None = None

    def __init__(self, file: str | None):
        self.file = file
        self.doc = Document(source=file)
        self.project: Project | None = None
        self.mode: str | None = None  # budget | plan | goals | indicators | flat
        self.columns: dict[str, int] = {}
        self.header_width = 0
        #: columns whose header cell is empty (under a merged heading): no value belongs there.
        self.header_blank: set[int] = set()
        self.plan_months: list[tuple[int, int]] = []  # (cell index, month)
        self.pending_title = ""
        self.pending_title_junk: list[str] = []
        #: the pending title is a sheet's name (a caption), which a heading inside the sheet
        #: replaces rather than makes the document's title.
        self.pending_title_is_caption = False
        #: the sheet being read (a workbook's), and the project → sheet it was read from.
        self.sheet: str | None = None
        self.project_sheets: dict[int, str | None] = {}
        self.pending_department = ""
        self.pending_unit = ""
        #: the money unit a note above the tables states (单位：元): it holds for every project
        #: after it, in the document or the sheet, until another note says otherwise.
        self.standing_unit = ""
        #: project → (the standing unit it took from a note above an earlier project, that
        #: project: the note's owner); and the owner of the standing note.
        self.inherited_units: dict[int, tuple[str, int]] = {}
        self.unit_note_owner = -1
        #: the document's first heading, read before any table (not a sheet's name).
        self.first_heading = ""
        #: column of the 年度绩效目标 label: rows under it with that column empty are the
        #: label merged down over them (w:vMerge, a merged range), each a further goal.
        self.goal_label_at = 0
        #: value columns per year that nothing stated before the table chose between:
        #: column → year, and (indicator, year → value) to choose again once the goals,
        #: which may come after the table, are read.
        self.year_alternatives: dict[int, str] = {}
        self.deferred_years: list[tuple[Project, Indicator, dict[str, str]]] = []
        self.seen_table = False
        self.goal_state = "preamble"
        self.flat_columns: dict[str, int] = {}
        self.flat_projects: dict[tuple[str, str], Project] = {}
        #: the money unit the flat table's budget heading states (预算金额（元）).
        self.flat_unit = ""
        #: "long" (长期/中期/实施期) or "annual" (年度): the label in front of the current
        #: indicator table's header, when it has one.
        self.table_period = ""
        #: the period of a 年度/长期绩效指标 label on its own row, for the header that follows.
        self.pending_period = ""
        #: the row after an indicator header may be its second header row (指标值 over
        #: 中长期指标值 | 年度指标值).
        self.sub_header_expected = False
        self.set_aside_rows = 0
        #: the current indicator header row's keys, to recognise it when it comes again.
        self.header_keys: list[str] = []
        #: 年度主要任务 block: field (total/fiscal/other) → column of its amounts.
        self.task_columns: dict[str, int] = {}
        #: per project, the sum of its tasks' amounts: the budget when there is no 合计 row.
        self.task_sums: dict[int, float] = {}
        #: first column of the year's half of a multi-year budget block (0: the whole row).
        self.budget_from = 0
        #: budget field → column, when the amounts are in the row under their headings.
        self.budget_columns: dict[str, int] = {}
        #: column of the 全年预算数 (or 年初预算数) heading of a 自评表's budget block.
        self.budget_stage_column: int | None = None
        #: column of the 年度目标 heading in a side-by-side goal block.
        self.goal_column = 0
        #: a table ended inside an indicator table and nothing has come since: Word breaks a
        #: long table at a page into two tables (the second may repeat the header or not),
        #: and the indicator rows of the next one continue the same project.
        self.indicator_table_broke = False
        #: the budget year a heading names ("2025"), for tables with a value column per year.
        self.year = ""
        #: project → the years its 项目实施期 cell names (above or under its table).
        self.period_years: dict[int, set[str]] = {}
        #: (project, the project above it): a project begun under an indicator table by a row
        #: that may be a note on that table (年度绩效目标, 项目实施期, 资金用途 written under it),
        #: with no heading between. A row or heading that starts a project by itself (项目名称,
        #: 2.某项目绩效目标表) or the sheet's end shows it was the table's; a table shows it was not.
        self.trailer: tuple[Project, Project] | None = None

    # -- projects ---------------------------------------------------------------------
    def new_project(self, location: Location) -> Project:
        index = len(self.doc.projects)
        title = self.pending_title
        project = Project(
            index=index,
            title=title,
            department=self.pending_department,
            unit=self.pending_unit or self.standing_unit,
            junk=list(self.pending_title_junk),
            location=moved(location, project=index),
        )
        if self.pending_unit:
            self.unit_note_owner = index
        elif self.standing_unit and self.unit_note_owner >= 0:
            self.inherited_units[index] = (self.standing_unit, self.unit_note_owner)
        self.doc.projects.append(project)
        self.project_sheets[index] = self.sheet
        self.project = project
        self.pending_title = ""
        self.pending_title_is_caption = False
        self.pending_title_junk = []
        self.pending_unit = ""
        self.mode = None
        self.columns = {}
        self.budget_stage_column = None
        self.trailer = None
        return project

    def current_project(self, location: Location) -> Project:
        return self.project if self.project is not None else self.new_project(location)

    def block_project(self, location: Location, trails: bool = False) -> Project:
        """The project a header-block row (主管部门, 项目资金, 年度总体目标, 资金用途, 资金支出计划)
        belongs to. Such a row after an indicator table starts the next project: a department's
        tables announce each project by its heading ("3. 某某项目绩效目标表") and not always by a
        项目名称 row. A row that ``trails`` (goals, 项目实施期, 资金用途) may instead be written
        under the table above: until the next table shows which, it is held as a trailer."""
        if self.project is not None and self.project.indicators:
            above, headed = self.project, bool(self.pending_title)
            project = self.new_project(location)
            if trails and not headed:
                self.trailer = (project, above)
            return project
        project = self.current_project(location)
        if not trails and self.trailer is not None and self.trailer[0] is project:
            self.trailer = None  # a budget, department or plan row: a project's header after all
        return project

    def fold_trailer(self) -> None:
        """The rows held as a trailer (block_project) were written under the table above them:
        a project's header starts with its name or heading, not its goals. They go to that
        project, and the project they began is dropped."""
        if self.trailer is None:
            return
        trailer, above = self.trailer
        self.trailer = None
        if self.doc.projects[-1] is not trailer or trailer.indicators:
            return
        above.goals_raw = "\n".join(t for t in (above.goals_raw, trailer.goals_raw) if t)
        above.fund_use = "\n".join(t for t in (above.fund_use, trailer.fund_use) if t)
        if trailer.index in self.period_years:
            self.period_years[above.index] = self.period_years.pop(trailer.index)
        self.doc.projects.pop()
        self.project_sheets.pop(trailer.index, None)
        self.task_sums.pop(trailer.index, None)
        self.inherited_units.pop(trailer.index, None)
        if self.unit_note_owner == trailer.index:
            self.unit_note_owner = above.index
        self.project = above
        self.mode = None

    def set_unit(self, unit: str) -> None:
        """A unit note (单位：元): the next project's, and the following projects' too. A
        department writes it once above its tables, or once at the top of a sheet of several
        projects; each project having its own is the exception."""
        self.pending_unit = self.standing_unit = unit

    def issue(self, message: str, location: Location, severity: str = "error", zh: str = "") -> None:
        """Record what could not be read: ``zh`` for the reviewer (the page, reports), the
        English ``message`` for logs and maintainers."""
        self.doc.issues.append(ParseIssue(message=message, zh=zh, location=location, severity=severity))

    # -- text outside tables ----------------------------------------------------------
    def on_text(self, item: TextLine, caption: bool = False) -> None:
        text, junk = clean_cell(item.text)
        if not text:
            return
        if self.continues_table(text, junk):
            return
        self.indicator_table_broke = False
        if self.on_section_label(text):
            return
        if self.project is not None and _PLAN_LABEL.match(_key(text)):
            # "资金支出计划" alone on its row, which a sheet or a paste gives as a heading: its
            # periods head the next row.
            self.on_plan_header(Row(cells=[Cell(text=text, location=item.location)], location=item.location))
            return
        pairs = split_label_cells([text])
        if pairs is not None and (self.reads_label_cells(pairs) or (
                self.project is not None and _key(pairs[0][1]) in _TRAILING_LABELS)):
            # A form's "项目名称：…" / "年度目标：…" row, which a sheet or a paste gives as a
            # heading; under an indicator table, a paragraph "年度绩效目标：…" (no row of it).
            self.on_row(Row(cells=[Cell(text=t, location=item.location) for _, t in pairs], location=item.location))
            return
        if _ATTACHMENT_MARK.match(fold_width(text).strip()):
            return  # (not the document's title)
        unit = _unit_note(text)
        if unit:
            # "单位：元" as a paragraph above a Word table (a sheet or a paste gives it as a row)
            self.set_unit(unit)
            return
        titled = _TITLE_WITH_UNIT.match(text)
        if titled and looks_like_title(titled.group("title")):
            # The heading with the unit at its right margin, tabbed or spaced over in one paragraph.
            self.set_unit(titled.group("unit"))
            text = titled.group("title")
        filer = _FILER_LINE.match(text)
        if filer:
            self.pending_department = filer.group("name")
            if not self.seen_table and not self.doc.department:
                self.doc.department = filer.group("name")
            if filer.group("unit"):
                self.set_unit(filer.group("unit"))
            return
        if looks_like_title(text) or _is_project_heading(text):
            self.fold_trailer()  # a heading starts the next project: rows above it were the table's
        if looks_like_title(text):
            if self.project is None and not caption and not self.first_heading:
                self.first_heading = text
            if self.pending_title and not self.seen_table and not self.doc.title and not self.pending_title_is_caption:
                # The document's heading (某局2025年项目支出绩效目标) before the first table's.
                self.doc.title = self.pending_title
            self.pending_title = text
            self.pending_title_junk = junk
            self.pending_title_is_caption = caption
            year = _HEADING_YEAR.search(text)
            if year:
                self.year = year.group(1)
            self.mode = None
            by = _TITLE_DEPARTMENT.match(text)
            if by and not self.seen_table and not self.doc.department:
                # "某区文化广电旅游体育局2025年项目支出绩效目标": the filing department heads the document.
                self.doc.department = by.group("name")
            return
        if self.pending_title and _YEAR_NOTE.match(text):
            # "（2024年度）" on its own line under the heading belongs to it (and to the
            # document's first heading, when it is that one).
            if self.first_heading == self.pending_title:
                self.first_heading = f"{self.pending_title}{text}"
            self.pending_title = f"{self.pending_title}{text}"
            return
        if _is_project_heading(text) and (self.seen_table or self.goal_state in ("preamble", "other")):
            # "一、城区道路清扫保洁项目" / "项目三：城市照明运行维护" over a table that has no
            # 项目名称 row: the heading is the next project's title, and names it. (Not among
            # a department's 分项绩效目标, whose numbered headings are goal sections.)
            if (self.pending_title and not self.seen_table and not self.doc.title and not self.pending_title_is_caption
                    and not _is_project_heading(self.pending_title)):
                self.doc.title = self.pending_title  # (not a line of a list of the projects)
            self.pending_title, self.pending_title_junk, self.pending_title_is_caption = text, junk, False
            self.mode = None
            return
        if not self.doc.title and not self.seen_table and self.pending_title:
            # Text under the document's heading: the heading was the document's title.
            self.doc.title = self.pending_title
        if (not self.doc.title and not self.seen_table and len(text) <= 40
                and not _SECTION_HEADING.match(text) and not text.endswith(("。", "；", ";"))):
            self.doc.title = text
            return
        m = _DEPT_ROW.match(text)
        if m and self.seen_table:
            self.pending_department = m.group("name")
        elif m and not self.doc.department:
            self.doc.department = m.group("name")
        elif not self.seen_table:
            self.on_department_goal_text(text)

    def continues_table(self, text: str, junk: list[str]) -> bool:
        """A heading between the pages of one project's table: "续表", "（续）", the project's
        heading with 续 after it, or the same heading repeated at the top of the next page. The
        table goes on as if the heading were not there (a 项目名称 or 主管部门 row after it still
        starts the next project, which then takes the repeated heading as its title)."""
        marker = _CONTINUED.search(text)
        if marker and marker.start() == 0:
            return True  # "续表" on its own
        project = self.project
        if project is None or not project.indicators or not (looks_like_title(text) or _is_project_heading(text)):
            return False
        if marker:
            return True
        if text != project.title:
            return False
        self.pending_title, self.pending_title_junk = text, junk
        return True

    def reads_label_cells(self, pairs: list[tuple[int, str]]) -> bool:
        """Whether a row's "label：value" cells are read as a label and a value: a 项目名称：
        or 项目编码： cell always (it starts a project); other labels within a project's
        header block, not inside an indicator table, and not before the first project, where
        a paragraph such as "绩效目标：…" is the department's goal text."""
        starts_project = _key(next((t for _, t in pairs if t), "")) in _NAME_LABELS | _CODE_LABELS
        if self.mode in ("indicators", "flat", "long_term"):
            return starts_project
        return starts_project or self.project is not None

    def on_section_label(self, text: str) -> bool:
        """年度绩效指标 / 长期绩效指标 on a row of its own above the header: it says which
        table follows (the label usually sits beside the header in its first cell), and
        ends the table before it, even when the next header is spelled the same."""
        if not _SECTION_LABEL.match(_key(text)):
            return False
        self.pending_period = _table_period([text])
        if self.mode in ("indicators", "long_term"):
            self.mode = None
        return True

    def on_department_goal_text(self, text: str) -> None:
        goals: DepartmentGoals = self.doc.department_goals
        short = len(text) <= 30
        if short and "总体绩效目标" in text:
            self.goal_state = "overall"
            return
        if short and "分项绩效目标" in text:
            self.goal_state = "sections"
            return
        if short and (re.match(r"^第[一二三四五六七八九十]+部分", text) or "保障措施" in text):
            self.goal_state = "other"
            return
        if self.goal_state == "overall":
            goals.overall = f"{goals.overall}\n{text}".strip()
        elif self.goal_state == "sections":
            heading = re.match(r"^(?:[(（][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.、．])\s*(?P<t>\S.*)$", text)
            if heading and len(text) <= 40 and not text.startswith(("绩效目标", "绩效指标")):
                goals.sections.append(GoalSection(title=heading.group("t").strip()))
                return
            if not goals.sections:
                return
            section = goals.sections[-1]
            m = re.match(r"^绩效(目标|指标)\s*[:：]\s*(?P<t>.*)$", text)
            if m and m.group(1) == "指标":
                section.indicators = f"{section.indicators}\n{m.group('t')}".strip()
            else:
                body = m.group("t") if m else text
                section.goal = f"{section.goal}\n{body}".strip()

    # -- rows -------------------------------------------------------------------------
    def on_row(self, row: Row) -> None:
        junk: list[str] = []
        for cell in row.cells:
            cell.text, removed = _clean(cell.text)
            if removed:
                junk.extend(removed)
        texts = row.texts
        if any("#" in t for t in texts):
            self.note_error_values(row)
        pairs = split_label_cells(texts)
        if pairs is not None and self.reads_label_cells(pairs):
            row = Row(cells=[Cell(text=t, location=row.cell_location(i)) for i, t in pairs], location=row.location)
            texts = row.texts
        keys = list(map(_key, texts))
        filled = [t for t in texts if t]
        if not filled:
            return
        resuming, self.indicator_table_broke = self.indicator_table_broke, False
        if self.project is None and self.mode is None and filled == texts[:1]:
            # Before the first project a lone first cell is a heading or a paragraph that a
            # spreadsheet or paste holds as a row ("第一部分", department goal text).
            if not self.on_unit_or_department(filled):
                self.on_text(TextLine(text=texts[0], location=row.location))
            return
        self.seen_table = True

        sub_header, self.sub_header_expected = self.sub_header_expected, False
        if sub_header and self.mode == "indicators" and self.on_sub_header(row, keys):
            return
        if len(filled) == 1 and self.on_section_label(filled[0]):
            return
        if len(filled) == 1 and _CONTINUED.match(filled[0].strip()) and self.continues_table(filled[0].strip(), junk):
            return  # "续表" in a cell of its own (a sheet, a paste): the table goes on
        header = _indicator_columns(keys)
        if self.mode == "list" and header is None and not any(k in _NAME_LABELS or k in _CODE_LABELS for k in keys[:2]):
            return  # a row of the list of projects
        if self.mode == "flat":
            if header is not None:
                self.start_flat(header, keys, len(texts), row.location)
            else:
                self.flat_row(row, texts, junk)
            return
        if header is not None:
            self.on_indicator_header(row, keys, header, resuming)
            return
        first_filled = keys[texts.index(filled[0])]
        if _SIGN_OFF.match(first_filled) and not any(_LEVEL_LIKE.search(k) for k in keys):
            # 填报人：张三 | 审核人：李四 | 填报日期：… under the table: who signed it, no indicator
            self.mode = None
            return
        if self.mode == "indicators" and _NOTE_LABEL.match(first_filled) and len(filled) <= 2:
            # 备注 | 本项目为新增项目, 审核意见 | 同意 under the table: a note on the form, no
            # indicator; reported as the same row is above the table, not dropped
            self.not_understood(row, self.current_project(row.location))
            return
        if self.mode == "plan_label":
            self.mode = None
            if sum(plan_month(t) is not None for t in texts) >= 2:
                self.on_plan_header(row)
                return
        first_label = next((k for k in keys if k), "")
        if any(k in _CODE_LABELS for k in keys) or (
                any(k in _NAME_LABELS for k in keys) and (self.mode != "indicators" or first_label in _NAME_LABELS)):
            # After an indicator table, a row that starts with 项目名称 is the next project's
            # header (the 2021 national table has no 项目编码 row to announce it); rows held
            # under the table above are that table's.
            self.fold_trailer()
            self.on_project_header(row, keys)
            return
        # (a lone cell under an indicator column is an indicator's, whatever it says)
        in_column = self.mode == "indicators" and len(filled) == 1 and texts.index(filled[0]) in self.columns.values()
        if self.on_unit_or_department(filled, lone_title=not in_column):
            return
        if self.mode == "tasks" and self.on_task_row(row, keys):
            return
        if any(k in _TASK_LABELS for k in keys):
            self.block_project(row.location)
            self.task_columns = {}
            self.mode = "tasks"
            return
        stage = next((keys.index(h) for h in _BUDGET_STAGE_HEADINGS if h in keys), None)
        if stage is not None:
            self.block_project(row.location)
            self.budget_stage_column = stage
            self.mode = "budget"
            return
        if any(k in _BUDGET_LABELS or _base(k) in _BUDGET_LABELS for k in keys):
            self.on_budget(row, [k if k in _BUDGET_LABELS else _base(k) for k in keys])
            return
        if any(k in _DEPT_LABELS for k in keys):
            # 2021 template: 主管部门 | … | 实施单位 | … under the project name.
            values = self._label_values(texts, keys)
            if values.get("department"):
                # "某区城市管理局 101" under 主管部门及代码: the name without its code.
                self.block_project(row.location).department = _DEPT_CODE.sub("", values["department"]) \
                    or values["department"]
            self.mode = None
            return
        first_key = next((k for k in keys if k), "")  # "：" alone has an empty key
        if _PLAN_LABEL.match(first_key):
            self.on_plan_header(row)
            return
        if first_key in _PERIOD_LABELS:
            # 项目实施期 | 2025年1月-2025年12月: a single year is the budget year of the
            # project's value columns; a span (2025-2027年) says nothing of which is. Under the
            # table it is the table's, unless a heading or a table shows it is the next one's.
            label_at = keys.index(first_key)
            project = self.block_project(row.location, trails=True)
            self.period_years[project.index] = set(_FILE_YEAR.findall(" ".join(texts[label_at + 1:])))
        if first_key in _INFO_LABELS or first_key in _LONG_TERM_GOAL_LABELS or first_key in _PERIOD_LABELS:
            # (a 中长期目标 row beside the 年度目标 one: the year's indicators do not measure it)
            self.mode = None
            return
        if first_key in _GOAL_LABELS:
            project = self.block_project(row.location, trails=True)
            label_at = keys.index(first_key)
            rest = [(k, t) for k, t in zip(keys[label_at + 1:], texts[label_at + 1:]) if t]
            headings = [i for i, k in enumerate(keys) if i > label_at and _GOAL_COLUMN_HEADING.match(k)]
            if len(rest) >= 2 and len(headings) == len(rest):
                # 中期目标 | 年度目标 headings: the goals are in the row below, under them.
                # The year's goal; in a 自评表 the 预期目标 beside 实际完成情况.
                self.goal_column = next((i for prefix in ("年度", "预期") for i in headings if keys[i].startswith(prefix)),
                                        headings[-1])
                self.mode = "goal_columns"
                return
            if not (rest and rest[0][0] in _LONG_TERM_GOAL_LABELS):
                self.add_goal_text(project, rest)
            self.mode = "goals"
            self.goal_label_at = label_at
            return
        if self.mode == "goals" and not any(texts[:self.goal_label_at + 1]):
            # Under a 年度绩效目标 label merged down over several rows (Word's w:vMerge, a
            # sheet's merged range), one goal per row: the covered label cells are empty.
            self.add_goal_text(self.current_project(row.location), [(k, t) for k, t in zip(keys, texts) if t])
            return
        if self.mode == "goals" and _GOAL_ROW_LABEL.match(first_key):
            # 目标2 | … under 绩效目标 | 目标1 | …
            self.add_goal_text(self.current_project(row.location), [(k, t) for k, t in zip(keys, texts) if t])
            return
        if keys and (keys[0] in _FUND_USE_LABELS or keys[0] in _FUND_CONTEXT_LABELS):
            project = self.block_project(row.location, trails=True)
            project.fund_use = "\n".join(t for t in (project.fund_use, *texts[1:]) if t)
            self.mode = None
            return
        if self.mode == "goal_columns":
            project = self.current_project(row.location)
            text = next((t for t in texts[self.goal_column:] if t), "")
            project.goals_raw = f"{project.goals_raw}\n{text}".strip()
            self.mode = "goals"
            return
        if self.mode == "plan":
            self.on_plan_values(row)
            return
        if self.mode == "budget" and self.budget_columns and self.on_budget_amounts(row):
            return
        if self.mode == "budget" and not texts[0]:
            project = self.current_project(row.location)
            project.fund_use = "\n".join(filled)
            self.mode = None
            return
        if self.mode == "long_term":
            # Rows of a set-aside 长期 table (any label row above has ended it).
            self.set_aside_rows += 1
            if self.set_aside_rows == 1:
                self.set_aside(self.current_project(row.location), None, row.location)
            return
        if self.mode == "indicators":
            self.on_indicator(row, junk)
            return
        if resuming and self.columns and len(texts) > max(self.columns.values()) and texts[self.columns.get("name", 0)]:
            self.mode = "indicators"
            self.on_indicator(row, junk)
            return
        headerless = _headerless_columns(row)
        if headerless is not None:
            project = self.current_project(row.location)
            if self.mode != "indicators" and project.indicators:
                project = self.new_project(row.location)
            self.columns = headerless
            self.year_alternatives = {}  # (a table of its own, with one value column)
            self.header_width = len(texts)
            self.header_blank = set()
            self.mode = "indicators"
            unread = [i + 1 for i in range(max(headerless.values()) + 1, len(texts))
                      if any(ch.isalpha() for ch in texts[i])]
            if unread:
                # Without the header the extra columns' meaning is a guess (权重, 指标值说明,
                # 评分标准 come in several orders): they are not read, and when they hold words
                # (not a weight or a score) the reviewer is told.
                cells = ', '.join(map(str, unread))
                self.issue(f"indicator rows pasted without their header row: cell(s) {cells} "
                           "not read (paste the header row with the rows to read every column)", row.location,
                           "warning", zh=f"指标行粘贴时没有表头行，第 {cells} 格未读入：请连同表头行一起粘贴，才能读入每一列")
            self.on_indicator(row, junk)
            return
        if self.project is not None:
            self.not_understood(row, self.project)

    def note_error_values(self, row: Row) -> None:
        """A cell showing an Excel error (#DIV/0!, #REF!: its formula failed, in the workbook
        or in the sheet a table was copied from) holds no amount or value. It is read as it
        shows, and the reviewer is told which cell, and why, where the office can mend it."""
        for i, text in enumerate(row.texts):
            if _EXCEL_ERROR.match(text.strip()):
                error = text.strip()
                meaning_zh, meaning_en = _EXCEL_ERRORS[error]
                at = row.cell_location(i)
                where_en, where_zh = _cell_names(at)
                self.issue(f"{where_en} shows the Excel error {error} ({meaning_en}): its formula gives no value",
                           at, "warning", zh=f"{where_zh}显示 Excel 错误值 {error}（{meaning_zh}），公式没有算出数值：请在 "
                                              "Excel 或 WPS 中修正公式后重新提交")

    @staticmethod
    def add_goal_text(project: Project, cells: list[tuple[str, str]]) -> None:
        """A goal row's cells after its label; a 目标N cell numbers the text after it."""
        parts: list[str] = []
        for key, text in cells:
            numbered = _GOAL_ROW_LABEL.match(key)
            if numbered:
                parts.append(f"{numbered.group(1)}、")
            elif key not in _GOAL_LABELS:
                parts.append(f"{text}\n")
        text = "".join(parts).strip()
        project.goals_raw = f"{project.goals_raw}\n{text}".strip()

    def on_indicator_header(self, row: Row, keys: list[str], header: dict[str, int], resuming: bool = False) -> None:
        texts = row.texts
        if not resuming and self.mode != "indicators":
            self.year_alternatives = {}
        years = [i for i, k in enumerate(keys) if _YEAR_VALUE_HEADING.match(k)]
        if header.get("target_raw") in years and len(years) > 1:
            header["target_raw"] = self.budget_year_column(years, keys)[0]
        if "project" in _column_map(keys, _PROJECT_SPELLINGS):
            self.start_flat(header, keys, len(texts), row.location)
            return
        project = self.current_project(row.location)
        self.trailer = None  # (rows held under the table above head this table)
        period = _table_period(texts[:min(header.values())]) or self.pending_period
        self.pending_period = ""
        self.sub_header_expected = True
        # (Compared without trailing empty cells: the two halves of a broken table may
        # not be equally wide.)
        filled_keys = keys[:max(i for i, k in enumerate(keys) if k) + 1]
        if (self.mode == "indicators" or resuming) and filled_keys == self.header_keys:
            # The header row again, as Word repeats it on every page of a long table
            # and a paste keeps it, or at the top of the table's next page: it goes on.
            self.mode = "indicators"
            return
        self.header_keys = filled_keys
        if project.indicators and {self.table_period, period} == {"long", "annual"}:
            # 长期 and 年度 tables of one project: the year's indicators are what
            # this budget buys and what is checked; the multi-year ones are set aside.
            if period == "annual":
                self.set_aside(project, len(project.indicators), row.location)
                project.indicators = []
            else:
                self.mode = "long_term"
                self.set_aside_rows = 0
                self.table_period = period
                return
        elif project.indicators:
            # A second indicator table without a project header: a new project.
            project = self.new_project(row.location)
        self.table_period = period
        self.columns = header
        project.indicator_columns = list(header)
        self.check_value_column(header, row.location)
        self.header_width = len(texts)
        self.header_blank = {i for i, t in enumerate(texts) if not t}
        self.mode = "indicators"

    def on_sub_header(self, row: Row, keys: list[str]) -> bool:
        """The header's second row, under a heading merged across columns: 指标值 over
        中长期指标值 | 年度指标值 (the year's is the value), or 指标值 over 指标性质 | 数值 |
        度量单位. False when the row is not one (it has indicator text, or a cell that is
        no heading)."""
        texts = row.texts
        if any(texts[i] for f, i in self.columns.items() if f in ("level1", "level2", "name") and i < len(texts)):
            return False
        filled = [i for i, k in enumerate(keys) if k]
        named = _column_map([k if i in filled else "" for i, k in enumerate(keys)],
                            {**_INDICATOR_SPELLINGS, **_VALUE_PART_SPELLINGS})
        periods = [i for i in filled if _PERIOD_HEADING.match(keys[i])]
        values = periods or [i for i in filled if _VALUE_HEADING.search(keys[i])]
        if not filled or any(i not in named.values() and i not in values for i in filled):
            return False
        extra = len(texts) - self.header_width
        if extra > 0 and filled == list(range(filled[0], filled[0] + extra + 1)):
            # Word's own cells (cell-per-line text): the heading over the sub-headings is one
            # cell, so the rows under it have a cell more per extra column it spans; the
            # header's columns after it move right by as many (指标值确定依据 stays over its values).
            at = filled[0]
            self.columns = {f: i + extra if i > at else i for f, i in self.columns.items()}
            self.header_blank = {i + extra if i > at else i for i in self.header_blank}
            self.header_width = len(texts)
        columns = {**self.columns, **named}
        if values:
            # The year's value when the sub-headings name periods; a 中长期 one is never it.
            values = [i for i in values if not _ACHIEVED_HEADING.search(keys[i])] or values
            annual = [i for i in values if _ANNUAL_HEADING.match(keys[i]) and not _LONG_TERM.search(keys[i])]
            columns["target_raw"] = (self.budget_year_column(annual, keys)
                                     or [i for i in values if not _LONG_TERM.search(keys[i])]
                                     or [columns.get("target_raw", values[0])])[0]
        self.columns = columns
        self.header_blank -= set(filled)
        self.current_project(row.location).indicator_columns = list(columns)
        return True

    def budget_year_column(self, candidates: list[int], keys: list[str]) -> list[int]:
        """Value columns of several years (2024年 | 2025年 | 2026年): the budget year's first.
        The budget year is the one of the columns' years that the document states: its
        heading (2025年度…绩效目标表), else the project's 项目实施期 cell, else its goals
        (到2025年底…), else the file name; a source that names none of the columns' years,
        or several (2025-2027年, 一期2025年、二期2027年), decides nothing. Without any, the
        table's order (the first)."""
        years = {i: m.group(1) for i in candidates if (m := _YEAR_VALUE_HEADING.match(keys[i]))}
        goals = self.project.goals_raw if self.project is not None else ""
        period = self.period_years.get(self.project.index, set()) if self.project is not None else set()
        sources = ({self.year} if self.year else set(), period,
                   set(_STATED_YEAR.findall(f"{goals}\n{self.doc.department_goals.overall}")),
                   set(_FILE_YEAR.findall((self.file or "").replace("\\", "/").rsplit("/", 1)[-1])))
        self.year_alternatives = {}
        for n, stated in enumerate(sources):
            chosen = stated & set(years.values())
            if len(chosen) == 1:
                year = chosen.pop()
                if n == len(sources) - 1:
                    self.year_alternatives = years  # the file name's year: goals after the table come first
                return sorted(candidates, key=lambda i: years.get(i) != year)
        if len(set(years.values())) > 1:
            # Nothing before the table says which year: the goals may, under it.
            self.year_alternatives = years
        return candidates

    def set_aside(self, project: Project, rows: int | None, location: Location) -> None:
        count = f"{rows} rows of " if rows else ""
        self.issue(f"{count}长期绩效指标 of project {project.index + 1} not checked: "
                   "zhibiao checks the 年度绩效指标 table", location, "warning",
                   zh=f"项目 {project.index + 1} 的长期绩效指标{f'（{rows} 行）' if rows else ''}未检查：只检查年度绩效指标表")

    def not_understood(self, row: Row, project: Project) -> None:
        filled = " | ".join(t for t in row.texts if t)
        self.issue(f"row not understood in project {project.index + 1}: {filled[:80]}", row.location, "warning",
                   zh=f"项目 {project.index + 1} 中这一行无法识别，未读入：{filled[:80]}")

    def on_unit_or_department(self, filled: list[str], lone_title: bool = True) -> bool:
        """Rows above a project table: "467002定州市生态环境局", "单位：万元", or both, or
        the table's title with the unit at its right ("…绩效目标表 | 单位：万元")."""
        if len(filled) > 2:
            return False
        units = [_unit_note(t) for t in filled]
        depts = [_DEPT_ROW.match(t) for t in filled]
        # (a lone title cell: a sheet whose first column is a blank margin holds its heading
        # in the second, which the readers do not take for a heading)
        titles = [(len(filled) == 2 or lone_title) and i == 0 and looks_like_title(t) for i, t in enumerate(filled)]
        if not all(u or d or t for u, d, t in zip(units, depts, titles)) or (titles[0] and len(filled) == 2 and not units[1]):
            return False
        for unit, dept, text, title in zip(units, depts, filled, titles):
            if title:
                self.on_text(TextLine(text=text, location=Location(file=self.file)))
            elif unit:
                self.set_unit(unit)
            elif dept:
                self.pending_department = dept.group("name")
        self.mode = None
        return True

    def on_project_header(self, row: Row, keys: list[str]) -> None:
        texts = row.texts
        if _is_project_list_header(keys):
            # 序号 | 项目名称 | 年度资金总额 | … : a workbook's 汇总 sheet listing the projects
            # whose own tables follow. Read past; each project is read from its table.
            self.mode = "list"
            # Which sheet (or Word table) is said in the words too: the reviewer reads the
            # message on the page and in the workbook report, where a row number alone
            # does not say which of a workbook's sheets was passed over.
            where, where_zh = _table_names(row.location.table)
            self.issue(f"list of projects without indicator columns read past{where}: "
                       f"{' | '.join(t for t in texts if t)[:80]}", row.location, "warning",
                       zh=f"{where_zh}项目清单（汇总表）没有指标列，未读入：逐个项目从各自的绩效目标表读取")
            if self.pending_title and not self.doc.title:
                # The list's heading (某局2025年项目支出绩效目标汇总表) heads the workbook.
                self.doc.title = self.pending_title
            self.pending_title, self.pending_title_junk = "", []
            return
        notes = [_unit_note(t) if t else "" for t in texts]
        unit = next((n for n in notes if n), "")
        if unit:  # (the note is no label's value: 项目名称 | | 单位：元 has no name)
            texts = [t if not n else "" for t, n in zip(texts, notes)]
            keys = [k if not n else "" for k, n in zip(keys, notes)]
        values = self._label_values(texts, keys)
        starts_new = (
            self.project is None
            or self.project.indicators
            or (self.project.code and "code" in values)
            or (self.project.name and "name" in values and "code" not in values and self.mode != "budget")
        )
        project = self.new_project(row.location) if starts_new else self.project
        assert project is not None
        project.code = values.get("code", project.code)
        project.name = values.get("name", project.name)
        if values.get("department"):
            project.department = values["department"]
        if unit:
            # 项目名称 | … | 单位：元 — the note at the right of the table's first row is this
            # project's, and holds on like a note above the table.
            project.unit = self.standing_unit = unit
            self.unit_note_owner = project.index
            self.inherited_units.pop(project.index, None)
        self.mode = None

    @staticmethod
    def _label_values(texts: list[str], keys: list[str]) -> dict[str, str]:
        """Pair each known label cell with the filled cell after it, unless another label
        comes first (the value is blank). Empty cells are passed over because a label merged
        across grid columns (docx, xlsx, a paste from Excel) is followed by empty cells."""
        labels = {
            "code": _CODE_LABELS,
            "name": _NAME_LABELS,
            "department": _DEPT_LABELS,
            "total": _TOTAL_LABELS,
            "fiscal": _FISCAL_LABELS,
            "other": _OTHER_LABELS,
            "fiscal_part": _FISCAL_PART_LABELS,
            "fund_use": _FUND_USE_LABELS,
        }
        all_labels = set().union(*labels.values()) | {_BUDGET_BLOCK}
        out: dict[str, str] = {}
        for i, k in enumerate(keys):
            for field_name, names in labels.items():
                # (a label with no value of its own is followed by a more exact one:
                # 预算金额（万元） | 资金总额 | 210)
                if k in names and not out.get(field_name):
                    nxt = next((j for j in range(i + 1, len(texts)) if texts[j]), None)
                    out[field_name] = "" if nxt is None or keys[nxt] in all_labels else texts[nxt]
        return out

    def on_task_row(self, row: Row, keys: list[str]) -> bool:
        """A row of the 年度主要任务 block: the 总额 | 财政拨款 | 其他资金 sub-header, a task
        (its name and content go to 资金用途), or the 合计 row (the budget). Returns False
        for a row that starts another block, which ends this one."""
        project = self.current_project(row.location)
        texts = row.texts
        amounts = {i: amount for i, t in enumerate(texts) if t and (amount := _plain_amount(t)) is not None}
        sub_header = _money_columns(keys, extra_total=_TASK_TOTAL_HEADINGS)
        if sub_header and not amounts:
            self.task_columns = sub_header
            return True
        first = next((k for k in keys if k), "")
        # (Indicator headers and 项目名称 rows never get here: on_row takes them first.)
        if first in _GOAL_LABELS:
            self.mode = None
            return False
        words = [t for i, t in enumerate(texts) if t and i not in amounts and keys[i] not in _TASK_LABELS]
        if _TASK_TOTAL.match(first):
            self.on_task_total(project, texts, amounts)
            return True
        if words:
            line = "：".join(words[:2])
            project.fund_use = f"{project.fund_use}\n{line}".strip()
            at = self.task_columns.get("total", min(amounts, default=-1))
            if amounts.get(at) is not None:
                self.task_sums[project.index] = self.task_sums.get(project.index, 0.0) + amounts[at]
        return True

    def on_task_total(self, project: Project, texts: list[str], amounts: dict[int, float | None]) -> None:
        """The 合计 row: amounts under the 总额/财政拨款/其他资金 columns, or in that order."""
        columns = self.task_columns or {}
        by_field = {f: texts[i] for f, i in columns.items() if i in amounts}
        if not by_field:
            by_field = dict(zip(("total", "fiscal", "other"), (texts[i] for i in sorted(amounts))))
        for field_name, raw in by_field.items():
            project.budget_raw[field_name] = raw
        _read_budget(project)

    def on_budget(self, row: Row, keys: list[str]) -> None:
        project = self.block_project(row.location)
        # 资金总额（元）: the label's unit is the amounts' (more exact than a 单位：万元 row).
        project.unit = money_unit([t for t, k in zip(row.texts, keys) if k in _BUDGET_LABELS]) or project.unit
        if any(k in _TOTAL_LABELS or k in _MULTI_YEAR_TOTAL_LABELS for k in keys):
            # A multi-year block (中期资金总额 … | 年度资金总额 …): the year's half is read,
            # on this row and on the 其中 rows under it.
            multi = next((i for i, k in enumerate(keys) if k in _MULTI_YEAR_TOTAL_LABELS), None)
            annual = next((i for i, k in enumerate(keys) if k in _TOTAL_LABELS), None)
            self.budget_from = annual if multi is not None and annual is not None and annual > multi else 0
        values = self._label_values(row.texts[self.budget_from:], keys[self.budget_from:])
        for field_name in ("total", "fiscal", "other", "fiscal_part"):
            if field_name in values:
                stage = self.budget_stage_column
                raw = row.texts[stage] if stage is not None and stage < len(row.texts) else values[field_name]
                # Each fiscal part under its own label, to be added up (_read_budget).
                key = field_name if field_name != "fiscal_part" else "fiscal+" + next(
                    k for k in keys[self.budget_from:] if k in _FISCAL_PART_LABELS).removeprefix("其中:")
                project.budget_raw[key] = raw
        _read_budget(project)
        for label, field_name in (("total", "budget_total"), ("fiscal", "budget_fiscal"), ("other", "budget_other")):
            raw = project.budget_raw.get(label, "")
            if raw and getattr(project, field_name) is None and not _EXCEL_ERROR.match(raw):
                self.issue(f"budget cell '{raw}' is not a number", row.location, severity="warning",
                           zh=f"预算数单元格「{raw}」不是数字")
        if values.get("fund_use"):
            project.fund_use = values["fund_use"]
        # 年度资金总额 | 财政拨款 | 其他资金 as column headings, the amounts in the row below.
        headings = {f: i for f, i in _money_columns(keys).items() if i >= self.budget_from}
        self.budget_columns = headings if len(headings) >= 2 and not any(values.get(f) for f in headings) else {}
        self.mode = "budget"

    def on_budget_amounts(self, row: Row) -> bool:
        """The row of amounts under 年度资金总额 | 财政拨款 | 其他资金 headings; False when the
        row has no amount under them (then it is the 资金用途 row)."""
        texts = row.texts
        cells = {f: texts[i] for f, i in self.budget_columns.items() if i < len(texts) and texts[i]}
        if not cells or any(_plain_amount(t) is None for t in cells.values()):
            return False
        project = self.current_project(row.location)
        project.budget_raw.update(cells)
        _read_budget(project)
        self.budget_columns = {}
        return True

    def on_plan_header(self, row: Row) -> None:
        self.block_project(row.location)
        self.plan_months = []
        for i, t in enumerate(row.texts):
            month = plan_month(t)
            if month is not None:
                self.plan_months.append((i, month))
        pairs = [] if self.plan_months else _plan_pairs(row.texts)
        if pairs:
            # "6月底：50%" cells, or the whole plan in one ("3月底：20%，6月底：50%，…")
            self.set_plan([month for month, _ in pairs], [raw for _, raw in pairs], row.location)
            self.mode = None
            return
        # A 资金支出计划 label alone: its periods head the next row, or a table nested in
        # the label's neighbour cell (3月底 | 6月底 | … over the shares).
        self.mode = "plan" if self.plan_months else "plan_label"

    def on_plan_values(self, row: Row) -> None:
        texts = row.texts
        self.set_plan([month for _, month in self.plan_months],
                      [texts[i] if i < len(texts) else "" for i, _ in self.plan_months], row.location)
        self.mode = None

    def set_plan(self, months: list[int], raws: list[str], location: Location) -> None:
        project = self.current_project(location)
        plan = SpendingPlan()
        for month, raw in zip(months, raws):
            plan.raw[month] = raw
            plan.values[month] = parse_amount(raw)
            if raw and plan.values[month] is None and not _EXCEL_ERROR.match(raw):
                self.issue(f"spending plan cell '{raw}' for {month}月底 is not a number", location, "warning",
                           zh=f"{month}月底支出计划单元格「{raw}」不是数字")
        filled = [v for v in plan.values.values() if v is not None]
        if filled and max(filled) == 1 and not any("%" in r for r in plan.raw.values()):
            # Shares written as fractions (0.3 | 0.6 | 1, a sheet's 0.00 cells): 1 is all of it.
            plan.values = {m: None if v is None else round(v * 100, 6) for m, v in plan.values.items()}
        project.spending_plan = plan

    def on_indicator(self, row: Row, junk: list[str]) -> None:
        project = self.current_project(row.location)
        texts = row.texts
        stray = [i for i, t in enumerate(texts) if t and (i >= self.header_width or i in self.header_blank)]
        if stray:
            extra = row.cells[stray[0]]
            beyond = stray[0] >= self.header_width
            where = (f"row has {len(texts)} cells but the indicator header has {self.header_width}"
                     if beyond else f"cell {stray[0] + 1} has no heading in the indicator header")
            where_zh = (f"本行有 {len(texts)} 格，指标表头只有 {self.header_width} 列" if beyond
                        else f"第 {stray[0] + 1} 格在指标表头中没有列名")
            self.issue(f"{where}; extra text '{extra.text[:40]}' was not assigned to a column",
                       row.cell_location(stray[0]), zh=f"{where_zh}，多出的文字「{extra.text[:40]}」未归入任何列")
        values = {f: (texts[i] if i < len(texts) else "") for f, i in self.columns.items()}
        if not any(v for f, v in values.items() if f != "level1") and not _LEVEL_LIKE.search(values.get("level1", "")):
            # Nothing but a stray first cell (a page number, a note under the table): not an indicator.
            self.not_understood(row, project)
            return
        self._append_indicator(project, values, row, junk)
        if self.year_alternatives and values.get("target_raw") is not None:
            alternatives = {year: with_comparator_and_unit(texts[i] if i < len(texts) else "", values.get("comparator", ""),
                                                           values.get("unit", ""))
                            for i, year in self.year_alternatives.items()}
            self.deferred_years.append((project, project.indicators[-1], alternatives))

    def on_sheet_notes(self, start: TableStart) -> None:
        """What a sheet's reader could not give and the reviewer is told of: formulas saved
        without their results (read as empty), and rows and columns hidden in the sheet (left
        out: the reviewer sees them neither on screen nor on paper, and offices hide rows they
        have struck out), in case one was hidden by mistake."""
        sheet = start.location.table
        formulas = start.extra.get("uncached_formulas", [])
        if formulas:
            letters, row = coordinate_from_string(formulas[0])
            cells = "、".join(formulas[:5]) + (f" 等 {len(formulas)} 个单元格" if len(formulas) > 5 else "")
            self.issue(f"{len(formulas)} formula cell(s) of sheet '{sheet}' ({', '.join(formulas[:5])}) carry no "
                       "saved result and are read as empty: the file was written by a program that does not "
                       "calculate", moved(start.location, row=row, cell=column_index_from_string(letters)), "warning",
                       zh=f"工作表「{sheet}」中 {cells} 是公式，但文件里没有保存计算结果，读作空白（生成该文件的程序"
                          "不计算公式）：请在 Excel 或 WPS 中打开并保存后重新提交")
        filtered = start.extra.get("filtered_rows", [])
        if filtered:
            shown_en, shown_zh = _listed(filtered, "行")
            self.issue(f"sheet '{sheet}' has a filter on: the row(s) it hides ({shown_en}) were read as well, since a "
                       "filter changes the view, not the table", moved(start.location, row=filtered[0]), "warning",
                       zh=f"工作表「{sheet}」设置了筛选，被筛选隐藏的第 {shown_zh}也已读入（筛选只改变显示，不删除内容）："
                          "如其中有作废的内容，请删除这些行后重新提交")
        rows, columns = start.extra.get("hidden_rows", []), start.extra.get("hidden_columns", [])
        if not rows and not columns:
            return
        listed = [(kind, *_listed(items, unit)) for kind, items, unit in (("row", rows, "行"), ("column", columns, "列"))
                  if items]
        parts_en = [f"{kind}(s) {en}" for kind, en, _ in listed]
        parts_zh = [f"第 {zh}" for _, _, zh in listed]
        where = moved(start.location, row=rows[0] if rows else None)
        self.issue(f"hidden {' and '.join(parts_en)} of sheet '{sheet}' not read", where, "warning",
                   zh=f"工作表「{sheet}」中隐藏的{'和'.join(parts_zh)}未读入（隐藏的内容在屏幕和打印稿上都看不到，"
                      "多为作废的内容）：如仍有效，请取消隐藏后重新提交")

    def choose_deferred_years(self) -> None:
        """Value columns per year that nothing before the table chose between (or only the
        file name did): the project's 项目实施期 cell, then its goals, read by now wherever they
        stood, say the year when they name exactly one of the columns' years."""
        for project, indicator, alternatives in self.deferred_years:
            goals = set(_STATED_YEAR.findall(f"{project.goals_raw}\n{self.doc.department_goals.overall}"))
            for stated in (self.period_years.get(project.index, set()), goals):
                chosen = stated & set(alternatives)
                if len(chosen) == 1:
                    if (value := alternatives[chosen.pop()]) != indicator.target_raw:
                        indicator.target_raw = value
                        indicator.target = parse_target(value)
                    break

    def _append_indicator(self, project: Project, values: dict[str, str], row: Row, junk: list[str]) -> None:
        prev = project.indicators[-1] if project.indicators else None
        level1, level2 = one_line(values.get("level1", "")), one_line(values.get("level2", ""))
        # Inherited levels are settled before the model is built: setting them afterwards
        # went through the model's __setattr__ on most rows of a merged-cell table.
        level1_inherited = not level1 and prev is not None
        if level1_inherited:
            level1 = prev.level1
        level2_inherited = not level2 and prev is not None and level1 == prev.level1
        if level2_inherited:
            level2 = prev.level2
        target_raw = with_comparator_and_unit(values.get("target_raw", ""), values.get("comparator", ""),
                                              values.get("unit", ""))
        ind = Indicator(
            level1=level1,
            level2=level2,
            name=one_line(values.get("name", "")),
            description=values.get("description", ""),
            target_raw=target_raw,
            target=parse_target(target_raw),
            basis=values.get("basis", ""),
            level1_inherited=level1_inherited,
            level2_inherited=level2_inherited,
            junk=junk,
            location=moved(row.location, project=project.index),
        )
        project.indicators.append(ind)
        if self.trailer is not None and self.trailer[0] is project:
            self.trailer = None  # indicator rows pasted without a header under the held rows
        if self.indicator_read is not None:
            self.indicator_read(self.doc)
        context = [t for t in (values.get("duty", ""), values.get("activity", "")) if t]
        if context:  # only tables with 职责 | 活动 columns: every other row leaves the fund use alone
            lines = project.fund_use.split("\n") if project.fund_use else []
            lines += [t for t in dict.fromkeys(context) if t not in lines]
            project.fund_use = "\n".join(lines)

    # -- flat tables (one indicator per row, project in a column) ----------------------
    def check_value_column(self, columns: dict[str, int], location: Location) -> None:
        if "target_raw" not in columns:
            self.issue("the indicator header has no value column (指标值 / 目标值): every indicator's value is "
                       "read as empty", location, severity="warning",
                       zh="指标表头没有指标值列（指标值/目标值），所有指标的指标值都按空值读入")

    def start_flat(self, columns: dict[str, int], keys: list[str], width: int, location: Location) -> None:
        self.check_value_column(columns, location)
        self.mode = "flat"
        self.columns = columns
        self.flat_columns = _column_map(keys, _PROJECT_SPELLINGS)
        budget_at = self.flat_columns.get("budget")
        self.flat_unit = money_unit([keys[budget_at]]) if budget_at is not None else ""
        self.header_width = width

    def flat_row(self, row: Row, texts: list[str], junk: list[str]) -> None:
        width = len(texts)

        def get(cols: dict[str, int], name: str) -> str:
            i = cols.get(name)
            return texts[i] if i is not None and i < width else ""

        name = get(self.flat_columns, "project")
        dept = get(self.flat_columns, "department")
        key = (dept, name)
        project = self.flat_projects.get(key)
        if project is None:
            self.project = None
            columns = self.columns  # new_project() forgets the table's columns
            project = self.new_project(row.location)
            self.columns = columns
            project.name = name
            project.department = dept
            project.code = get(self.flat_columns, "code")
            project.budget_raw["total"] = get(self.flat_columns, "budget")
            project.unit = self.flat_unit or project.unit
            _read_budget(project)
            project.fund_use = get(self.flat_columns, "fund_use")
            project.goals_raw = get(self.flat_columns, "goals")
            # The project's own columns too: ZB-ST011 and ZB-T002 do not ask for goals a
            # table has no column for.
            project.indicator_columns = [*columns, *self.flat_columns]
            self.flat_projects[key] = project
            self.mode = "flat"
        values = {f: texts[i] if i < width else "" for f, i in self.columns.items()}
        self._append_indicator(project, values, row, junk)

    # -- finish -----------------------------------------------------------------------
    def name_from_title_or_sheet(self, project: Project, sheets: Counter) -> str:
        """The name of a project whose table has no 项目名称: its heading without the number and
        绩效目标表 (2.困难群众救助补助资金绩效目标表, 一、城区道路清扫保洁项目), else the name of
        the sheet it has to itself (a workbook of one sheet per project, named after them). A
        heading that names no project (项目支出绩效目标表) and a sheet named by default (Sheet1)
        give none: an empty name is what the table says, 'Sheet1' or '项目支出' is not."""
        name = re.sub(r"绩效目标(?:申报)?表(?:[(（][^()（）]*[)）])?$", "", _TITLE_NUMBER.sub("", project.title)).strip()
        # (某县林业局2025年项目支出绩效目标表 names who files it and the year, not the project)
        by = _TITLE_DEPARTMENT.match(name)
        rest = name[by.end():].lstrip("度") if by else name
        if name.endswith("部门整体支出"):
            # (某局2025年部门整体支出绩效目标表: the table of a department's whole spending is named
            # so, whoever files it and for whichever year: the department is the project's)
            return "部门整体支出"
        if name and not _GENERIC_TITLE_NAME.match(rest):
            return name
        sheet = self.project_sheets.get(project.index)
        if sheet and sheets[sheet] == 1 and not _GENERIC_SHEET.match(sheet.strip()) and not looks_like_title(sheet):
            return sheet.strip()
        return ""

    def check_inherited_unit(self, project: Project) -> None:
        """A 单位：元 note read above an earlier project holds for this one too, unless the
        amounts contrast: the note's own project has a plausible budget in it and this one has
        less than 10,000 元 in all, which is no budget line. Amounts that small are the
        template's 万元 (the note was the earlier table's own); the reviewer is told which unit
        was taken. (Projects all that small under one note are read as the note says.)"""
        unit, owner = self.inherited_units.get(project.index, ("", -1))
        scale = _MONEY_UNITS.get(_money_unit_of(unit), 1.0)
        if not unit or project.unit != unit or scale >= 1.0:
            return
        # (a cell that writes its own unit, 120万元, is read in it whatever the note says)
        cells = [_amount_cell(project.budget_raw.get(key, "")) for key in ("total", "fiscal", "other")]
        largest = _largest([value for value, written in cells if not written])
        owner_project = self.doc.projects[owner]
        owners = _largest([owner_project.budget_total, owner_project.budget_fiscal, owner_project.budget_other])
        if largest is None or largest <= 0 or largest * scale >= 1.0 or owners is None or owners < 1.0:
            return
        project.unit = "万元"
        _read_budget(project)
        self.issue(
            f"project {project.index + 1}: amounts read in 万元, not in the {unit} an earlier table's "
            f"unit note states (its largest amount, {largest:g}, would be under 1 万元)",
            project.location,
            severity="warning",
            zh=f"项目 {project.index + 1}「{project.name or project.code}」前面没有单位说明，"
               f"金额按万元读取（若按前表的「单位：{unit}」，最大金额 {largest:g} {unit}不足 1 万元），请核对",
        )

    def finish(self) -> Document:
        doc = self.doc
        self.fold_trailer()  # goals written under the last table
        self.choose_deferred_years()
        sheets = Counter(self.project_sheets.values())
        for project in doc.projects:
            if not project.name:
                project.name = self.name_from_title_or_sheet(project, sheets)
            project.goals = split_goals(project.goals_raw)
            self.check_inherited_unit(project)
            if project.budget_total is None and not project.budget_raw and project.index in self.task_sums:
                project.budget_total = round(self.task_sums[project.index], 6)
                project.budget_raw["total"] = f"{project.budget_total:g}"
            if not project.indicators:
                self.issue(
                    f"project {project.index + 1} '{project.name or project.code}' has no indicator rows "
                    "(expected a header row 一级指标 | 二级指标 | 三级指标 | … | 指标值)",
                    project.location,
                    severity="warning",
                    zh=f"项目 {project.index + 1}「{project.name or project.code}」没有读到指标行"
                       "（应有表头行：一级指标 | 二级指标 | 三级指标 | … | 指标值）",
                )
        first = doc.projects[0] if doc.projects else None
        if not doc.title and self.first_heading and first is not None and first.title == self.first_heading and (
                len(doc.projects) == 1 or not self.name_from_title_or_sheet(first, Counter())):
            # The heading above the only table (or one that names no project over several)
            # is the document's: the batch and the reports are named after it.
            doc.title = self.first_heading
        departments = Counter(p.department for p in doc.projects if p.department)
        if departments and not doc.department:
            doc.department = departments.most_common(1)[0][0]
        if not any(p.indicators for p in doc.projects):
            raise ParseError(
                "no indicator table found",
                Location(file=self.file),
                zh="没有找到指标表：需要带表头行（一级指标、二级指标、三级指标、指标值）的表格，或逐格粘贴的绩效目标表",
                expected="a table with a header row 一级指标 | 二级指标 | 三级指标 | 指标值 "
                "(or rows whose first cells are level names such as 产出指标 | 数量指标)",
            )
        return doc


#: Fields whose heading may stand in the first column of a table laid out across.
_TRANSPOSED_FIELDS = ("level1", "level2", "name", "target_raw", "basis", "description", "comparator", "unit")
_FIELD_OF_HEADING = {s: f for f in reversed(_TRANSPOSED_FIELDS) for s in _INDICATOR_SPELLINGS[f]}


@lru_cache(maxsize=1 << 16)
def _field_heading(text: str) -> str | None:
    """The indicator field a cell heads (一级指标 → level1), else None (cached: asked of the
    first cell of every row)."""
    key = _key(_clean(text)[0])
    return _FIELD_OF_HEADING.get(key) or _FIELD_OF_HEADING.get(_base(key))


@lru_cache(maxsize=1 << 16)
def _is_section_label(text: str) -> bool:
    return bool(_SECTION_LABEL.match(_key(_clean(text)[0])))


def _field_row(row: Row) -> tuple[int, str, bool] | None:
    """(label column, field, whether it has values) of a row of a table laid out across: a
    field's heading (一级指标, 三级指标, 指标值 …) first, after at most a 绩效指标 label cell,
    then the values, none of them a heading. None for any other row (an indicator header
    among them)."""
    cells = row.cells
    at = next((i for i, c in enumerate(cells) if c.text.strip()), None)
    if at is None:
        return None
    field = _field_heading(cells[at].text)
    if field is None:
        # Most rows end here. The 2021 template's 绩效指标 cell merged down the left of the
        # table may stand before the heading.
        if not _is_section_label(cells[at].text):
            return None
        at = next((i for i in range(at + 1, len(cells)) if cells[i].text.strip()), None)
        if at is None or (field := _field_heading(cells[at].text)) is None:
            return None
    values = [c.text for c in cells[at + 1:] if c.text.strip()]
    if any(_field_heading(t) for t in values):
        return None
    return at, field, bool(values)


def _turn_transposed(items: Iterable[Item], builder: _Builder) -> Iterable[Item]:
    """Indicator tables laid out across (the field names down the first column, one indicator
    per column) as the rows they stand for: a header row of the field names, then one row per
    column, each cell keeping its own location. A run of such rows without a level row is not
    guessed at: the reviewer is told the table looks transposed, and its rows are left out."""
    run: list[tuple[Row, int, str]] = []

    def has_values(entry: tuple[Row, int, str]) -> bool:
        return any(t.strip() for t in entry[0].texts[entry[1] + 1:])

    def flush() -> Iterable[Item]:
        tail: list[Row] = []
        while run and not has_values(run[-1]):
            tail.insert(0, run.pop()[0])  # a blank field inside the table belongs to it; after it, not
        rows, fields = [r for r, _, _ in run], [f for _, _, f in run]
        label_at = run[0][1] if run else 0
        if len(run) >= 2 and "name" in fields and ("level1" in fields or "level2" in fields):
            yield Row(cells=[Cell(text=r.texts[label_at], location=r.cell_location(label_at)) for r in rows],
                      location=rows[0].location)
            name_row = rows[fields.index("name")]
            width = max(len(r.cells) for r in rows)
            for j in range(label_at + 1, width):
                cells = [Cell(text=r.texts[j] if j < len(r.cells) else "",
                              location=r.cell_location(j) if j < len(r.cells) else moved(r.location, cell=j + 1))
                         for r in rows]
                if any(c.text.strip() for c in cells):
                    yield Row(cells=cells, location=moved(name_row.location, cell=j + 1))
        elif len(run) >= 2 and ("name" in fields or "target_raw" in fields) \
                and sum(len([t for t in r.texts[label_at + 1:] if t.strip()]) >= 2 for r in rows) >= 2:
            labels = "、".join(dict.fromkeys(_clean(r.texts[label_at])[0] for r in rows))
            builder.issue(f"the table looks transposed: its first column holds the headings ({labels}) and each "
                          "indicator a column; not read (turn it so that each indicator is a row under a header "
                          "row 一级指标 | 二级指标 | 三级指标 | 指标值)", rows[0].location,
                          zh=f"表格似乎是转置的：第一列是列名（{labels}），每个指标占一列，未读入；请把表格转置为每个指标"
                             "一行、表头为 一级指标 | 二级指标 | 三级指标 | 指标值 后再提交")
        else:
            yield from rows
        yield from tail
        run.clear()

    for item in items:
        if isinstance(item, Row):
            found = _field_row(item)
            if found is not None and run and run[-1][1] == found[0] and found[1] not in [f for _, _, f in run]:
                run.append((item, found[0], found[1]))
                continue
            if run:
                yield from flush()
            if found is not None and found[2]:
                run.append((item, found[0], found[1]))
                continue
        elif run:
            yield from flush()
        yield item
    if run:
        yield from flush()


def build_document(items: Iterable[Item], file: str | None = None,
                   indicator_read: Callable[[Document], None] | None = None) -> Document:
    builder = _Builder(file)
    builder.indicator_read = indicator_read
    for item in _turn_transposed(items, builder):
        if isinstance(item, Row):
            builder.on_row(item)
        elif isinstance(item, TextLine):
            builder.on_text(item)
        elif isinstance(item, TableStart):
            builder.indicator_table_broke = builder.mode == "indicators"
            if builder.mode in ("indicators", "plan", "budget", "goals", "list"):
                builder.mode = None
            table = item.location.table
            # A workbook's sheet (named), not a Word table (numbered): projects remember it.
            sheet = table if _is_sheet(table) else None
            if sheet != builder.sheet:
                builder.fold_trailer()  # rows under a sheet's last table are that table's
                builder.standing_unit = ""  # a unit note holds for its own sheet
            builder.sheet = sheet
            builder.on_sheet_notes(item)
            if item.caption:
                builder.on_text(TextLine(text=item.caption, location=item.location), caption=True)
    return builder.finish()
