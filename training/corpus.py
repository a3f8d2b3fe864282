"""Reading and validating labeled indicator corpora (TSV, CSV or JSONL in UTF-8, or an
Excel workbook).

Every row is checked on its own, so a file with bad rows yields the list of every bad
line (not the first one); callers decide whether to reject the file or keep the good
rows (``skip_bad``). A corrections overlay relabels rows whose published label is
wrong without editing the corpus, which stays as published. The formats are described
in ``docs/corpus.md``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scorer.parsers.grid import format_value
from scorer.taxonomy import TEMPLATES, Label, canonicalise, concept_of_level2

REQUIRED_COLUMNS: tuple[str, ...] = (
    "source",
    "region",
    "department",
    "project_name",
    "budget_wan",
    "level1",
    "level2",
    "level3",
    "description",
    "target_value",
    "basis",
)

#: A correction names the corpus row it fixes by these columns, as published ...
CORRECTION_KEY: tuple[str, ...] = (
    "source",
    "project_name",
    "level3",
    "target_value",
    "original_level1",
    "original_level2",
)
#: ... which are these columns of the corpus.
_CORRECTED_ROW_KEY: tuple[str, ...] = ("source", "project_name", "level3", "target_value", "level1", "level2")
CORRECTION_COLUMNS: tuple[str, ...] = (*CORRECTION_KEY, "corrected_level1", "corrected_level2", "reason")

#: Headings that labelers write for the corpus columns (a workbook exported from a 绩效目标表
#: keeps its Chinese headings). Compared without spaces, bracketed notes such as （万元）
#: and a trailing colon; English names in any case.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "source": ("来源", "出处", "来源文件", "文件", "文档", "来源文档", "链接"),
    "region": ("地区", "区域", "地区名称", "行政区划"),
    "department": ("部门", "部门名称", "主管部门", "单位", "单位名称", "预算单位"),
    "project_name": ("项目名称", "项目", "projectname"),
    "budget_wan": ("预算", "预算数", "预算金额", "资金总额", "年度资金总额", "项目金额"),
    "level1": ("一级指标", "一级指标名称", "一级"),
    "level2": ("二级指标", "二级指标名称", "二级"),
    "level3": ("三级指标", "三级指标名称", "指标名称", "绩效指标", "三级"),
    "description": ("指标描述", "指标解释", "指标说明", "指标内容", "指标值说明"),
    "target_value": ("指标值", "目标值", "年度指标值", "预期指标值", "绩效指标值", "targetvalue"),
    "basis": ("指标值确定依据", "确定依据", "依据", "指标依据"),
    "fund_use": ("资金用途", "资金使用方向"),
    "goals": ("绩效目标", "年度目标", "年度绩效目标"),
    "label": ("标签", "标注", "人工标注", "判断"),
}
_ALIAS = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in (column, *aliases)}
_HEADING_NOTE_RE = re.compile(r"[（(][^（()）]*[)）]|[\s:：_]")


def canonical_column(heading: str) -> str:
    """The corpus column a heading names (``指标值（%）`` → ``target_value``), or the
    heading itself when it names none of them (extra columns are kept as written)."""
    key = _HEADING_NOTE_RE.sub("", heading).lower()
    return _ALIAS.get(key, _ALIAS.get(key.replace(" ", ""), heading.strip()))


def canonical_header(header: Sequence[str]) -> list[str]:
    """Each heading's column. A column written by its own name keeps it; otherwise the
    first heading that names it does, and any other keeps its own text, so no cell is
    silently overwritten."""
    headings = [h.strip() for h in header]
    taken = {h for h in headings if h in COLUMN_ALIASES}
    out: list[str] = []
    for heading in headings:
        column = canonical_column(heading)
        if heading not in COLUMN_ALIASES and column in taken:
            column = heading
        taken.add(column)
        out.append(column)
    return out


#: What Excel and WPS show in a cell whose formula failed (a VLOOKUP that found nothing is
#: #N/A); saved to CSV, or read from a workbook's cached values, they look like text.
EXCEL_ERRORS = frozenset({"#N/A", "#N/A N/A", "#NA", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                          "#GETTING_DATA"})
#: Columns a model reads (labels, texts, the relevance file's project texts and label): an
#: Excel error there rejects the row. In the other columns (context) it is cleared, with a warning.
_MODEL_COLUMNS = frozenset({"level1", "level2", "level3", "description", "target_value", "fund_use", "goals", "label"})
#: The longest cell accepted: the shipped corpus's longest is 150 characters, so a cell
#: of many thousands is a pasted document or a CSV quote left open, not an indicator.
MAX_CELL_CHARS = 5000

#: How far down a worksheet its header row is looked for (below a title row or two).
_HEADER_SEARCH_ROWS = 5
#: Excel workbooks (a labeler's spreadsheet) are read from their first sheet with the columns.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    code: str
    message: str
    severity: Severity = "error"

    def describe(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message} ({self.code})"


@dataclass(frozen=True)
class CorpusRow:
    file: str
    line: int
    fields: dict[str, str]
    label: Label

    @property
    def group(self) -> str:
        """The source document, which a split must keep on one side."""
        return self.fields["source"] or f"{self.file}#{self.fields['project_name']}"

    @property
    def concept(self) -> str:
        """The level-2 concept a model learns for this row (accepted rows all have one)."""
        assert self.label.level2 is not None
        return concept_of_level2(self.label.level2)

    def text_fields(self) -> dict[str, str]:
        return {
            "name": self.fields["level3"],
            "description": self.fields["description"],
            "target": self.fields["target_value"],
        }


@dataclass(frozen=True)
class CorpusFile:
    path: str
    sha256: str
    lines: int


@dataclass(frozen=True)
class Correction:
    """One row's label as it should have been published, and why."""

    file: str
    line: int
    #: the row's CORRECTION_KEY values.
    key: tuple[str, ...]
    level1: str
    level2: str
    reason: str

    def describe_row(self) -> str:
        source, project, name, target, level1, level2 = self.key
        return f"{name or '(no name)'} = {target or '(no value)'} [{level1}/{level2}] of {project or '(no project)'} in {source}"


