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
from scorer.modelstore.families import FAMILIES, LEVEL, RELEVANCE, ModelFamily, model_family
from scorer.modelstore.gate import DEFAULT_MARGIN, Comparison, PromotionRefused, promote_gated

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
Task = Annotated[
    str, typer.Option("--task", help=f"Which model: {' or '.join(FAMILIES)} (the level classifier is the default).")
]
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


def open_store(models_dir: Path | None, family: ModelFamily = LEVEL) -> ModelStore:
    return family.store(models_dir or default_models_dir())


@models_app.command("list")
def list_versions(models_dir: ModelsDir = None, task: Task = LEVEL.name, format: Format = "text") -> None:
    """List registered versions, newest first; * marks the current one."""
    check_output_format(format)
    with store_errors():
        family = model_family(task)
        store = open_store(models_dir, family)
        if models_dir is not None and not Path(models_dir).is_dir():
            raise fail(f"--models-dir {models_dir}: no such folder")
        registry = store.read_registry()
    rows = sorted(registry.versions.items(), reverse=True)
    if format == "json":
        payload = {"current": registry.current, "history": registry.history, "versions": dict(rows)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{family.title}: {store.root}")
    table.add_column("")
    table.add_column("version", no_wrap=True, min_width=24)
    for header, _ in family.columns:
        table.add_column(header, justify="right")
    for version, entry in rows:
        summary = entry.get("summary", {})
        figures = [_figure(summary.get(key)) for _, key in family.columns]
        # The version name starts with its UTC creation time.
        table.add_row("*" if version == registry.current else "", version, *figures)
    Console(soft_wrap=True).print(table)


def _figure(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@models_app.command("show")
def show(
    version: Annotated[str | None, typer.Argument(help="Version (default: the current one).")] = None,
    models_dir: ModelsDir = None,
    task: Task = LEVEL.name,
    format: Format = "text",
) -> None:
    """Print a version's model card (verified against the registry)."""
    check_output_format(format)
    with store_errors():
        store = open_store(models_dir, model_family(task))
        version = version or store.current_version()
        if version is None:
            raise fail(f"no current model in {store.root}; name a version")
        card = store.card(version)
        readme = store.readme(version)
    if format == "json":
        typer.echo(json.dumps(card, ensure_ascii=False, indent=2))
    else:
        Console(soft_wrap=True).print(Markdown(readme))


@models_app.command("promote")
def promote(
    version: Annotated[str, typer.Argument(help="The version to make current.")],
    margin: Annotated[
        float, typer.Option(help="Refuse a candidate worse than the current model by more than this (level: L1 accuracy "
                                 "or L2 macro-F1; relevance: ROC-AUC or F1).")
    ] = DEFAULT_MARGIN,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", help="Compare both models on this corpus's rows neither trained on (default: their "
                                      "cards' figures); for relevance, a labeled file such as corpus/relevance_eval.tsv."),
    ] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Use the good rows of a corpus with bad rows.")] = False,
    corrections: CorrectionFiles = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if the gate refuses.")] = False,
    models_dir: ModelsDir = None,
    task: Task = LEVEL.name,
) -> None:
    """Make VERSION the current model, if it is not worse than the current one."""
    with store_errors():
        family = model_family(task)
        compare = _corpus_comparison(family, corpus, skip_bad, corrections or ()) if corpus else None
        try:
            done = promote_gated(open_store(models_dir, family), version, margin, force, compare, family)
        except PromotionRefused as refused:
            typer.echo(f"current {refused.current} vs candidate {version}, " + refused.decision.describe())
            raise fail(f"{refused} (use --force to override)") from None
    if not done.changed:
        typer.echo(f"{version} is already current")
        return
    if done.decision is not None:
        typer.echo(f"current {done.previous} vs candidate {version}, " + done.decision.describe())
    typer.echo(f"current model: {version}" + (f" (was {done.previous})" if done.previous else ""))


def _corpus_comparison(family: ModelFamily, corpus: list[Path], skip_bad: bool, corrections: list[Path] | tuple):
    """compare(current, candidate) for the gate: both models on the corpus rows neither trained on."""
    if family is RELEVANCE:
        if corrections:
            raise fail("--corrections relabel levels: they apply to --task level only")
        from training.relevance import compare_relevance_on_corpus as measure  # training code is only needed here

        def run(models):
            return measure(corpus, models, skip_bad)
    else:
        from training.evaluate import compare_on_corpus

        def run(models):
            return compare_on_corpus(corpus, models, skip_bad, corrections)

    def compare(current_model, candidate_model) -> Comparison:
        results, rows = run({"current": current_model, "candidate": candidate_model})
        return Comparison(results, rows, ", ".join(map(str, corpus)))

    return compare


@models_app.command("rollback")
def rollback(models_dir: ModelsDir = None, task: Task = LEVEL.name) -> None:
    """Make the previously current version current again."""
    with store_errors():
        store = open_store(models_dir, model_family(task))
        before = store.current_version()
        restored = store.rollback()
    typer.echo(f"current model: {restored} (was {before})")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
