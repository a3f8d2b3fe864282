"""The reviewer page in a real browser: Debian chromium through Playwright against a live
server. A seed table is pasted as a browser would paste cells copied from Word, reviewed,
and the rows must carry the findings the API returned, each finding's cell marked as the
exported workbook marks it; markup in cells stays text; the 误报 button stores feedback;
导出 Excel downloads a workbook, and only while the page shows a result that a review
just returned (not after 清空 or a failed review); the same file can be chosen twice; the
models are named in Chinese; /docs works with no internet. A screenshot of the review is
kept in test-artifacts/browser/review.png."""

from __future__ import annotations

import html
import re
import warnings

import pytest
from openpyxl import load_workbook

import api.main
from scorer.report.xlsx import FIELDS, SUMMARY_SHEET, offending_field
from scorer.results import ScoredDocument
from tests.browser.harness import ARTIFACTS, has_cjk_font, launch_chromium, live_server, needs_chromium
from tests.conftest import SEED_001
from tests.test_parsers_html import _seed_as_clipboard_html

pytestmark = [pytest.mark.browser, needs_chromium]

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
#: tr.sev-* backgrounds from app.css, as getComputedStyle reports them.
ROW_BACKGROUND = {"error": "rgb(253, 236, 234)", "warning": "rgb(255, 244, 229)", "info": "rgb(234, 242, 253)"}
#: td.hit-* backgrounds: the exported workbook's CELL_FILL for the cell a finding is about.
CELL_BACKGROUND = {"error": "rgb(244, 166, 160)", "warning": "rgb(255, 204, 128)", "info": "rgb(179, 209, 245)"}
#: How the page names each model_versions key.
MODEL_LABELS = {"level_classifier": "层级模型", "relevance_model": "相关性模型", "embedder": "句向量模型",
                "goal_matcher:combined": "目标匹配模型（综合）"}