@dataclass
class Corpus:
    files: list[CorpusFile] = field(default_factory=list)
    #: correction overlays applied while reading.
    corrections: list[CorpusFile] = field(default_factory=list)
    #: rows whose labels a correction replaced.
    corrected: int = 0
    #: rows without errors (warnings allowed), in file order.
    rows: list[CorpusRow] = field(default_factory=list)
    #: lines that had at least one error.
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def names(self) -> str:
        """The files read, as a message names them."""
        return ", ".join(f.path for f in self.files) or "the corpus"

    def nothing_to_learn(self) -> str:
        """Why no row is usable, naming the files ("" when some are): an empty file, or
        every line bad (a missing column, with --skip-bad). A bare "too few documents" or
        "needs 2 labels" sent the maintainer looking for a labelling problem."""
        if self.rows:
            return ""
        why = (f"{self.rejected} bad lines; zhibiao corpus check lists them" if self.rejected
               else "an empty file, or a header alone")
        return f"nothing to train on: {self.names} has no usable rows ({why})"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def sha256(self) -> str:
        """One hash for the whole corpus: the files' hashes, in order, then the
        corrections' (corrected labels are different training data)."""
        digest = hashlib.sha256()
        for f in (*self.files, *self.corrections):
            digest.update(f.sha256.encode())
        return digest.hexdigest()

    def summary(self) -> dict:
        return {
            "files": [f.path for f in self.files],
            "corrections": [f.path for f in self.corrections],
            "corrected": self.corrected,
            "sha256": self.sha256,
            "rows": len(self.rows),
            "rejected": self.rejected,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "sources": len({r.group for r in self.rows}),
            "level1": dict(Counter(r.label.level1 or "(unmapped)" for r in self.rows).most_common()),
            "level2": dict(Counter(r.label.level2 for r in self.rows).most_common()),
            "top_sources": dict(Counter(r.group for r in self.rows).most_common(10)),
        }


