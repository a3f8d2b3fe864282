"""Turning a request body into a Document: media types, uploads, zip-bomb guard."""

from __future__ import annotations

import io
import json
import zipfile

from api.errors import JSON_TYPE_ZH, APIError
from scorer.document import Document
from scorer.parsers import BINARY_FORMATS, ParseError, TooManyIndicators, parse_bytes

# Media type → parser format. ``None`` lets the parser sniff (pasted text may be
# cell-per-line or TSV whatever the browser calls it).
TEXT_MEDIA = {
    "text/plain": None,
    "text/tab-separated-values": "tsv",
    "text/csv": "csv",
    "text/html": "html",
    "application/json": "json",
}
#: .doc/.xls are taken so that the parser can say what to do with them (save as .docx/.xlsx),
#: and an .xls that is an .xlsx or an Excel 2003 XML export is read.
UPLOAD_SUFFIXES = {".docx", ".xlsx", ".csv", ".txt", ".tsv", ".json", ".html", ".htm", ".doc", ".xls"}
#: Files that hold no table zhibiao reads (PDF, OFD, RTF, images, WPS's own .wps/.et): still
#: 415, but with the parser's message for what they are and what to send instead (the
#: original .docx/.xlsx, or the table pasted), which a bare list of suffixes would not say.
ADVISED_SUFFIXES = {".pdf", ".ofd", ".rtf", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".wps", ".et"}
#: Archives: the page and /v1/score/file take one document; a folder of them is a batch.
ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z"}


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def check_zip_size(data: bytes, limit: int, name: str | None) -> None:
    """Refuse a .docx/.xlsx whose members would decompress past ``limit`` (413)."""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # the parser reports the corrupt archive with its location (422)
    if total > limit:
        raise APIError(413, "too_large", f"压缩文件解压后超过上限（{limit // (1024 * 1024)} MB）",
                       f"{name or 'upload'} decompresses to {total} bytes")


def too_many_indicators(exc: TooManyIndicators) -> APIError:
    """413 for more indicators than ``ZHIBIAO_MAX_INDICATORS``: one request should not hold
    the server for minutes; a province's tables go through ``zhibiao batch``. The parse
    stops at the first indicator past the limit, so the count is known only for a document
    sent whole as JSON."""
    known = exc.count is not None
    return APIError(413, "too_large", f"表格过大：{f'共 {exc.count} 个指标' if known else f'指标多于 {exc.limit} 个'}，"
                    f"一次最多审核 {exc.limit} 个；请分批提交，或用命令行 zhibiao batch 批量审核",
                    f"{exc.count if known else f'more than {exc.limit}'} indicators > ZHIBIAO_MAX_INDICATORS={exc.limit}")


def _parse(data: bytes, name: str, fmt: str | None, max_indicators: int | None) -> Document:
    try:
        return parse_bytes(data, name, fmt, max_indicators=max_indicators)
    except TooManyIndicators as exc:
        raise too_many_indicators(exc) from None


def document_from_body(body: bytes, content_type: str | None, limit: int,
                       max_indicators: int | None = None) -> Document:
    mt = media_type(content_type)
    if mt not in TEXT_MEDIA:
        raise APIError(415, "unsupported_media_type",
                       "不支持的内容类型，请提交 JSON、纯文本、TSV、CSV 或 HTML 表格",
                       f"got '{mt or 'none'}'; expected one of {', '.join(TEXT_MEDIA)}")
    # A .docx/.xlsx sent as the raw body is sniffed by the parser: the same limit as an upload.
    check_zip_size(body, limit, "paste")
    if mt == "application/json" and body.lstrip().startswith(b"{"):
        # {"text": "...", "format": "tsv"}: a paste wrapped in JSON by another system. Told
        # from a document by its keys, not by where "text" sits in the bytes (json.dumps
        # escapes Chinese, and a long name pushes "text" far from the start).
        try:
            payload = json.loads(body)
        except json.JSONDecodeError:
            payload = None
        except RecursionError:
            raise APIError(422, "unparsable", "无法读取：JSON 嵌套过深，不是 zhibiao 文档，也不是 {\"text\": 粘贴内容}",
                           "JSON nested too deeply to be a document or a paste") from None
        if isinstance(payload, dict) and "projects" not in payload and "text" in payload:
            for key in ("text", "name", "format"):
                if (key == "text" or payload.get(key) is not None) and not isinstance(payload.get(key), str):
                    raise APIError(422, "invalid_request", f"字段 {key} 应为文字（字符串），实际是"
                                   f"{JSON_TYPE_ZH.get(type(payload.get(key)), type(payload.get(key)).__name__)}",
                                   f"{key}: expected a string, got {type(payload.get(key)).__name__}")
            if payload.get("format") in BINARY_FORMATS:
                raise APIError(422, "invalid_request", f"{payload['format']} 格式需要上传文件本身（POST /v1/score/file），"
                               "不能作为文字粘贴", f"format {payload['format']!r} is a file format, not text")
            # ("replace": half a UTF-16 pair in the JSON string, which no encoder takes, becomes "?".)
            return _parse(payload["text"].encode("utf-8", "replace"), payload.get("name") or "paste",
                          payload.get("format"), max_indicators)
    return _parse(body, "paste", TEXT_MEDIA[mt], max_indicators)


def document_from_upload(data: bytes, filename: str | None, limit: int,
                         max_indicators: int | None = None) -> Document:
    name = filename or "upload"
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix in ARCHIVE_SUFFIXES:
        raise APIError(415, "unsupported_media_type", "一次只能审核一份绩效目标表：请上传压缩包里的 .docx/.xlsx 文件，"
                       "或用命令行 zhibiao batch 批量审核整个压缩包", f"got '{suffix}': an archive, not one document")
    check_zip_size(data, limit, name)
    if suffix in ADVISED_SUFFIXES:
        try:
            return _parse(data, name, None, max_indicators)  # content decides: a .docx renamed .wps is read
        except ParseError as exc:
            raise APIError(415, "unsupported_media_type", exc.chinese(), exc.describe()) from None
    if suffix not in UPLOAD_SUFFIXES:
        raise APIError(415, "unsupported_media_type",
                       "不支持的文件类型，请上传 .docx、.xlsx、.xls（Excel 2003 XML）、.csv、.tsv、.txt、.html 或 .json",
                       f"got '{suffix or name}'")
    return _parse(data, name, None, max_indicators)
