"""The batch report as one self-contained HTML file: styles and charts inline (SVG drawn
here, no script, no fonts, no network), so it opens offline and can be mailed on.

Every piece of document text (names, findings, pasted goals) goes through
:func:`html.escape`; nothing from a document is ever markup. The output depends only on
the analysis, so the same results give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from scorer.batch.analysis import GRADES, BatchAnalysis
from scorer.findings import Category, Severity
from scorer.semantic.textnorm import FIELD_LABELS

GRADE_COLOUR = {"优": "#2e7d32", "良": "#7cb342", "中": "#f9a825", "差": "#c62828"}
SEVERITY_COLOUR = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
LEVEL_LABEL = {"documents": "文档", "projects": "项目", "indicators": "指标"}
CLASS_LABEL = {"boilerplate": "套话/复制", "duplicate_indicator": "重复指标", "common_indicator": "通用指标",
               "generic_name": "空泛名称", "repeated": "相关项目重复"}
CLASS_COLOUR = {"boilerplate": "#6d4c9f", "duplicate_indicator": "#ad1457", "common_indicator": "#90a4ae",
                "generic_name": "#b0a990", "repeated": "#80cbc4"}
MATCH_LABEL = {"exact": "完全相同", "near": "近似", "semantic": "语义相近"}
#: Rows drawn in a bar chart; tables below the charts list everything.
CHART_ROWS = 20
CLUSTERS_SHOWN = 60

CSS = """
:root { --line: #dde2e8; --ink: #1f2933; --muted: #6b7785; }
* { box-sizing: border-box; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
       margin: 0; color: var(--ink); background: #f5f7fa; font-size: 14px; }
header { background: #24364b; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: #c8d3df; }
main { padding: 16px 24px 32px; max-width: 1400px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 130px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); }
.card.bad b { color: #c62828; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; align-items: start; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 0 0 8px; }
.note { color: var(--muted); margin: 4px 0 8px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg .axis { stroke: #b8c0ca; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 4px 0 0; color: var(--muted); }
.legend i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.grade { color: #fff; border-radius: 3px; padding: 0 6px; font-weight: bold; }
.sev { color: #fff; border-radius: 3px; padding: 0 5px; font-size: 12px; }
.code { font-family: "DejaVu Sans Mono", Consolas, monospace; }
/* Codes, labels and headings keep to one line: a long example message beside them must not
   squeeze "ZB-ST011" into "ZB-" / "ST011" or 有时限 into a column of single characters. */
th, .code, .sev, .grade, .nowrap { white-space: nowrap; }
details { border-bottom: 1px solid var(--line); padding: 6px 0; }
summary { cursor: pointer; }
summary .text { font-weight: 600; }
details table { margin: 6px 0 4px; font-size: 13px; }
.tag { border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); font-size: 12px; margin-left: 6px; }
footer { color: var(--muted); padding: 0 24px 24px; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- charts ------------------------------------------------------------------------------
@dataclass
class Segment:
    value: float
    colour: str
    title: str
    #: short text drawn inside the segment when it is wide enough.
    label: str = ""


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    #: text after the bar (the value); defaults to the segments' total.
    note: str | None = None


def bar_chart(bars: Sequence[Bar], *, scale_max: float | None = None, label_chars: int = 14,
              width: int = 640, row: int = 24, aria: str = "", ticks: Sequence[float] = ()) -> str:
    """Horizontal (stacked) bars as inline SVG. Each segment has a ``<title>`` tooltip;
    labels are clipped to ``label_chars`` with the full text in the tooltip."""
    if not bars:
        return '<p class="note">（无数据）</p>'
    label_w = 14 + 13 * label_chars
    note_w = 64
    plot_w = width - label_w - note_w
    top = scale_max or max((sum(s.value for s in b.segments) for b in bars), default=0) or 1
    plot_h = row * len(bars) + 4
    height = plot_h + (18 if ticks else 4)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(aria)}" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{label_w}" y1="0" x2="{label_w}" y2="{plot_h}"/>']
    for tick in ticks:
        x = label_w + plot_w * tick / top
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="{plot_h}" x2="{x:.1f}" y2="{plot_h + 4}"/>'
                     f'<text x="{x:.1f}" y="{plot_h + 15}" text-anchor="middle" style="fill:#6b7785">{tick:g}</text>')
    for i, bar in enumerate(bars):
        y = i * row + 4
        parts.append(f'<text x="{label_w - 6}" y="{y + row * 0.62:.1f}" text-anchor="end">'
                     f'<title>{_e(bar.label)}</title>{_e(_clip(bar.label, label_chars))}</text>')
        x = float(label_w)
        for seg in bar.segments:
            w = plot_w * seg.value / top
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{seg.colour}">'
                         f'<title>{_e(seg.title)}</title></rect>')
            if seg.label and w >= 8 * len(seg.label) + 6:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + row * 0.62:.1f}" text-anchor="middle" '
                             f'style="fill:#fff">{_e(seg.label)}</text>')
            x += w
        total = sum(s.value for s in bar.segments)
        note = bar.note if bar.note is not None else f"{total:g}"
        parts.append(f'<text x="{x + 5:.1f}" y="{y + row * 0.62:.1f}">{_e(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(items: Iterable[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(f'<span><i style="background:{c}"></i>{_e(label)}</span>'
                                            for label, c in items) + "</div>"


def grade_chart(a: BatchAnalysis) -> str:
    """Share of each grade per level, as 100 % stacked bars."""
    bars = []
    for level, label in LEVEL_LABEL.items():
        counts = a.grades.get(level, {})
        total = sum(counts.values()) or 1
        bars.append(Bar(f"{label}（{sum(counts.values())}）", [
            Segment(100 * counts.get(g, 0) / total, GRADE_COLOUR[g], f"{label} {g}：{counts.get(g, 0)}",
                    label=f"{100 * counts.get(g, 0) / total:.0f}%")
            for g in GRADES], note=""))
    return (bar_chart(bars, scale_max=100, label_chars=8, row=34, aria="等级分布", ticks=(0, 25, 50, 75, 100))
            + legend((g, GRADE_COLOUR[g]) for g in GRADES))


def category_chart(a: BatchAnalysis) -> str:
    bars = [Bar(f"{c.label}（{c.category}）", [
        Segment(getattr(c, s.value), SEVERITY_COLOUR[s.value], f"{c.label} {s.label}：{getattr(c, s.value)}")
        for s in Severity]) for c in a.categories]
    return (bar_chart(bars, label_chars=10, aria="问题类别")
            + legend((s.label, SEVERITY_COLOUR[s.value]) for s in Severity))


def department_chart(a: BatchAnalysis) -> str:
    bars = [Bar(d.name, [Segment(d.score, GRADE_COLOUR.get(d.grade, "#888"), f"{d.name}：{d.score}（{d.grade}）")],
                note=f"{d.score:.1f} {d.grade}") for d in a.departments[:CHART_ROWS]]
    more = len(a.departments) - CHART_ROWS
    note = f'<p class="note">只画出前 {CHART_ROWS} 个部门，另有 {more} 个见下表。</p>' if more > 0 else ""
    return bar_chart(bars, scale_max=100, label_chars=14, aria="部门得分", ticks=(0, 20, 40, 60, 80, 100)) + note


def cluster_chart(a: BatchAnalysis) -> str:
    shown = a.clusters[:CHART_ROWS]
    bars = [Bar(c.text, [Segment(c.projects, CLASS_COLOUR.get(c.classification, "#888"),
                                 f"{_clip(c.text, 80)}：{c.projects} 个项目，{c.departments} 个部门")],
                note=f"{c.projects} 个项目") for c in shown]
    present = dict.fromkeys(c.classification for c in shown)
    return (bar_chart(bars, label_chars=18, aria="复制粘贴")
            + legend((CLASS_LABEL.get(k, k), CLASS_COLOUR.get(k, "#888")) for k in present))


# -- tables ------------------------------------------------------------------------------
def _grade(g: str) -> str:
    return f'<span class="grade" style="background:{GRADE_COLOUR.get(g, "#888")}">{_e(g)}</span>'


def _sev(s: str) -> str:
    return f'<span class="sev" style="background:{SEVERITY_COLOUR.get(s, "#888")}">{_e(Severity(s).label)}</span>'


def table(headings: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """``rows`` are already-escaped cell HTML; ``numeric`` columns are right-aligned."""
    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""
    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(headings))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _counts(r: object) -> list[str]:
    return [_e(getattr(r, s.value)) for s in Severity]


def department_table(a: BatchAnalysis) -> str:
    return table(("排名", "部门", "得分", "等级", "文档", "项目", "指标", "错误", "警告", "提示"),
                 ([_e(d.rank), _e(d.name), f"{d.score:.1f}", _grade(d.grade), _e(d.documents), _e(d.projects),
                   _e(d.indicators), *_counts(d)] for d in a.departments), numeric=(0, 2, 4, 5, 6, 7, 8, 9))


def document_table(a: BatchAnalysis) -> str:
    return table(("排名", "文档", "部门", "来源文件", "得分", "等级", "项目", "指标", "错误", "警告", "提示"),
                 ([_e(d.rank), _e(d.name), _e(d.department), _e(d.source), f"{d.score:.1f}", _grade(d.grade),
                   _e(d.projects), _e(d.indicators), *_counts(d)] for d in a.ranking),
                 numeric=(0, 4, 6, 7, 8, 9, 10))


def findings_table(a: BatchAnalysis) -> str:
    return table(("代码", "类别", "严重度", "示例", "次数", "涉及文档"),
                 ([f'<span class="code">{_e(f.code)}</span>', f'<span class="nowrap">{_e(Category(f.category).label)}</span>',
                   _sev(f.severity),
                   _e(f.message), _e(f.count), _e(f.documents)] for f in a.findings), numeric=(4, 5))


def clusters_html(a: BatchAnalysis) -> str:
    if not a.clusters:
        return '<p class="note">没有发现跨项目重复的文本。</p>'
    out = []
    for c in a.clusters[:CLUSTERS_SHOWN]:
        field = FIELD_LABELS.get(c.field, c.field)
        places = table(("文档", "部门", "项目", "位置", "相似"), (
            [_e(p.document), _e(p.department), _e(f"{(p.project or 0) + 1}. {p.project_name}"),
             _e(field + ("" if p.indicator is None else f" · 第 {p.indicator + 1} 个指标")),
             _e(f"{MATCH_LABEL.get(p.match, p.match)} {p.similarity:.2f}")]
            for p in c.places))
        more = c.count - len(c.places)
        tail = f'<p class="note">另有 {more} 处未列出（见 analysis.json 的计数）。</p>' if more > 0 else ""
        out.append(
            f'<details><summary><span class="text">{_e(_clip(c.text, 90))}</span>'
            f'<span class="tag">{_e(CLASS_LABEL.get(c.classification, c.classification))}</span>'
            f'<span class="tag">{_e(field)}</span>'
            f'<span class="tag">{c.count} 处 · {c.projects} 个项目 · {c.departments} 个部门</span></summary>'
            f'<p>{_e(c.text)}</p><p class="note">{_e(c.reason)}</p>{places}{tail}</details>')
    if len(a.clusters) > CLUSTERS_SHOWN:
        out.append(f'<p class="note">只列出前 {CLUSTERS_SHOWN} 组，共 {len(a.clusters)} 组，全部见 analysis.json。</p>')
    return "".join(out)


def failures_table(a: BatchAnalysis) -> str:
    # The Chinese reason for the budget office, the technical one below it for whoever runs the batch.
    return table(("文件", "原因"), ([_e(f.name), f'{_e(f.message or f.error)}<div class="note">{_e(f.error)}</div>']
                                  for f in a.failures))


def duplicates_table(a: BatchAnalysis) -> str:
    return table(("文件", "与此文件完全相同"), ([_e(d.name), _e(d.same_as)] for d in a.duplicates))


def _card(value: object, label: str, bad: bool = False) -> str:
    return f'<div class="card{" bad" if bad else ""}"><b>{_e(value)}</b><span>{_e(label)}</span></div>'


def render_html(a: BatchAnalysis, title: str = "绩效目标批量审核报告") -> str:
    mean = sum(d.score * d.projects for d in a.ranking) / max(1, sum(d.projects for d in a.ranking))
    flagged = sum(1 for c in a.clusters if c.flagged)
    cards = "".join((
        _card(a.documents, "份文档"), _card(a.projects, "个项目"), _card(f"{a.indicators:,}", "个指标"),
        _card(f"{mean:.1f}", "项目平均分"), _card(flagged, "组复制粘贴"),
        _card(a.failed, "个文件失败", bad=a.failed > 0),
    ))
    sections = [
        f'<div class="cards">{cards}</div>',
        '<div class="charts">',
        f"<section><h2>等级分布</h2>{grade_chart(a)}</section>",
        f"<section><h2>问题类别</h2>{category_chart(a)}</section>",
        f"<section><h2>部门得分</h2>{department_chart(a)}</section>",
        f'<section><h2>复制粘贴（跨项目重复文本）</h2><p class="note">先列需处理的（套话/复制、重复指标），'
        f"再按涉及项目数排列；方法：{_e(a.duplicate_method)}</p>{cluster_chart(a)}</section>",
        "</div>",
        f"<section><h2>部门排名</h2>{department_table(a)}</section>",
        f"<section><h2>文档排名</h2>{document_table(a)}</section>",
        f"<section><h2>高频问题</h2>{findings_table(a)}</section>",
        f"<section><h2>复制粘贴明细</h2>{clusters_html(a)}</section>",
    ]
    if a.failures:
        sections.append(f"<section><h2>未能审核的文件（{a.failed}）</h2>{failures_table(a)}</section>")
    if a.duplicates:
        sections.append(f"<section><h2>重复的文件（{len(a.duplicates)}）</h2><p class=\"note\">内容与另一份文件逐字节相同，"
                        f"只统计一次，不计入排名和复制粘贴。</p>{duplicates_table(a)}</section>")
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No external resource may load, even if a crafted value slipped through.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><p>{a.documents} 份文档 · {a.projects} 个项目 · {a.indicators:,} 个指标"
        f"{' · ' + str(a.failed) + ' 个文件失败' if a.failed else ''}"
        f"{' · ' + str(len(a.duplicates)) + ' 个重复文件' if a.duplicates else ''}</p></header>"
        f"<main>{''.join(sections)}</main>"
        "<footer>由 zhibiao 生成。本文件自包含，离线可读；逐项问题与单元格批注见 report.xlsx。</footer>"
        "</body></html>\n"
    )
