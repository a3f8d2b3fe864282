"""``zhibiao parse``: print the document model a file parses to."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scorer.cli.common import check_format, read_document, user_errors
from scorer.document import Document, dump_json_schema


def _table(doc: Document, console: Console) -> None:
    console.print(f"[bold]{doc.source}[/] ({doc.format}) {doc.title} {doc.department}".strip())
    for project in doc.projects:
        budget = "" if project.budget_total is None else f"预算 {project.budget_total:g} 万元"
        console.print(f"\n[bold]{project.index + 1}. {project.name}[/] {project.code} {budget}")
        if project.fund_use:
            console.print(f"  资金用途: {project.fund_use}")
        if project.spending_plan:
            plan = ", ".join(f"{m}月底 {v or '-'}" for m, v in project.spending_plan.raw.items())
            console.print(f"  支出计划: {plan}")
        for goal in project.goals:
            console.print(f"  目标 {goal.number or '-'}: {goal.text}")
        table = Table("行", "一级", "二级", "三级指标", "描述", "指标值", "解析", "依据", show_lines=False)
        for ind in project.indicators:
            t = ind.target
            parsed = "" if t is None else " ".join(
                str(x) for x in (t.kind.value, t.comparator, t.value, t.unit, t.deadline) if x is not None
            )
            table.add_row(str(ind.location.row or ""), ind.level1, ind.level2, ind.name,
                          ind.description, ind.target_raw, parsed, ind.basis)
        console.print(table)
    for issue in doc.issues:
        console.print(f"[yellow]{issue.severity}[/] {issue.location.label()}: {issue.message}")


def register(app: typer.Typer) -> None:
    @app.command("parse")
    def parse(
        files: Annotated[list[str], typer.Argument(help="Files to parse; '-' reads a pasted table from stdin.")],
        format: Annotated[str, typer.Option("--format", "-f", help="Output: json or table.")] = "json",
        input_format: Annotated[
            str | None, typer.Option("--input-format", help="Override sniffing: cells, tsv, csv, html, json, docx, xlsx.")
        ] = None,
    ) -> None:
        """Parse 绩效目标表 files (.txt, pasted TSV, .docx, .xlsx, .csv, .json) and print the model."""
        check_format(input_format)
        if format not in ("json", "table"):
            raise typer.BadParameter("expected json or table", param_hint="--format")
        console = Console(soft_wrap=True)
        docs = []
        with user_errors():
            for source in files:
                docs.append(read_document(source, input_format))
        if format == "json":
            payload = [d.model_dump(mode="json") for d in docs]
            typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2))
        else:
            for doc in docs:
                _table(doc, console)

    @app.command("schema")
    def schema() -> None:
        """Print the JSON schema of the document model."""
        typer.echo(dump_json_schema())
