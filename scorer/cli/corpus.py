"""``zhibiao corpus check|audit``: validate a labeled corpus and rank its suspicious labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scorer.cli.common import EXIT_USAGE, fail, user_errors
from scorer.cli.models import CorrectionFiles, Format, check_output_format

corpus_app = typer.Typer(name="corpus", help="Check labeled indicator corpora and audit their labels.", no_args_is_help=True)

Files = Annotated[list[Path], typer.Argument(help="Corpus files (TSV, CSV or JSONL in UTF-8, or .xlsx; docs/corpus.md).")]


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table("label", "rows", title=title, title_justify="left")
    for label, n in counts.items():
        table.add_row(label, str(n))
    return table


@corpus_app.command("check")
def check(
    files: Files,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Report bad rows but exit 0 (they would be skipped).")] = False,
    corrections: CorrectionFiles = None,
    format: Format = "text",
) -> None:
    """List every bad line (errors) and doubtful one (warnings), then a summary.

    Exits 2 when any line has an error, unless --skip-bad; always when a correction
    cannot be applied.
    """
    from training.corpus import read_corpus

    check_output_format(format)
    with user_errors():
        corpus = read_corpus(files, corrections or ())
    if format == "json":
        payload = {"summary": corpus.summary(), "problems": [p.__dict__ for p in corpus.problems]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = Console(soft_wrap=True, highlight=False)
        for problem in corpus.problems:
            style = "red" if problem.severity == "error" else "yellow"
            console.print(problem.describe(), style=style, markup=False)
        s = corpus.summary()
        console.print(
            f"\n{s['rows']} good rows, {s['rejected']} bad lines ({s['errors']} errors, {s['warnings']} warnings) "
            f"from {s['sources']} source documents; corpus sha256 {s['sha256'][:12]}"
        )
        if s["corrections"]:
            console.print(f"{s['corrected']} rows relabelled by {', '.join(s['corrections'])}")
        console.print(_counts_table("level 1", s["level1"]))
        console.print(_counts_table("level 2", s["level2"]))
        console.print(_counts_table("largest sources", s["top_sources"]))
    if corpus.errors and not skip_bad:
        raise typer.Exit(EXIT_USAGE)
    if not corpus.rows:
        raise fail(f"{', '.join(map(str, files))}: no indicator rows (an empty corpus, or a header alone)")


@corpus_app.command("audit")
def audit_cmd(
    files: Files,
    top: Annotated[int, typer.Option(help="How many of the most suspicious rows to print.")] = 20,
    folds: Annotated[int, typer.Option(help="Grouped cross-validation folds (by source document).")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 0,
    corrections: CorrectionFiles = None,
    format: Format = "text",
) -> None:
    """Rank rows by how strongly a model that never saw their document rejects their label.

    Uses the good rows only (see `zhibiao corpus check` for the others).
    """
    from training.audit import audit
    from training.corpus import read_corpus
    from training.dataset import learnable

    check_output_format(format)
    with user_errors():
        corpus = read_corpus(files, corrections or ())
        data, dropped = learnable(corpus.rows)
        result = audit(data, {}, folds, seed)
    payload = result.as_dict()
    payload["suspects"] = payload["suspects"][:top]
    payload["bad_lines_skipped"] = corpus.rejected
    payload["rows_corrected"] = corpus.corrected
    payload["labels_too_rare"] = dropped
    if format == "json":
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console(soft_wrap=True, highlight=False)
    console.print(
        f"{result.rows} rows from {result.documents} documents ({corpus.rejected} bad lines skipped"
        + (f"; {corpus.corrected} rows relabelled by corrections" if corpus.corrections else "")
        + (f"; too rare to learn: {dropped}" if dropped else "")
        + f"). Confident learning over {result.folds} grouped folds flags {result.issues} rows "
        f"({payload['issue_rate']:.1%}) as likely mislabeled."
    )
    table = Table("line", "declared", "canonical", "suggested", "p", "quality", "flag", "indicator", "target", title=f"{top} most suspicious rows")
    for s in result.suspects[:top]:
        table.add_row(
            f"{s.file}:{s.line}",
            f"{s.level1}/{s.level2}",
            s.given,
            s.suggested,
            f"{s.confidence:.2f}",
            f"{s.quality:.3f}",
            "yes" if s.flagged else "",
            s.name,
            s.target,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")
