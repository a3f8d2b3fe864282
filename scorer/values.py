"""The value normaliser: a 指标值 as written → a typed :class:`~scorer.document.Target`.

Handles full-width forms; symbolic and worded comparators (≥, ﹦, =>, 不低于, 以上, 以内,
控制在…) with inclusive notes (（含）, （不含）); numbers with units, magnitudes (1.2万人次)
and compound units (元/亩, 万元/人/年, 次/季度, 台(套)); Chinese numerals (三个, 一百万元,
百分之九十五); approximate counts (100余人); ranges (80%-90%, 1万-2万元, ≥80%且≤90%);
changes against a baseline (较上年增长5%: the number is the change, the words stay in
``text``); deadlines (2020年12月底前, 12月31日前, 2024年底前, 年底前, 当年, 上半年, 三月底前,
2024-06, and periods such as 2024年1月-12月, whose end is the deadline); and qualitative
values, which are kept as text with ``kind = qualitative``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.document import Target, TargetKind
from scorer.text import fold_width

# Longest first, so 人次 wins over 人 and 个工作日 over 日. A unit per something (元/亩,
# 次/年) is built from these by _unit(), so only units that are one thing are listed.
UNITS: tuple[str, ...] = tuple(
    sorted(
        """% ‰ 百分比 万元 亿元 千元 元 万人次 人次 万人 人 名 户 家 个 项 次 场 期 座 处 台 套 辆 件 批次 批
        份 篇 册 本 部 条 株 棵 亩 公顷 平方米 平方公里 平方千米 立方米 万吨 吨 公斤 千克 公里 千米 km 米 厘米 毫米 分米 cm mm
        延米 延长米 床位 ㎡ m² m³ km² 个工作日 工作日 天 日 小时 分钟 周 个月 月 年 学时 课时 分 所 间 张 幅 种 类 门 支 只 头 床
        个百分点 百分点 倍 级 A级 A 星级 起 宗 例 户次 车次 班次 架次 台次 趟 TB GB PB MB 千瓦时 千瓦 兆瓦 kWh kW
        h min 微克/立方米 毫克/立方米 毫克/升 mg/L μg/m3 μg/m³ mg/m3 mg/m³ 分贝 dB dpi DPI ppi Mbps Gbps
        /10万 /10万人 /万 /万人 /千 /千人 /百万 /1000 /100000""".split(),
        key=len,
        reverse=True,
    )
)
#: How a unit is written → how it is stored: the 度量单位 column's 百分比 is a percent.
_UNIT_SPELLINGS = {"百分比": "%"}


def base_unit(unit: str) -> str:
    """The unit a compound one counts in: 元/亩 → 元, 万元/人/年 → 万元, 天/件 → 天,
    台(套) → 台. A rate per population (/10万) and a concentration (mg/L) are units of
    their own."""
    if unit in UNITS:
        return unit
    return re.split(r"[/(]", unit, maxsplit=1)[0] or unit


class UnitFamily(frozenset[str]):
    """A set of units that also holds their compounds, by the unit before the slash:
    元/亩 and 万元/人/年 are money as 元 and 万元 are, 天/件 is a time as 天 is; 次/年 is
    a count (a frequency), not a time."""

    def __contains__(self, unit: object) -> bool:
        if not isinstance(unit, str):
            return False
        return frozenset.__contains__(self, unit) or frozenset.__contains__(self, base_unit(unit))


TIME_UNITS = UnitFamily({"个工作日", "工作日", "天", "日", "小时", "分钟", "周", "个月", "月", "年", "小时/周",
                         "h", "min"})
MONEY_UNITS = UnitFamily({"万元", "亿元", "千元", "元", "元/人", "元/年"})

# (pattern, comparator). Prefix forms come before the number, suffix forms after it.
# 达 and 为 are comparators only before a number: 达标 and 为民服务 are words.
_BEFORE_NUMBER = r"(?=[-+.\d])"
_PREFIX_COMPARATORS: tuple[tuple[str, str], ...] = (
    (r">=|=>|≥|≧|⩾|≮|大于等于|大于或等于|不低于|不少于|不小于|不得低于|不得少于|至少|达到|"
     rf"达{_BEFORE_NUMBER}|高于等于", ">="),
    (r"<=|=<|≤|≦|⩽|≯|小于等于|小于或等于|不高于|不超过|不多于|不大于|不得高于|不得超过|最多|控制在|低于等于", "<="),
    (r">|＞|大于|超过|高于|多于", ">"),
    (r"<|＜|小于|低于|少于", "<"),
    (rf"=|＝|﹦|═|等于|为{_BEFORE_NUMBER}", "="),
    (r"约|大约|左右", "~"),
)
_SUFFIX_COMPARATORS: tuple[tuple[str, str], ...] = (
    (r"以上|及以上|或以上", ">="),
    (r"以内|以下|及以下|之内|内", "<="),
    (r"左右", "~"),
    # "95%≥": the sign written after the number, at the end of the cell (a sign that
    # starts a second bound, "≥80%且≤90%", follows a joiner and is read as one).
    (r"(?:≥|>=|=>)$", ">="),
    (r"(?:≤|<=|=<)$", "<="),
)
_PREFIX_RE = re.compile(
    "^(?:" + "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_PREFIX_COMPARATORS)) + ")"
)
_SUFFIX_RE = re.compile(
    "^(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SUFFIX_COMPARATORS)) + ")"
)
#: "（含）", "（含90%）", "（含本数）" say the bound is inclusive, as ≥ already says;
#: "（不含）" makes it strict. Only a note about the bound itself: （不含市本级） or
#: （包括市县两级） says what is counted, not whether the bound is, and stays in ``text``.
_INCLUSIVE_NOTE_RE = re.compile(r"^\((?P<not>不)?(?:含|包含|包括)(?:本数|本值|端点|[≥≤<>=]?[-+]?\d+(?:\.\d+)?%?)?\)")
_STRICT = {">=": ">", "<=": "<"}
_NUMBER = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_RANGE_SEP = r"(?:-+|~|至|到|—+|–)"
_RANGE_SEP_RE = re.compile(_RANGE_SEP)
#: A range; the first bound may repeat the unit or its magnitude (80%-90%, 1万-2万元, 3个-5个),
#: which _take_number() checks against the unit after the second bound.
_RANGE_RE = re.compile(rf"^(?P<a>{_NUMBER})(?P<ua>[^\d\-~至到—–]{{0,4}}?){_RANGE_SEP}(?P<b>{_NUMBER})")
_MAGNITUDES = ("千万", "百万", "万", "亿")
_MAGNITUDE = "(?:千万|百万|万|亿)"


def _unit_alternation(units: tuple[str, ...]) -> str:
    # An ASCII unit must not be the start of a longer word: 24h, but not "hours".
    return "|".join(re.escape(u) + ("(?![A-Za-z])" if u[-1].isascii() and u[-1].isalpha() else "")
                    for u in units)


# A magnitude may precede any unit: 2.1亿人次, 5万亩, 3万户 (万元, 万人次 … are listed too).
_UNIT_RE = re.compile(f"^{_MAGNITUDE}?(?:{_unit_alternation(UNITS)})")
#: What a unit may be per, after a slash: another unit or one of these (元/生/年, 次/季度).
_PER_WORDS = tuple(sorted(
    {u for u in UNITS if u[0] not in "/%‰" and "/" not in u} | set("季度 季 学期 生 校 村 班 单 车 度 百公里".split()),
    key=len, reverse=True))
#: The part of a compound unit after the first one: /亩, /人/年, /100km, /人·月, (套).
_PER_PART_RE = re.compile(
    rf"^(?:/(?:\d+(?:\.\d+)?)?{_MAGNITUDE}?(?:{_unit_alternation(_PER_WORDS)}))+"
    r"(?:[·*×.](?:人次|人|月|天|日|年|次|公里|km|小时)(?![\u4e00-\u9fff]))?"
    r"|^\((?:台|套|个|件|次|人|名|处|座|项|辆|株|棵|只|头|户|家|所|间|张)\)"
)
#: 100余人, 3万余人, 300多户: a little more than the number.
_APPROXIMATE_RE = re.compile(rf"^(?P<mag>{_MAGNITUDE})?(?:余|多)")
# "每亩" / "每人" before the number: what the amount is per (每亩300元, 每人每月不低于500元).
# (每 itself is left out of what follows it: a run of 每 then splits one way only, so the
# match stays linear in the cell's length instead of trying every split.)
_PER_PREFIX_RE = re.compile(r"^(?:每[\u4e00-\u6bce\u6bd0-\u9fff]{1,3}?)+(?=[-+]?\d|大于|小于|不[低少高多超]于|[≥≤><=])")
# Service hours written as days × hours ("7×24小时", "5×8小时"): hours per week.
_SERVICE_HOURS_RE = re.compile(r"^(?P<days>[1-7])\s*[×xX*＊]\s*(?P<hours>\d{1,2})\s*(?:小时|h)")
#: A second, upper bound after a lower one: "≥80%且≤90%", "≥90%,≤100%".
_BOUND_JOINER_RE = re.compile(r"^(?:且|并且|,|、|;)")
#: What may follow a range: "90%-100%之间".
_RANGE_TAIL_RE = re.compile(r"^(?:之间|范围内|区间内?)")
#: A change against a baseline before its number: 较上年增长, 同比下降, 比2023年提高.
_CHANGE_RE = re.compile(
    r"^(?:(?:较|比|与|相比|对比)?(?:上年|去年|上一?年度?|前一?年|基期|基准年|上期|同期|往年|(?:19|20)\d{2}年)"
    r"(?:同期)?(?:相比)?)?(?:同比|环比)?(?:年均|平均|每年)?"
    r"(?:增长|增加|增幅|提高|提升|上升|下降|降低|减少|减轻|压减|压缩|节约|降幅)(?:了|幅度)?"
)

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER_RE = re.compile(r"^(?P<n>[零一二两三四五六七八九十百千]{1,7})")
_CN_NUMERAL = "[零一二两三四五六七八九十百千]+"
#: 零事故, 零投诉: none of it. Not 零星, 零散, 零售, 零件 …, which are words.
_ZERO_OF_RE = re.compile(r"^零(?=[\u4e00-\u9fff])(?![星散售件部工钱食用碎距门])")
#: What may follow a value written in Chinese numerals (三个，…): anything else makes
#: them part of a phrase (一次性, 一户一档, 十分满意).
_AFTER_CN_VALUE_RE = re.compile(r"^(?:$|[,;。(])")
#: 百分之九十五, 千分之五, 百分百: percent and per-mille in words.
_FRACTION_WORDS_RE = re.compile(rf"(?P<k>[百千])分之(?P<n>{_NUMBER}|{_CN_NUMERAL})")

# Deadlines. Year optional; 底/末 = the last day of that month.
_DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:(?P<m>1[0-2]|0?[1-9])\s*月\s*(?:(?P<d>[0-3]?\d)\s*[日号]|(?P<end>底|末|份|中旬|上旬|下旬))?)"
)
_YEAR_END_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年?\s*)?年(?:底|末|度内|内)|年终|当年|本年度|年度内|年内")
#: A budget year on its own ("2024年", "2024年度", "2024年全年内"): by its end.
_YEAR_ONLY_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?:度)?(?:全年)?(?:以内|之内|内)?(?:前|之前|以前)?(?:完成)?$")
_DEADLINE_MARKERS = re.compile(r"前|之前|以前|底前|内完成|完成|截止|截至")
#: 第四季度, 2025年三季度末: the end of that quarter; not 每季度 (a frequency).
_QUARTER_RE = re.compile(r"(?<![每各])(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?第?(?P<q>[一二三四1-4])季度(?:末|底|前|内)?")
#: 上半年 (by 30 June), 2024年下半年 (by the year's end); not 每半年.
_HALF_YEAR_RE = re.compile(r"(?<![每各])(?:(?P<y>(?:19|20)\d{2})\s*年\s*度?)?(?P<h>[上下])半年度?(?:末|底|前|内)?")
#: Quarter numbers as tables write them (第三季度, 3季度).
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
#: A date written with numbers (2024.12.31, 2024-06, 2024/6/30). Year and month alone are
#: a date with - or /, or before 前/底/末 or in a period; "2025.12" alone stays a number.
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<sep>[.\-/])(?P<m>1[0-2]|0?[1-9])(?:(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9]))?"
    # not a rate per population (≤2000/10万) or a count (2020/10人)
    r"(?![\d.万千百亿人户个次元])")
_AFTER_YEAR_MONTH_RE = re.compile(rf"^(?:前|之前|以前|底|末|{_RANGE_SEP}(?:19|20)\d{{2}})")
#: The first month of a month range ("1-12月", "2024年1至12月") gets its 月 back.
_MONTH_RANGE_RE = re.compile(rf"(?<![\d.])(?P<m>1[0-2]|0?[1-9]){_RANGE_SEP}(?=(?:1[0-2]|0?[1-9])月)")
#: Months and days in Chinese numerals (三月底前, 十二月三十一日).
_CN_MONTH_RE = re.compile(r"(?<![\d个每上下本当])(?P<m>十[一二]?|[一二三四五六七八九])月(?=[底末份前中上下]|\d|(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]|$)")
_CN_DAY_RE = re.compile(r"(?<=月)(?P<d>[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=[日号])")
#: A time of day, once or every day (每日16时前, 当日17:00前, 次日12点前, 每天上午10时前): when
#: in the day something is due, not a number of anything. (A span of hours, 22-6时, is not
#: one: the hour is not followed by a deadline word or a clock's minutes.)
_CLOCK_TIME_RE = re.compile(
    r"^(?:每日|每天|每个?工作日|当日|当天|次日|隔日|工作日)?(?:上午|下午|晚上|凌晨)?"
    r"(?:(?:[01]?\d|2[0-4])[:：][0-5]\d|(?:[01]?\d|2[0-4])(?:时|点)(?:[0-5]?\d分|半|整)?)"
    r"(?:前|之前|以前|截止|止)"
    r"(?:完成|发布|报送|上报|推送|上传|办结|送达|公布|更新)?[。.]?$"
    r"|^(?:每日|每天|每个?工作日|当日|当天|次日)(?:上午|下午|晚上|凌晨)?"
    r"(?:(?:[01]?\d|2[0-4])[:：][0-5]\d|(?:[01]?\d|2[0-4])(?:时|点)(?:[0-5]?\d分|半|整)?)"
    r"(?:发布|报送|上报|推送|上传|公布|更新)?[。.]?$"
)
#: Hours and minutes as Excel and WPS show a time cell (0:15, 36:00, 8:05): two-digit
#: minutes that no ratio has, a zero on either side (0:15 and 36:00 divide nothing) or a
#: leading zero (8:05). 1:10 and 1:30 (师生比) stay ratios.
#: Under h:mm:ss ([h]:mm:ss) a time shows its seconds too (0:30:00), which no ratio has.
_CLOCK_AMOUNT_RE = re.compile(r"^(?P<h>\d{1,3})[:：](?P<m>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?$")
#: A ratio ("1:1", "1：0.5"): a number whose unit is the ratio itself.
_RATIO_RE = re.compile(rf"^(?P<a>{_NUMBER})[:：](?P<b>{_NUMBER})$")
#: Cells that hold no value: dashes, slashes, stars, "不适用".
_EMPTY_RE = re.compile(r"[-—–―/\\*·.…_~]*|无|不适用|无此项|暂无|N/?A|null|none", re.IGNORECASE)
_MONTH_DAYS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def cn_number(text: str) -> int | None:
    """一, 十二, 二十, 一百零五, 两千五百 → int; None when the characters are not one number."""
    if not text:
        return None
    total, digit, last_power = 0, None, 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit:  # two digits in a row ("一二") is a list, not a number; 零 may lead one
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_POWERS:
            power = _CN_POWERS[ch]
            if power >= last_power:
                return None
            total += (1 if digit is None else digit) * power
            digit, last_power = None, power
        else:
            return None
    return total + (digit or 0)


def _written_date(m: re.Match[str]) -> str:
    day = f"{int(m.group('d'))}日" if m.group("d") else ""
    return f"{m.group('y')}年{int(m.group('m'))}月{day}"


def _numeric_dates(text: str) -> str:
    """2024.12.31, 2024-06 and 2024.1-2024.12 written out (2024年12月31日 …), so that one
    date pattern reads them; a bare 2025.12 or 2025.5万元 is left as a number."""
    def date(m: re.Match[str]) -> str:
        dated = (m.group("d") or m.group("sep") != "." or _AFTER_YEAR_MONTH_RE.match(text[m.end():])
                 or _RANGE_SEP_RE.fullmatch(text[max(0, m.start() - 1):m.start()]))
        return _written_date(m) if dated else m.group(0)
    return _NUMERIC_DATE_RE.sub(date, text)


def _normalise(raw: str) -> str:
    """The value without spaces, in half-width, with numbers written in words and dates
    written with dots or dashes put the way the patterns read them."""
    text = re.sub(r"\s+", "", fold_width(raw)).replace("％", "%")
    if "分" in text:
        text = text.replace("百分百", "100%")
        text = _FRACTION_WORDS_RE.sub(
            lambda m: f"{_number_text(m.group('n'))}{'%' if m.group('k') == '百' else '‰'}", text)
    if "月" in text:
        text = _CN_MONTH_RE.sub(lambda m: f"{cn_number(m.group('m'))}月", text)
        text = _CN_DAY_RE.sub(lambda m: str(cn_number(m.group("d"))), text)
        text = _MONTH_RANGE_RE.sub(lambda m: f"{m.group('m')}月-", text)
    return _numeric_dates(text)


def _number_text(text: str) -> str:
    value = cn_number(text)
    return text if value is None else str(value)


def _take_prefix(text: str) -> tuple[str | None, str]:
    m = _PREFIX_RE.match(text)
    if not m:
        return None, text
    for i, (_, comp) in enumerate(_PREFIX_COMPARATORS):
        if m.group(f"p{i}"):
            return comp, text[m.end():].lstrip()
    return None, text  # pragma: no cover - one group always matched


def _take_suffix(text: str) -> tuple[str | None, str]:
    m = _SUFFIX_RE.match(text)
    if not m:
        return None, text
    for i, (_, comp) in enumerate(_SUFFIX_COMPARATORS):
        if m.group(f"s{i}"):
            return comp, text[m.end():].lstrip()
    return None, text  # pragma: no cover


def _take_suffixes(text: str, comparator: str | None) -> tuple[str | None, str]:
    """以上 / 以内 / 左右 after the value, and an inclusive note before or after them
    ("95%（含）以上", "90%以上（含90%）"); the note is consumed, "（不含）" makes it strict."""
    strict = False
    for _ in range(2):
        note = _INCLUSIVE_NOTE_RE.match(text)
        if note:
            strict = strict or bool(note.group("not"))
            text = text[note.end():]
        suffix, text = _take_suffix(text)
        if suffix and comparator in (None, "="):
            comparator = suffix
    if strict and comparator in _STRICT:
        comparator = _STRICT[comparator]
    return comparator, text


def _unit(text: str) -> tuple[str | None, str]:
    """The unit at the start of ``text`` with what it is per (元/亩, 次/年, 元/人·月, 台(套))
    and the text after it. A percent per year stays a percent: the /年 is left as text."""
    m = _UNIT_RE.match(text)
    if not m:
        return None, text
    unit, rest = m.group(0), text[m.end():]
    if unit not in ("%", "‰"):
        while per := _PER_PART_RE.match(rest):
            unit, rest = unit + re.sub(r"[*×.](?=\D)", "·", per.group(0)), rest[per.end():]
    return _UNIT_SPELLINGS.get(unit, unit), rest


def _range_unit_agrees(first: str, unit: str | None) -> bool:
    """Whether what follows a range's first bound is the range's unit, or its magnitude:
    "80%-90%", "1万-2万元", "3个-5个", but not "2024年1-…"."""
    return not first or first == unit or (unit is not None and first in _MAGNITUDES and unit.startswith(first))


def _take_number(rest: str) -> tuple[float, float | None, bool, str] | None:
    """The number (or range) at the start: (value, upper bound, written in Chinese, rest)."""
    m = _RANGE_RE.match(rest)
    if m and _range_unit_agrees(m.group("ua"), _unit(rest[m.end():])[0]):
        return float(m.group("a").replace(",", "")), float(m.group("b").replace(",", "")), False, rest[m.end():]
    m = _NUMBER_RE.match(rest)
    if m:
        return float(m.group(0).replace(",", "")), None, False, rest[m.end():]
    if _ZERO_OF_RE.match(rest):
        return 0.0, None, False, rest[1:]
    cm = _CN_NUMBER_RE.match(rest)
    number = cn_number(cm.group("n")) if cm else None
    if cm is None or number is None:
        return None
    return float(number), None, True, rest[cm.end():]


def _take_upper_bound(rest: str, comparator: str | None, unit: str | None) -> tuple[float | None, str]:
    """The upper bound written after a lower one ("≥80%且≤90%"), or None."""
    joiner = _BOUND_JOINER_RE.match(rest)
    upper, tail = _take_prefix(rest[joiner.end():] if joiner else rest)
    if comparator not in (">=", ">") or upper not in ("<=", "<"):
        return None, rest
    m = _NUMBER_RE.match(tail)
    if not m:
        return None, rest
    after = tail[m.end():]
    if after not in ("", unit or ""):
        return None, rest
    return float(m.group(0).replace(",", "")), ""


def parse_deadline(text: str) -> str | None:
    """The deadline a value states, normalised: ``2020-12-31``, ``12-31`` (no year),
    ``year-end`` (年底前 / 当年), or None. A period ("2024年1月-12月") is due at its end."""
    text = fold_width(text)
    dates = list(_DATE_RE.finditer(text))
    if dates:
        m, year = dates[0], dates[0].group("y")
        if len(dates) > 1 and _RANGE_SEP_RE.fullmatch(text[dates[0].end():dates[1].start()]):
            m, year = dates[1], dates[1].group("y") or year
        month = int(m.group("m"))
        if m.group("d"):
            day = int(m.group("d"))
        elif m.group("end") in ("中旬",):
            day = 20
        elif m.group("end") in ("上旬",):
            day = 10
        else:
            day = _MONTH_DAYS[month]
        if not 1 <= day <= 31:
            return None
        return _month_day(year, month, day)
    m = _YEAR_END_RE.search(text) or _YEAR_ONLY_RE.match(text)
    if m:
        return f"{m.group('y')}-12-31" if m.group("y") else "year-end"
    m = _QUARTER_RE.search(text)
    if m:
        month = 3 * QUARTERS[m.group("q")]
        return _month_day(m.group("y"), month, _MONTH_DAYS[month])
    m = _HALF_YEAR_RE.search(text)
    if m:
        month = 6 if m.group("h") == "上" else 12
        return _month_day(m.group("y"), month, _MONTH_DAYS[month])
    return None


def _month_day(year: str | None, month: int, day: int) -> str:
    return f"{year}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def _looks_like_deadline(text: str) -> bool:
    """True when the value's first number belongs to a date ("2020年12月底前", "2024年底前"),
    or it has a year-end, quarter or half-year phrase and no number at all ("年底前");
    "≥95%，年底前" is a number with a deadline."""
    first_digit = re.search(r"\d", text)
    date = _DATE_RE.search(text) if re.search(r"\d\s*月", text) else None
    if date:
        return first_digit is None or date.start() <= first_digit.start()
    for pattern in (_QUARTER_RE, _HALF_YEAR_RE, _YEAR_END_RE):
        m = pattern.search(text)
        if m:
            return first_digit is None or m.start() <= first_digit.start() <= m.end()
    return bool(_YEAR_ONLY_RE.match(text))


def _deadline_target(raw: str, text: str) -> Target | None:
    deadline = parse_deadline(text)
    # "2020年12月底前" is a deadline; "3个月内完成" is a duration and handled below.
    if not deadline or re.match(rf"^(?:[^\d]*){_NUMBER}\s*(?:个月|天|日|个工作日|工作日|小时)", text):
        return None
    remainder = _DATE_RE.sub("", text)
    for pattern in (_YEAR_END_RE, _QUARTER_RE, _HALF_YEAR_RE, _YEAR_ONLY_RE):
        remainder = pattern.sub("", remainder)
    remainder = _DEADLINE_MARKERS.sub("", remainder).strip("，,。.;； ")
    remainder = _RANGE_SEP_RE.sub("", remainder) if _RANGE_SEP_RE.fullmatch(remainder) else remainder
    return Target(kind=TargetKind.deadline, raw=raw, deadline=deadline, comparator="<=", text=remainder or None)


@lru_cache(maxsize=65536)
def parse_target(raw: str) -> Target:
    """Parse one 指标值. Never raises: what cannot be read is kept as qualitative text."""
    raw = raw or ""
    text = _normalise(raw)
    if _EMPTY_RE.fullmatch(text):
        return Target(kind=TargetKind.empty, raw=raw)
    if _CLOCK_TIME_RE.match(text):
        # "每日16时前": a time of day (a schedule), not 16 of something without a unit
        return Target(kind=TargetKind.qualitative, raw=raw, text=text)
    comparator, rest = _take_prefix(text)
    clock = _clock_amount(raw, text, comparator, rest)
    if clock:
        return clock
    ratio = _RATIO_RE.match(rest)
    if ratio:  # (≥1:1: a comparator before it)
        return Target(kind=TargetKind.numeric, raw=raw, comparator=comparator or "=", comparator_implied=comparator is None,
                      value=float(ratio.group("a")), unit="比")
    if _looks_like_deadline(text):
        deadline = _deadline_target(raw, text)
        if deadline:
            return deadline
    return _numeric(raw, text) or _qualitative(raw, text)


def _clock_amount(raw: str, text: str, comparator: str | None, rest: str) -> Target | None:
    """A time cell's h:mm (``rest``, after the ``comparator`` of ``text``): with a comparator
    (≤0:30) or past a day's hours (36:00) it is a duration, read in minutes; bare and within
    the day (17:00, 0:15) it is when in the day something is due, a time of day kept as text
    (as 每日16时前 is)."""
    m = _CLOCK_AMOUNT_RE.match(rest)
    # (a zero leading either side, 0:15, 8:05, 36:00, or seconds: what no ratio has)
    if not m or not (m.group("s") or m.group("h").startswith("0") or m.group("m").startswith("0")):
        return None
    hours, minutes, seconds = int(m.group("h")), int(m.group("m")), int(m.group("s") or 0)
    if comparator is None and hours <= 24:
        return Target(kind=TargetKind.qualitative, raw=raw, text=text)
    return Target(kind=TargetKind.numeric, raw=raw, comparator=comparator or "=", comparator_implied=comparator is None,
                  value=round(hours * 60 + minutes + seconds / 60, 6), unit="分钟")


def _numeric(raw: str, text: str) -> Target | None:
    """A number with what is written around it, or None when the value does not start
    with one."""
    comparator, rest = _take_prefix(text)
    change = _CHANGE_RE.match(rest)
    if change and change.end() and (_PREFIX_RE.match(rest[change.end():]) or _NUMBER_RE.match(rest[change.end():])):
        # "较上年增长不低于5%": the number is the change; its words stay in text.
        rest = rest[change.end():]
        if comparator is None:
            comparator, rest = _take_prefix(rest)
    else:
        change = None
    per = _PER_PREFIX_RE.match(rest)
    if per:
        # "每亩300元", "每人不低于500元": the amount per unit; the unit it is per stays in raw.
        rest = rest[per.end():]
        if comparator is None:
            comparator, rest = _take_prefix(rest)
    hours = _SERVICE_HOURS_RE.match(rest)
    if hours:
        return Target(kind=TargetKind.numeric, raw=raw, comparator=comparator or "=",
                      comparator_implied=comparator is None,
                      value=float(int(hours.group("days")) * int(hours.group("hours"))), unit="小时/周",
                      text=rest[hours.end():].strip("，,。.;；、 ") or None)
    number = _take_number(rest)
    if number is None:
        return None
    value, value_max, in_words, rest = number
    approximate = _APPROXIMATE_RE.match(rest) if value_max is None else None
    if approximate:
        rest = (approximate.group("mag") or "") + rest[approximate.end():]
        comparator = comparator or ">"
    unit, rest = _unit(rest)
    comparator, rest = _take_suffixes(rest, comparator)
    if value_max is None:
        value_max, rest = _take_upper_bound(rest, comparator, unit)
    elif comparator is None:
        comparator = "="
    if value_max is not None:
        rest = _RANGE_TAIL_RE.sub("", rest)
    if rest in ("完成", "内完成", "以内完成"):
        rest = ""
    if in_words and (unit is None or not _AFTER_CN_VALUE_RE.match(rest)):
        return None  # 一流, 一次性, 十分满意: the numeral is part of a word
    rest = rest.strip("，,。.;；、 ")
    if change:
        rest = change.group(0) + rest
    # A deadline like "当年" or "年底前" after a number ("100%，年底前") is kept too.
    return Target(
        kind=TargetKind.numeric,
        raw=raw,
        comparator=comparator or "=",
        comparator_implied=comparator is None,
        value=value,
        value_max=value_max,
        unit=unit,
        deadline=parse_deadline(rest) if rest else None,
        text=rest or None,
    )


def _qualitative(raw: str, text: str) -> Target:
    """Words only. A worded comparator is still recorded ("不低于上年", "良好及以上")."""
    comparator, _ = _take_prefix(text)
    if comparator is None:
        tail = re.search(r"(?:以上|以下)$", text)
        comparator = (">=" if tail.group(0) == "以上" else "<=") if tail else None
    return Target(kind=TargetKind.qualitative, raw=raw, comparator=comparator, text=text,
                  deadline=parse_deadline(text))


def is_change(target: Target) -> bool:
    """Whether a number states a change against a baseline ("较上年增长5%", "同比下降10%"):
    its value is an increment, not a level, so a share or threshold check does not apply."""
    return target.kind == TargetKind.numeric and bool(target.text) and bool(_CHANGE_RE.match(target.text or ""))


def parse_amount(raw: str) -> float | None:
    """A money or percent cell ("4621.00", "1,052.5", "100%") → float, else None."""
    text = re.sub(r"\s+", "", fold_width(raw or "")).rstrip("%万元")
    m = re.fullmatch(_NUMBER, text)
    return float(m.group(0).replace(",", "")) if m else None
