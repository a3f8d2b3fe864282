"""The reports of a batch, written into its folder from the stored results:
``analysis.json`` (the cross-document analysis), ``report.html`` and ``report.xlsx``.

Each file is written to a temporary name and renamed, so a report is either the old
one or the complete new one, never half of one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import IO

from scorer.batch import ignore_interrupts
from scorer.batch.analysis import Analyzer, BatchAnalysis
from scorer.batch.duplicates import ClusterView, find_clusters
from scorer.batch.store import Entry, ResultStore
from scorer.batch.worker import loaded_resource
from scorer.embeddings import EmbedderError
from scorer.report.html import render_html
from scorer.batch.messages import chinese_reason
from scorer.report.xlsx import DuplicateFile, FailedFile, write_annotated_workbook
from scorer.resources import EMBEDDER, shared_embedder
from scorer.semantic.duplicates import TextItem

ANALYSIS_JSON = "analysis.json"
REPORT_HTML = "report.html"
REPORT_XLSX = "report.xlsx"

Clusters = tuple[list[ClusterView], str]


def _atomic(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as fh:
            write(fh)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def search_with_embedder(texts: list[TextItem]) -> Clusters:
    """Copy-paste search including reworded copies, with this process's embedder (the
    one its scorers hold, else the shared one); exact and near copies only when no
    embedder is built."""
    embedder = loaded_resource(EMBEDDER)
    if embedder is None:
        try:
            embedder = shared_embedder()
        except EmbedderError:
            embedder = None
    return find_clusters(texts, embedder=embedder)


def cross_document_clusters(texts: list[TextItem], use_models: bool) -> Clusters:
    """Run the batch's copy-paste search. With models: in this process when it scored the
    files itself (``--jobs 1``: its embedder is loaded), otherwise in a fresh process of
    its own, so the process writing the reports never holds the vectors beside the
    workbook. Fresh, not one of the batch's workers: the scoring encoded every cell, so
    the search reads its vectors from the embedding cache and never imports torch or loads
    the transformer (a worker that had scored with a cold cache carried ~0.8 GB of it, and
    the search on top made it the batch's largest process, 1.5 GB at 100k indicators)."""
    if not use_models:
        return find_clusters(texts)
    if loaded_resource(EMBEDDER) is not None:
        return search_with_embedder(texts)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=ignore_interrupts) as pool:
        return pool.submit(search_with_embedder, texts).result()


def write_reports(store: ResultStore, out: str | Path, entries: Sequence[Entry] | None = None,
                  use_models: bool = False) -> BatchAnalysis:
    """Analyse ``entries`` (default: the newest result of every source in the store)
    and write the three reports into ``out``; returns the analysis."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = store.entries() if entries is None else list(entries)
    # The workbook needs only the results, not the analysis, and writing it is the
    # longest step (openpyxl's per-cell work). It runs in a thread meanwhile: with models
    # the copy-paste search runs in a worker process and this one would only wait.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhibiao-xlsx") as pool:
        workbook = pool.submit(_write_workbook, store, out, entries)
        analyzer = Analyzer().add_all(store.records(entries))
        analysis = analyzer.finish(cross_document_clusters(analyzer.texts, use_models))
        del analyzer
        _atomic(out / ANALYSIS_JSON, lambda fh: fh.write(analysis.model_dump_json(indent=1).encode("utf-8")))
        _atomic(out / REPORT_HTML, lambda fh: fh.write(render_html(analysis).encode("utf-8")))
        workbook.result()
    return analysis


def split_copies(entries: Sequence[Entry]) -> tuple[list[Entry], list[DuplicateFile]]:
    """The scored entries, each file's bytes once, and the second copies: a copy gets no
    sheet of its own (the analysis lists it as a duplicate, and so does the workbook)."""
    seen: dict[str, str] = {}
    kept: list[Entry] = []
    copies: list[DuplicateFile] = []
    for entry in entries:
        if entry.status != "ok":
            continue
        if entry.sha256 and entry.sha256 in seen:
            copies.append(DuplicateFile(entry.name, seen[entry.sha256]))
            continue
        if entry.sha256:
            seen[entry.sha256] = entry.name
        kept.append(entry)
    return kept, copies


def failed_files(store: ResultStore, entries: Sequence[Entry]) -> list[FailedFile]:
    """The failed files with their reasons (read from the store: short lines), in the words
    of ``analysis.json``, so the workbook's summary accounts for every file of the batch as
    report.html does."""
    return [FailedFile(r.name, r.message or chinese_reason(r.error or "failed"), r.error or "")
            for r in store.records([e for e in entries if e.status != "ok"])]


def _write_workbook(store: ResultStore, out: Path, entries: Sequence[Entry]) -> None:
    kept, duplicates = split_copies(entries)
    failed = failed_files(store, entries)
    # Streamed from the store (each read opens its own handle): the workbook holds one
    # document at a time.
    results = (r.result for r in store.records(kept) if r.result is not None)
    _atomic(out / REPORT_XLSX, lambda fh: write_annotated_workbook(results, fh, failed=failed, duplicates=duplicates))
