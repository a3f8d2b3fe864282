"""The value normaliser: a 指标值 as written → a typed :class:`~scorer.document.Target`.

Handles full-width forms, symbolic and worded comparators (≥, 不低于, 以上, 以内, 控制在…),
numbers with units, ranges, deadlines (2020年12月底前, 12月31日前, 年底前, 当年) and
qualitative values, which are kept as text with ``kind = qualitative``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.document import Target, TargetKind
from scorer.text import fold_width

# Longest first, so 人次 wins over 人 and 个工作日 over 日.
UNITS: tuple[str, ...] = tuple(
    sorted(
        """% ‰ 万元 亿元 千元 元 元/人 元/年 万人次 人次 万人 人 名 户 家 个 项 次 场 期 座 处 台 套 辆 件 批
        份 篇 册 本 部 条 株 棵 亩 公顷 平方米 平方公里 立方米 万吨 吨 公斤 千克 公里 千米 km 米 个工作日 工作日 天 日
        小时 分钟 周 个月 月 年 学时 课时 分 所 间 张 幅 种 类 门 支 只 头 床 个百分点 百分点 倍
        起 宗 例 户次 车次 班次 架次 趟 TB GB PB MB 千瓦时 千瓦 兆瓦 kWh kW
        微克/立方米 毫克/立方米 毫克/升 mg/L μg/m3 μg/m³ mg/m3 mg/m³ 分贝 dB
        /10万 /10万人 /万 /万人 /千 /千人 /百万 /1000 /100000""".split(),
        key=len,
        reverse=True,
    )
)
TIME_UNITS = frozenset({"个工作日", "工作日", "天", "日", "小时", "分钟", "周", "个月", "月", "年", "小时/周"})
MONEY_UNITS = frozenset({"万元", "亿元", "千元", "元", "元/人", "元/年"})

# (pattern, comparator). Prefix forms come before the number, suffix forms after it.
_PREFIX_COMPARATORS: tuple[tuple[str, str], ...] = (
    (r">=|≥|≧|大于等于|大于或等于|不低于|不少于|不小于|不得低于|不得少于|至少|达到|达|高于等于", ">="),
    (r"<=|≤|≦|小于等于|小于或等于|不高于|不超过|不多于|不大于|不得高于|不得超过|最多|控制在|低于等于", "<="),
    (r">|＞|大于|超过|高于|多于", ">"),
    (r"<|＜|小于|低于|少于", "<"),
    (r"=|＝|等于|为", "="),
    (r"约|大约|左右", "~"),
)
_SUFFIX_COMPARATORS: tuple[tuple[str, str], ...] = (
    (r"以上|及以上|或以上|以上\(含\)|\(含\)以上", ">="),
    (r"以内|以下|及以下|之内|内", "<="),
    (r"左右", "~"),
)
_PREFIX_RE = re.compile(
    "^(?:" + "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_PREFIX_COMPARATORS)) + ")"
)
_SUFFIX_RE = re.compile(
    "^(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SUFFIX_COMPARATORS)) + ")"
)
_NUMBER = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_RANGE_RE = re.compile(rf"^(?P<a>{_NUMBER})\s*%?\s*(?:-|~|至|到|—|–)\s*(?P<b>{_NUMBER})")
# A magnitude may precede any unit: 2.1亿人次, 5万亩, 3万户 (万元, 万人次 … are listed too).
_UNIT_RE = re.compile("^(?:千万|百万|万|亿)?(?:" + "|".join(re.escape(u) for u in UNITS) + ")")
# "每亩" / "每人" before the number: what the amount is per (每亩300元, 每人每月不低于500元).
_PER_PREFIX_RE = re.compile(r"^(?:每[\u4e00-\u9fff]{1,3}?)+(?=[-+]?\d|大于|小于|不[低少高多超]于|[≥≤><=])")
# Service hours written as days × hours ("7×24小时", "5×8小时"): hours per week.
_SERVICE_HOURS_RE = re.compile(r"^(?P<days>[1-7])\s*[×xX*＊]\s*(?P<hours>\d{1,2})\s*(?:小时|h)")

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER_RE = re.compile(r"^(?P<n>[一二两三四五六七八九十]{1,3})(?=[^\d一二两三四五六七八九十]|$)")

# Deadlines. Year optional; 底/末 = the last day of that month.
_DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:(?P<m>1[0-2]|0?[1-9])\s*月\s*(?:(?P<d>[0-3]?\d)\s*[日号]|(?P<end>底|末|份|中旬|上旬|下旬))?)"
)
_YEAR_END_RE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*)?年(?:底|末|度内|内)|年终|当年|本年度|年度内|年内")
_DEADLINE_MARKERS = re.compile(r"前|之前|以前|底前|内完成|完成|截止|截至")
#: 第四季度, 2025年三季度末: the end of that quarter; not 每季度 (a frequency).
_QUARTER_RE = re.compile(r"(?<![每各])(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?第?(?P<q>[一二三四1-4])季度(?:末|底|前|内)?")
#: Quarter numbers as tables write them (第三季度, 3季度).
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
#: A date written with numbers at the start of a value, and a month-only one before 前/底/末.
_NUMERIC_DATE_RE = re.compile(
    r"^(?P<y>(?:19|20)\d{2})[.\-/](?P<m>1[0-2]|0?[1-9])(?:[.\-/](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)|(?=前|之前|以前|底|末))")
#: A ratio ("1:1", "1：0.5"): a number whose unit is the ratio itself.
_RATIO_RE = re.compile(rf"^(?P<a>{_NUMBER})[:：](?P<b>{_NUMBER})$")


def _written_date(m: re.Match[str]) -> str:
    day = f"{int(m.group('d'))}日" if m.group("d") else ""
    return f"{m.group('y')}年{int(m.group('m'))}月{day}"
_MONTH_DAYS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def cn_number(text: str) -> int | None:
    """一, 十二, 二十 → int; only the small numbers indicator values use."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


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


