"""JSON written by an export tool rather than by zhibiao: a 预算管理一体化系统's interface or a
sheet-to-JSON conversion. Projects are objects with Chinese keys (项目名称, 年度资金总额,
年度绩效目标) and their indicators a list of objects (一级指标, 二级指标, 三级指标, 指标值),
flat or nested by level (产出指标 → 数量指标 → its 三级指标), inside whatever wrapper the
tool adds ({"code": 0, "data": {"单位名称": …, "项目列表": [...]}}).

The objects become the rows a table of the same content gives (a label and its value per
field, an indicator header and a row per indicator), so the interpreter reads the keys as
it reads a table's labels and headings. Keys it knows nothing of (序号, 创建时间, id) are
left out; fields of an enclosing object (the wrapper's 单位名称) hold for every project in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scorer.document import Location
from scorer.parsers.interpret import (is_department_label, is_form_label, is_implementer_label, is_indicator_header,
                                      is_name_label)
from scorer.parsers.stream import Cell, Item, Row, TableStart

Fields = dict[str, str]


def export_items(data: Any, file: str | None = None) -> list[Item]:
    """The rows of every project found in ``data``; empty when it holds no indicator list."""
    items: list[Item] = []
    for path, fields, indicators in _tables(data, "", {}):
        label = table_label(path, fields)
        where = Location(file=file, table=label)
        items.append(TableStart(location=where))
        items += _field_rows(fields, where)
        header = list(dict.fromkeys(key for leaf in indicators for key in leaf))
        items.append(_row(header, where))
        items += [_row([leaf.get(key, "") for key in header], Location(file=file, table=label, row=n))
                  for n, leaf in enumerate(indicators, start=1)]
    return items


def table_label(path: str, fields: Fields) -> str:
    """What a reviewer is told a project's table is: its place in the list it stands in and
    its name (项目列表第2项（某某项目）), not the JSON path (data.项目列表[2]), which means
    nothing to someone who has not opened the file. Keys in ASCII (data, rows, list) are a
    tool's, not words of the table, and are left out."""
    places = []
    for segment in re.findall(r"([^.\[\]]*)((?:\[\d+\])*)", path):
        key, indexes = segment[0], re.findall(r"\d+", segment[1])
        words = key if re.search(r"[\u4e00-\u9fff]", key) else ""
        if words or indexes:
            places.append(words + "".join(f"第{i}项" for i in indexes))
    place = " ".join(places)
    names = [(k, v) for k, v in fields.items() if is_name_label(k) and v]
    # (the name rather than the code, whichever key comes first)
    name = next((v for k, v in names if "名称" in k), names[0][1] if names else "")
    if name:
        return f"{place}（{name}）" if place else name
    return place or "JSON"


def _tables(node: Any, path: str, inherited: Fields) -> Iterator[tuple[str, Fields, list[Fields]]]:
    """(path, the project's fields, its indicators) for each object that holds a list of
    indicators, and for a list of indicator rows that name their project in a column (a
    flat export, grouped by project as a flat table is)."""
    if isinstance(node, list):
        rows = [obj for obj in node if isinstance(obj, dict)]
        if rows and not any(_objects(v) for obj in rows for v in obj.values()):
            # A flat list of indicator rows, each naming its project: the enclosing
            # object's fields (单位名称) are columns of every row.
            leaves = [{**inherited, **{k: _text(v) for k, v in obj.items() if _is_field(v)}} for obj in rows]
            if is_indicator_header(list(dict.fromkeys(k for leaf in leaves for k in leaf))):
                yield path, {}, leaves
                return
        for i, item in enumerate(node):
            yield from _tables(item, f"{path}[{i + 1}]", inherited)
        return
    if not isinstance(node, dict):
        return
    fields = {**inherited, **{k: _text(v) for k, v in node.items() if _is_field(v)}}
    # (a list of projects, each with its own indicators, is walked into below)
    lists = [(k, _leaves(v, {})) for k, v in node.items() if _objects(v) and not any(map(_is_project, v))]
    # (rows that name their project themselves are a flat list, read below as one)
    indicator_lists = [(k, leaves) for k, leaves in lists
                       if leaves and not any(map(is_name_label, leaves[0]))
                       and is_indicator_header(list(dict.fromkeys(key for leaf in leaves for key in leaf)))]
    if indicator_lists:
        yield path, fields, [leaf for _, leaves in indicator_lists for leaf in leaves]
        return
    for key, value in node.items():
        if isinstance(value, (list, dict)):
            yield from _tables(value, f"{path}.{key}" if path else key, fields)


def _leaves(objects: list[Any], inherited: Fields) -> list[Fields]:
    """Indicator rows of a list nested by level: each innermost object with the fields of
    the objects around it (a 三级指标 under its 二级指标 under its 一级指标)."""
    out: list[Fields] = []
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        fields = {**inherited, **{k: _text(v) for k, v in obj.items() if _is_field(v)}}
        children = [v for v in obj.values() if _objects(v)]
        if children:
            for child in children:
                out += _leaves(child, fields)
        else:
            out.append(fields)
    return out


def _field_rows(fields: Fields, where: Location) -> list[Row]:
    """A row per known field, the project's name and code first (they start a project);
    the units in one row, as a form's 主管部门 | … | 实施单位 | … row, so that the filing
    department (主管部门, the wrapper's 单位名称) is the project's, not the 实施单位."""
    known = [(k, v) for k, v in fields.items() if is_form_label(k)]
    units = sorted(((k, v) for k, v in known if is_department_label(k)), key=lambda kv: is_implementer_label(kv[0]))
    rows = [[k, v] for k, v in known if is_name_label(k)]
    if units:
        rows.append([text for pair in units for text in pair])
    rows += [[k, v] for k, v in known if not is_name_label(k) and not is_department_label(k)]
    return [_row(texts, where) for texts in rows]


def _row(texts: list[str], where: Location) -> Row:
    return Row(cells=[Cell(text=t) for t in texts], location=where)


def _is_project(obj: Any) -> bool:
    """An object naming a project (项目名称, 项目编码) with a list of objects inside it."""
    return (isinstance(obj, dict) and any(is_name_label(k) for k, v in obj.items() if _is_field(v))
            and any(_objects(v) for v in obj.values()))


def _objects(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _is_field(value: Any) -> bool:
    """A value a cell can hold: text, a number, or a list of texts (goals one per item)."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value)
    return isinstance(value, (str, int, float)) or value is None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(map(_text, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
