"""The annotated workbook (scorer/report/xlsx.py) and ``POST /v1/export/xlsx``: sheets,
row colours by worst finding, highlighted and commented cells, summary, determinism,
and the API's errors."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.main import create_app
from api.settings import Settings
from scorer.findings import Finding, Severity
from scorer.pipeline import score_document
from scorer.report.xlsx import (
    CELL_FILL,
    COLUMNS,
    ROW_FILL,
    SUMMARY_SHEET,
    XLSX_MEDIA_TYPE,
    offending_field,
    sheet_names,
    write_annotated_workbook,
)
from scorer.results import ScoredDocument
from tests.conftest import SEED_000, SEED_001
from tests.test_api import _assert_error

HEADINGS = [h for h, _ in COLUMNS]


@pytest.fixture(scope="module")
def scored(seed_docs) -> dict[str, ScoredDocument]:
    return {name: score_document(doc) for name, doc in seed_docs.items()}


def _workbook(results, **kwargs):
    buffer = io.BytesIO()
    write_annotated_workbook(results, buffer, **kwargs)
    return load_workbook(io.BytesIO(buffer.getvalue())), buffer.getvalue()


def _rgb(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def _is_indicator_row(row) -> bool:
    return isinstance(row[HEADINGS.index("S")].value, (int, float))  # the S sub-score


def _indicator_rows(ws, name: str):
    """The indicator rows whose 三级指标 is ``name``, in sheet order."""
    return [row for row in ws.iter_rows() if _is_indicator_row(row) and row[HEADINGS.index("三级指标")].value == name]


def test_document_sheet_layout_colours_and_comments(scored):
    doc = scored[SEED_001.name]
    wb, _ = _workbook([doc])
    assert wb.sheetnames == [SUMMARY_SHEET, doc.document.department]
    ws = wb[doc.document.department]
    # Per project: header labels, values, the indicator table heading.
    labels = [[c.value for c in row] for row in ws.iter_rows(max_col=len(HEADINGS))]
    assert labels.count(HEADINGS) == len(doc.projects)
    first_project = next(i for i, row in enumerate(labels) if row[0] == "编号")
    assert labels[first_project + 1][:2] == [1, doc.projects[0].name]

    row = _indicator_rows(ws, "完成率")[0]
    first = doc.projects[0].indicators[0]
    codes = {f.code for f in first.findings}
    assert "ZB-M003" in codes
    sev = max((f.severity for f in first.findings), key=lambda s: s.rank)
    target = row[HEADINGS.index("指标值")]
    level1 = row[HEADINGS.index("一级指标")]
    # The row is filled by its worst finding, the 指标值 cell more strongly, with a comment.
    assert _rgb(level1) == ROW_FILL[sev].fgColor.rgb[-6:]
    assert _rgb(target) == CELL_FILL[Severity.warning].fgColor.rgb[-6:]
    assert "ZB-M003" in target.comment.text and "建议" in target.comment.text
    assert level1.comment is None
    problems = row[HEADINGS.index("问题")].value
    assert all(code in problems for code in codes)
    assert row[HEADINGS.index("得分")].value == first.score and row[HEADINGS.index("等级")].value == first.grade


def test_project_findings_listed_under_the_project(scored):
    doc = scored[SEED_001.name]
    ws = _workbook([doc])[0][doc.document.department]
    project_rows = [row for row in ws.iter_rows() if row[0].value == "项目问题"]
    expected = [f for p in doc.projects for f in p.findings]
    assert [r[1].value for r in project_rows] == [f.code for f in expected]
    assert project_rows[0][3].value == expected[0].message


def test_unhit_rows_are_not_coloured(scored):
    doc = scored[SEED_000.name]
    clean = [ind for p in doc.projects for ind in p.indicators if not ind.findings]
    assert clean, "seed 000 is expected to have indicators without findings"
    ws = _workbook([doc])[0].worksheets[1]
    # Rows with findings are all filled, so an unfilled row with this name is the clean one.
    assert any(_rgb(row[0]) == "" for row in _indicator_rows(ws, clean[0].name))
    filled = [row for row in ws.iter_rows() if _is_indicator_row(row) and _rgb(row[0])]
    assert len(filled) == sum(1 for p in doc.projects for ind in p.indicators if ind.findings) 


def test_summary_sheet_ranks_and_counts(scored):
    docs = [scored[SEED_000.name], scored[SEED_001.name]]
    wb, _ = _workbook(docs)
    ws = wb[SUMMARY_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    for title in ("文档排名", "等级分布", "问题统计（按类别）", "问题统计（按代码）", "项目排名"):
        assert title in flat
    start = next(i for i, row in enumerate(values) if row[0] == "文档排名") + 2
    ranked = values[start:start + 2]
    best = max(docs, key=lambda d: d.department.score)
    assert ranked[0][0] == 1 and ranked[0][4] == best.department.score
    assert ws.cell(start + 1, 2).hyperlink.location.startswith("'")
    grades = next(i for i, row in enumerate(values) if row[0] == "等级分布") + 2
    assert sum(row[2] for row in values[grades:grades + 4]) == sum(len(d.projects) for d in docs)
    total = next(row for row in values if row[0] == "合计")
    assert total[2:5] == [sum(getattr(d.counts, s) for d in docs) for s in ("error", "warning", "info")]
    projects = next(i for i, row in enumerate(values) if row[0] == "项目排名") + 2
    scores = [row[4] for row in values[projects:]]
    assert len(scores) == sum(len(d.projects) for d in docs) and scores == sorted(scores, reverse=True)


def test_output_is_deterministic_and_summary_optional(scored):
    docs = list(scored.values())
    _, once = _workbook(docs)
    _, again = _workbook(docs)
    assert once == again
    # Equal bytes within one second prove little: no part may carry the clock's time.
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(once)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    wb, _ = _workbook(docs, summary=False)
    assert SUMMARY_SHEET not in wb.sheetnames and len(wb.sheetnames) == 2
    with pytest.raises(ValueError):
        write_annotated_workbook([], io.BytesIO(), summary=False)


def test_results_stream_through_once(scored):
    """A batch passes its results as a one-shot generator straight from the store: each
    document is taken once, in order, and the workbook is the one a list gives."""
    docs = list(scored.values()) * 2
    taken = []

    def one_at_a_time():
        for doc in docs:
            taken.append(doc.document.source)
            yield doc

    _, from_list = _workbook(docs)
    wb, streamed = _workbook(one_at_a_time())
    assert streamed == from_list and taken == [d.document.source for d in docs]
    assert wb.sheetnames[0] == SUMMARY_SHEET and len(wb.sheetnames) == 1 + len(docs)


def test_sheet_names_are_valid_and_unique(scored):
    base = scored[SEED_001.name]

    def named(department: str) -> ScoredDocument:
        return base.model_copy(update={"document": base.document.model_copy(update={"department": department})})

    docs = [named("a/b:c*d?e[f]g\\h"), named("x" * 40), named("x" * 40), named("汇总"), named("'")]
    names = sheet_names(docs, reserved=(SUMMARY_SHEET,))
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert names[0] == "a_b_c_d_e_f_g_h" and names[2].endswith("(2)") and names[3] != SUMMARY_SHEET
    wb, _ = _workbook(docs)
    assert wb.sheetnames == [SUMMARY_SHEET, *names]


def test_cell_text_stays_text(scored):
    """A cell written like a formula stays a string; control characters Word leaves are dropped."""
    base = scored[SEED_001.name]
    project = base.projects[0]
    ind = project.indicators[0].model_copy(update={"target": "=1+1", "name": "完成\x07率"})
    doc = base.model_copy(update={"projects": [project.model_copy(update={"indicators": [ind]})]})
    ws = _workbook([doc])[0][doc.document.department]
    row = _indicator_rows(ws, "完成率")[0]
    assert row[HEADINGS.index("指标值")].value == "=1+1" and row[HEADINGS.index("指标值")].data_type == "s"


def test_offending_field_prefers_the_checked_column(scored):
    ind = scored[SEED_001.name].projects[0].indicators[0]
    by_code = {f.code: f for f in ind.findings}
    assert offending_field(by_code["ZB-M003"], ind) == "target"
    assert offending_field(by_code["ZB-S001"], ind) == "name"
    tie = ind.model_copy(update={"name": "得到认可", "target": "得到认可"})
    measurable = by_code["ZB-M003"].model_copy(update={"evidence": "得到认可"})
    specific = by_code["ZB-S001"].model_copy(update={"evidence": "得到认可"})
    assert offending_field(measurable, tie) == "target" and offending_field(specific, tie) == "name"
    nowhere = Finding(code="ZB-X001", category="S", severity="info", message="m", evidence="不在表中")
    assert offending_field(nowhere, ind) is None


# -- the endpoint ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("export-data"), max_request_bytes=2 * 1024 * 1024)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def api_result(client) -> dict:
    r = client.post("/v1/score", content=SEED_001.read_bytes(), headers={"Content-Type": "text/plain; charset=utf-8"})
    assert r.status_code == 200
    return r.json()


def test_export_one_scored_document(client, api_result):
    r = client.post("/v1/export/xlsx", json=api_result)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"{api_result['document']['department']}-审核结果.xlsx"
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb[api_result["document"]["department"]]
    target = _indicator_rows(ws, "完成率")[0][HEADINGS.index("指标值")]
    assert "ZB-M003" in target.comment.text


def test_export_a_list_of_documents(client, api_result):
    r = client.post("/v1/export/xlsx", json=[api_result, api_result])
    assert r.status_code == 200
    assert len(load_workbook(io.BytesIO(r.content)).sheetnames) == 3
    assert "2%E4%BB%BD" in r.headers["content-disposition"]  # "2份"


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"projects": []}', b"[1, 2]", b"\xff\xfe"])
def test_export_bad_body_is_a_json_error(client, body):
    r = client.post("/v1/export/xlsx", content=body, headers={"Content-Type": "application/json"})
    assert _assert_error(r, 422, "invalid_result")["detail"]


def test_export_needs_json(client):
    _assert_error(client.post("/v1/export/xlsx", content=b"a,b", headers={"Content-Type": "text/csv"}),
                  415, "unsupported_media_type")


def test_export_rejects_a_tampered_result(client, api_result):
    broken = dict(api_result, projects=[dict(api_result["projects"][0], grade="A+")])
    err = _assert_error(client.post("/v1/export/xlsx", json=broken), 422, "invalid_result")
    assert err["detail"].startswith("projects.0.grade")
    err = _assert_error(client.post("/v1/export/xlsx", json=[api_result, broken]), 422, "invalid_result")
    assert err["detail"].startswith("1.projects.0.grade")


def test_export_refuses_another_schema_version_and_encodes_slashes(client, api_result):
    future = dict(api_result, schema_version="9.9")
    err = _assert_error(client.post("/v1/export/xlsx", json=future), 422, "invalid_result")
    assert "9.9" in err["message"] and "不兼容" in err["message"]
    slashed = dict(api_result, document=dict(api_result["document"], department="交通/运输局"))
    disposition = client.post("/v1/export/xlsx", json=slashed).headers["content-disposition"]
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert "/" not in encoded and unquote(encoded) == "交通/运输局-审核结果.xlsx"


def test_control_characters_from_json_never_reach_the_workbook(seed_docs):
    """Word's soft line break (\\x0b) and a bell (\\x07) in a JSON document: the reader drops
    them as the text readers do, and the workbook (sheet names, hyperlinks) stays valid XML
    even for a stored result that still carries them."""
    from scorer.parsers import parse_text

    data = seed_docs[SEED_000.name].model_copy(update={"department": "某市\x0b生态环境局\x07"}).model_dump_json()
    doc = parse_text(data, "ctrl.json")
    assert doc.department == "某市生态环境局"
    result = score_document(seed_docs[SEED_000.name].model_copy(update={"department": "某市\x0b生态环境局"}))
    buffer = io.BytesIO()
    write_annotated_workbook([result], buffer)
    assert "某市生态环境局" in load_workbook(io.BytesIO(buffer.getvalue())).sheetnames


def test_reading_problems_are_listed_in_chinese_with_where():
    from scorer.parsers import parse_text

    doc = parse_text("项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t指标值\n"
                     "产出指标\t数量指标\t养护里程\t≥20公里\n页码 3\n", "养护.tsv")
    wb, _ = _workbook([score_document(doc)])
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "养护.tsv（第 4 行）：项目 1 中这一行无法识别，未读入：页码 3" in texts
    assert not any("not understood" in t for t in texts)
