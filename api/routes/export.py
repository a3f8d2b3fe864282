"""Export: scored results (as ``/v1/score`` returns them) back as an annotated workbook."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from api.errors import APIError
from api.inputs import media_type
from scorer.report.xlsx import XLSX_MEDIA_TYPE, write_annotated_workbook
from scorer.results import RESULT_SCHEMA_VERSION, ScoredDocument

router = APIRouter(prefix="/v1/export", tags=["export"])

_RESULTS = TypeAdapter(list[ScoredDocument])
#: Most documents one export may hold; a province-wide batch goes through ``zhibiao batch``.
MAX_DOCUMENTS = 500

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}],
            "description": "/v1/score 返回的审核结果 JSON，或多份结果组成的数组",
        }}},
    }
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "带批注的审核结果工作簿"},
    415: {"description": "不是 JSON"},
    422: {"description": "不是有效的审核结果"},
}


def parse_results(body: bytes) -> list[ScoredDocument]:
    """One scored document or a list of them, validated against the result model."""
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise APIError(422, "invalid_result", "导出内容不是有效的 JSON", str(exc)) from None
    if isinstance(payload, list) and not payload:
        raise APIError(422, "invalid_result", "导出内容为空：至少需要一份审核结果", "empty list")
    if isinstance(payload, list) and len(payload) > MAX_DOCUMENTS:
        raise APIError(413, "too_large", f"一次最多导出 {MAX_DOCUMENTS} 份审核结果", f"got {len(payload)}")
    try:
        if isinstance(payload, list):
            return _RESULTS.validate_python(payload)
        return [ScoredDocument.model_validate(payload)]
    except ValidationError as exc:
        first = exc.errors()[0]
        # The path to the bad field (list index first for a list), as a reviewer would look for it.
        where = ".".join(str(p) for p in first["loc"]) or "body"
        # The field in the message too: the page shows the message, the detail only on hover.
        loc = list(first["loc"])
        nth = f"第 {loc.pop(0) + 1} 份结果" if isinstance(payload, list) and loc and isinstance(loc[0], int) else ""
        path = ".".join(map(str, loc))
        # (第 1 份结果的字段 x 不对 in a list; 字段 x 不对 for one result, with no dangling 的)
        wrong = f"缺少字段 {path}" if first["type"] == "missing" else f"{'的' if nth else ''}字段 {path} 不对"
        field = ("：" + nth + (wrong if loc else "不是审核结果（JSON 对象）")
                 if nth or loc else "：应为 JSON 对象或列表")
        raise APIError(422, "invalid_result", f"导出内容不是有效的审核结果（请提交 /v1/score 的返回内容）{field}",
                       f"{where}: {first['msg']}") from None


def check_versions(results: list[ScoredDocument]) -> None:
    """Results of another major schema version may mean other things by the same fields:
    refused rather than written into a workbook that looks right."""
    major = RESULT_SCHEMA_VERSION.split(".")[0]
    for i, result in enumerate(results):
        if result.schema_version.split(".")[0] != major:
            raise APIError(422, "invalid_result",
                           f"审核结果的格式版本 {result.schema_version} 与本服务（{RESULT_SCHEMA_VERSION}）不兼容，请重新审核后导出",
                           f"result {i}: schema_version {result.schema_version!r}, expected {major}.x")


def attachment_name(results: list[ScoredDocument]) -> str:
    """``<department>-审核结果.xlsx`` for one document, ``审核结果-<n>份.xlsx`` for several."""
    if len(results) == 1 and results[0].document.department:
        return f"{results[0].document.department}-审核结果.xlsx"
    return f"审核结果-{len(results)}份.xlsx" if len(results) > 1 else "审核结果.xlsx"


def content_disposition(filename: str) -> str:
    # An ASCII fallback for old clients, the real (Chinese) name per RFC 6266 / 5987.
    # quote(…, safe=""): a "/" in a department's name is encoded too, not read as a path.
    return f"attachment; filename=\"zhibiao-review.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"


def render_xlsx(results: list[ScoredDocument]) -> bytes:
    buffer = io.BytesIO()
    write_annotated_workbook(results, buffer)
    return buffer.getvalue()


@router.post("/xlsx", openapi_extra=_BODY, responses=_RESPONSES, response_class=Response,
             summary="导出带批注的 Excel 审核结果")
async def export_xlsx(request: Request) -> Response:
    mt = media_type(request.headers.get("content-type"))
    if mt != "application/json":
        raise APIError(415, "unsupported_media_type", "导出需要提交 JSON（/v1/score 的返回内容）",
                       f"got '{mt or 'none'}'; expected application/json")
    body = await request.body()

    def work() -> tuple[bytes, str]:
        results = parse_results(body)
        check_versions(results)
        return render_xlsx(results), attachment_name(results)

    data, filename = await run_in_threadpool(work)
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": content_disposition(filename)})