class CorpusError(ValueError):
    """A corpus with errors, rejected as a whole; carries every problem."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        errors = corpus.errors
        lines = [p.describe() for p in errors]
        super().__init__(
            f"corpus rejected: {len(errors)} error(s) on {corpus.rejected} line(s) "
            "(use --skip-bad to keep the good rows)\n" + "\n".join(lines)
        )


class CorrectionsError(ValueError):
    """A corrections overlay with problems. It is rejected as a whole, whatever
    ``skip_bad`` says: a correction that no longer finds its row means the corpus or the
    overlay changed, and dropping it quietly would train on the label it was meant to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"corrections rejected: {len(problems)} problem(s)\n" + "\n".join(p.describe() for p in problems)
        )


def _sniff(path: Path, first_line: str) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv" or "\t" in first_line:
        return "tsv"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


def _other_encoding(data: bytes) -> str | None:
    """The encoding a file that is not UTF-8 is in (UTF-16 with its mark, or GB18030, which
    Excel and WPS on Chinese Windows write), or None for UTF-8 or a few damaged lines."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    # Judged on the lines with any non-ASCII byte: an English header and blank lines read
    # the same in both encodings, and would outvote the rows of a small file.
    lines = [line for line in data.split(b"\n") if not line.isascii()]
    bad = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GBK/GB18030" if bad * 2 > len(lines) else None


def _decoded_lines(data: bytes, file: str, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) for every line that decodes; the others are reported."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # old Mac line endings (Excel for Mac's "CSV (Macintosh)")
    encoding = _other_encoding(data)
    if encoding == "GBK/GB18030":
        # What Excel and WPS write as "CSV" on Chinese Windows: a whole file of it is
        # unambiguous, so it is read (and said); a few bad lines in a UTF-8 file are not.
        problems.append(Problem(file, 1, "encoding", "not UTF-8: read as GB18030 (save it as UTF-8 to be sure)",
                                "warning"))
        yield from enumerate((line.removesuffix("\r") for line in data.decode("gb18030").split("\n")), start=1)
        return
    if encoding:
        # A whole file in another encoding is one problem, not one per line.
        problems.append(Problem(file, 1, "encoding", f"not UTF-8: the file reads as {encoding}; save it as UTF-8"))
        return
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.removesuffix(b"\r")
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(file, number, "encoding", f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
            )


def _records(
    fmt: str,
    lines: list[tuple[int, str]],
    file: str,
    problems: list[Problem],
    required: Sequence[str] = REQUIRED_COLUMNS,
) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(line, column → value) per data row; None for a row whose shape is wrong (reported)."""
    if fmt == "jsonl":
        for number, text in lines:
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(Problem(file, number, "fields", f"not a JSON object: {exc.msg}"))
                yield number, None
                continue
            except RecursionError:
                problems.append(Problem(file, number, "fields", "not a JSON object: nested too deeply"))
                yield number, None
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(file, number, "fields", "not a JSON object"))
                yield number, None
                continue
            yield number, dict(zip(canonical_header([str(k) for k in obj]),
                                   ("" if v is None else str(v) for v in obj.values())))
        return
    if not lines:
        return
    header_line, header_text = lines[0]
    delimiter = "\t" if fmt == "tsv" else ","
    header = next(csv.reader([header_text], delimiter=delimiter))
    body = [(n, t) for n, t in lines[1:] if t.strip()]
    last_lines: dict[int, int] = {}
    if fmt == "tsv":
        # TSV has no quoting: a tab always separates, so a quote in a cell stays a quote.
        cells_per_line: Iterable[tuple[int, list[str] | None]] = ((n, t.split("\t")) for n, t in body)
    else:
        cells_per_line = _csv_records(lines[1:], file, problems, last_lines)
    yield from _rows_under(header_line, header, cells_per_line, file, problems, required, last_lines)


def _csv_records(lines: list[tuple[int, str]], file: str, problems: list[Problem],
                 last_lines: dict[int, int]) -> Iterator[tuple[int, list[str] | None]]:
    """(first line, cells) of each CSV record that has any content. A quoted cell may span
    lines (Excel writes a cell's line breaks so), blank lines in it included, so records
    are numbered by the line they start on, not counted. A cell the csv module cannot
    read (one longer than its field limit: a quote left open swallows the lines after
    it) ends the file with one problem, since the reader cannot resume mid-cell.
    ``last_lines`` gets the last line of each record that spans several."""
    reader = csv.reader((text + "\n" for _, text in lines), delimiter=",")  # keeps a cell's line breaks
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first = lines[min(consumed, len(lines) - 1)][0]
            problems.append(Problem(file, first, "fields", f"CSV cannot be read from here on ({exc}): a quote left "
                                                           "open? The rest of the file is not read"))
            yield first, None
            return
        first, consumed = lines[consumed][0], reader.line_num
        if lines[consumed - 1][0] != first:
            last_lines[first] = lines[consumed - 1][0]
        if any(cell.strip() for cell in cells):
            yield first, cells


