"""Every error the API returns is JSON with a stable code and a Chinese message:
``{"error": {"code": ..., "message": ..., "detail": ..., "location": ...}}``. Never a
stack trace, never a 500 for bad input."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from scorer.parsers import ParseError

log = logging.getLogger("zhibiao.api")


class APIError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: str | None = None,
                 location: dict | None = None):
        self.status, self.code, self.message, self.detail, self.location = status, code, message, detail, location
        super().__init__(message)


_HTTP_CODES = {
    # 400 comes from Starlette for a body it cannot read (a multipart form without its boundary, cut short).
    400: ("http_error", "无法读取请求内容：上传的表单不完整或格式不对，请重新选择文件上传"),
    401: ("unauthorized", "需要管理密钥（X-API-Key）"),
    403: ("forbidden", "管理密钥无效或未配置"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("unprocessable", "无法处理的内容"),
}


#: An absolute file-system path: POSIX (/srv/zhibiao/models/…), home-relative (~/…) or
#: Windows (C:\\…, D:/…), its directories ASCII as servers' are, its last part anything
#: up to a space or punctuation; not the API's own routes (/v1/…), and not inside a
#: value (≥95%/年, 3/4, 2024/01/02, 交通/运输局).
_PATH_RE = re.compile(
    r"(?<![A-Za-z0-9_%/.~\\])(?:~|[A-Za-z]:)?[/\\](?!v\d+/)(?:[A-Za-z0-9._@+-]+[/\\])+"
    r"[^\s/\\'\"<>:,;()（）「」，；。]*"
)


#: Where a request value sits (FastAPI's first ``loc`` part), as a reviewer would name it.
_WHERE = {"body": "字段", "query": "查询参数", "path": "路径参数", "header": "请求头", "cookie": "Cookie"}
#: What a value should have been, by pydantic's error type (the English ``msg`` says the same).
_EXPECTED = {
    "string_type": "应为文字（字符串）",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（[…]）",
    "dict_type": "应为 JSON 对象（{…}）", "model_type": "应为 JSON 对象（{…}）",
    "model_attributes_type": "应为 JSON 对象（{…}）",
}
#: A value's JSON type in the reviewer's words, for "…，实际是 …".
JSON_TYPE_ZH = {str: "文字", int: "数字", float: "数字", bool: "true/false", list: "列表", dict: "对象", type(None): "空值（null）"}


def _field_name(loc: list[str]) -> tuple[str, str]:
    """(how the place is called, its dotted path): ("字段", "indicator.level1")."""
    if not loc:
        return "字段", ""
    return _WHERE.get(loc[0], "字段"), ".".join(loc[1:] if loc[0] in _WHERE else loc)


def validation_message(error: dict) -> str:
    """The reviewer's line for FastAPI's first validation error: which field, what it
    should be and what it was, not just that the request is wrong."""
    loc = [str(p) for p in error.get("loc", ())]
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        return "请求内容不是有效的 JSON"
    if kind == "missing" and loc[-1:] == ["file"]:
        return "请选择要上传的文件（表单字段 file）"
    if loc[-1:] == ["file"] and loc[:1] == ["body"]:
        # The form's field came as text, not as a file: an empty file input, a file sent
        # without its name, or curl's -F file=name where -F file=@name was meant.
        return "表单字段 file 收到的是文字，不是文件：请选择要上传的文件（curl 请写 -F file=@文件名）"
    if kind == "missing" and len(loc) > 1:
        return f"请求缺少字段 {'.'.join(loc[1:])}"
    where, name = _field_name(loc)
    if not name:
        # The whole body is of the wrong kind: a JSON list or string where an object belongs.
        if kind == "missing":
            return "请求内容为空：请提交 JSON 对象（{…}）"
        if kind in ("dict_type", "model_type", "model_attributes_type"):
            got = JSON_TYPE_ZH.get(type(error.get("input")), "")
            return "请求内容应为 JSON 对象（{…}）" + (f"，实际是{got}" if got else "")
        return "请求格式不正确"
    subject = f"{where} {name}"
    if kind in _EXPECTED:
        got = JSON_TYPE_ZH.get(type(error.get("input")))
        return f"{subject} {_EXPECTED[kind]}" + (f"，实际是{got}" if got and kind not in ("int_parsing", "float_parsing",
                                                                                   "bool_parsing") else "")
    if kind == "literal_error" and "expected" in ctx:
        return f"{subject} 只能是 {str(ctx['expected']).replace(' or ', ' 或 ')}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"{subject} 应 {sign} {limit}"
    if kind == "string_too_short":
        return f"{subject} 太短：至少 {ctx.get('min_length', '')} 个字符"
    if kind == "string_too_long":
        return f"{subject} 太长：最多 {ctx.get('max_length', '')} 个字符"
    if kind == "extra_forbidden":
        return f"不认识的{subject}：请去掉它，或检查拼写"
    return f"{subject} 的值不对"


def _last_part(match: re.Match) -> str:
    parts = [p for p in re.split(r"[/\\]", match.group(0)) if p]
    return parts[-1] if parts else "…"


def public_text(text: str | None) -> str | None:
    """``text`` with every absolute path cut to its last part: messages from the model
    store or the parsers name files by their full path, which the server's operator
    needs in the log but a client must not learn (where the service and its data live)."""
    if not text:
        return text
    return _PATH_RE.sub(_last_part, text)


def error_body(code: str, message: str, detail: str | None = None, location: dict | None = None) -> dict:
    return {"error": {"code": code, "message": public_text(message), "detail": public_text(detail),
                      "location": location}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def _api_error(_: Request, exc: APIError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.detail, exc.location), status_code=exc.status)

    @app.exception_handler(ParseError)
    async def _parse_error(_: Request, exc: ParseError) -> JSONResponse:
        loc = exc.location.model_dump(exclude_none=True)
        return JSONResponse(error_body("unparsable", exc.chinese(), exc.describe(), loc),
                            status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body("invalid_request", validation_message(first), f"{where}: {first.get('msg', '')}"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败"))
        detail = exc.detail if isinstance(exc.detail, str) else None
        return JSONResponse(error_body(code, message, detail), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def _nested(_: Request, exc: RecursionError) -> JSONResponse:
        # A JSON body nested thousands deep ([[[[…) is bad input, not a bug.
        return JSONResponse(error_body("invalid_request", "请求格式不正确", "JSON nested too deeply"), status_code=422)

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        # An id or index beyond what the database stores (99999999999999999999999).
        return JSONResponse(error_body("invalid_request", "请求中的数字过大", "a number is too large"), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not the user's fault: log it with the trace, answer without one.
        log.exception("unhandled error")
        return JSONResponse(error_body("internal_error", "服务内部错误，请联系管理员", type(exc).__name__),
                            status_code=500)