# A real paste: the page receives a ClipboardEvent whose DataTransfer holds what a
# browser puts on the clipboard for copied cells, HTML and plain text.
PASTE_JS = """([html, text]) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", text);
  const target = document.querySelector("#paste");
  target.focus();
  target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""

# What the page shows per project and row: classes, finding codes, cell texts, colour.
READ_RESULTS_JS = """() => [...document.querySelectorAll("#results article.project")].map((a) => ({
  project: Number(a.dataset.project),
  projectCodes: [...a.querySelectorAll(".project-findings > li")].map((li) => li.dataset.code),
  rows: [...a.querySelectorAll("table.indicators tbody tr")].map((tr) => ({
    cls: tr.className,
    codes: [...tr.querySelectorAll("li")].map((li) => li.dataset.code),
    cells: [...tr.cells].map((td) => td.innerText.trim()),
    background: getComputedStyle(tr).backgroundColor,
  })),
}))"""

# Per indicator row, the six field cells (columns 2-7): which findings each is marked with.
READ_CELLS_JS = """() => [...document.querySelectorAll("#results article.project")].map((a) =>
  [...a.querySelectorAll("table.indicators tbody tr")].map((tr) => [...tr.cells].slice(1, 7).map((td) => ({
    field: td.dataset.field,
    codes: td.dataset.codes ? td.dataset.codes.split(" ") : [],
    cls: td.className,
    title: td.title,
    background: getComputedStyle(td).backgroundColor,
    outline: getComputedStyle(td).outlineStyle,
  }))))"""

# What 清空 and a failed review must leave: nothing shown, nothing to export.
READ_EMPTY_JS = """() => ({
  projects: document.querySelectorAll("#results > *").length,
  summaryHidden: document.querySelector("#summary").hidden,
  exportDisabled: document.querySelector("#export").disabled,
})"""
EMPTY = {"projects": 0, "summaryHidden": True, "exportDisabled": True}

SMALL_TABLE = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t完成率\t≥60\n"

SCRIPT_CELL = "<script>alert(1)</script>"
IMG_CELL = '"><img src=x onerror=alert(2)>'


def _worst(findings: list[dict]) -> str:
    return max((f["severity"] for f in findings), key=SEVERITY_RANK.__getitem__, default="none")


def _markup_table() -> str:
    """Cells whose text is markup (escaped, as Word/Excel put it on the clipboard), plus a
    live <img onerror> beside the table as a crafted clipboard could carry."""
    rows = [("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", SCRIPT_CELL, IMG_CELL)]
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<p><img src=x onerror="alert(3)"></p><table border=1>{body}</table>'


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with live_server(tmp_path_factory.mktemp("browser-data")) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        dialogs: list[str] = []

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(base + "/")
        page.base_url = base
        yield page, dialogs
        context.close()
        browser.close()


def _paste_and_review(page, clipboard_html: str, text: str) -> dict:
    page.evaluate(PASTE_JS, [clipboard_html, text])
    with page.expect_response(lambda r: r.url.endswith("/v1/score")) as scored:
        page.click("#submit")
    response = scored.value
    assert response.status == 200, response.text()
    page.wait_for_selector("#status:has-text('审核完成')")
    return response.json()


def _small_table_html() -> str:
    rows = [line.split("\t") for line in SMALL_TABLE.splitlines()]
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


@pytest.fixture(scope="module")
def seed_review(browser_page) -> dict:
    """Seed 001 pasted and reviewed once; the tests that read it run before the page shows another."""
    page, _ = browser_page
    return _paste_and_review(page, _seed_as_clipboard_html(SEED_001), SEED_001.read_text(encoding="utf-8"))


def test_pasted_seed_is_reviewed_in_place(browser_page, seed_review):
    page, dialogs = browser_page
    result = seed_review

    # The API's answer for this paste, anchored to what a reviewer knows about seed 001.
    first = result["projects"][0]["indicators"][0]
    assert (first["name"], first["target"]) == ("完成率", "≥60")
    assert "ZB-M003" in {f["code"] for f in first["findings"]}
    p2 = result["projects"][2]["indicators"][2]
    assert (p2["name"], p2["target"]) == ("群众满意度", ">60")
    assert "ZB-M003" in {f["code"] for f in p2["findings"]}

    shown = page.evaluate(READ_RESULTS_JS)
    assert [p["project"] for p in shown] == [p["index"] for p in result["projects"]]
    for project, seen in zip(result["projects"], shown, strict=True):
        assert seen["projectCodes"] == [f["code"] for f in project["findings"]]
        assert len(seen["rows"]) == len(project["indicators"])
        for ind, row in zip(project["indicators"], seen["rows"], strict=True):
            worst = _worst(ind["findings"])
            assert row["cls"] == f"sev-{worst}", (project["name"], ind["name"])
            assert row["codes"] == [f["code"] for f in ind["findings"]]
            assert row["cells"][3] == ind["name"] and row["cells"][5] == ind["target"]
            if worst != "none":
                assert row["background"] == ROW_BACKGROUND[worst]

    # The two anchors as a reviewer sees them: coloured rows listing ZB-M003.
    row = page.locator('article[data-project="0"] tbody tr').first
    assert "sev-warning" in row.get_attribute("class") or "sev-error" in row.get_attribute("class")
    assert row.locator('li[data-code="ZB-M003"]').is_visible()
    row = page.locator('article[data-project="2"] tbody tr').nth(2)
    assert row.locator("td").nth(5).inner_text() == ">60"
    assert row.locator('li[data-code="ZB-M003"]').is_visible()
    assert dialogs == []


def test_finding_cells_are_marked_as_in_the_workbook(browser_page, seed_review):
    """Each finding marks the cell it is about (the one the xlsx export fills and comments),
    with the stronger fill of its worst severity and the messages in the cell's tooltip."""
    page, _ = browser_page
    doc = ScoredDocument.model_validate(seed_review)
    shown = page.evaluate(READ_CELLS_JS)
    marked = 0
    for project, rows in zip(doc.projects, shown, strict=True):
        for ind, cells in zip(project.indicators, rows, strict=True):
            expected: dict[str, list] = {}
            for f in ind.findings:
                field = offending_field(f, ind)
                if field is not None:
                    expected.setdefault(field, []).append(f)
            assert [c["field"] for c in cells] == list(FIELDS)
            for field, cell in zip(FIELDS, cells, strict=True):
                hits = expected.get(field, [])
                assert cell["codes"] == [f.code for f in hits], (project.name, ind.name, field)
                if not hits:
                    assert "hit" not in cell["cls"].split() and cell["title"] == ""
                    continue
                marked += 1
                worst = _worst([{"severity": f.severity.value} for f in hits])
                assert cell["cls"].split() == ["hit", f"hit-{worst}"]
                assert cell["background"] == CELL_BACKGROUND[worst] and cell["outline"] == "solid"
                for f in hits:
                    assert f"{f.code} {f.severity.label}：{f.message}" in cell["title"]
    assert marked > 20

    # Anchors: 完成率 / ≥60 of project 1. The 指标值 cell carries ZB-M003 (no unit), the
    # name cell ZB-S001 (too vague); neither finding marks the other cell.
    row = page.locator('article[data-project="0"] tbody tr').first
    target, name = row.locator('td[data-field="target"]'), row.locator('td[data-field="name"]')
    assert target.inner_text() == "≥60" and "ZB-M003" in target.get_attribute("data-codes").split()
    assert "数值「≥60」缺少计量单位" in target.get_attribute("title")
    assert name.inner_text() == "完成率" and "ZB-S001" in name.get_attribute("data-codes").split()
    assert "ZB-M003" not in name.get_attribute("data-codes").split()