def _rows_under(
    header_line: int,
    header: Sequence[str],
    cells_per_line: Iterable[tuple[int, list[str] | None]],
    file: str,
    problems: list[Problem],
    required: Sequence[str],
    last_lines: dict[int, int] | None = None,
) -> Iterator[tuple[int, dict[str, str] | None]]:
    """A table's records under its header row (headings mapped to the corpus columns);
    ``last_lines`` says where a record that spans lines ends (a CSV quoted cell)."""
    header = canonical_header(header)
    missing = [c for c in required if c not in header]
    if missing:
        # A heading the aliases do not know (项目预算 for 预算数) is the usual cause: name them.
        unknown = [h for h in header if h and h not in COLUMN_ALIASES]
        known = f"; headings that name no column: {', '.join(unknown)}" if unknown else ""
        problems.append(Problem(file, header_line, "columns", f"missing columns: {', '.join(missing)}{known}"))
        for number, _ in cells_per_line:
            yield number, None
        return
    for number, cells in cells_per_line:
        if cells is None:  # already reported
            yield number, None
            continue
        if len(cells) != len(header):
            spans = f" (the row runs on to line {last_lines[number]}: a quote left open?)" if last_lines and number in last_lines else ""
            problems.append(Problem(file, number, "fields", f"expected {len(header)} fields, got {len(cells)}{spans}"))
            yield number, None
            continue
        yield number, dict(zip(header, cells))


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _check_row(file: str, number: int, fields: dict[str, str]) -> tuple[CorpusRow | None, list[Problem]]:
    found: list[Problem] = []

    def report(code: str, message: str, severity: Severity = "error") -> None:
        found.append(Problem(file, number, code, message, severity))

    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        report("columns", f"missing columns: {', '.join(missing)}")
        return None, found
    fields = {k: v.strip() for k, v in fields.items()}
    for column in (*REQUIRED_COLUMNS, *sorted(_MODEL_COLUMNS - set(REQUIRED_COLUMNS))):
        value = fields.get(column, "")
        if len(value) > MAX_CELL_CHARS:
            report("cell-size", f"{column} is {len(value)} characters long (at most {MAX_CELL_CHARS}): "
                                "a pasted document, or a CSV quote left open?")
        elif value.upper() in EXCEL_ERRORS:
            if column in _MODEL_COLUMNS:
                report("excel-error", f"{column} is the Excel error {value} (a formula that failed): fix or clear the cell")
            else:
                report("excel-error", f"{column} is the Excel error {value} (a formula that failed): read as empty",
                       "warning")
                fields[column] = ""
    if any(p.severity == "error" for p in found):
        return None, found
    name, description = fields["level3"], fields["description"]
    if not _has_words(name) and not _has_words(description):
        what = "empty indicator name (level3)" if not name else f"indicator name {name!r} has no words"
        report("empty-name", what)
    elif not _has_words(name):
        report("empty-name", "indicator name (level3) has no words; the description is used", "warning")

    label = canonicalise(fields["level1"], fields["level2"])
    if label.level2 is None and label.level1 is not None:
        # Only 满意度 has a single level 2 in every template; there the level 2 is implied.
        implied = {l2 for layout in TEMPLATES.values() for l2 in layout.get(label.level1, ())}
        if len(implied) == 1:
            label = Label(label.written_level1, label.written_level2, label.level1, implied.pop())
            report("level2", f"level2 {fields['level2']!r} not recognised; implied by level1", "warning")
    if label.level2 is None:
        report("unknown-label", f"unknown level2 label {fields['level2']!r}" if fields["level2"] else "empty level2 label")
    elif label.level1 is None:
        what = f"unknown level1 label {fields['level1']!r}" if fields["level1"] else "empty level1 label"
        report("level1", f"{what}; level2 decides", "warning")
    elif not label.consistent:
        report("pair", f"{label.level2} is not filed under {label.level1} in any template; level2 decides", "warning")
    if not fields["source"]:
        report("source", "empty source; the row is grouped by file and project", "warning")
    if any(p.severity == "error" for p in found):
        return None, found
    return CorpusRow(file, number, fields, label), found


