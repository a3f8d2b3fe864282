"""``zhibiao batch``: score whole folders and archives of 绩效目标表 into a resumable
results store with reports; ``zhibiao report``: rebuild the reports from stored results.

Exit codes of ``batch``: 0 every file scored; 1 some files failed (each is in the
results and the reports with its error); 2 usage (no inputs found, bad config or
backend, the output folder busy); 130 interrupted (what finished is kept: rerun).

Exit codes of ``report``: 0 the reports were written and every file in them was scored;
1 the reports were written but some files in them had failed, as ``batch`` says of the
same results (a script forwarding the reports after either command tests one code);
2 usage (no results there, none readable, ``--out`` not a folder or not writable).

What they print for the reviewer (the counts, the reports' paths, an interruption) is in
Chinese, as ``zhibiao score`` speaks; option errors and technical details stay English.
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


def _documents(analysis, out: Path, counted: str) -> str:
    """``3 份文档（另有 2 个重复文件，只计一次），…；报告：…``: the reports' headline (their
    wording: 份文档, 个重复文件) and where they are. Duplicates are files whose content
    another file of the batch already had."""
    copies = f"（另有 {len(analysis.duplicates)} 个重复文件，只计一次）" if analysis.duplicates else ""
    paths = ", ".join(str(out / name) for name in (REPORT_HTML, REPORT_XLSX, ANALYSIS_JSON))
    return f"{analysis.documents} 份文档{copies}，{counted}；报告：{paths}"


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
            raise fail(f"没有找到可审核的文件（查找 {'、'.join(sorted(SUFFIXES))} 和 .zip）\n"
                       f"  no input files found (looked for {', '.join(sorted(SUFFIXES))} and .zip)")
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
                err_console.print(f"已中断：已完成的 {summary.ok + summary.failed} 个文件保存在 {out / RESULTS_FILE}；"
                                  "再次运行同一命令即可继续", soft_wrap=True)
                raise typer.Exit(EXIT_INTERRUPTED)
            try:
                analysis = write_reports(store, out, store.entries(summary.ids), use_models=models)
            except KeyboardInterrupt:
                err_console.print(f"写报告时中断：全部结果已保存在 {out / RESULTS_FILE}；重新生成报告：zhibiao report {out}",
                                  soft_wrap=True)
                raise typer.Exit(EXIT_INTERRUPTED) from None
            for entry in store.forget_damaged():
                err_console.print(f"{entry.name}：保存的结果已损坏，未计入报告；下次运行时重新审核", soft_wrap=True)
        typer.echo(f"共 {len(sources)} 个文件：审核 {summary.ok} 个，未改动（沿用上次结果）{summary.unchanged} 个，"
                   f"未能审核 {summary.failed} 个 · 审核了 {summary.indicators:,} 个指标，用时 {summary.seconds:.1f} 秒")
        typer.echo(_documents(analysis, out, f"{len(analysis.departments)} 个部门"))
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
            raise fail(f"{store.results_path}：没有可读的审核结果\n"
                       "  no readable results (every line is damaged, or none was written)")
        with user_errors():
            try:
                analysis = write_reports(store, target, use_models=models)
            except OSError as exc:
                if isinstance(exc, StoreError):
                    raise
                # (errno text and the path, not "[Errno 2] …": which folder could not be written)
                raise OSError(f"cannot write the reports into {target}: {exc.strerror or exc}"
                              + (f" ({exc.filename})" if exc.filename else "")) from None
        typer.echo(_documents(analysis, target, f"{analysis.failed} 个文件未能审核"))
        if analysis.failed:
            raise typer.Exit(EXIT_FAILED_FILES)
