"""The project's own JSON: a serialised :class:`~scorer.document.Document`."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from scorer.document import Document, Location
from scorer.parsers.errors import ParseError
from scorer.parsers.interpret import build_document
from scorer.parsers.jsonexport import export_items


#: Control characters other than tab and newlines (Word's soft break \x0b, a bell \x07):
#: the text readers drop them, and XML (report.xlsx) cannot hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _without_control_characters(data: Any) -> Any:
    if isinstance(data, str):
        return _CONTROL.sub("", data)
    if isinstance(data, list):
        return [_without_control_characters(v) for v in data]
    if isinstance(data, dict):
        return {k: _without_control_characters(v) for k, v in data.items()}
    return data


def _is_zhibiao_json(data: Any) -> bool:
    """zhibiao's own document (or a list of them, or a scored result, or a wrapped one)."""
    if isinstance(data, list):
        return any(isinstance(v, dict) and "projects" in v for v in data)
    return isinstance(data, dict) and ("projects" in data or "findings" in data or isinstance(data.get("document"), dict))


def read_json(text: str, file: str | None = None) -> Document:
    # Decoding and validating both recurse into the data: [[[[… thousands deep is bad
    # input, not a bug, wherever it runs out of stack.
    try:
        return _read_json(text, file)
    except RecursionError:
        raise ParseError("JSON is nested too deeply to be a document", Location(file=file),
                         expected="a zhibiao document (zhibiao schema)", zh="JSON 嵌套过深，不是 zhibiao 文档") from None


def _read_json(text: str, file: str | None) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # The column is a character position, not a table cell: said in the message.
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", Location(file=file, row=exc.lineno),
                         zh=f"JSON 格式有误（第 {exc.colno} 个字符处）") from None
    if not _is_zhibiao_json(data):
        # Projects in an export tool's own keys (项目名称, 绩效指标: [{一级指标 …}]).
        items = export_items(data, file)
        if items:
            return build_document(items, file)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]  # `zhibiao parse` of one file in a list
    if isinstance(data, list) and not data:
        raise ParseError("empty JSON list", Location(file=file), expected="one zhibiao document",
                         zh="JSON 是空列表，没有文档")
    if isinstance(data, list):
        raise ParseError(f"JSON list of {len(data)} items: one document per submission", Location(file=file),
                         expected="one zhibiao document (an object)",
                         zh=f"JSON 是含 {len(data)} 项的列表：一次提交一份文档（zhibiao parse 多个文件时输出列表，请逐份提交，"
                            "或用 zhibiao batch）")
    if isinstance(data, dict) and isinstance(data.get("document"), dict) and "projects" in data["document"]:
        data = data["document"]  # {"document": {...}}: a document wrapped by another system
    elif isinstance(data, dict) and "findings" in data and "counts" in data:
        raise ParseError("this is a scored result, not a document", Location(file=file),
                         expected="the table itself or `zhibiao parse` output",
                         zh="这是审核结果（zhibiao score 或 /v1/score 的输出），不是待审核的文档：请提交原表格，"
                            "或 zhibiao parse 的输出")
    if isinstance(data, dict) and not data.get("projects"):
        raise ParseError("JSON document has no projects", Location(file=file),
                         expected="a zhibiao document with at least one project",
                         zh="JSON 文档里没有项目（projects 为空或缺失）")
    try:
        return Document.model_validate(_without_control_characters(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ParseError(f"JSON does not match the document schema at {where}: {err['msg']}",
                         Location(file=file), expected="a zhibiao document (zhibiao schema)",
                         zh=f"JSON 不是 zhibiao 文档：字段 {where or '（顶层）'} 不符合文档格式（需要含 projects 的对象，"
                            "或 {\"text\": 粘贴内容}）") from None
