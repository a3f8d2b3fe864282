"""The terminal report, like a linter's: one line per finding,

    examples/001.txt:3:240: ZB-A005 警告 「完成率」目标「>10」过低（低于 80%）…

where 3 is the project's number in the document (its table heading, 1、2、3…) and 240
the line or row of the cell. Findings are grouped under their project with its score
and grade; each document ends with the department's score and the ranking of its
projects, and the report ends with a count per rule and each rule's fix, once.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scorer.checks import REGISTRY, Registry
from scorer.findings import Finding, Severity
from scorer.results import ScoredDocument, ScoredProject

SEVERITY_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}
GRADE_STYLE = {"优": "bold green", "良": "green", "中": "yellow", "差": "bold red"}


def _location(source: str, f: Finding) -> str:
    """``file:line: [表格「T」] 项目N``, the line (or sheet row) where the finding's row starts, as
    compilers print it so that editors and terminals jump to it; ``file: 项目N`` for a
    project-level finding and ``file:`` for a document-level one."""
    if f.project is None:
        return f"{source}:"
    line = "" if f.location.row is None else f"{f.location.row}:"
    # A workbook's sheet or a Word file's table, where the row number alone is ambiguous.
    table = "" if f.location.table is None else f" 表格「{f.location.table}」"
    return f"{source}:{line}{table} 项目{f.project + 1}"


def finding_line(source: str, f: Finding) -> Text:
    return Text.assemble(
        (_location(source, f), "dim"),
        " ",
        (f.code, SEVERITY_STYLE[f.severity]),
        " ",
        (f.severity.label, SEVERITY_STYLE[f.severity]),
        " ",
        f.message,
    )


def _score(score: float, grade: str) -> Text:
    return Text.assemble((f"{score:g} 分 ", "bold"), (grade, GRADE_STYLE[grade]))


def _project_header(project: ScoredProject) -> Text:
    return Text.assemble(
        ("项目 ", "bold"), (f"{project.number} ", "bold"), (project.label, "bold"), "  ",
        _score(project.score, project.grade),
    )


def _counts_text(errors: int, warnings: int, infos: int) -> Text:
    return Text.assemble(
        (f"{errors} 个错误", SEVERITY_STYLE[Severity.error] if errors else "dim"), "、",
        (f"{warnings} 个警告", SEVERITY_STYLE[Severity.warning] if warnings else "dim"), "、",
        (f"{infos} 个提示", SEVERITY_STYLE[Severity.info] if infos else "dim"),
    )


def render_document(result: ScoredDocument, console: Console) -> None:
    source = result.document.source or "<input>"
    dept = result.department
    console.print(Text.assemble((source, "bold"), "  ", dept.name or result.document.title,
                                f"  {dept.projects} 个项目、{dept.indicators} 个指标"))
    for f in result.findings:
        console.print(finding_line(source, f))
    for issue in result.parse_issues:
        # Chinese for the reviewer first, the parser's English below it (as for unreadable files).
        row = f"{issue.location.row}:" if issue.location.row is not None else ""
        # The sheet or Word table, as for findings: a row number alone is ambiguous in a workbook.
        table = "" if issue.location.table is None else f" 表格「{issue.location.table}」"
        console.print(Text.assemble((f"{source}:{row}{table}", "dim"), (" 解析 ", "magenta"), issue.zh or issue.message))
        if issue.zh:
            console.print(Text(f"    {issue.message}", style="dim"))
    for project in result.projects:
        console.print()
        console.print(_project_header(project))
        found = sorted(project.findings + [f for i in project.indicators for f in i.findings], key=Finding.sort_key)
        for f in found:
            console.print(finding_line(source, f))
        if not found:
            console.print(Text("  没有发现问题", style="green"))
    console.print()
    console.print(Text.assemble(("部门得分 ", "bold"), _score(dept.score, dept.grade), "  ",
                                _counts_text(dept.counts.error, dept.counts.warning, dept.counts.info)))
    table = Table("排名", "项目", "得分", "等级", "错误", "警告", "提示", box=None, pad_edge=False)
    projects = {p.index: p for p in result.projects}
    for ranked in dept.ranking:
        counts = projects[ranked.index].counts
        table.add_row(str(ranked.rank), f"{ranked.index + 1}. {ranked.label}", f"{ranked.score:g}",
                      Text(ranked.grade, style=GRADE_STYLE[ranked.grade]),
                      str(counts.error), str(counts.warning), str(counts.info))
    console.print(table)


def render_summary(results: list[ScoredDocument], console: Console, registry: Registry = REGISTRY) -> None:
    """Per-rule counts with the rule's fix, then the totals."""
    findings = [f for r in results for f in r.all_findings()]
    by_code = Counter(f.code for f in findings)
    console.print()
    console.rule("汇总")
    for check in registry:
        n = by_code.get(check.code)
        if not n:
            continue
        console.print(Text.assemble((f"{check.code:<10}", SEVERITY_STYLE[check.severity]), f"{n:>4} × ",
                                    (check.title, "bold"), ("  → " + check.suggestion, "dim")))
    severities = Counter(f.severity for f in findings)
    console.print(Text.assemble(
        f"共 {len(results)} 个文件，发现 ",
        _counts_text(severities[Severity.error], severities[Severity.warning], severities[Severity.info]),
        "。用 zhibiao rules 代码 查看规则说明。" if findings else "",
    ))


def render_text(results: list[ScoredDocument], console: Console, registry: Registry = REGISTRY) -> None:
    for i, result in enumerate(results):
        if i:
            console.print()
        render_document(result, console)
    render_summary(results, console, registry)
