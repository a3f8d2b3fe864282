"""``zhibiao rules [CODE]``: list the checks, or explain one (like ``ruff rule``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from scorer.checks import REGISTRY
from scorer.checks.catalog import check_markdown, describe
from scorer.cli.common import fail
from scorer.report.text import SEVERITY_STYLE


def _table(checks, console: Console) -> None:
    table = Table("代码", "名称", "类别", "级别", "slug", box=None, pad_edge=False)
    for check in checks:
        table.add_row(check.code, check.title, f"{check.category.value} {check.category.label}",
                      f"[{SEVERITY_STYLE[check.severity]}]{check.severity.value}[/]", check.name)
    console.print(table)
    console.print(f"\n共 {len(checks)} 条规则。zhibiao rules 代码 查看说明和示例。")


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules(
        code: Annotated[
            str | None, typer.Argument(help="A code (ZB-M002), a code prefix (ZB-M) or a category (STRUCT).")
        ] = None,
        format: Annotated[str, typer.Option("--format", "-f", help="Output: text, json or markdown.")] = "text",
    ) -> None:
        """List the checks, or explain the ones CODE selects."""
        if format not in ("text", "json", "markdown"):
            raise typer.BadParameter("expected text, json or markdown", param_hint="--format")
        try:
            checks = REGISTRY.matching(code) if code else list(REGISTRY)
        except ValueError:
            checks = []
        if not checks:
            raise fail(f"no rule matches '{code}' (try: zhibiao rules)")
        if format == "json":
            typer.echo(json.dumps([describe(c) for c in checks], ensure_ascii=False, indent=2))
            return
        if format == "markdown" or (code and len(checks) == 1):
            text = "\n".join(line for c in checks for line in [*check_markdown(c), ""])
            if format == "markdown":
                typer.echo(text)
            else:
                Console(soft_wrap=True).print(Markdown(text))
            return
        _table(checks, Console(soft_wrap=True, highlight=False))
