"""The annotated Excel workbook: a summary sheet and one sheet per document, laid out as
the reviewer knows the 绩效目标表, each indicator row filled by its worst finding, the
offending cells highlighted and commented with the findings' messages and suggestions.

Used for one pasted table (``POST /v1/export/xlsx``) and for a whole batch, so it writes
in openpyxl's write-only mode (rows stream to the file; memory does not grow with the
batch). The output is byte-for-byte deterministic: orders are fixed, document timestamps
and zip entry times are pinned.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from copy import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from scorer.document import ParseIssue
from scorer.findings import SMART, Category, Finding, Severity
from scorer.results import ScoredDocument, ScoredIndicator, ScoredProject

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "汇总"
GRADES = ("优", "良", "中", "差")
AUTHOR = "zhibiao"

# Light fill for the whole row, stronger fill for the cell the finding is about; the same
# hues as the reviewer page (api/static/app.css).
ROW_FILL = {
    Severity.error: PatternFill("solid", fgColor="FDECEA"),
    Severity.warning: PatternFill("solid", fgColor="FFF4E5"),
    Severity.info: PatternFill("solid", fgColor="EAF2FD"),
}
CELL_FILL = {
    Severity.error: PatternFill("solid", fgColor="F4A6A0"),
    Severity.warning: PatternFill("solid", fgColor="FFCC80"),
    Severity.info: PatternFill("solid", fgColor="B3D1F5"),
}
HEAD_FILL = PatternFill("solid", fgColor="DCE3EA")
PROJECT_FILL = PatternFill("solid", fgColor="F0F3F6")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
LINK = Font(color="1565C0", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="BBBBBB")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

#: (heading, width) of the per-document sheet's columns; the indicator table uses all of
#: them, project headers and findings reuse the first ones.
FIELDS = ("level1", "level2", "name", "description", "target", "basis")
COLUMNS = (
    ("一级指标", 10), ("二级指标", 12), ("三级指标", 18), ("绩效指标描述", 36), ("指标值", 14),
    ("指标值确定依据", 20), ("S", 5), ("M", 5), ("A", 5), ("R", 5), ("T", 5), ("得分", 7), ("等级", 6),
    ("问题", 60),
)
PROBLEM_COLUMN = len(COLUMNS) - 1
PROJECT_HEAD = ("编号", "项目名称", "项目编码", "预算（万元）", "指标均分", "得分", "等级")

#: Which cell a finding most likely means when its evidence fits several (a name equal to
#: its target): measurability, achievability and deadlines are about the 指标值; the
#: others about what is measured. Structure checks look at the levels first.
_FIELD_PREFERENCE = {
    Category.M: ("target", "name", "description", "basis", "level2", "level1"),
    Category.A: ("target", "name", "description", "basis", "level2", "level1"),
    Category.T: ("target", "name", "description", "basis", "level2", "level1"),
    Category.STRUCT: ("level1", "level2", "name", "basis", "target", "description"),
}
_DEFAULT_PREFERENCE = ("name", "description", "target", "basis", "level2", "level1")

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_CELL_MAX = 32_000  # Excel's limit is 32,767 characters per cell or comment
_EPOCH = dt.datetime(2000, 1, 1)


@dataclass(frozen=True)
class FailedFile:
    """A file of a batch that could not be scored: it has no sheet, so the summary lists it."""

    name: str
    #: why, in the reviewer's Chinese.
    reason: str
    #: the technical detail (English), for whoever runs the batch.
    detail: str = ""


@dataclass(frozen=True)
class DuplicateFile:
    """A file of a batch whose bytes are those of another one: scored once, listed here."""

    name: str
    same_as: str


def write_annotated_workbook(results: Iterable[ScoredDocument], path_or_buffer: str | Path | IO[bytes],
                             summary: bool = True, failed: Sequence[FailedFile] = (),
                             duplicates: Sequence[DuplicateFile] = ()) -> None:
    """Write ``results`` as one workbook to a path or a binary file object.

    ``results`` is read once, one document at a time: each document's sheet is written
    and closed as it comes and the summary keeps only counters and one line per document
    and project, so a batch's results can stream from its store.

    ``failed`` and ``duplicates`` (a batch's files that got no sheet) head the summary:
    the workbook is forwarded on its own, and a summary counting only the scored
    documents would read as if every file submitted had been reviewed."""
    wb = Workbook(write_only=True)
    styles: dict[tuple, Any] = {}
    # Created first so it is the first tab; its rows are written once every document is in.
    summary_sheet = _Sheet(wb.create_sheet(SUMMARY_SHEET), styles) if summary else None
    names = SheetNames(reserved=(SUMMARY_SHEET,) if summary else ())
    totals = _Summary()
    totals.failed, totals.duplicates = list(failed), list(duplicates)
    for result in results:
        name = names.add(result)
        sheet = _Sheet(wb.create_sheet(name), styles)
        _write_document(sheet, result)
        sheet.ws.close()  # its rows are on disk; a batch has too many sheets to keep open
        totals.add(result, name)
    if summary_sheet is None and not totals.documents:
        raise ValueError("nothing to write: no documents and no summary sheet")
    if summary_sheet is not None:
        _write_summary(summary_sheet, totals)
    # Pinned document properties so the same results give the same bytes.
    wb.properties.creator = AUTHOR
    wb.properties.created = wb.properties.modified = _EPOCH
    if isinstance(path_or_buffer, (str, Path)):
        with open(path_or_buffer, "wb") as fh:
            _save(wb, fh)
    else:
        _save(wb, path_or_buffer)


class _PinnedZip(ZipFile):
    """A zip whose entries all carry the same timestamp: openpyxl stamps parts with the
    clock and copies write-only sheets from temporary files with their mtime."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = _entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # Streamed, so a large batch's sheet never sits in memory whole.
        with open(filename, "rb") as src, self.open(_entry(arcname or str(filename)), "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _entry(name: str) -> ZipInfo:
    info = ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = ZIP_DEFLATED
    return info


def _save(wb: Workbook, fh: IO[bytes]) -> None:
    ExcelWriter(wb, _PinnedZip(fh, "w", ZIP_DEFLATED, allowZip64=True)).save()


# -- names and cells ---------------------------------------------------------------------
class SheetNames:
    """One valid, unique sheet name per document, given one after the other: its department
    (else title, else file), without the characters Excel forbids, at most 31 characters,
    numbered on repeats."""

    def __init__(self, reserved: Iterable[str] = ()):
        self._taken = {r.casefold() for r in reserved}
        self._count = 0

    def add(self, result: ScoredDocument) -> str:
        self._count += 1
        n, meta = self._count, result.document
        stem = Path(meta.source).stem if meta.source else ""
        base = _SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", meta.department or meta.title or stem)
                                    or f"文档{n}")
        base = base.strip().strip("'").strip() or f"文档{n}"
        name, k = base[:_SHEET_MAX], 1
        while name.casefold() in self._taken:  # Excel compares sheet names case-insensitively
            k += 1
            suffix = f" ({k})"
            name = base[: _SHEET_MAX - len(suffix)] + suffix
        self._taken.add(name.casefold())
        return name


def sheet_names(results: Iterable[ScoredDocument], reserved: Iterable[str] = ()) -> list[str]:
    """The sheet names :func:`write_annotated_workbook` gives ``results``."""
    names = SheetNames(reserved)
    return [names.add(result) for result in results]


def offending_field(finding: Finding, indicator: ScoredIndicator) -> str | None:
    """The indicator field (one of :data:`FIELDS`) a finding is about, found from its
    evidence: the cell equal to it, else the cell containing it; None if neither."""
    values = {f: getattr(indicator, f).strip() for f in FIELDS}
    evidence = finding.evidence.strip()
    order = _FIELD_PREFERENCE.get(finding.category, _DEFAULT_PREFERENCE)
    for field in order:
        if values[field] == evidence:
            return field
    if evidence:
        for field in order:
            if evidence in values[field]:
                return field
    return None


def worst_severity(findings: Iterable[Finding]) -> Severity | None:
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # Word leaves control characters (bell, vertical tab) that XML cannot hold.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_CELL_MAX]
    return value


class _Sheet:
    """A write-only sheet and the workbook's style cache: assigning fonts and fills cell
    by cell makes openpyxl hash every style object, which dominated the run time, so
    each combination is resolved once and its style ids copied."""

    def __init__(self, ws: Any, styles: dict[tuple, Any]):
        self.ws = ws
        self._styles = styles

    def cell(self, value: Any = None, *, font: Font | None = None, fill: PatternFill | None = None,
             comment: str | None = None, border: bool = False, wrap: bool = True) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, _clean(value))
        if isinstance(value, str):
            # Text stays text: a cell written "=100%" must not become a formula.
            cell.data_type = "s"
        # Keyed by identity: every font and fill passed in is one of this module's constants.
        key = (id(font), id(fill), border, wrap)
        if key not in self._styles:
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if wrap:
                cell.alignment = WRAP
            if border:
                cell.border = BOX
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(self._styles[key])
        if comment:
            text = _clean(comment)
            lines = sum(1 + len(line) // 24 for line in text.splitlines())
            cell.comment = Comment(text, AUTHOR, width=320, height=min(480, 24 + 15 * lines))
        return cell


def _finding_line(f: Finding) -> str:
    line = f"{f.code}［{f.severity.label}·{f.category.label}］{f.message}"
    return line + (f"\n  建议：{f.suggestion}" if f.suggestion else "")


def _comment(findings: list[Finding]) -> str:
    return "\n".join(f"{f.code} {f.severity.label}：{f.message}" + (f"\n建议：{f.suggestion}" if f.suggestion else "")
                     for f in findings)


def _set_widths(sh: _Sheet, widths: Iterable[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sh.ws.column_dimensions[get_column_letter(i)].width = width


# -- per-document sheet ------------------------------------------------------------------
def _write_document(sh: _Sheet, result: ScoredDocument) -> None:
    _set_widths(sh, (w for _, w in COLUMNS))
    for row in _document_rows(sh, result):
        sh.ws.append(row)


def _document_rows(sh: _Sheet, result: ScoredDocument) -> Iterator[list[Any]]:
    meta, dept, counts = result.document, result.department, result.counts
    heading = " · ".join(part for part in (meta.department, meta.title) if part) or (meta.source or "文档")
    yield [sh.cell(heading, font=TITLE, wrap=False)]
    yield [sh.cell(f"部门得分 {dept.score:g}（{dept.grade}） · {dept.projects} 个项目 {dept.indicators} 个指标 · "
                   f"错误 {counts.error} 警告 {counts.warning} 提示 {counts.info}"
                   + (f" · 文件 {meta.source}" if meta.source else ""), wrap=False)]
    for issue in result.parse_issues:
        yield _note_row(sh, "解析问题", "", "错误" if issue.severity == "error" else "警告", _issue_text(issue), "",
                        Severity.error if issue.severity == "error" else Severity.warning)
    yield from _finding_rows(sh, "文档问题", result.findings)
    for project in result.projects:
        yield []
        yield from _project_rows(sh, project)


def _issue_text(issue: ParseIssue) -> str:
    """``a.xlsx（第 3 行）：……`` as the reader's other Chinese messages; a result saved before
    issues had Chinese keeps its English message."""
    if not issue.zh:
        return f"{issue.message}（{issue.location.label()}）"
    where = issue.location.label_zh().strip()
    return f"{where}：{issue.zh}" if where else issue.zh


def _project_rows(sh: _Sheet, project: ScoredProject) -> Iterator[list[Any]]:
    budget = "" if project.budget_total is None else project.budget_total
    yield [sh.cell(text, font=BOLD, fill=HEAD_FILL, border=True) for text in PROJECT_HEAD]
    values = (project.number, project.label, project.code, budget, project.indicator_score, project.score, project.grade)
    yield [sh.cell(v, font=BOLD, fill=PROJECT_FILL, border=True) for v in values]
    yield [sh.cell(heading, font=BOLD, fill=HEAD_FILL, border=True) for heading, _ in COLUMNS]
    for ind in project.indicators:
        yield _indicator_row(sh, ind)
    yield from _finding_rows(sh, "项目问题", project.findings)


def _indicator_row(sh: _Sheet, ind: ScoredIndicator) -> list[Any]:
    row_sev = worst_severity(ind.findings)
    row_fill = ROW_FILL[row_sev] if row_sev else None
    by_field: dict[str, list[Finding]] = {}
    for f in ind.findings:
        field = offending_field(f, ind)
        if field is not None:
            by_field.setdefault(field, []).append(f)
    cells = []
    for field in FIELDS:
        hits = by_field.get(field, [])
        sev = worst_severity(hits)
        cells.append(sh.cell(getattr(ind, field), fill=CELL_FILL[sev] if sev else row_fill,
                             comment=_comment(hits) if hits else None, border=True))
    smart = ind.smart.model_dump()
    cells += [sh.cell(smart[k.value], fill=row_fill, border=True) for k in SMART]
    cells.append(sh.cell(ind.score, font=BOLD, fill=row_fill, border=True))
    cells.append(sh.cell(ind.grade, fill=row_fill, border=True))
    problems = "\n".join(_finding_line(f) for f in ind.findings)
    cells.append(sh.cell(problems, fill=row_fill, border=True))
    return cells


def _finding_rows(sh: _Sheet, label: str, findings: list[Finding]) -> Iterator[list[Any]]:
    for f in findings:
        yield _note_row(sh, label, f.code, f"{f.severity.label}·{f.category.label}", f.message,
                        f"建议：{f.suggestion}" if f.suggestion else "", f.severity)


def _note_row(sh: _Sheet, label: str, code: str, kind: str, message: str, suggestion: str,
              severity: Severity) -> list[Any]:
    """A finding that belongs to no indicator row: label, code, kind, the message in the
    wide description column and the suggestion in the 问题 column."""
    fill = ROW_FILL[severity]
    row = [sh.cell(label, font=BOLD, fill=fill), sh.cell(code, fill=fill), sh.cell(kind, fill=fill),
           sh.cell(message, fill=CELL_FILL[severity], comment=suggestion or None)]
    row += [sh.cell(None, fill=fill) for _ in range(len(row), PROBLEM_COLUMN)]
    row.append(sh.cell(suggestion, fill=fill))
    return row


# -- summary sheet -----------------------------------------------------------------------
@dataclass(frozen=True)
class _DocumentLine:
    sheet: str
    department: str
    source: str
    score: float
    grade: str
    projects: int
    indicators: int
    counts: tuple[int, int, int]


@dataclass(frozen=True)
class _ProjectLine:
    score: float
    doc: int
    index: int
    name: str
    department: str
    sheet: str
    grade: str
    indicators: int
    counts: tuple[int, int, int]


class _Summary:
    """What the summary sheet shows, gathered one document at a time: a line per
    document and per project, and counters; never the documents themselves."""

    def __init__(self) -> None:
        self.documents: list[_DocumentLine] = []
        self.projects: list[_ProjectLine] = []
        self.indicators = 0
        self.grades = {g: [0, 0, 0] for g in GRADES}
        self.by_category: Counter[tuple[Category, Severity]] = Counter()
        self.by_code: Counter[str] = Counter()
        #: each code's first finding, the example the sheet shows.
        self.first: dict[str, Finding] = {}
        #: a batch's files without a sheet: not readable, or a byte-for-byte copy.
        self.failed: list[FailedFile] = []
        self.duplicates: list[DuplicateFile] = []

    def add(self, r: ScoredDocument, sheet: str) -> None:
        doc = len(self.documents)
        department = r.document.department
        self.documents.append(_DocumentLine(
            sheet, department, r.document.source or "", r.department.score, r.department.grade, len(r.projects),
            r.department.indicators, (r.counts.error, r.counts.warning, r.counts.info)))
        self.indicators += r.department.indicators
        self.grades[r.department.grade][0] += 1
        for p in r.projects:
            self.grades[p.grade][1] += 1
            for ind in p.indicators:
                self.grades[ind.grade][2] += 1
            c = p.counts
            self.projects.append(_ProjectLine(p.score, doc, p.index, p.label, department, sheet, p.grade,
                                              len(p.indicators), (c.error, c.warning, c.info)))
        for f in r.all_findings():
            self.by_category[(f.category, f.severity)] += 1
            self.by_code[f.code] += 1
            self.first.setdefault(f.code, f)


def _write_summary(sh: _Sheet, summary: _Summary) -> None:
    _set_widths(sh, (8, 36, 24, 24, 9, 7, 8, 8, 8, 8, 8))
    for row in _summary_rows(sh, summary):
        sh.ws.append(row)


def _section(sh: _Sheet, title: str, headings: Iterable[str]) -> Iterator[list[Any]]:
    yield []
    yield [sh.cell(title, font=TITLE, wrap=False)]
    yield [sh.cell(h, font=BOLD, fill=HEAD_FILL, border=True) for h in headings]


def _row(sh: _Sheet, values: Iterable[Any], fill: PatternFill | None = None) -> list[Any]:
    return [sh.cell(v, fill=fill, border=True) for v in values]


def _summary_rows(sh: _Sheet, s: _Summary) -> Iterator[list[Any]]:
    yield [sh.cell("绩效目标审核汇总", font=TITLE, wrap=False)]
    headline = f"{len(s.documents)} 份文档 · {len(s.projects)} 个项目 · {s.indicators} 个指标"
    if s.failed:
        headline += f" · {len(s.failed)} 个文件未能审核"
    if s.duplicates:
        headline += f" · {len(s.duplicates)} 个重复文件（只计一次）"
    yield [sh.cell(headline, wrap=False)]
    # First, before the rankings: a file missing from them is what a reader must not overlook.
    if s.failed:
        yield from _section(sh, f"未能审核的文件（{len(s.failed)}）", ("序号", "文件", "原因", "技术细节"))
        for i, f in enumerate(s.failed, start=1):
            yield _row(sh, (i, f.name, f.reason, f.detail), ROW_FILL[Severity.error])
    if s.duplicates:
        yield from _section(sh, f"重复的文件（{len(s.duplicates)}）", ("序号", "文件", "与此文件完全相同"))
        for i, d in enumerate(s.duplicates, start=1):
            yield _row(sh, (i, d.name, d.same_as))

    yield from _section(sh, "文档排名", ("排名", "文档（点击查看）", "部门", "来源文件", "得分", "等级",
                                         "项目数", "指标数", "错误", "警告", "提示"))
    docs = sorted(range(len(s.documents)), key=lambda i: (-s.documents[i].score, i))
    for rank, i in enumerate(docs, start=1):
        d = s.documents[i]
        link = sh.cell(d.sheet, font=LINK, border=True)
        link.hyperlink = Hyperlink(ref="", location=f"'{d.sheet}'!A1")
        yield [sh.cell(rank, border=True), link,
               *_row(sh, (d.department, d.source, d.score, d.grade, d.projects, d.indicators, *d.counts))]

    yield from _section(sh, "等级分布", ("等级", "文档", "项目", "指标"))
    for grade in GRADES:
        yield _row(sh, (grade, *s.grades[grade]))

    severities = (Severity.error, Severity.warning, Severity.info)
    yield from _section(sh, "问题统计（按类别）", ("类别", "名称", "错误", "警告", "提示", "合计"))
    for cat in Category:
        per = [s.by_category[(cat, sev)] for sev in severities]
        yield _row(sh, (cat.value, cat.label, *per, sum(per)))
    totals = [sum(n for (_, sev), n in s.by_category.items() if sev is wanted) for wanted in severities]
    yield [sh.cell(v, font=BOLD, border=True) for v in ("合计", "", *totals, sum(totals))]

    yield from _section(sh, "问题统计（按代码）", ("代码", "示例", "严重度", "类别", "次数"))
    for code, count in sorted(s.by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        f = s.first[code]
        yield _row(sh, (code, f.message, f.severity.label, f.category.label, count), ROW_FILL[f.severity])

    yield from _section(sh, "项目排名", ("排名", "项目", "部门", "文档", "得分", "等级", "指标数",
                                         "错误", "警告", "提示"))
    ranked = sorted(s.projects, key=lambda p: (-p.score, p.doc, p.index))
    for rank, p in enumerate(ranked, start=1):
        yield _row(sh, (rank, p.name, p.department, p.sheet, p.score, p.grade, p.indicators, *p.counts))