def _workbook_records(data: bytes, file: str, problems: list[Problem],
                      required: Sequence[str]) -> tuple[int, Iterator[tuple[int, dict[str, str] | None]]]:
    """The row count and records of the first worksheet with a header row (the required
    columns) among its first few non-empty rows, else of the first worksheet under its row
    naming the most columns (the missing ones are then reported). Cells read as Excel
    shows them (120, not 120.0); a record's line is its row number in the sheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        problems.append(Problem(file, 1, "fields", f"not a readable Excel workbook ({type(exc).__name__}: {exc})"))
        return 0, iter(())
    tables = []
    for sheet in book.worksheets:
        rows = [(n, [format_value(v).replace("\r\n", "\n") for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
        rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
        if rows:
            tables.append(rows)
    book.close()
    if not tables:
        problems.append(Problem(file, 1, "columns", "the workbook has no rows"))
        return 0, iter(())
    def named(cells: list[str]) -> int:
        return len(set(required) & set(canonical_header(cells)))

    def header_at(rows: list[tuple[int, list[str]]]) -> int | None:
        # A title row or two above the header (2024年指标标注) is common in a labeler's sheet.
        return next((k for k, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]) if named(cells) == len(required)), None)

    # Without a complete header, the first sheet's row naming the most columns is taken as
    # the header, so the problem lists the few missing ones rather than all of them.
    first = tables[0][:_HEADER_SEARCH_ROWS]
    fallback = (tables[0], max(range(len(first)), key=lambda k: (named(first[k][1]), -k)))
    table, start = next(((t, k) for t in tables if (k := header_at(t)) is not None), fallback)
    (header_line, header), body = table[start], table[start + 1:]
    # Trailing empty cells of a row are a formatting artefact, not missing fields.
    width = len(header)
    body = [(n, cells[:width] + [""] * (width - len(cells))) if not any(c.strip() for c in cells[width:])
            else (n, cells) for n, cells in body]
    return body[-1][0] if body else header_line, _rows_under(header_line, header, body, file, problems, required)


def _table(path: Path, problems: list[Problem], required: Sequence[str]) -> tuple[CorpusFile, Iterator[tuple[int, dict[str, str] | None]]]:
    """A file's hash and line count, and its records (bad lines reported in ``problems``)."""
    data = path.read_bytes()
    file = str(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES or data.startswith(b"PK\x03\x04"):
        count, records = _workbook_records(data, file, problems, required)
        return CorpusFile(file, hashlib.sha256(data).hexdigest(), count), records
    if path.suffix.lower() == ".xls":
        problems.append(Problem(file, 1, "fields", "an Excel 97-2003 workbook (.xls): save it as .xlsx or as CSV"))
        return CorpusFile(file, hashlib.sha256(data).hexdigest(), 0), iter(())
    lines = list(_decoded_lines(data, file, problems))
    while lines and not lines[-1][1].strip():
        lines.pop()
    fmt = _sniff(path, lines[0][1] if lines else "")
    return CorpusFile(file, hashlib.sha256(data).hexdigest(), len(lines)), _records(fmt, lines, file, problems, required)


def _correction_problem(correction: Correction) -> tuple[str, str] | None:
    """(code, message) when a correction cannot be applied as written."""
    if not correction.reason:
        return "reason", "no reason given"
    label = canonicalise(correction.level1, correction.level2)
    if label.level2 is None or label.level1 is None:
        return "unknown-label", f"corrected label {correction.level1!r}/{correction.level2!r} not recognised"
    if not label.consistent:
        return "pair", f"corrected label files {label.level2} under {label.level1}, which no template allows"
    original = canonicalise(*correction.key[4:])
    if (original.level1, original.level2) == (label.level1, label.level2):
        return "no-change", f"corrected label is the original one ({label.level1}/{label.level2})"
    return None


def read_corrections(paths: Sequence[str | Path]) -> tuple[list[Correction], list[CorpusFile], list[Problem]]:
    """The corrections of overlay files, the files, and what is wrong with them (every
    bad line; a correction with a problem is left out).

    Raises OSError only when a file cannot be read at all.
    """
    corrections: list[Correction] = []
    files: list[CorpusFile] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], str] = {}
    for path in map(Path, paths):
        table, records = _table(path, problems, CORRECTION_COLUMNS)
        for number, fields in records:
            if fields is None:
                continue
            fields = {k: v.strip() for k, v in fields.items()}
            correction = Correction(
                table.path,
                number,
                tuple(fields[c] for c in CORRECTION_KEY),
                fields["corrected_level1"],
                fields["corrected_level2"],
                fields["reason"],
            )
            problem = _correction_problem(correction)
            if problem is None and correction.key in seen:
                problem = "duplicate", f"corrects the same row as {seen[correction.key]}"
            if problem is None:
                seen[correction.key] = f"{table.path}:{number}"
                corrections.append(correction)
            else:
                problems.append(Problem(table.path, number, *problem))
        files.append(table)
    return corrections, files, problems


