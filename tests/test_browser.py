"""The reviewer page in a real browser: Debian chromium through Playwright against a live
server. A seed table is pasted as a browser would paste cells copied from Word, reviewed,
and the rows must carry the findings the API returned; markup in cells stays text; the
误报 button stores feedback; 导出 Excel downloads a workbook. A screenshot of the review
is kept in test-artifacts/browser/review.png."""

from __future__ import annotations

import html
import warnings

import pytest
from openpyxl import load_workbook

from scorer.report.xlsx import SUMMARY_SHEET
from tests.browser.harness import ARTIFACTS, has_cjk_font, launch_chromium, live_server, needs_chromium
from tests.conftest import SEED_001
from tests.test_parsers_html import _seed_as_clipboard_html

pytestmark = [pytest.mark.browser, needs_chromium]

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
#: tr.sev-* backgrounds from app.css, as getComputedStyle reports them.
ROW_BACKGROUND = {"error": "rgb(253, 236, 234)", "warning": "rgb(255, 244, 229)", "info": "rgb(234, 242, 253)"}

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


def test_pasted_seed_is_reviewed_in_place(browser_page):
    page, dialogs = browser_page
    result = _paste_and_review(page, _seed_as_clipboard_html(SEED_001), SEED_001.read_text(encoding="utf-8"))

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


def test_false_positive_button_stores_feedback(browser_page):
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


def test_export_downloads_the_annotated_workbook(browser_page, tmp_path):
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
