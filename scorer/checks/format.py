"""FORMAT 格式: no Word field codes, cut-off cells or unfilled template markers left in
the submission."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from scorer.checks import lexicon as lx
from scorer.checks.facts import IndicatorFacts, ProjectFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity

# Residue the parser removed that was really in the document: field instructions such as
# TC / PAGEREF / HYPERLINK / MERGEFORMAT. Bookmarks ("[bookmark: _Toc…]") are invisible
# anchors Word makes for its table of contents, written out only by text extraction.
_FIELD_CODE = re.compile(r"^\s*(?:TC|PAGEREF|HYPERLINK|REF)\b|MERGEFORMAT", re.IGNORECASE)

_CELLS = (("name", "三级指标"), ("description", "指标描述"), ("target_raw", "指标值"))


def field_codes(junk: list[str]) -> list[str]:
    return [j for j in junk if _FIELD_CODE.search(j)]


@lru_cache(maxsize=1 << 16)
def truncation(text: str) -> str | None:
    """Why ``text`` looks cut off, or None (cached: every cell of every row is asked)."""
    text = text.strip()
    if not text:
        return None
    if lx.TRUNCATED_END_RE.search(text):
        return f"以“{text[-1]}”结尾"
    for opening, closing in lx.BRACKET_PAIRS:
        if text.count(opening) > text.count(closing):
            return f"“{opening}”没有配对的“{closing}”"
    return None


@register
class WordFieldCodes(Check):
    code = "ZB-FMT001"
    name = "word-field-codes"
    title = "残留Word域代码"
    category = Category.FORMAT
    severity = Severity.info
    scope = "project"
    message = "{where}残留 Word 域代码「{code}」"
    suggestion = "在 Word 中选中标题按 Ctrl+Shift+F9 取消域链接，或删除隐藏的 TC/REF 域后再提交。"
    rationale = "目录项（TC）、交叉引用（REF、PAGEREF）等域代码留在标题或表格中，转换、复制时会变成乱码，说明文稿未定稿清理。"
    bad = {"project": {"title": "1、大气污染防治资金绩效目标表",
                       "junk": ["TC 1、大气污染防治资金绩效目标表 \\f C \\l 1"]}, "indicators": []}
    good = {"project": {"title": "1、大气污染防治资金绩效目标表", "junk": ["[bookmark: _Toc29198132]"]},
            "indicators": []}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        for code in field_codes(project.project.junk):
            yield self.hit(project, evidence=code, where="项目标题中", code=code)
        for ind in project.indicators:
            for code in field_codes(ind.indicator.junk):
                yield self.hit(ind, evidence=code, where="指标行中", code=code)


@register
class TruncatedCell(Check):
    code = "ZB-FMT002"
    name = "truncated-cell"
    title = "单元格被截断"
    category = Category.FORMAT
    severity = Severity.info
    scope = "project"
    message = "{cell}「{text}」像是被截断了（{why}）"
    suggestion = "补全被截断的文字，检查复制粘贴或单元格字数限制是否截掉了内容。"
    rationale = "以逗号、顿号、“的”结尾或括号、书名号不配对的单元格，通常是复制或填报系统字数限制截断的，内容不完整。"
    bad = {"indicators": [{"name": "农村生活污水处理设施运行率", "description": "正常运行的设施数占已建成设施总数的",
                           "target": "≥90%"}]}
    good = {"indicators": [{"name": "农村生活污水处理设施运行率", "description": "正常运行的设施数占已建成设施总数的比例",
                            "target": "≥90%"}]}

    def run(self, project: ProjectFacts, ctx) -> Iterator[Finding]:
        for goal in project.project.goals:
            why = truncation(goal.text)
            if why:
                yield self.hit(project, evidence=goal.text, cell="绩效目标", text=goal.text, why=why)
        for ind in project.indicators:
            yield from self._cells(ind)

    def _cells(self, ind: IndicatorFacts) -> Iterator[Finding]:
        for attr, label in _CELLS:
            text = getattr(ind.indicator, attr)
            why = truncation(text)
            if why:
                yield self.hit(ind, evidence=text, cell=label, text=text.strip(), why=why)


@register
class TemplatePlaceholder(Check):
    code = "ZB-FMT003"
    name = "template-placeholder"
    title = "残留模板占位符"
    category = Category.FORMAT
    severity = Severity.warning
    scope = "indicator"
    message = "{cell}中留有模板占位符「{text}」"
    suggestion = "把“**”“××”换成实际内容，如“购置**数量(台/件/辆/套)”写成“购置监测设备数量”。"
    rationale = (
        "“购置**数量”“(**月**日前)”是模板的填写提示，留在表中说明没有按本项目填写。"
        "名称里只剩说明指标值写法的提示（“受益户满意度(≥**%)”）而指标值已经填写的，只作提示（info）。"
    )
    bad = {"name": "购置**数量(台/件/辆/套)", "target": "≥5台"}
    good = {"name": "购置空气监测设备数量", "target": "≥5台"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        answered = bool(ind.indicator.target_raw.strip()) and not lx.PLACEHOLDER_RE.search(ind.indicator.target_raw)
        for attr, label in _CELLS[:2]:
            text = getattr(ind.indicator, attr)
            if not lx.PLACEHOLDER_RE.search(text):
                continue
            if answered and not lx.PLACEHOLDER_RE.search(lx.VALUE_HINT_RE.sub("", text)):
                # Only the template's note on the value's form is left, and the value is
                # filled: tidy-up, not a cell nobody filled in.
                yield self.hit(ind, evidence=text, cell=label, text=text.strip(), severity=Severity.info,
                               message="{cell}中留有模板的填写提示「{text}」，指标值已填写，提示应删去")
            else:
                yield self.hit(ind, evidence=text, cell=label, text=text.strip())
