"""Scoring: a document as JSON, pasted text or HTML, or an uploaded file."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.errors import APIError
from api.inputs import document_from_body, document_from_upload, media_type
from scorer.document import Document
from scorer.parsers import ParseError

router = APIRouter(prefix="/v1", tags=["score"])

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "zhibiao 文档 JSON，或 {\"text\": 粘贴内容}"}},
            "text/plain": {"schema": {"type": "string", "description": "粘贴的表格（制表符分隔或逐格文本）"}},
            "text/tab-separated-values": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string", "description": "从 Word/Excel/WPS 复制的 HTML 表格"}},
        },
    }
}


def _read_and_score(service: Any, read: Callable[[], Document], content: bytes,
                    filename: str | None, media_type_: str | None) -> dict[str, Any]:
    """Read, check the size, score. A submission that cannot be read (422), is refused for
    its type (415) or size once unpacked (413), or holds more indicators than the limit
    (413) is kept with why, as a scored one is with its summary: nothing submitted is lost."""
    try:
        doc = read()
    except ParseError as exc:
        service.keep_failed_submission(content, filename, media_type_, exc.describe())
        raise
    except APIError as exc:
        # Refused before the parser had its say (a WPS .et, a PDF, an archive, a media type
        # not taken, a .docx that inflates past the limit) or as it read one indicator too
        # many: kept as well, so what users try to send is seen, not only what the parser fails on.
        service.keep_failed_submission(content, filename, media_type_, exc.detail or exc.message)
        raise
    return service.score(doc, content, filename, media_type_)


@router.post("/score", openapi_extra=_BODY_DOC, summary="审核一份绩效目标表")
async def score(request: Request) -> dict[str, Any]:
    service = request.app.state.service
    body = await request.body()
    content_type = request.headers.get("content-type")
    settings = request.app.state.settings

    # (The indicator limit is passed to the parser: it stops at the first indicator past it.)
    read = partial(document_from_body, body, content_type, settings.max_unzipped_bytes, settings.max_indicators)
    return await run_in_threadpool(_read_and_score, service, read, body, None, media_type(content_type))


@router.post("/score/file", summary="上传文件审核（.docx/.xlsx/.csv/.txt/.json）")
async def score_file(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
    service = request.app.state.service
    uploads = (await request.form()).getlist("file")  # parsed once already, for ``file``
    if len(uploads) > 1:
        # One document per request: keeping the first and dropping the rest would lose them.
        raise APIError(422, "invalid_request", "一次只能上传一个文件", f"got {len(uploads)} 'file' fields; send one per request "
                       "(or a .zip of them to zhibiao batch)")
    data = await file.read()
    settings = request.app.state.settings

    read = partial(document_from_upload, data, file.filename, settings.max_unzipped_bytes, settings.max_indicators)
    return await run_in_threadpool(_read_and_score, service, read, data, file.filename, file.content_type)


@router.post("/parse", openapi_extra=_BODY_DOC, summary="只解析，不审核")
async def parse(request: Request) -> dict[str, Any]:
    body = await request.body()
    content_type = request.headers.get("content-type")
    settings = request.app.state.settings
    # The same indicator limit as /score: a 12 MB paste is refused at its first indicator past
    # it, not after reading the rest (parsing is most of a request's time on such a paste).
    doc = await run_in_threadpool(document_from_body, body, content_type, settings.max_unzipped_bytes,
                                  settings.max_indicators)
    return doc.model_dump(mode="json")
