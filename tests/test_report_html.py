"""The batch HTML report: self-contained, every document text escaped, deterministic,
and readable in a real browser (screenshot kept in test-artifacts/report/report.png)."""

from __future__ import annotations

import re

import pytest

from scorer.batch.analysis import Analyzer, BatchAnalysis
from scorer.batch.discover import discover
from scorer.batch.duplicates import ClusterPlace, ClusterView
from scorer.batch.runner import RunOptions, run_batch
from scorer.batch.store import ResultStore
from scorer.batch.worker import ScoreOptions
from scorer.report.html import bar_chart, Bar, Segment, render_html
from scorer.synth import generate
from tests.browser.harness import CHROMIUM_ARGS, ROOT, launch_chromium, needs_chromium

ARTIFACTS = ROOT / "test-artifacts" / "report"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def analysis(tmp_path_factory) -> BatchAnalysis:
    """A real batch (two synthetic departments) plus a failure and a hostile cluster."""
    root = tmp_path_factory.mktemp("html")
    truth = generate(root, departments=4, projects=8, seed=3, formats=("csv", "json"))
    (root / "docs" / f"{IMG}.csv").write_text("nothing here", encoding="utf-8")
    with ResultStore(root / "out") as store:
        run_batch(discover([truth.docs_dir]), store, RunOptions(score=ScoreOptions(use_models=False)))
        result = Analyzer().add_all(store.records(store.entries())).finish()
    result.clusters.insert(0, ClusterView(
        kind="exact", classification="boilerplate", field="goal", text=SCRIPT, reason=IMG, count=2, documents=2,
        departments=2, projects=2,
        places=[ClusterPlace(document=IMG, department=SCRIPT, project=0, project_name=SCRIPT, match="exact",
                             similarity=1.0)]))
    result.departments[0].name = SCRIPT
    return result


def test_document_text_is_always_escaped(analysis):
    html = render_html(analysis)
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html.lower()


def test_report_is_self_contained(analysis):
    html = render_html(analysis)
    without_svg_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|<link|@import|url\(", without_svg_namespace)
    assert "default-src 'none'" in html  # and the CSP forbids loading anything anyway


def test_report_has_the_four_charts_and_is_deterministic(analysis):
    html = render_html(analysis)
    assert html.count("<svg") == 4
    for label in ("等级分布", "问题类别", "部门得分", "复制粘贴"):
        assert f'aria-label="{label}"' in html
    assert render_html(analysis) == html


def test_bar_chart_scales_clips_labels_and_keeps_full_text_in_tooltips():
    svg = bar_chart([Bar("很长很长很长很长的部门名称", [Segment(50, "#000", "a")]), Bar("短", [Segment(100, "#000", "b")])],
                    scale_max=100, label_chars=5)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "很长很长…" in svg and "<title>很长很长很长很长的部门名称</title>" in svg
    assert "无数据" in bar_chart([])


@pytest.mark.browser
@needs_chromium
def test_report_in_chromium(analysis, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(render_html(analysis), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert "--no-sandbox" in CHROMIUM_ARGS
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        requests, dialogs = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        charts = page.eval_on_selector_all("svg", "els => els.map(e => e.getBoundingClientRect().width)")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        rows = page.eval_on_selector_all("section table tbody tr", "els => els.length")
        hostile = page.evaluate(f"[...document.querySelectorAll('details summary .text')].some("
                                f"e => e.textContent === {SCRIPT!r})")
        images = page.eval_on_selector_all("img", "els => els.length")
        browser.close()
    assert requests == [path.as_uri()]  # nothing else was fetched
    assert dialogs == [] and images == 0 and hostile
    assert len(charts) == 4 and all(w > 300 for w in charts)
    assert overflow <= 0
    assert rows > analysis.documents
