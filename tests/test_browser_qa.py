"""A reviewer fixes a cell of a pasted table on the page and reviews it again: the edited
table must be read as the table it is, merged cells included (Debian chromium through
Playwright, as tests/test_browser.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.harness import launch_chromium, live_server, needs_chromium
from tests.test_browser import PASTE_JS

pytestmark = [pytest.mark.browser, needs_chromium]

# Cells copied from Word: 一级 and 二级指标 merged down (rowspan), a goal cell with two lines.
TABLE = """<div class=WordSection1><p>2025年度项目支出绩效目标表</p><table border=1>
<tr><td>项目名称</td><td colspan=4>社区居家养老服务</td></tr>
<tr><td>年度目标</td><td colspan=4><p>1、为1200名老人提供居家服务</p><p>2、新建3个服务站点</p></td></tr>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td><td>指标值确定依据</td></tr>
<tr><td rowspan=3>产出指标</td><td rowspan=2>数量指标</td><td>服务老人人数</td><td>≥1200人</td><td>计划标准</td></tr>
<tr><td>新建站点数</td><td>≥3个</td><td>计划标准</td></tr>
<tr><td>质量指标</td><td>服务合格率</td><td>≥95%</td><td>行业标准</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>老人满意度</td><td>≥90%</td><td>历史标准</td></tr>
</table></div>"""


def _rows(result: dict) -> list[tuple]:
    return [(i["level1"], i["level2"], i["name"], i["target"], i["basis"], sorted(f["code"] for f in i["findings"]))
            for p in result["projects"] for i in p["indicators"]]


def test_a_cell_fixed_in_the_pasted_table_is_reviewed_with_its_merged_cells(tmp_path):
    from playwright.sync_api import sync_playwright

    with live_server(tmp_path) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(base + "/")
        page.evaluate(PASTE_JS, [TABLE, ""])

        def review() -> dict:
            with page.expect_response(lambda r: r.url.endswith("/v1/score")) as scored:
                page.click("#submit")
            page.wait_for_selector("#status:has-text('审核完成')")
            assert scored.value.status == 200
            return scored.value.json()

        first = review()
        page.locator("#paste td", has_text="≥3个").click()
        page.keyboard.press("End")
        page.keyboard.press("Backspace")
        page.keyboard.type("座")
        page.wait_for_selector("#status:has-text('审核完成')")  # the old status stays until 审核
        second = review()
        browser.close()
        # What the API says for the same table with that one cell fixed.
        expected = httpx.post(base + "/v1/score", content=TABLE.replace("≥3个", "≥3座").encode(),
                              headers={"Content-Type": "text/html; charset=utf-8"}, timeout=60).json()

    assert [r[:5] for r in _rows(first)][1] == ("产出指标", "数量指标", "新建站点数", "≥3个", "计划标准")
    assert _rows(second) == _rows(expected)
    assert [r[:5] for r in _rows(second)][1] == ("产出指标", "数量指标", "新建站点数", "≥3座", "计划标准")
    # The two goal lines are still two goals, the title still the title.
    assert second["document"]["title"] == expected["document"]["title"]
    assert second["projects"][0]["findings"] == expected["projects"][0]["findings"]