def test_model_versions_are_named_in_chinese(browser_page, seed_review):
    page, _ = browser_page
    versions = seed_review["model_versions"]
    assert versions, "the live server loaded no model"
    header = page.locator("#model-version")
    text = header.inner_text()
    assert text.startswith("模型：")
    assert not re.search(r"[A-Za-z]", text), text  # no raw key or id in the visible text
    title = header.get_attribute("title")
    for key, version in versions.items():
        if key in MODEL_LABELS:
            assert MODEL_LABELS[key] in text
        assert f"{key} = {version}" in title  # the raw ids stay in the tooltip
        assert header.locator(f'[data-model="{key}"]').get_attribute("title") == f"{key} = {version}"


def test_false_positive_button_stores_feedback(browser_page, seed_review):
    page, _ = browser_page
    button = page.locator('article[data-project="0"] tbody tr').first.locator("button.wrong").first
    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as sent:
        button.click()
    assert sent.value.status == 201 and sent.value.json()["status"] == "stored"
    page.wait_for_function("(b) => b.textContent === '已反馈' && b.disabled", arg=button.element_handle())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if not has_cjk_font():
        warnings.warn("no CJK font installed (apt-get install fonts-wqy-zenhei): the screenshot shows boxes",
                      stacklevel=1)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)


def test_export_downloads_the_annotated_workbook(browser_page, seed_review, tmp_path):
    page, _ = browser_page
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "定州市生态环境局-审核结果.xlsx"  # from Content-Disposition
    wb = load_workbook(saved)
    assert wb.sheetnames[0] == SUMMARY_SHEET and len(wb.sheetnames) == 2
    ws = wb.worksheets[1]
    comments = [c.comment.text for row in ws.iter_rows() for c in row if c.comment and c.value == "≥60"]
    assert any("ZB-M003" in text for text in comments)


def test_clear_disables_export(browser_page):
    page, _ = browser_page
    _paste_and_review(page, _small_table_html(), SMALL_TABLE)
    assert page.locator("#export").is_enabled()
    page.click("#clear")
    assert page.evaluate(READ_EMPTY_JS) == EMPTY
    # Only a new review that succeeds brings 导出 back.
    _paste_and_review(page, _small_table_html(), SMALL_TABLE)
    assert page.locator("#export").is_enabled()


def test_failed_review_clears_the_old_result(browser_page):
    page, _ = browser_page
    _paste_and_review(page, _small_table_html(), SMALL_TABLE)
    assert page.evaluate(READ_EMPTY_JS) != EMPTY
    page.evaluate(PASTE_JS, ["", "hello world"])
    with page.expect_response(lambda r: r.url.endswith("/v1/score")) as scored:
        page.click("#submit")
    assert scored.value.status == 422
    page.wait_for_selector("#status.error")
    status = page.locator("#status")
    assert "没有找到指标表" in status.inner_text() and "expected" not in status.inner_text()
    assert "expected" in status.get_attribute("title")  # the technical detail, for a tooltip
    assert page.evaluate(READ_EMPTY_JS) == EMPTY


