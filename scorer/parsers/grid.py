"""Spreadsheet cells (row → column → text) as the items of one table, for the readers of
sheets (.xlsx, Excel 2003 XML): rows padded to the sheet's widest column, empty rows left
out, a row whose only filled cell is the first and reads like a heading a ``TextLine``;
and cell values as Excel shows them."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Context, Decimal

from openpyxl.utils import get_column_letter

from scorer.document import Location
from scorer.parsers.errors import ParseError
from scorer.parsers.interpret import looks_like_title
from scorer.parsers.stream import Cell, Item, Row, TableStart, TextLine
from scorer.parsers.tsv import is_heading_row

#: Sheets a template fills in for the reader, not the submission: 填表说明, 填报须知, 示例.
_INSTRUCTION_SHEET = re.compile(r"^(?:填表|填报|编制|申报|使用)?(?:说明|须知)|^(?:填表|填报)?(?:示例|样例|范例|样表)")


def is_instruction_sheet(title: str) -> bool:
    return bool(_INSTRUCTION_SHEET.match(title.strip()))


class CellBudget:
    """The cells a workbook's sheets may pad out to, together. Rows are padded to their
    sheet's width, so one value far right multiplies a sheet; a budget per sheet would let
    a small file of many such sheets cost minutes, so one budget covers the workbook."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self, rows: int, width: int, title: str, where: Location) -> None:
        self.left -= rows * width
        if self.left < 0:
            raise ParseError(f"sheet '{title}' spans {rows:,} rows by {width:,} columns, which brings the "
                             f"workbook over the limit of {self.limit:,} cells", where, expected="a 绩效目标表 sheet",
                             zh=f"工作表「{title}」有 {rows:,} 行 × {width:,} 列，使工作簿超过 {self.limit:,} 个单元格的上限")


class LeftOut:
    """Which filled cells of a sheet its reader leaves out, and what the interpreter is told
    of them (``TableStart.extra``). Hidden rows and columns are what the office struck out
    (or its working notes): the reviewer sees them neither on screen nor printed, so they are
    left out and named. Rows an active filter hides are a view of the sheet, not a deletion
    (an office filters to one project while it works): read, and named too."""

    def __init__(self, hidden_columns: set[int], filter_rows: set[int]):
        self.hidden_columns = hidden_columns
        #: the rows an active filter may hide (under its heading row).
        self.filter_rows = filter_rows
        self.rows: set[int] = set()
        self.columns: set[int] = set()
        self.filtered: set[int] = set()

    def keeps(self, r: int, c: int, row_hidden: bool) -> bool:
        """Whether the filled cell at (r, c) is read; ``row_hidden`` as the sheet says."""
        by_filter = row_hidden and r in self.filter_rows
        if (row_hidden and not by_filter) or c in self.hidden_columns:
            if row_hidden and not by_filter:
                self.rows.add(r)
            if c in self.hidden_columns:
                self.columns.add(c)
            return False
        if by_filter:
            self.filtered.add(r)
        return True

    def extra(self) -> dict:
        extra: dict = {}
        if self.rows or self.columns:
            extra = {"hidden_rows": sorted(self.rows), "hidden_columns": [get_column_letter(c) for c in sorted(self.columns)]}
        if self.filtered:
            extra["filtered_rows"] = sorted(self.filtered)
        return extra


def sheet_items(rows: dict[int, dict[int, str]], file: str | None, title: str, budget: CellBudget,
                extra: dict | None = None) -> Iterator[Item]:
    """A ``TableStart`` (the sheet name as caption when it reads like a table title), then
    the rows. ``rows`` holds only filled cells, 1-based; the sheet's padded size is taken
    from the workbook's ``budget`` (refused when it runs out). ``extra`` rides on the
    ``TableStart`` (the hidden rows and columns the reader left out)."""
    where = Location(file=file, table=title)
    width = max((max(cols) for cols in rows.values() if cols), default=0)
    budget.take(len(rows), width, title, where)
    yield TableStart(location=where, caption=title if looks_like_title(title) else "", extra=extra or {})
    for r in sorted(rows):
        at = Location(file=file, table=title, row=r)
        texts = [rows[r].get(c, "") for c in range(1, width + 1)]
        if is_heading_row(texts):
            yield TextLine(text=texts[0], location=at)
        else:
            # Built, not model_copy'd: copying is the slower way to a four-field model.
            yield Row(cells=[Cell(text=t, location=Location(file=file, table=title, row=r, cell=c))
                             for c, t in enumerate(texts, start=1)], location=at)


