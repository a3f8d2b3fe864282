"""Batch progress: a rich progress bar (files, indicators, failures, ETA) on a terminal,
one plain log line per file otherwise (CI logs, ``| tee``), both on stderr, in the Chinese
of the summary line and the reports."""

from __future__ import annotations

import sys
import time
from typing import IO, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from scorer.batch.worker import Outcome

#: in the words of the summary line and the reports (审核 / 未能审核 / 未改动).
_STATUS_LABEL = {"ok": "已审核", "failed": "未能审核", "unchanged": "未改动"}


class BatchProgress(Protocol):
    def start(self, total: int) -> None: ...

    def update(self, outcome: Outcome) -> None: ...

    def close(self) -> None: ...


class _Counts:
    def __init__(self) -> None:
        self.total = self.done = self.failed = self.unchanged = self.indicators = 0
        self.started = time.monotonic()

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self.indicators += outcome.indicators
        self.failed += outcome.status == "failed"
        self.unchanged += outcome.status == "unchanged"

    def eta(self) -> str:
        if not self.done or self.done >= self.total:
            return "0:00:00"
        seconds = int((time.monotonic() - self.started) / self.done * (self.total - self.done))
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def failure_text(outcome: Outcome) -> str:
    """The Chinese reason a budget office reads, then the technical detail."""
    if outcome.message and outcome.error:
        return f"{outcome.message}  ({outcome.error})"
    return outcome.message or outcome.error or ""


class PlainProgress:
    """``[  3/120] 已审核  dept/a.docx  48 个指标  0.21 秒  预计剩余 0:01:30`` per file."""

    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.counts = _Counts()

    def start(self, total: int) -> None:
        self.counts.total = total
        self.counts.started = time.monotonic()
        print(f"批量审核：共 {total} 个文件", file=self.stream, flush=True)

    def update(self, outcome: Outcome) -> None:
        c = self.counts
        c.add(outcome)
        width = len(str(c.total))
        detail = {"failed": failure_text(outcome), "ok": f"{outcome.indicators} 个指标"}.get(outcome.status, "")
        print(f"[{c.done:>{width}}/{c.total}] {_STATUS_LABEL[outcome.status]:<4} {outcome.name}  {detail}  "
              f"{outcome.seconds:.2f} 秒  预计剩余 {c.eta()}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class RichProgress:
    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.counts = _Counts()
        self.bar = Progress(
            TextColumn("[bold]审核中"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("个文件 · {task.fields[indicators]:,} 个指标 · 未能审核 {task.fields[failed]} 个"),
            TimeElapsedColumn(),
            TextColumn("预计剩余"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        self.counts.total = total
        self.bar.start()
        self.task = self.bar.add_task("审核中", total=total, indicators=0, failed=0)

    def update(self, outcome: Outcome) -> None:
        self.counts.add(outcome)
        if outcome.status == "failed":
            self.bar.console.print(f"[red]未能审核[/] {escape(outcome.name)}：{escape(failure_text(outcome))}", markup=True,
                                   highlight=False, soft_wrap=True)
        assert self.task is not None
        self.bar.update(self.task, advance=1, indicators=self.counts.indicators, failed=self.counts.failed)

    def close(self) -> None:
        self.bar.stop()


def make_progress(stream: IO[str] | None = None) -> BatchProgress:
    stream = stream or sys.stderr
    return RichProgress(Console(file=stream)) if stream.isatty() else PlainProgress(stream)