def read_corpus(paths: Sequence[str | Path], corrections: Sequence[str | Path] = ()) -> Corpus:
    """Read and check corpora; bad rows are reported in ``problems``, never raised.

    ``corrections`` are overlay files (``CORRECTION_COLUMNS``) whose labels replace the
    published ones of the rows they name before the rows are checked. Every correction
    must name exactly one row; otherwise, or when an overlay has bad lines,
    :class:`CorrectionsError` lists every problem. Raises OSError only when a file
    cannot be read at all.
    """
    corpus = Corpus()
    fixes, corpus.corrections, correction_problems = read_corrections(corrections)
    fix_of = {c.key: c for c in fixes}
    matches: dict[tuple[str, ...], list[str]] = defaultdict(list)
    seen: dict[tuple[str, ...], str] = {}
    for path in map(Path, paths):
        problems: list[Problem] = []
        table, records = _table(path, problems, REQUIRED_COLUMNS)
        file = table.path
        bad_lines = {p.line for p in problems if p.severity == "error"}
        for number, fields in records:
            if fields is None:
                bad_lines.add(number)
                continue
            fix = fix_of.get(tuple(fields.get(c, "").strip() for c in _CORRECTED_ROW_KEY))
            if fix is not None:
                matches[fix.key].append(f"{file}:{number}")
                fields = {**fields, "level1": fix.level1, "level2": fix.level2}
            row, found = _check_row(file, number, fields)
            if row is not None:
                key = tuple(row.fields[c] for c in REQUIRED_COLUMNS)
                if key in seen:
                    found.append(Problem(file, number, "duplicate", f"same row as {seen[key]}"))
                    row = None
                else:
                    seen[key] = f"{file}:{number}"
            problems.extend(found)
            if row is None:
                bad_lines.add(number)
            else:
                corpus.rows.append(row)
        corpus.problems.extend(sorted(problems, key=lambda p: p.line))
        corpus.rejected += len(bad_lines)
        corpus.files.append(table)
    for fix in fixes:
        rows = matches[fix.key]
        if not rows:
            correction_problems.append(Problem(fix.file, fix.line, "unmatched", f"matches no corpus row: {fix.describe_row()}"))
        elif len(rows) > 1:
            correction_problems.append(
                Problem(fix.file, fix.line, "ambiguous", f"matches {len(rows)} corpus rows ({', '.join(rows)}): {fix.describe_row()}")
            )
    if correction_problems:
        raise CorrectionsError(sorted(correction_problems, key=lambda p: (p.file, p.line)))
    corpus.corrected = sum(len(rows) for rows in matches.values())
    return corpus


def load_corpus(paths: Sequence[str | Path], skip_bad: bool = False, corrections: Sequence[str | Path] = ()) -> Corpus:
    """Like :func:`read_corpus`, but a corpus with errors is rejected unless ``skip_bad``."""
    corpus = read_corpus(paths, corrections)
    if corpus.errors and not skip_bad:
        raise CorpusError(corpus)
    return corpus
