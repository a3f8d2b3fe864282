"""No input crashes the parsers: whatever text or bytes arrive, the result is a Document
or a ParseError, never another exception."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.document import Document
from scorer.parsers import FORMATS, ParseError, parse_bytes, parse_text
from scorer.parsers.cellines import read_cell_lines
from scorer.parsers.tsv import read_delimited
from scorer.parsers.xlsx import format_value

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words the interpreter reacts to, so random tables reach its layouts rather than stopping
# at "no indicator table".
WORDS = ["一级指标", "二级指标", "三级指标", "指标值", "绩效指标描述", "指标值确定依据", "产出指标", "数量指标",
         "效益指标", "项目名称", "项目编码", "预算数", "其中：财政资金", "其他资金", "资金用途", "预算规模及资金用途",
         "资金支出计划（%）", "3月底", "12月底", "绩效目标", "单位：万元", "定州市生态环境局", "≥95%", "100.00",
         "1、完成任务", "绩效目标表", "[bookmark: _Toc1]", "TC x \\f C \\l 1", "", " ", "　",
         # the other templates' labels (tests/test_parsers_templates.py)
         "年度主要任务", "金额合计", "总额", "财政拨款", "中期资金总额", "年度资金总额：", "总体目标", "中期目标（2016年）",
         "年度目标（2016年）", "长期绩效指标", "年度绩效指标", "指标内容", "指标性质", "度量单位", "≥", "部门（单位）名称",
         "项目属性", "（2024年度）", "2025.12.31前", "第四季度"]
SEPARATORS = ['"', "'", "\t", "\n", "\r", ","]
PUNCTUATION = [*SEPARATORS, "\r\n", '""', '"\t"', "\x00"]
cell_text = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=st.sampled_from(list("指标值产出数量一二三%≥≤<>0123456789.、，。 ") + SEPARATORS), max_size=12),
    st.text(max_size=8),
)
table = st.lists(st.lists(cell_text, min_size=1, max_size=8), min_size=1, max_size=12)


def _accepts(call) -> Document | None:
    try:
        doc = call()
    except ParseError as exc:
        assert exc.describe()
        return None
    assert isinstance(doc, Document)
    return doc


@PROPERTY
@given(table, st.sampled_from(["\t", ","]))
def test_delimited_tables_never_crash(rows, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    text = out.getvalue()
    list(read_delimited(text, "t.tsv", delimiter))
    _accepts(lambda: parse_text(text, "t.tsv", "tsv" if delimiter == "\t" else "csv"))
    _accepts(lambda: parse_text(text))


@PROPERTY
@given(st.lists(st.one_of(cell_text, st.sampled_from(PUNCTUATION)), max_size=80))
def test_raw_text_with_quotes_tabs_and_newlines_never_crashes(pieces):
    """Unbalanced quotes and stray separators, as a careless paste produces."""
    text = "".join(pieces)
    list(read_delimited(text))
    for fmt in (None, "tsv", "csv", "cells"):
        _accepts(lambda fmt=fmt: parse_text(text, format=fmt))


@PROPERTY
@given(table)
def test_cell_per_line_text_never_crashes(rows):
    text = "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows)
    list(read_cell_lines(text))
    _accepts(lambda: parse_text(text, "c.txt", "cells"))


@PROPERTY
@given(st.binary(max_size=2000), st.sampled_from([None, "x.txt", "x.docx", "x.xlsx", "x.csv"]))
def test_random_bytes_raise_only_parse_error(data, name):
    _accepts(lambda: parse_bytes(data, name))


@PROPERTY
@given(st.binary(max_size=600), st.sampled_from(FORMATS))
def test_zip_headed_bytes_in_every_format(tail, fmt):
    _accepts(lambda: parse_bytes(b"PK\x03\x04" + tail, "x.bin", fmt))


@PROPERTY
@given(st.one_of(st.floats(), st.integers(min_value=-(10**20), max_value=10**20)),
       st.text(alphabet=st.sampled_from(list('0.#,%E+-;@"[]Red_ \\*?/')), max_size=16))
def test_any_number_in_any_format_is_shown(value, number_format):
    assert isinstance(format_value(value, number_format), str)


def test_a_cell_of_only_a_colon_is_not_a_label():
    """Labels lose a trailing colon ("资金总额："), so a cell of only "：" has an empty key;
    a row of such cells is still a row (found by the property test above)."""
    assert _accepts(lambda: parse_text("一级指标\t项目名称\n:\n", "x.tsv")) is None
    doc = _accepts(lambda: parse_text("一级指标\t二级指标\t三级指标\t指标值\n：\n产出指标\t数量指标\t培训人次\t200人次\n", "y.tsv"))
    assert doc is not None and len(doc.projects[0].indicators) == 1