def parse_deadline(text: str) -> str | None:
    """The deadline a value states, normalised: ``2020-12-31``, ``12-31`` (no year),
    ``year-end`` (年底前 / 当年), or None."""
    text = fold_width(text)
    m = _DATE_RE.search(text)
    if m and m.group("m"):
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
        return f"{m.group('y')}-{month:02d}-{day:02d}" if m.group("y") else f"{month:02d}-{day:02d}"
    m = _YEAR_END_RE.search(text)
    if m:
        return f"{m.group('y')}-12-31" if m.group("y") else "year-end"
    m = _QUARTER_RE.search(text)
    if m:
        month = 3 * QUARTERS[m.group("q")]
        day = _MONTH_DAYS[month]
        return f"{m.group('y')}-{month:02d}-{day:02d}" if m.group("y") else f"{month:02d}-{day:02d}"
    return None


def _looks_like_deadline(text: str) -> bool:
    """True when the value's first number belongs to a date ("2020年12月底前"), or it has a
    year-end phrase and no number at all ("年底前"); "≥95%，年底前" is a number with a deadline."""
    first_digit = re.search(r"\d", text)
    date = _DATE_RE.search(text) if re.search(r"\d\s*月", text) else None
    if date:
        return first_digit is None or date.start() <= first_digit.start()
    quarter = _QUARTER_RE.search(text)
    if quarter:
        return first_digit is None or quarter.start() <= first_digit.start() <= quarter.end()
    return bool(_YEAR_END_RE.search(text)) and first_digit is None


@lru_cache(maxsize=65536)
def parse_target(raw: str) -> Target:
    """Parse one 指标值. Never raises: what cannot be read is kept as qualitative text."""
    raw = raw or ""
    text = re.sub(r"\s+", "", fold_width(raw)).replace("％", "%")
    if not text or text in {"-", "/", "无", "——", "—", "**", "*"}:
        return Target(kind=TargetKind.empty, raw=raw)
    # "2025.12.31前", "2025-12-31", "2025/6": a date written with numbers, read as written out.
    text = _NUMERIC_DATE_RE.sub(_written_date, text, count=1)
    ratio = _RATIO_RE.match(text)
    if ratio:
        return Target(kind=TargetKind.numeric, raw=raw, comparator="=", comparator_implied=True,
                      value=float(ratio.group("a")), unit="比")

    if _looks_like_deadline(text):
        deadline = parse_deadline(text)
        # "2020年12月底前" is a deadline; "3个月内完成" is a duration and handled below.
        if deadline and not re.match(rf"^(?:[^\d]*){_NUMBER}\s*(?:个月|天|日|个工作日|工作日|小时)", text):
            remainder = _DATE_RE.sub("", text)
            remainder = _QUARTER_RE.sub("", _YEAR_END_RE.sub("", remainder))
            remainder = _DEADLINE_MARKERS.sub("", remainder).strip("，,。.;； ")
            return Target(kind=TargetKind.deadline, raw=raw, deadline=deadline, comparator="<=",
                          text=remainder or None)

    comparator, rest = _take_prefix(text)
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
    m = _RANGE_RE.match(rest)
    value_max: float | None = None
    if m:
        value = float(m.group("a").replace(",", ""))
        value_max = float(m.group("b").replace(",", ""))
        rest = rest[m.end():]
        comparator = comparator or "="
    else:
        m = _NUMBER_RE.match(rest)
        if m:
            value = float(m.group(0).replace(",", ""))
            rest = rest[m.end():]
        else:
            cm = _CN_NUMBER_RE.match(rest)
            number = cn_number(cm.group("n")) if cm else None
            if number is None:
                return _qualitative(raw, text)
            value = float(number)
            rest = rest[cm.end():]
    unit = None
    um = _UNIT_RE.match(rest)
    if um:
        unit = um.group(0)
        rest = rest[um.end():]
    suffix_comp, rest = _take_suffix(rest)
    if suffix_comp and comparator in (None, "="):
        comparator = suffix_comp
    rest = rest.strip("，,。.;；、 ")
    if rest in ("完成", "内完成", "以内完成"):
        rest = ""
    implied = comparator is None
    # A deadline like "当年" or "年底前" after a number ("100%，年底前") is kept too.
    deadline = parse_deadline(rest) if rest else None
    return Target(
        kind=TargetKind.numeric,
        raw=raw,
        comparator=comparator or "=",
        comparator_implied=implied,
        value=value,
        value_max=value_max,
        unit=unit,
        deadline=deadline,
        text=rest or None,
    )


def _qualitative(raw: str, text: str) -> Target:
    """Words only. A worded comparator is still recorded ("不低于上年")."""
    comparator, _ = _take_prefix(text)
    return Target(kind=TargetKind.qualitative, raw=raw, comparator=comparator, text=text,
                  deadline=parse_deadline(text))


def parse_amount(raw: str) -> float | None:
    """A money or percent cell ("4621.00", "1,052.5", "100%") → float, else None."""
    text = re.sub(r"\s+", "", fold_width(raw or "")).rstrip("%万元")
    m = re.fullmatch(_NUMBER, text)
    return float(m.group(0).replace(",", "")) if m else None
