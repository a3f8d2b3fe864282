"""Clipboard HTML (cells copied from Word/Excel/WPS) parses like the other forms."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from scorer.parsers import ParseError, parse_text
from scorer.parsers.cellines import read_cell_lines
from scorer.parsers.stream import Row, TextLine
from tests.conftest import SEED_001
from tests.golden_tables import compact


def _seed_as_clipboard_html(path) -> str:
    """The seed's rows as one <table> per project, headings as <p>, L1 merges as rowspan."""
    parts = ["<html><head><style>td {mso-number-format:'\\@';}</style></head><body><!--StartFragment-->"]
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        parts.append("<table border=1>")
        for r, cells in enumerate(rows):
            tds = []
            for c, text in enumerate(cells):
                if c == 0 and text == "" and r > 0 and _is_l1_continuation(rows, r):
                    continue  # covered by the rowspan above
                span = _l1_span(rows, r) if c == 0 and text.endswith("指标") and len(cells) == 6 else 1
                attr = f' rowspan="{span}"' if span > 1 else ""
                tds.append(f"<td{attr}>{html.escape(text).replace(chr(10), '<br>')}</td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
        rows.clear()

    for item in read_cell_lines(path.read_text(encoding="utf-8")):
        if isinstance(item, TextLine):
            flush()
            parts.append(f"<p>{html.escape(item.text)}</p>")
        elif isinstance(item, Row):
            if item.texts and item.texts[0] == "一级指标":
                flush()
            rows.append([c.text for c in item.cells])
    flush()
    parts.append("<!--EndFragment--></body></html>")
    return "\n".join(parts)


def _is_l1_continuation(rows, r) -> bool:
    return len(rows[r]) == 6 and any(len(rows[k]) == 6 and rows[k][0].endswith("指标") for k in range(r))


def _l1_span(rows, r) -> int:
    span = 1
    while r + span < len(rows) and len(rows[r + span]) == 6 and rows[r + span][0] == "":
        span += 1
    return span


def test_clipboard_html_of_seed_parses_like_the_seed(seed_docs):
    doc = parse_text(_seed_as_clipboard_html(SEED_001), "paste.html")
    assert doc.format == "html"
    assert compact(doc) == compact(seed_docs[SEED_001.name])


def test_rowspan_cells_inherit_and_colspan_pads():
    text = """<table>
    <tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
    <tr><td rowspan="2">产出指标</td><td>数量指标</td><td>培训人次</td><td>≥200人次</td></tr>
    <tr><td>质量指标</td><td>合格率</td><td>≥95%</td></tr>
    <tr><td colspan="2">满意度指标</td><td>满意度</td><td>≥90%</td></tr>
    </table>"""
    doc = parse_text(text)
    inds = doc.projects[0].indicators
    assert [(i.level1, i.level2, i.name, i.target_raw) for i in inds] == [
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "质量指标", "合格率", "≥95%"),
        ("满意度指标", "", "满意度", "≥90%"),
    ]
    assert inds[1].level1_inherited


def test_html_without_indicator_table_is_a_located_error():
    try:
        parse_text("<table><tr><td>a</td><td>b</td></tr></table>", "x.html")
    except ParseError as exc:
        assert "no indicator table" in exc.message
    else:  # pragma: no cover
        raise AssertionError("expected ParseError")


@given(st.text(alphabet="<>/=\"' tdrableyspncoh12一级指标\n", max_size=200))
def test_html_reader_never_crashes(text):
    try:
        parse_text("<table>" + text, "fuzz.html", format="html")
    except ParseError:
        pass
