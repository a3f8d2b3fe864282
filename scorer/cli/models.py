"""``zhibiao models``: list, show, promote and roll back model versions.

The sub-app is :data:`models_app`, so other model families (the embedder's
``build-embedder``) can add their commands to the same group.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from scorer.cli.common import fail, user_errors
from scorer.modelstore import ModelStore, ModelStoreError, default_models_dir
from scorer.modelstore.card import render_markdown
from scorer.modelstore.gate import DEFAULT_MARGIN, PromotionRefused, promote_gated

models_app = typer.Typer(
    name="models",
    help="List, inspect, promote and roll back trained model versions.",
    no_args_is_help=True,
)

ModelsDir = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Model store (default: $ZHIBIAO_MODELS_DIR or the repository's models/)."),
]
Format = Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")]
CorrectionFiles = Annotated[
    list[Path] | None,
    typer.Option("--corrections", help="Label corrections to apply to the corpus (docs/corpus.md); repeatable."),
]


@contextmanager
def store_errors() -> Iterator[None]:
    """Model store problems (unknown version, tampered files) as one line and exit 2."""
    with user_errors():
        try:
            yield
        except ModelStoreError as exc:
            raise fail(str(exc)) from None


def check_output_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise typer.BadParameter("expected text or json", param_hint="--format")


def open_store(models_dir: Path | None) -> ModelStore:
    return ModelStore(models_dir or default_models_dir())


@models_app.command("list")
def list_versions(models_dir: ModelsDir = None, format: Format = "text") -> None:
    """List registered versions, newest first; * marks the current one."""
    check_output_format(format)
    with store_errors():
        store = open_store(models_dir)
        registry = store.read_registry()
    rows = sorted(registry.versions.items(), reverse=True)
    if format == "json":
        payload = {"current": registry.current, "history": registry.history, "versions": dict(rows)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(title=str(store.root))
    table.add_column("")
    table.add_column("version", no_wrap=True, min_width=24)
    for name in ("L1 acc", "L2 F1", "baseline L2 F1", "test rows"):
        table.add_column(name, justify="right")
    for version, entry in rows:
        s = entry.get("summary", {})
        figures = [f"{s[k]:.3f}" if k in s else "-" for k in ("l1_accuracy", "l2_macro_f1", "baseline_l2_macro_f1")]
        # The version name starts with its UTC creation time.
        table.add_row("*" if version == registry.current else "", version, *figures, str(s.get("rows_test", "")))
    Console(soft_wrap=True).print(table)


@models_app.command("show")
def show(
    version: Annotated[str | None, typer.Argument(help="Version (default: the current one).")] = None,
    models_dir: ModelsDir = None,
    format: Format = "text",
) -> None:
    """Print a version's model card (verified against the registry)."""
    check_output_format(format)
    with store_errors():
        store = open_store(models_dir)
        version = version or store.current_version()
        if version is None:
            raise fail(f"no current model in {store.root}; name a version")
        card = store.card(version)
    if format == "json":
        typer.echo(json.dumps(card, ensure_ascii=False, indent=2))
    else:
        Console(soft_wrap=True).print(Markdown(render_markdown(card)))


@models_app.command("promote")
def promote(
    version: Annotated[str, typer.Argument(help="The version to make current.")],
    margin: Annotated[
        float, typer.Option(help="Refuse a candidate worse than the current model by more than this (L1 accuracy or L2 macro-F1).")
    ] = DEFAULT_MARGIN,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", help="Compare both models on this corpus's rows neither trained on (default: their cards' held-out figures)."),
    ] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Use the good rows of a corpus with bad rows.")] = False,
    corrections: CorrectionFiles = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if the gate refuses.")] = False,
    models_dir: ModelsDir = None,
) -> None:
    """Make VERSION the current model, if it is not worse than the current one."""
    from training.evaluate import compare_on_corpus  # training code is only needed here

    compare = None
    if corpus:
        def compare(current_model, candidate_model):
            results, rows = compare_on_corpus(
                corpus, {"current": current_model, "candidate": candidate_model}, skip_bad, corrections or ()
            )
            return results, f"{rows} rows of {', '.join(map(str, corpus))} that neither model trained on"

    with store_errors():
        try:
            done = promote_gated(open_store(models_dir), version, margin, force, compare)
        except PromotionRefused as refused:
            typer.echo(f"current {refused.current} vs candidate {version}, " + refused.decision.describe())
            raise fail(f"{refused} (use --force to override)") from None
    if not done.changed:
        typer.echo(f"{version} is already current")
        return
    if done.decision is not None:
        typer.echo(f"current {done.previous} vs candidate {version}, " + done.decision.describe())
    typer.echo(f"current model: {version}" + (f" (was {done.previous})" if done.previous else ""))


@models_app.command("rollback")
def rollback(models_dir: ModelsDir = None) -> None:
    """Make the previously current version current again."""
    with store_errors():
        store = open_store(models_dir)
        before = store.current_version()
        restored = store.rollback()
    typer.echo(f"current model: {restored} (was {before})")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
