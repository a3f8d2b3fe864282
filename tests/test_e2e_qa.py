"""zhibiao used end to end as its users use it: a reviewer's uploads and mistakes through the
API (httpx), and a budget office's folder through ``zhibiao batch`` and ``zhibiao report``
(a copy of a file sent twice, files that cannot be read), checked on what the reports say."""

from __future__ import annotations

import json
import shutil
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings
from scorer.batch.discover import archive_sources
from scorer.batch.messages import chinese_reason
from scorer.batch.store import RESULTS_FILE
from scorer.cli.main import app
from tests.conftest import SEED_000, SEED_001

#: An Excel 2003 XML workbook, as budget systems export their ``.xls``.
XML_2003 = """<?xml version="1.0" encoding="gb2312"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="绩效目标"><Table>
<Row><Cell><Data ss:Type="String">项目名称</Data></Cell><Cell><Data ss:Type="String">农村饮水安全维修养护</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">一级指标</Data></Cell><Cell><Data ss:Type="String">二级指标</Data></Cell>
 <Cell><Data ss:Type="String">三级指标</Data></Cell><Cell><Data ss:Type="String">指标值</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">数量指标</Data></Cell>
 <Cell><Data ss:Type="String">维修工程处数</Data></Cell><Cell><Data ss:Type="String">≥30处</Data></Cell></Row>
</Table></Worksheet></Workbook>""".encode("gbk")


# -- the API ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("e2e-api"), max_request_bytes=2 * 1024 * 1024)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and "Traceback" not in response.text
    return error


def test_excel_2003_xml_upload_is_scored(client):
    r = client.post("/v1/score/file", files={"file": ("水利局.xls", XML_2003)})
    assert r.status_code == 200, r.text
    [project] = r.json()["projects"]
    assert project["name"] == "农村饮水安全维修养护"
    assert [(i["name"], i["target"]) for i in project["indicators"]] == [("维修工程处数", "≥30处")]


def test_an_archive_upload_says_to_send_its_files_or_use_batch(client):
    error = _error(client.post("/v1/score/file", files={"file": ("全部.zip", b"PK\x05\x06" + bytes(18))}),
                   415, "unsupported_media_type")
    assert "zhibiao batch" in error["message"] and ".docx" in error["message"]


