"""The reports of a batch, written into its folder from the stored results:
``analysis.json`` (the cross-document analysis), ``report.html`` and ``report.xlsx``.

Each file is written to a temporary name and renamed, so a report is either the old
one or the complete new one, never half of one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from scorer.batch.analysis import Analyzer, BatchAnalysis
from scorer.batch.store import Entry, ResultStore
from scorer.embeddings import EmbedderError
from scorer.report.html import render_html
from scorer.report.xlsx import write_annotated_workbook
from scorer.resources import shared_embedder

ANALYSIS_JSON = "analysis.json"
REPORT_HTML = "report.html"
REPORT_XLSX = "report.xlsx"


def _atomic(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        write(fh)
    os.replace(tmp, path)


def analysis_embedder(use_models: bool) -> Any:
    """The embedder for reworded (semantic) copies across the batch, when models are on
    and one is built; None leaves the search to exact and near copies."""
    if not use_models:
        return None
    try:
        return shared_embedder()
    except EmbedderError:
        return None


def write_reports(store: ResultStore, out: str | Path, entries: Sequence[Entry] | None = None,
                  embedder: Any = None) -> BatchAnalysis:
    """Analyse ``entries`` (default: the newest result of every source in the store)
    and write the three reports into ``out``; returns the analysis."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = store.entries() if entries is None else list(entries)
    analysis = Analyzer().add_all(store.records(entries)).finish(embedder=embedder)
    _atomic(out / ANALYSIS_JSON, lambda fh: fh.write(analysis.model_dump_json(indent=1).encode("utf-8")))
    _atomic(out / REPORT_HTML, lambda fh: fh.write(render_html(analysis).encode("utf-8")))
    results = [r.result for r in store.records(e for e in entries if e.status == "ok") if r.result is not None]
    _atomic(out / REPORT_XLSX, lambda fh: write_annotated_workbook(results, fh))
    return analysis
