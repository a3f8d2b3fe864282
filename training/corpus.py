"""Reading and validating labeled indicator corpora (TSV, CSV or JSONL, UTF-8).

Every row is checked on its own, so a file with bad rows yields the list of every bad
line (not the first one); callers decide whether to reject the file or keep the good
rows (``skip_bad``). A corrections overlay relabels rows whose published label is
wrong without editing the corpus, which stays as published. The formats are described
in ``docs/corpus.md``.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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
    lines = data.split(b"\n")
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
            yield number, {str(k): "" if v is None else str(v) for k, v in obj.items()}
        return
    if not lines:
        return
    header_line, header_text = lines[0]
    delimiter = "\t" if fmt == "tsv" else ","
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delimiter))]
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(file, header_line, "columns", f"missing columns: {', '.join(missing)}"))
        for number, _ in lines[1:]:
            yield number, None
        return
    body = [(n, t) for n, t in lines[1:] if t.strip()]
    if fmt == "tsv":
        # TSV has no quoting: a tab always separates, so a quote in a cell stays a quote.
        cells_per_line = ((n, t.split("\t")) for n, t in body)
    else:
        reader = csv.reader((t for _, t in body), delimiter=delimiter)
        cells_per_line = ((body[i][0], cells) for i, cells in enumerate(reader))
    for number, cells in cells_per_line:
        if len(cells) != len(header):
            problems.append(Problem(file, number, "fields", f"expected {len(header)} fields, got {len(cells)}"))
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


def _table(path: Path, problems: list[Problem], required: Sequence[str]) -> tuple[CorpusFile, Iterator[tuple[int, dict[str, str] | None]]]:
    """A file's hash and line count, and its records (bad lines reported in ``problems``)."""
    data = path.read_bytes()
    file = str(path)
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
        bad_lines = {p.line for p in problems}
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