@pytest.mark.parametrize(("name", "data", "says"), [
    ("扫描件.pdf", b"%PDF-1.4\n" + bytes(64), "PDF"),
    ("照片.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
    ("旧表.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为"),
])
def test_files_that_hold_no_readable_table_say_what_to_send(client, name, data, says):
    error = _error(client.post("/v1/score/file", files={"file": (name, data)}), 415, "unsupported_media_type")
    assert says in error["message"] and name in error["message"]


def test_an_unknown_suffix_lists_the_files_taken(client):
    error = _error(client.post("/v1/score/file", files={"file": ("表.numbers", b"x")}), 415, "unsupported_media_type")
    assert ".xls" in error["message"] and ".docx" in error["message"]


def test_broken_requests_get_a_chinese_reason(client):
    cut = client.post("/v1/score/file", content=b"junk", headers={"Content-Type": "multipart/form-data"})
    assert "上传的表单" in _error(cut, 400, "http_error")["message"]
    no_file = client.post("/v1/score/file", data={"name": "x"})
    assert _error(no_file, 422, "invalid_request")["message"] == "请选择要上传的文件（表单字段 file）"
    bad_json = client.post("/v1/feedback", content=b'{"kind": ', headers={"Content-Type": "application/json"})
    assert _error(bad_json, 422, "invalid_request")["message"] == "请求内容不是有效的 JSON"
    missing = client.post("/v1/feedback", json={"kind": "finding_wrong"})
    assert _error(missing, 422, "invalid_request")["message"] == "请求缺少字段 document_sha256"


def test_half_a_utf16_pair_in_a_json_paste_is_not_a_server_error(client):
    """JSON may escape a lone surrogate ("\\ud800"), which no encoder takes: once a 500."""
    table = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训\\ud800人次\t≥100人次\n"
    body = ('{"text": "' + table.replace("\t", "\\t").replace("\n", "\\n") + '"}').encode("utf-8")
    r = client.post("/v1/score", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["projects"][0]["indicators"][0]["name"].startswith("培训")


def test_parse_text_takes_a_lone_surrogate():
    from scorer.parsers import parse_text

    doc = parse_text("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训\ud800人次\t≥100人次\n", "x.tsv")
    assert doc.projects[0].indicators[0].name == "培训\ufffd\ufffd\ufffd人次"


# -- a budget office's batch ----------------------------------------------------------------

def _run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A folder with the same table twice (a copy, and again inside a .zip), a broken
    .docx and a .zip member that is no table; batch-scored, without models."""
    root = tmp_path_factory.mktemp("office")
    folder = root / "申报"
    (folder / "市直").mkdir(parents=True)
    shutil.copy(SEED_001, folder / "市直" / "生态环境局.txt")
    shutil.copy(SEED_001, folder / "市直" / "生态环境局（副本）.txt")
    shutil.copy(SEED_000, folder / "市直" / "教育局.txt")
    (folder / "水利局.xls").write_bytes(XML_2003)
    (folder / "卫健委.docx").write_bytes(b"PK\x03\x04 not a document")
    with zipfile.ZipFile(folder / "补充.zip", "w") as zf:
        zf.write(SEED_001, "补充/生态环境局.txt")
        zf.writestr("补充/说明.txt", "这是说明，没有表格。")
    out = root / "out"
    result = _run("batch", str(folder), "--out", str(out), "--jobs", "1", "--no-models")
    assert result.exit_code == 1, result.output
    return out, result


def test_a_file_sent_twice_is_counted_once_and_listed(office):
    out, result = office
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["documents"] == 3  # 生态环境局, 教育局, 水利局: not the two copies
    assert sorted((d["name"].rsplit("/", 1)[-1], d["same_as"].rsplit("/", 1)[-1]) for d in analysis["duplicates"]) == [
        ("生态环境局.txt", "生态环境局.txt"), ("生态环境局（副本）.txt", "生态环境局.txt")]
    assert "3 份文档（另有 2 个重复文件，只计一次）" in result.stdout
    # Copy-paste clusters are between different submissions, never a file and its copy.
    for cluster in analysis["clusters"]:
        assert not any("副本" in p["document"] for p in cluster["places"])
    departments = {d["name"]: d["documents"] for d in analysis["departments"]}
    assert departments["定州市生态环境局"] == 1
    sheets = openpyxl.load_workbook(out / "report.xlsx", read_only=True).sheetnames
    assert len(sheets) == 4 and sheets.count("定州市生态环境局") == 1
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "重复的文件（2）" in html and "生态环境局（副本）.txt" in html


def test_failed_files_are_explained_in_chinese(office):
    out, result = office
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    reasons = {f["name"].rsplit("/", 1)[-1]: f for f in analysis["failures"]}
    assert set(reasons) == {"卫健委.docx", "说明.txt"}
    assert ".docx 文件已损坏" in reasons["卫健委.docx"]["message"]
    assert "corrupt or truncated .docx" in reasons["卫健委.docx"]["error"]  # the detail stays
    assert "没有找到指标表" in reasons["说明.txt"]["message"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert ".docx 文件已损坏" in html and "corrupt or truncated .docx" in html
    assert "无法读取 卫健委.docx：.docx 文件已损坏" in result.stderr


def test_rerun_and_report_keep_the_duplicates_and_chinese_reasons(office, tmp_path):
    out, _ = office
    again = tmp_path / "again"
    shutil.copytree(out, again)
    (again / ".lock").unlink(missing_ok=True)
    result = _run("report", str(again / RESULTS_FILE), "--no-models")
    assert result.exit_code == 1, result.output  # two files failed, as batch said (exit 1)
    analysis = json.loads((again / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["documents"] == 3 and len(analysis["duplicates"]) == 2
    assert all(f["message"].startswith("无法读取") for f in analysis["failures"])
    assert "3 份文档（另有 2 个重复文件，只计一次），2 个文件未能审核" in result.stdout


@pytest.mark.parametrize(("member", "says"), [
    ("../escape.csv", "压缩包之外"),
    ("/etc/x.csv", "绝对路径"),
    ("inner.zip", "压缩包中的压缩包"),
])
def test_refused_archive_members_get_a_chinese_reason(tmp_path, member, says):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, "x")
    [source] = archive_sources(archive, "a.zip")
    assert says in chinese_reason(source.error)


def test_an_unknown_reason_still_reads_in_chinese():
    assert chinese_reason("something new") == "无法审核这个文件"
    assert chinese_reason("expands to 120 MB, over the 100 MB limit for one input") == "解压后 120 MB，超过单个文件 100 MB 的上限"
