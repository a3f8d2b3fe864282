"""``zhibiao batch``: score whole folders and archives of 绩效目标表 into a resumable
results store with reports; ``zhibiao report``: rebuild the reports from stored results.

Exit codes of ``batch``: 0 every file scored; 1 some files failed (each is in the
results and the reports with its error); 2 usage (no inputs found, bad config or
backend, the output folder busy); 130 interrupted (what finished is kept: rerun).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scorer.batch.discover import SUFFIXES, discover
from scorer.batch.progress import make_progress
from scorer.batch.reports import ANALYSIS_JSON, REPORT_HTML, REPORT_XLSX, write_reports
from scorer.batch.runner import BACKENDS, BackendError, RunOptions, run_batch
from scorer.batch.store import RESULTS_FILE, ResultStore, StoreError
from scorer.batch.worker import ScoreOptions
from scorer.checks import REGISTRY
from scorer.cli.common import err_console, fail, user_errors
from scorer.config import load_settings

EXIT_FAILED_FILES = 1
EXIT_INTERRUPTED = 130


def _report_paths(out: Path) -> str:
    return ", ".join(str(out / name) for name in (REPORT_HTML, REPORT_XLSX, ANALYSIS_JSON))


def _copies(analysis) -> str:
    """" (+2 identical copies, counted once)": files whose content another file already had."""
    n = len(analysis.duplicates)
    return f" (+{n} identical cop{'y' if n == 1 else 'ies'}, counted once)" if n else ""


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch(
        inputs: Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) and .zip archives.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.jsonl and the reports.")],
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (or cluster tasks in flight).")] = 1,
        backend: Annotated[str, typer.Option("--backend", help="loky (local processes), dask or ray.")] = "loky",
        scheduler: Annotated[
            str | None, typer.Option("--scheduler", help="dask scheduler or ray address; default: start a local one.")
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="zhibiao.toml or pyproject.toml to use instead of searching.")
        ] = None,
        models: Annotated[
            bool, typer.Option("--models/--no-models",
                               help="Run the model-backed checks, and search reworded copies with the embedder.")
        ] = True,
    ) -> None:
        """Score every 绩效目标表 in folders and .zip archives; resumable, with reports."""
        if backend not in BACKENDS:
            raise fail(f"unknown --backend '{backend}' (expected one of: {', '.join(BACKENDS)})")
        if jobs < 1:
            raise fail("--jobs must be at least 1")
        if out.exists() and not out.is_dir():
            raise fail(f"--out {out} is a file; give a folder for results.jsonl and the reports")
        with user_errors():
            # A broken config would fail every file: refuse it up front instead.
            for raw in inputs:
                REGISTRY.select(load_settings(config, near=Path(raw))[0])
            sources = discover(inputs, exclude=out)
        if not sources:
            raise fail(f"no input files found (looked for {', '.join(sorted(SUFFIXES))} and .zip)")
        options = RunOptions(jobs=jobs, backend=backend, scheduler=scheduler,
                             score=ScoreOptions(config=str(config.resolve()) if config else None, use_models=models))
        try:
            store = ResultStore(out)
        except StoreError as exc:
            raise fail(str(exc)) from None
        with store:
            try:
                summary = run_batch(sources, store, options, make_progress())
            except BackendError as exc:
                raise fail(str(exc)) from None
            if summary.interrupted:
                err_console.print(f"interrupted: {summary.ok + summary.failed} finished file(s) are kept in "
                                  f"{out / RESULTS_FILE}; run the same command again to continue.")
                raise typer.Exit(EXIT_INTERRUPTED)
            try:
                analysis = write_reports(store, out, store.entries(summary.ids), use_models=models)
            except KeyboardInterrupt:
                err_console.print(f"interrupted while writing the reports: every result is kept in "
                                  f"{out / RESULTS_FILE}; rebuild the reports with: zhibiao report {out}", soft_wrap=True)
                raise typer.Exit(EXIT_INTERRUPTED) from None
            for entry in store.forget_damaged():
                err_console.print(f"{entry.name}: its stored result is damaged and was left out of the reports; "
                                  "the next run scores it again", soft_wrap=True)
        typer.echo(f"{len(sources)} file(s): {summary.ok} scored, {summary.unchanged} unchanged, "
                   f"{summary.failed} failed · {summary.indicators:,} indicators scored in {summary.seconds:.1f} s")
        typer.echo(f"{analysis.documents} document(s){_copies(analysis)}, {len(analysis.departments)} department(s); "
                   f"reports: {_report_paths(out)}")
        if summary.failed:
            raise typer.Exit(EXIT_FAILED_FILES)

    @app.command("report")
    def report(
        results: Annotated[Path, typer.Argument(help="A batch folder, or its results.jsonl.")],
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Where to write the reports (default: beside the results).")
        ] = None,
        models: Annotated[
            bool, typer.Option("--models/--no-models", help="Search reworded copies with the embedder, if built.")
        ] = True,
    ) -> None:
        """Rebuild report.html, report.xlsx and analysis.json from stored batch results."""
        if results.is_file() and results.name != RESULTS_FILE:
            raise fail(f"{results}: expected a batch folder or its {RESULTS_FILE}")
        folder = results.parent if results.is_file() else results
        try:
            store = ResultStore(folder, readonly=True)
        except StoreError as exc:
            raise fail(str(exc)) from None
        target = out or folder
        if target.exists() and not target.is_dir():
            raise fail(f"--out {target} is a file; give a folder for the reports")
        if not store.entries():
            raise fail(f"{store.results_path}: no readable results (every line is damaged, or none was written)")
        with user_errors():
            try:
                analysis = write_reports(store, target, use_models=models)
            except OSError as exc:
                if isinstance(exc, StoreError):
                    raise
                # (errno text and the path, not "[Errno 2] …": which folder could not be written)
                raise OSError(f"cannot write the reports into {target}: {exc.strerror or exc}"
                              + (f" ({exc.filename})" if exc.filename else "")) from None
        typer.echo(f"{analysis.documents} document(s){_copies(analysis)}, {analysis.failed} failed; "
                   f"reports: {_report_paths(target)}")