def test_same_file_can_be_chosen_again(browser_page, tmp_path):
    page, _ = browser_page
    table = tmp_path / "small.csv"
    table.write_text(SMALL_TABLE.replace("\t", ","), encoding="utf-8")
    for _ in range(2):  # choose, review, 清空; then the same file again
        with page.expect_response(lambda r: r.url.endswith("/v1/score/file")) as scored:
            page.set_input_files("#file", str(table))
        assert scored.value.status == 200
        page.wait_for_selector("#status:has-text('审核完成')")
        assert page.locator("#export").is_enabled()
        assert page.locator("#paste").inner_text().startswith("文件：small.csv")
        page.click("#clear")
        assert page.eval_on_selector("#file", "input => input.value") == ""
        assert page.evaluate(READ_EMPTY_JS) == EMPTY


def test_docs_work_without_internet(browser_page):
    """/docs loads nothing from outside: any request off the server is refused, as on an
    intranet, and the page still shows the API's endpoints."""
    page, _ = browser_page
    docs = page.context.new_page()
    outside: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(page.base_url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    docs.route("**/*", only_local)
    try:
        docs.goto(page.base_url + "/docs")
        if api.main.swagger_ui_assets() is not None:
            docs.wait_for_selector(".opblock")
            paths = docs.eval_on_selector_all(".opblock-summary-path", "ps => ps.map((p) => p.dataset.path)")
        else:
            docs.wait_for_selector("#endpoints tbody tr")
            paths = docs.eval_on_selector_all("#endpoints tbody tr", "trs => trs.map((tr) => tr.dataset.path)")
        assert {"/v1/score", "/v1/score/file", "/v1/export/xlsx"} <= set(paths)
        # The page /docs falls back to without Swagger UI's package renders the same list.
        docs.goto(page.base_url + "/static/docs.html")
        docs.wait_for_selector('#endpoints tbody tr[data-path="/v1/score"]')
        assert docs.locator('a[href="/openapi.json"]').count() == 1
        assert outside == []
    finally:
        docs.close()


def test_markup_in_cells_is_shown_as_text(browser_page):
    page, dialogs = browser_page
    page.click("#clear")
    result = _paste_and_review(page, _markup_table(), f"三级指标\t指标值\n{SCRIPT_CELL}\t{IMG_CELL}\n")
    ind = result["projects"][0]["indicators"][0]
    assert (ind["name"], ind["target"]) == (SCRIPT_CELL, IMG_CELL)
    cells = page.locator("#results table.indicators tbody tr").first.locator("td")
    assert cells.nth(3).inner_text() == SCRIPT_CELL and cells.nth(3).is_visible()
    assert cells.nth(5).inner_text() == IMG_CELL
    # Nothing the cells or the clipboard held became an element or ran.
    assert page.evaluate("document.querySelectorAll('img, #results script, #paste script').length") == 0
    assert dialogs == []


def test_rows_the_reader_could_not_place_are_named_on_the_page(browser_page):
    """A row with more cells than the header: the reader reports it (ParseIssue), and the
    page says so with its row, rather than leaving the reviewer to think every cell was read."""
    page, _ = browser_page
    page.click("#clear")
    text = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t≥100人次\t多出的说明\n"
    rows = [line.split("\t") for line in text.splitlines()]
    html = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"
    result = _paste_and_review(page, html, text)
    assert result["parse_issues"], "the table should give the reader something to report"
    notes = page.locator("#summary details.parse-issues")
    assert notes.is_visible() and f"读取提示 {len(result['parse_issues'])} 条" in notes.inner_text()
    notes.locator("summary").click()
    assert "第 2 行" in notes.inner_text()
    # in Chinese (the parser's English stays in the JSON)
    assert "多出的文字「多出的说明」未归入任何列" in notes.inner_text() and "extra text" not in notes.inner_text()


def test_a_table_read_without_problems_shows_no_stray_text_in_the_summary(browser_page):
    """With no reading problems the summary had a stray "null" under its ranking (the
    missing notes block written out as text)."""
    page, _ = browser_page
    page.click("#clear")
    result = _paste_and_review(page, _small_table_html(), SMALL_TABLE)
    assert result["parse_issues"] == []
    summary = page.locator("#summary").inner_text()
    assert "部门得分" in summary and "null" not in summary and "undefined" not in summary
