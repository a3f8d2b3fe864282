"""The value normaliser: written 指标值 → typed Target."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorer.document import TargetKind
from scorer.values import parse_amount, parse_deadline, parse_target


@pytest.mark.parametrize(
    ("raw", "kind", "comparator", "value", "unit"),
    [
        ("≥90%", "numeric", ">=", 90, "%"),
        ("＞９５％", "numeric", ">", 95, "%"),
        ("不低于95%", "numeric", ">=", 95, "%"),
        ("不少于20座", "numeric", ">=", 20, "座"),
        ("95%以上", "numeric", ">=", 95, "%"),
        ("控制在5%以内", "numeric", "<=", 5, "%"),
        ("不超过30个工作日", "numeric", "<=", 30, "个工作日"),
        ("≤30日", "numeric", "<=", 30, "日"),
        ("1200人次", "numeric", "=", 1200, "人次"),
        ("20.00万元", "numeric", "=", 20, "万元"),
        ("≥60", "numeric", ">=", 60, None),
        ("<10", "numeric", "<", 10, None),
        ("两次", "numeric", "=", 2, "次"),
        ("5‰", "numeric", "=", 5, "‰"),
        ("3个月内完成", "numeric", "<=", 3, "个月"),
        ("按要求完成", "qualitative", None, None, None),
        ("持续改善", "qualitative", None, None, None),
        ("", "empty", None, None, None),
    ],
)
def test_parse_target(raw, kind, comparator, value, unit):
    t = parse_target(raw)
    assert t.kind.value == kind
    assert t.comparator == comparator
    assert t.value == value
    assert t.unit == unit
    assert t.raw == raw


def test_bare_number_marks_comparator_implied():
    assert parse_target("80").comparator_implied
    assert not parse_target("≥80").comparator_implied


def test_range():
    t = parse_target("80%-90%")
    assert (t.value, t.value_max, t.unit) == (80, 90, "%")


@pytest.mark.parametrize(
    ("raw", "deadline"),
    [("2020年12月底前", "2020-12-31"), ("12月31日前", "12-31"), ("年底前", "year-end"), ("当年", "year-end"),
     ("2020年6月30日", "2020-06-30")],
)
def test_deadlines(raw, deadline):
    t = parse_target(raw)
    assert t.kind.value == "deadline"
    assert t.deadline == deadline


def test_number_with_deadline_stays_numeric():
    t = parse_target("≥95%，年底前")
    assert (t.kind.value, t.value, t.deadline) == ("numeric", 95, "year-end")


def test_number_followed_by_words_keeps_text():
    t = parse_target("≥90出除率达标")
    assert (t.value, t.unit, t.text) == (90, None, "出除率达标")


def test_parse_amount_and_deadline_helpers():
    assert parse_amount("1,052.50") == 1052.5
    assert parse_amount("") is None
    assert parse_amount("约100") is None
    assert parse_deadline("按时完成") is None


@given(st.text(max_size=60))
def test_parse_target_never_raises(raw):
    t = parse_target(raw)
    assert t.raw == raw
    if t.kind.value == "numeric":
        assert t.value is not None


@given(st.text(alphabet="0123456789.%≥≤<>＞＜=年月日底前以上以内不低于超过个次人万元 \t，", max_size=30))
def test_parse_target_on_value_like_text(raw):
    parse_target(raw)


@pytest.mark.parametrize("raw, deadline", [
    ("2025.12.31前", "2025-12-31"),
    ("2025-12-31", "2025-12-31"),
    ("2025/6/30", "2025-06-30"),
    ("2025.12前", "2025-12-31"),
    ("第四季度", "12-31"),
    ("2025年三季度末", "2025-09-30"),
    ("四季度前完成", "12-31"),
])
def test_dates_written_with_numbers_and_quarters_are_deadlines(raw, deadline):
    target = parse_target(raw)
    assert (target.kind, target.deadline, target.text) == (TargetKind.deadline, deadline, None)


@pytest.mark.parametrize("raw, kind, value, unit", [
    ("每季度1次", TargetKind.numeric, 1.0, "次"),         # a frequency, not a quarter's end
    ("2025.12", TargetKind.numeric, 2025.12, None),      # a bare decimal stays a number
    ("2025.5万元", TargetKind.numeric, 2025.5, "万元"),
    ("1:1", TargetKind.numeric, 1.0, "比"),
    ("≤35微克/立方米", TargetKind.numeric, 35.0, "微克/立方米"),
    ("≤50mg/L", TargetKind.numeric, 50.0, "mg/L"),
    ("≤10/10万", TargetKind.numeric, 10.0, "/10万"),    # a rate per 100,000 people
    ("≥2.1亿人次", TargetKind.numeric, 2.1, "亿人次"),    # a magnitude before any unit
    ("≥5万亩", TargetKind.numeric, 5.0, "万亩"),
    ("≥200TB", TargetKind.numeric, 200.0, "TB"),
    ("0起", TargetKind.numeric, 0.0, "起"),
    ("100万", TargetKind.numeric, 100.0, None),          # a magnitude alone is no unit
    ("7×24小时", TargetKind.numeric, 168.0, "小时/周"),   # service hours: days × hours
    ("5x8小时", TargetKind.numeric, 40.0, "小时/周"),
])
def test_other_value_forms(raw, kind, value, unit):
    target = parse_target(raw)
    assert (target.kind, target.value, target.unit) == (kind, value, unit)


@pytest.mark.parametrize("raw, comparator, value, unit", [
    ("每亩300元", "=", 300, "元"),
    ("每亩300", "=", 300, None),  # a number without its unit: ZB-M003 says so
    ("每人每月不低于500元", ">=", 500, "元"),
    ("每人≥500元", ">=", 500, "元"),
    ("每月1次", "=", 1, "次"),
])
def test_an_amount_per_unit_is_a_number(raw, comparator, value, unit):
    t = parse_target(raw)
    assert (t.kind, t.comparator, t.value, t.unit) == (TargetKind.numeric, comparator, value, unit)
    assert t.raw == raw


@pytest.mark.parametrize("raw", ["每年", "每亩", "每季度一次"])
def test_per_words_without_a_number_stay_words(raw):
    assert parse_target(raw).kind == TargetKind.qualitative


@pytest.mark.parametrize("raw, kind, comparator, value, unit", [
    # what Excel and WPS show for a time cell (helper pass seven reads them so): with a
    # comparator or past a day it is a duration, read in minutes
    ("≤0:30", TargetKind.numeric, "<=", 30.0, "分钟"),
    ("≤2:00", TargetKind.numeric, "<=", 120.0, "分钟"),
    ("36:00", TargetKind.numeric, "=", 2160.0, "分钟"),
    # bare and within the day it is when something is due, kept as text
    ("17:00", TargetKind.qualitative, None, None, None),
    ("0:15", TargetKind.qualitative, None, None, None),
    ("8:05", TargetKind.qualitative, None, None, None),
    # ratios are written without zeros (师生比 1:13), and may have a comparator
    ("1:13", TargetKind.numeric, "=", 1.0, "比"),
    ("1:30", TargetKind.numeric, "=", 1.0, "比"),
    ("≥1:1", TargetKind.numeric, ">=", 1.0, "比"),
    ("≤1：0.5", TargetKind.numeric, "<=", 1.0, "比"),
])
def test_hours_and_minutes_are_times_and_ratios_stay_ratios(raw, kind, comparator, value, unit):
    """0:15 and 17:00 were ratios (0 and 17 比), ≤0:30 the number 0 with ":30" left over,
    and ≥1:1 the number 1 with ":1" left over."""
    t = parse_target(raw)
    assert (t.kind, t.comparator, t.value, t.unit) == (kind, comparator, value, unit)
