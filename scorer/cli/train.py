"""``zhibiao train`` and ``zhibiao eval``: new model versions and their evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scorer.cli.models import CorrectionFiles, Format, ModelsDir, check_output_format, open_store, store_errors
from scorer.modelstore import default_models_dir
from scorer.modelstore.card import evaluation_lines

CorpusFiles = Annotated[list[Path], typer.Option("--corpus", help="Labeled corpus (TSV, CSV or JSONL); repeat for several.")]
SkipBad = Annotated[bool, typer.Option("--skip-bad", help="Keep the good rows of a corpus with bad rows and report the rest.")]


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train_cmd(
        corpus: CorpusFiles,
        out: Annotated[
            Path | None, typer.Option("--out", help="Model store to add the version to (default: the repository's models/).")
        ] = None,
        skip_bad: SkipBad = False,
        corrections: CorrectionFiles = None,
        test_size: Annotated[float, typer.Option(help="Share of source documents held out for evaluation.")] = 0.2,
        seed: Annotated[int, typer.Option(help="Seed of the document split and the folds.")] = 0,
        cv_folds: Annotated[int, typer.Option(help="Grouped cross-validation folds for the card (0: skip).")] = 5,
        extra_eval: Annotated[
            list[Path] | None,
            typer.Option("--extra-eval", help="A 绩效目标表 document (any parsed format) whose declared levels are an extra test set; repeatable."),
        ] = None,
        format: Format = "text",
    ) -> None:
        """Train a level classifier and register it as a new version (not current: promote it)."""
        from training.train import TrainConfig, train

        check_output_format(format)
        with store_errors():
            config = TrainConfig(
                test_size=test_size, seed=seed, cv_folds=cv_folds, extra_eval=tuple(extra_eval or ()), corrections=tuple(corrections or ())
            )
            result = train(corpus, out or default_models_dir(), skip_bad, config)
        card = result.card
        if format == "json":
            typer.echo(json.dumps({"version": result.version, "path": str(result.path), "seconds": round(result.seconds, 2), "card": card}, ensure_ascii=False, indent=2))
            return
        corpus_card = card["corpus"]
        typer.echo(f"trained {result.version} in {result.seconds:.1f} s → {result.path}")
        typer.echo(
            f"corpus {corpus_card['sha256'][:12]}: {corpus_card['rows_used']} rows used, {corpus_card['rejected_rows']} rejected, "
            f"{corpus_card['rows_corrected']} relabelled by corrections; "
            f"held out {corpus_card['rows_test']} rows from {corpus_card['documents_test']} documents"
        )
        for line in evaluation_lines(card):
            typer.echo(f"  {line}")
        typer.echo(f"  disagreement threshold {card['disagreement']['threshold']}")
        typer.echo(f"not promoted; make it current with: zhibiao models promote {result.version}")

    @app.command("eval")
    def eval_cmd(
        corpus: CorpusFiles,
        model: Annotated[str | None, typer.Option("--model", help="Version to evaluate (default: the current one).")] = None,
        task: Annotated[str, typer.Option("--task", help="What to evaluate: level (more tasks may be registered).")] = "level",
        skip_bad: SkipBad = False,
        corrections: CorrectionFiles = None,
        models_dir: ModelsDir = None,
        format: Format = "text",
    ) -> None:
        """Evaluate a model and its baseline on the corpus rows it did not train on."""
        from training.evaluate import EvalRequest, run_task

        check_output_format(format)
        with store_errors():
            request = EvalRequest(corpus, open_store(models_dir).root, model, skip_bad, corrections=tuple(corrections or ()))
            report = run_task(task, request)
        if format == "json":
            typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            console = Console(soft_wrap=True)
            for renderable in report.renderables():
                console.print(renderable)
