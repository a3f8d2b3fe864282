"""``zhibiao score``: check and score 绩效目标表 files like a linter.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 input or
options the user can fix (unreadable file, bad config, unknown option value).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scorer.cli.common import EXIT_USAGE, check_format, fail, read_document, unreadable, user_errors
from scorer.embeddings.base import EmbedderError
from scorer.parsers import ParseError
from scorer.findings import Severity
from scorer.pipeline import ScorerPool
from scorer.report import render_json, render_text
from scorer.results import ScoredDocument

FAIL_ON = ("error", "warning", "info", "never")
EXIT_FINDINGS = 1


def _split(values: list[str] | None) -> list[str] | None:
    """``--select ZB-M,ZB-A`` and ``--select ZB-M --select ZB-A`` mean the same."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _batch_hint(source: str) -> str:
    """What to run instead when ``source`` is a folder or a .zip of tables: ``score``
    reads one document per file, and "这是文件夹，不是文件" alone left the user there."""
    path = Path(source)
    if source != "-" and (path.is_dir() or path.suffix.lower() == ".zip"):
        return f"整个文件夹或压缩包请用批量审核：zhibiao batch {source} --out 结果文件夹"
    return ""


def should_fail(results: list[ScoredDocument], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for r in results for f in r.all_findings())


def register(app: typer.Typer) -> None:
    @app.command("score")
    def score(
        files: Annotated[list[str], typer.Argument(help="Files to score; '-' reads a pasted table from stdin.")],
        format: Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")] = "text",
        fail_on: Annotated[
            str, typer.Option("--fail-on", help="Exit 1 when a finding is at or above: error, warning, info, never.")
        ] = "error",
        select: Annotated[
            list[str] | None, typer.Option("--select", help="Only these code prefixes or categories (replaces config).")
        ] = None,
        ignore: Annotated[
            list[str] | None, typer.Option("--ignore", help="Skip these code prefixes or categories (adds to config).")
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="zhibiao.toml or pyproject.toml to use instead of searching.")
        ] = None,
        input_format: Annotated[
            str | None, typer.Option("--input-format", help="Override sniffing: cells, tsv, csv, html, json, docx, xlsx.")
        ] = None,
        models: Annotated[
            bool, typer.Option("--models/--no-models", help="Run the model-backed checks (level classifier).")
        ] = True,
    ) -> None:
        """Check 绩效目标表 files and score every indicator, project and the department."""
        check_format(input_format)
        if format not in ("text", "json"):
            raise typer.BadParameter("expected text or json", param_hint="--format")
        if fail_on not in FAIL_ON:
            raise typer.BadParameter(f"expected one of: {', '.join(FAIL_ON)}", param_hint="--fail-on")
        results = []
        failed: list[str] = []
        with user_errors():
            scorers = ScorerPool(config, _split(select), _split(ignore), use_models=models)
            for source in files:
                # An unreadable file is named once every file is done: the others are scored.
                try:
                    doc = read_document(source, input_format)
                except ParseError as exc:
                    failed.append(unreadable(exc, _batch_hint(source)))
                    continue
                except OSError as exc:
                    failed.append(str(exc))
                    continue
                try:
                    results.append(scorers.for_source(source).score_document(doc))
                except EmbedderError as exc:
                    # The embedder loads at the first text its cache lacks: a damaged model
                    # fails this file, not the ones already scored.
                    failed.append(f"{source}: {exc}")
        if results and format == "json":
            typer.echo(render_json(results))
        elif results:
            render_text(results, Console(soft_wrap=True, highlight=False))
        for message in failed:
            fail(message)  # printed; the exit comes once every file is done
        if failed:
            raise typer.Exit(EXIT_USAGE)
        if should_fail(results, fail_on):
            raise typer.Exit(EXIT_FINDINGS)
