"""Defects found reviewing the day's change (4685448..HEAD): each test failed before its fix."""

from __future__ import annotations

import pytest

from scorer.parsers import parse_text
from tests.review_tables import codes
from tests.test_parse_layouts_qa6 import _two_projects


@pytest.mark.parametrize("second_total", ["120万元", "120.00万元"])
def test_an_amount_that_writes_its_own_unit_draws_no_inherited_unit_warning(second_total):
    """Before: 120万元 under an earlier table's 单位：元 was read right (120 万元) but warned that
    its "largest amount, 120 元" was under 1 万元 — the cell states 万元 itself."""
    doc = parse_text(_two_projects(second_total), "a.txt")
    assert [p.budget_total for p in doc.projects] == [120, 120]
    assert not [i for i in doc.issues if "前面没有单位说明" in i.zh]



@pytest.fixture(scope="module")
def rule_scorer():
    from scorer.pipeline import Scorer
    return Scorer()


@pytest.mark.parametrize(("level2", "name", "value"), [
    # a count reported as its act done: the number is missing (the own-act rule is for
    # 异地备份 | 完成异地备份, not for a 数量指标)
    ("数量指标", "培训人数", "完成培训"),
    ("数量指标", "设施维修数量", "完成维修"),
    # a standard named by no title and by nothing it governs
    ("质量指标", "工程质量", "符合现行国家标准"),
    ("质量指标", "堤防工程质量", "符合国家和行业标准"),
    ("质量指标", "维修工程质量", "达到预期管理标准"),
    ("质量指标", "养护质量", "达到良好管理标准"),
])
def test_vague_values_the_new_verifiable_forms_let_through_are_flagged_again(rule_scorer, level2, name, value):
    """Before (4685448) each drew ZB-M002; the day's change took them for checkable outcomes
    and said nothing."""
    assert "ZB-M002" in codes(rule_scorer, "产出指标", level2, name, value)


@pytest.mark.parametrize(("name", "value"), [
    ("数字化成果异地备份", "完成异地备份"),
    ("维修工程质量", "达到文物保护工程质量验收标准"),
    ("工程质量", "满足国家现行施工验收规范"),
    ("道路工程质量", "符合城市道路建设标准"),
])
def test_checkable_forms_of_the_change_stay_checkable(rule_scorer, name, value):
    assert "ZB-M002" not in codes(rule_scorer, "产出指标", "质量指标", name, value)


def test_an_export_of_one_bad_result_names_the_field_without_a_dangling_de(tmp_path):
    """Before: {"a": 1} → "…的返回内容）：的字段 scorer_version 不对" (a 的 with nothing before
    it, and "不对" for a field that is not there)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(data_dir=tmp_path)), raise_server_exceptions=False) as client:
        one = client.post("/v1/export/xlsx", json={"a": 1}).json()["error"]["message"]
        listed = client.post("/v1/export/xlsx", json=[{"a": 1}]).json()["error"]["message"]
    assert one.endswith("的返回内容）：缺少字段 scorer_version")
    assert listed.endswith("：第 1 份结果缺少字段 scorer_version")


def _time_cells_xlsx(cells: list[tuple[object, str]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["项目名称", "值班响应保障"], ["年度资金总额", "20"], ["一级指标", "二级指标", "三级指标", "指标值"]):
        ws.append(row)
    for i, (value, number_format) in enumerate(cells):
        ws.append(["产出指标", "时效指标", f"响应时限{i + 1}", None])
        ws.cell(row=ws.max_row, column=4, value=value).number_format = number_format
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_time_cell_under_h_mm_ss_reads_as_the_time_not_as_zero():
    """Before: Excel's built-in h:mm:ss / [h]:mm:ss show 0:30:00 and 36:00:00, which read as the
    number 0 (and 36) with no unit, the rest (:30:00) left as text; h:mm's 0:30 and 36:00 were
    already a time of day and 2160 分钟."""
    import datetime as dt

    from scorer.parsers import parse_bytes
    from scorer.values import TargetKind, parse_target

    doc = parse_bytes(_time_cells_xlsx([(dt.time(0, 30), "h:mm:ss"), (dt.timedelta(hours=36), "[h]:mm:ss")]), "a.xlsx")
    first, second = (i.target for i in doc.projects[0].indicators)
    assert first.raw == "0:30:00" and first.kind == TargetKind.qualitative  # as 0:30 is
    assert second.raw == "36:00:00" and (second.value, second.unit) == (2160, "分钟")
    bounded = parse_target("≤0:30:00")
    assert (bounded.comparator, bounded.value, bounded.unit) == ("<=", 30, "分钟")


@pytest.mark.parametrize(("value", "dated"), [("1:15", False), ("≤1:12", False), ("17:00前", True), ("0:30", True)])
def test_a_ratio_is_no_time_frame(rule_scorer, value, dated):
    """Before: the day's time-of-day pattern took any d:dd for a clock, so a project whose only
    "time" was its 生师比 1:15 lost ZB-T002 (no time frame anywhere)."""
    from scorer.checks.examples import build_example

    spec = {"project": {"name": "乡村教师配备补助", "goals": ["配齐乡村学校教师，改善办学条件"]},
            "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": "生师比", "target": value}]}
    found = {f.code for f in rule_scorer.score_document(build_example(spec)).all_findings()}
    assert ("ZB-T002" in found) is not dated


@pytest.mark.parametrize(("name", "flagged"), [
    ("工程质量检测合格率", True), ("维修工程抽检合格率", True), ("设备检测合格率", True),
    ("免疫抗体合格率", False), ("评价性抽检合格率", False), ("断面水质达标率", False),
])
def test_a_tested_pass_rate_of_the_projects_own_works_is_still_a_completion_rate(rule_scorer, name, flagged):
    """Before: any rate with 检测/抽检 in its name was taken for a measured outcome, so
    工程质量检测合格率 ≥60% (the project's own works) lost ZB-A005."""
    from scorer.checks.examples import build_example

    spec = {"project": {"name": "农村公路建设", "goals": ["2025年底前完成农村公路建设"]},
            "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": name, "target": "≥60%"}]}
    found = {f.code for f in rule_scorer.score_document(build_example(spec)).all_findings()}
    assert ("ZB-A005" in found) is flagged