def format_value(value: object, number_format: str = "General") -> str:
    """A cell value as Excel displays it (for the formats 绩效目标表 use)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.time, dt.timedelta)) and (shown := format_time(value, number_format)):
        return shown
    if isinstance(value, (dt.datetime, dt.date)) and (shown := format_date(value, number_format)):
        return shown
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration under a format with no time codes
        return format_number(value.total_seconds() / 86400, number_format)
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    return str(value)


# Enough digits for any double written out in full (1.8e308) plus the format's decimals.
_WIDE = Context(prec=400)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DECIMALS = re.compile(r"0\.(0+)|0(?![.0])")
#: A number format's parts: text shown as written ("≥", "天", \元), codes that show
#: nothing ([Red], _x padding, *x fill), and the digit placeholders.
_FORMAT_PART = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|\[[^\]]*\]|_.|\*.|(?P<digits>[0#?][0#?,.]*)|(?P<other>.)',
                          re.DOTALL)
#: Date codes of a number format: the year, month and day as Excel shows them.
_DATE_PART = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|\[[^\]]*\]|(?P<code>y{4}|y{2}|m{1,2}|d{1,2})|(?P<other>.)',
                        re.DOTALL | re.IGNORECASE)


def _literals(section: str) -> tuple[str, str]:
    """The text a number format writes before and after the number: '"≥"0"天"' → ("≥", "天").
    Tables type the comparator and the unit into the format so that the cell stays a number."""
    before: list[str] = []
    after: list[str] = []
    seen_digits = False
    for m in _FORMAT_PART.finditer(re.sub("general", "0", section, flags=re.IGNORECASE).replace("@", "0")):
        if m.group("digits"):
            seen_digits = True
            continue
        text = m.group("quoted") if m.group("quoted") is not None else m.group("escaped") or m.group("other") or ""
        if text == "%" or (text and text in "0#?.,Ee+-" and not m.group("quoted")):
            continue  # the percent sign is written by format_number; signs belong to the number
        (after if seen_digits else before).append(text)
    return "".join(before), "".join(after)


#: Codes of a time format: elapsed [h] [mm] [ss], h, m/mm (minutes after h or before s), s,
#: the 12-hour marks, and the date codes a date-time format also has.
_TIME_PART = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|\[(?P<elapsed>h+|m+|s+)\]|\[[^\]]*\]'
                        r'|(?P<ampm>AM/PM|A/P|上午/下午)|(?P<code>y{4}|y{2}|m{1,5}|d{1,4}|h{1,2}|s{1,2})'
                        r'|(?P<fraction>\.0+)|(?P<other>.)', re.DOTALL | re.IGNORECASE)


def format_time(value: dt.datetime | dt.time | dt.timedelta, number_format: str) -> str:
    """A time or duration as a format with time codes shows it (Excel rounds to the second):
    0:15 under h:mm, 36:00 under [h]:mm, 8时30分 under h"时"mm"分", 下午6时00分, and a date with
    its time when the format spells them out in words (2025年6月30日 17时). Empty when the
    format has no time codes (a date, General) and for a date and time written with
    separators only, which is shown ISO like every other date."""
    section = (number_format or "").split(";")[0]
    parts = list(_TIME_PART.finditer(section))
    if not any(_time_code(m)[:1] in ("h", "s", "[") for m in parts):
        return ""
    if isinstance(value, dt.timedelta):
        day, seconds = None, value.total_seconds()
    elif isinstance(value, dt.datetime):
        midnight = dt.datetime.combine(value.date(), dt.time())
        day, seconds = value.date(), (value - midnight).total_seconds()
    else:
        day, seconds = None, value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    seconds = round(seconds)
    twelve = any(m.group("ampm") for m in parts)
    words = "".join(m.group("quoted") or m.group("escaped") or m.group("other") or "" for m in parts)
    if day is not None and day > dt.date(1900, 1, 1) and not re.search(r"[\u4e00-\u9fff]", words):
        return ""  # a date and time with separators: ISO, as every other date is shown
    return _time_text(parts, seconds, day, twelve)


def _time_code(m: re.Match[str]) -> str:
    """The code a part of a time format stands for, lower case ("h", "mm", "[h]"), else ""."""
    if m.group("elapsed"):
        return f"[{m.group('elapsed')[0].lower()}]"
    return (m.group("code") or "").lower()


def _time_text(parts: list[re.Match[str]], seconds: int, day: dt.date | None, twelve: bool) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    clock = hours % 24
    codes = [_time_code(m) for m in parts]
    out: list[str] = []
    for i, (m, code) in enumerate(zip(parts, codes)):
        if code.startswith("m"):
            # m is the minute after an hour or before a second, else the month
            before = next((c for c in reversed(codes[:i]) if c), "")
            after = next((c for c in codes[i + 1:] if c), "")
            if before in ("h", "hh", "[h]") or after.startswith(("s", "[s")):
                out.append(str(minutes).zfill(min(len(code), 2)))
                continue
        if code.startswith("["):
            number = {"h": hours, "m": seconds // 60, "s": seconds}[code[1]]
            out.append(str(number).zfill(len(m.group("elapsed"))))
        elif m.group("ampm"):
            marks = m.group("ampm").split("/")
            out.append(marks[0] if clock < 12 else marks[1])
        elif code.startswith("h"):
            out.append(str((clock % 12 or 12) if twelve else clock).zfill(len(code)))
        elif code.startswith("s"):
            out.append(str(secs).zfill(len(code)))
        elif code and day is not None:
            number = {"y": day.year, "m": day.month, "d": day.day}[code[0]]
            out.append(f"{day.year % 100:02d}" if code == "yy" else str(number).zfill(min(len(code), 2)))
        elif not code and not m.group("fraction"):
            out.append(m.group("quoted") or m.group("escaped") or m.group("other") or "")
        # (a date code with no date, a time's fraction of a second: nothing shown)
    return "".join(out).strip()


def format_date(value: dt.date, number_format: str) -> str:
    """A date as a format that spells it out in words shows it: 'yyyy"年"m"月"d"日前"' →
    2025年6月30日前 (the words can say more than the date: 前, 之前). Empty for other
    formats: a date written with separators only (yyyy/m/d) is shown as an ISO date."""
    parts = list(_DATE_PART.finditer((number_format or "").split(";")[0]))
    codes = {(m.group("code") or " ")[0].lower() for m in parts}
    words = "".join(m.group("quoted") or m.group("escaped") or m.group("other") or "" for m in parts)
    if not {"y", "m"} <= codes or not re.search(r"[\u4e00-\u9fff]", words) or re.search(r"[hs]", words, re.I):
        return ""
    out: list[str] = []
    for m in parts:
        code = (m.group("code") or "").lower()
        if not code:
            out.append(m.group("quoted") or m.group("escaped") or m.group("other") or "")
        elif code == "yy":
            out.append(f"{value.year % 100:02d}")
        else:
            number = {"y": value.year, "m": value.month, "d": value.day}[code[0]]
            out.append(str(number) if code[0] == "y" else str(number).zfill(len(code)))
    return "".join(out)


def format_number(value: float, number_format: str = "General") -> str:
    """Decimals, thousands separator and percent from the format's first section; other
    formats (General, text, scientific) print the number without float noise."""
    if not math.isfinite(value):
        return str(value)  # not storable by Excel, but a hostile file can hold it
    section = _QUOTED.sub("", (number_format or "General").split(";")[0])
    percent = "%" in section
    scaled = value * 100 if percent else value
    if not math.isfinite(scaled):
        return str(value)  # a percent format on a number near the float limit overflows
    # Excel computes with 15 significant digits: 0.955 shows as 95.5%, not 95.49999…%.
    shown = Decimal(f"{scaled:.15g}")
    decimals = _DECIMALS.search(section)
    if decimals is None or "E" in section.upper():
        text = f"{shown.normalize():f}" if shown != shown.to_integral_value() else str(int(shown))
    else:
        # Excel rounds half away from zero (2.5 → 3), Python's format half to even.
        places = Decimal(1).scaleb(-len(decimals.group(1) or ""))
        rounded = shown.quantize(places, rounding=ROUND_HALF_UP, context=_WIDE)
        text = f"{rounded:,f}" if "#,#" in section else f"{rounded:f}"
    before, after = _literals((number_format or "General").split(";")[0])
    return before + text + ("%" if percent else "") + after
