"""``zhibiao score`` and ``zhibiao rules``: formats, exit codes, selection, config, stdin."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from scorer.checks import REGISTRY
from scorer.cli.main import app
from tests.conftest import SEED_000, SEED_001

runner = CliRunner()

PASTED = (
    "一级指标\t二级指标\t三级指标\t指标值\n"
    "产出指标\t数量指标\t新建污水管网长度\t≥12公里\n"
    "\t质量指标\t管网验收合格率\t100%\n"
    "效益指标\t社会效益指标\t受益农户\t≥800户\n"
    "满意度指标\t服务对象满意度指标\t受益农户满意度\t<10\n"
)


def score(*args: str, **kwargs):
    return runner.invoke(app, ["score", *args], **kwargs)


def codes(output: str) -> set[str]:
    payload = json.loads(output)
    docs = payload if isinstance(payload, list) else [payload]
    found = set()
    for doc in docs:
        for project in doc["projects"]:
            found.update(f["code"] for f in project["findings"])
            for ind in project["indicators"]:
                found.update(f["code"] for f in ind["findings"])
    return found


def test_text_report_is_linter_style_with_summary():
    result = score(str(SEED_001))
    assert result.exit_code == 1  # seed 001 has errors (blank targets, <10 satisfaction)
    assert f"{SEED_001}:1114: 项目16 ZB-A003 错误 「群众满意度」越高越好" in result.output
    assert "部门得分" in result.output and "汇总" in result.output
    assert "ZB-M001" in result.output and "个错误" in result.output


def test_fail_on_levels():
    assert score(str(SEED_000)).exit_code == 0  # only warnings and infos
    assert score(str(SEED_000), "--fail-on", "warning").exit_code == 1
    assert score(str(SEED_001), "--fail-on", "never").exit_code == 0


def test_json_for_one_and_several_files():
    one = score(str(SEED_000), "--format", "json")
    payload = json.loads(one.output)
    assert payload["document"]["source"] == str(SEED_000) and payload["department"]["ranking"]
    both = score(str(SEED_000), str(SEED_001), "-f", "json", "--fail-on", "never")
    assert both.exit_code == 0 and [d["document"]["source"] for d in json.loads(both.output)] == [
        str(SEED_000), str(SEED_001)]


def test_select_and_ignore_on_the_command_line():
    only_m = codes(score(str(SEED_001), "-f", "json", "--select", "ZB-M").output)
    assert only_m and all(c.startswith("ZB-M") for c in only_m)
    two = codes(score(str(SEED_001), "-f", "json", "--select", "ZB-A003,ZB-M001").output)
    assert two == {"ZB-A003", "ZB-M001"}
    no_s = codes(score(str(SEED_001), "-f", "json", "--ignore", "ZB-S", "--ignore", "FORMAT").output)
    assert "ZB-S001" not in no_s and "ZB-FMT001" not in no_s and "ZB-ST010" in no_s


def test_stdin_paste():
    result = score("-", "-f", "json", input=PASTED)
    assert result.exit_code == 1
    found = codes(result.output)
    assert "ZB-A003" in found
    # Only indicator rows were pasted: no complaints about the goals or basis column that were not.
    assert not found & {"ZB-ST009", "ZB-ST011", "ZB-T002"}


def test_config_next_to_the_input_and_explicit_config(tmp_path):
    folder = tmp_path / "dept"
    folder.mkdir()
    table = folder / SEED_001.name
    shutil.copy(SEED_001, table)
    (folder / "zhibiao.toml").write_text('ignore = ["ZB-FMT"]\n[severity]\n"ZB-M003" = "error"\n', encoding="utf-8")
    payload = json.loads(score(str(table), "-f", "json").output)
    found = [f for p in payload["projects"] for i in p["indicators"] for f in i["findings"]]
    assert not any(f["code"].startswith("ZB-FMT") for p in payload["projects"] for f in p["findings"])
    assert {f["severity"] for f in found if f["code"] == "ZB-M003"} == {"error"}
    other = tmp_path / "strict.toml"
    other.write_text('select = ["ZB-A003"]\n', encoding="utf-8")
    assert codes(score(str(table), "-f", "json", "--config", str(other)).output) == {"ZB-A003"}


@pytest.mark.parametrize("args, message", [
    (["/no/such/file.txt"], "no/such/file.txt"),
    ([str(SEED_000), "--format", "xml"], "text or json"),
    ([str(SEED_000), "--fail-on", "sometimes"], "never"),
    ([str(SEED_000), "--select", "not a code"], "code prefix"),
    ([str(SEED_000), "--config", "/no/such/zhibiao.toml"], "not found"),
])
def test_bad_input_exits_2_with_one_line(args, message):
    result = score(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_config_file_exits_2(tmp_path):
    (tmp_path / "zhibiao.toml").write_text("[thresholds]\nsatisfaction = 80\n", encoding="utf-8")
    table = tmp_path / SEED_000.name
    shutil.copy(SEED_000, table)
    result = score(str(table))
    assert result.exit_code == 2 and "satisfaction" in result.output


def test_rules_list_explain_and_json():
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    assert all(c.code in listing.output for c in REGISTRY)
    one = runner.invoke(app, ["rules", "ZB-A003"])
    assert one.exit_code == 0 and "为什么" in one.output and "违规示例" in one.output
    family = json.loads(runner.invoke(app, ["rules", "FIN", "--format", "json"]).output)
    assert [r["code"] for r in family] == [f"ZB-F00{i}" for i in range(1, 8)]
    assert runner.invoke(app, ["rules", "ZB-Q999"]).exit_code == 2


def test_one_unreadable_file_among_many_does_not_hide_the_others(tmp_path):
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"\x00\x01 not a document")
    result = score(str(SEED_000), str(junk), "--no-models", "-f", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["document"]["source"].endswith(SEED_000.name)  # the readable file is scored
    assert "junk.docx" in result.stderr and "Traceback" not in result.output


def test_a_workbooks_lines_name_the_sheet(tmp_path):
    """Row 3 of which sheet: in a workbook of several, the line says."""
    import openpyxl

    wb = openpyxl.Workbook()
    for i, (title, name, row) in enumerate([("养护", "2024年道路养护", ["产出指标", "数量指标", "养护里程", "≥30公里"]),
                                            ("培训", "2024年就业培训", ["产出指标", "数量指标", "培训人数", "≥0人"])]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for r in (["项目名称", name], ["一级指标", "二级指标", "三级指标", "指标值"], row):
            ws.append(r)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    result = score(str(path), "--no-models", "--select", "ZB-A007")
    assert f"{path}:3: 表格「培训」 项目2 ZB-A007" in result.output
    assert "表格「养护」" not in result.output  # its ≥30公里 is fine
