"""``zhibiao feedback export``: reviewers' feedback from the service's database as files
for retraining — level corrections as a corpus file (docs/corpus.md columns), findings
marked wrong as a list for the maintainers of the checks."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Annotated

import typer

from scorer.cli.common import fail

feedback_app = typer.Typer(name="feedback", help="Reviewer feedback stored by the API.", no_args_is_help=True)

CORPUS_COLUMNS = ("source", "region", "department", "project_name", "budget_wan", "level1", "level2", "level3",
                  "description", "target_value", "basis")
FINDING_COLUMNS = ("document_sha256", "code", "project_index", "indicator_index", "level1", "level2", "level3",
                   "target_value", "comment", "created_at")


def _check_writable(path: Path | None) -> None:
    """Refuse an output path that cannot be written before anything is written: a typo
    in --out printed a FileNotFoundError traceback (exit 1) instead of what to fix."""
    if path is None:
        return
    if path.is_dir():
        raise fail(f"{path} is a folder; give a file name for the TSV (e.g. {path / 'corrections.tsv'})")
    if not path.parent.is_dir():
        raise fail(f"cannot write {path}: its folder {path.parent} does not exist")
    if not path.exists():
        # (asked of the folder, not by creating the file: a later refusal would leave it empty)
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise fail(f"cannot write {path}: its folder {path.parent} is not writable")
        return
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from None


@feedback_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Corpus TSV of level corrections to write.")],
    findings_out: Annotated[
        Path | None, typer.Option("--findings-out", help="Also write findings marked wrong to this TSV.")
    ] = None,
) -> None:
    """Write level corrections as a corpus file (train on it with `zhibiao train --corpus`)."""
    from sqlalchemy import select

    from api.db import Database, Feedback
    from api.settings import get_settings

    database = Database(get_settings().resolved_database_url())
    try:
        database.migrate()
    except Exception as exc:  # an unreachable or foreign database is the user's to fix
        raise fail(f"cannot open the feedback database: {exc}") from None
    with database.session() as session:
        rows = session.scalars(select(Feedback).order_by(Feedback.id)).all()
        corrections = [r for r in rows if r.kind == "level_corrected" and r.indicator]
        wrong = [r for r in rows if r.kind == "finding_wrong"]
        for path in (out, findings_out):
            _check_writable(path)
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(CORPUS_COLUMNS)
            for r in corrections:
                ind = r.indicator or {}
                writer.writerow([f"feedback:{r.document_sha256}", "", ind.get("department", ""),
                                 ind.get("project_name", ""), "", r.level1 or ind.get("level1", ""),
                                 r.level2 or ind.get("level2", ""), ind.get("level3", ""),
                                 ind.get("description", ""), ind.get("target_value", ""), ind.get("basis", "")])
        if findings_out is not None:
            with findings_out.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
                writer.writerow(FINDING_COLUMNS)
                for r in wrong:
                    ind = r.indicator or {}
                    writer.writerow([r.document_sha256, r.code or "", r.project_index, r.indicator_index,
                                     ind.get("level1", ""), ind.get("level2", ""), ind.get("level3", ""),
                                     ind.get("target_value", ""), r.comment or "", r.created_at.isoformat()])
    typer.echo(f"{len(corrections)} level corrections → {out}"
               + (f"; {len(wrong)} findings marked wrong → {findings_out}" if findings_out else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app, name="feedback")
