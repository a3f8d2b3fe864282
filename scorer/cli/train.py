"""``zhibiao train`` and ``zhibiao eval``: new model versions and their evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scorer.cli.common import fail
from scorer.cli.models import CorrectionFiles, Format, ModelsDir, Task, check_output_format, open_store, store_errors
from scorer.modelstore import default_models_dir
from scorer.modelstore.card import disagreement_lines, evaluation_lines
from scorer.modelstore.families import LEVEL, RELEVANCE, model_family

CorpusFiles = Annotated[list[Path], typer.Option("--corpus", help="Labeled corpus (TSV, CSV, JSONL or .xlsx); repeat for several.")]
SkipBad = Annotated[bool, typer.Option("--skip-bad", help="Keep the good rows of a corpus with bad rows and report the rest.")]


def _writable_store(out: Path | None) -> Path:
    """The model store to add a version to, made now: training takes minutes, and a --out
    that cannot be written was found only at the end ("[Errno 2] …", the work lost)."""
    store = out or default_models_dir()
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"--out {store}: cannot create the model store folder ({exc.strerror or exc})") from None
    return store


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train_cmd(
        corpus: CorpusFiles,
        out: Annotated[
            Path | None, typer.Option("--out", help="Model store to add the version to (default: the repository's models/).")
        ] = None,
        task: Task = LEVEL.name,
        skip_bad: SkipBad = False,
        corrections: CorrectionFiles = None,
        test_size: Annotated[float, typer.Option(help="Level: share of source documents held out for evaluation.")] = 0.2,
        seed: Annotated[int, typer.Option(help="Seed of the document split and the folds.")] = 0,
        cv_folds: Annotated[int, typer.Option(help="Grouped cross-validation folds (level: for the card, 0 to skip; "
                                                   "relevance: for the threshold).")] = 5,
        extra_eval: Annotated[
            list[Path] | None,
            typer.Option("--extra-eval", help="Level: a 绩效目标表 document (any parsed format) whose declared levels are an extra test set; repeatable."),
        ] = None,
        draws: Annotated[int, typer.Option(help="Relevance: draws of moved negatives, one tree ensemble each, "
                                                 "averaged (1 is a single model; training time grows with it).")] = 5,
        held_out: Annotated[
            list[Path] | None,
            typer.Option("--held-out", help="Relevance: labeled evaluation files whose documents are never trained on "
                                            "(default: corpus/relevance_eval.tsv); repeatable."),
        ] = None,
        format: Format = "text",
    ) -> None:
        """Train a model (the level classifier, or --task relevance) and register it as a new version (not current: promote it)."""
        check_output_format(format)
        with store_errors():
            family = model_family(task)
        if family is RELEVANCE:
            if corrections or extra_eval:
                raise fail("--corrections and --extra-eval apply to --task level only")
            return _train_relevance(corpus, out, skip_bad, seed, cv_folds, draws, held_out, format)
        if held_out:
            raise fail("--held-out applies to --task relevance only")
        if cv_folds == 1 or cv_folds < 0:
            raise fail("--cv-folds must be 0 (no cross-validation) or at least 2")
        out = _writable_store(out)
        from training.train import TrainConfig, train

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
        for line in disagreement_lines(card["disagreement"]):
            typer.echo(f"  disagreement: {line}")
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


def _train_relevance(corpus: list[Path], out: Path | None, skip_bad: bool, seed: int, folds: int, draws: int,
                     held_out: list[Path] | None, format: str) -> None:
    """``zhibiao train --task relevance``: the relevance model on the configured embedder."""
    from scorer.embeddings import EmbedderError, load_embedder
    from training.relevance import EVAL_SET, RelevanceConfig, train_relevance

    if folds < 2:
        raise fail("--cv-folds must be at least 2 for the relevance model: its threshold is chosen on cross-validation")
    if draws < 1:
        raise fail("--draws must be at least 1")
    models_dir, held_out = _writable_store(out), held_out or [EVAL_SET]
    with store_errors():
        try:
            embedder = load_embedder()
        except EmbedderError as exc:
            raise fail(str(exc)) from None
        version, card = train_relevance(corpus, models_dir, embedder, held_out=held_out,
                                        config=RelevanceConfig(folds=folds, seed=seed, draws=draws), promote=False,
                                        skip_bad=skip_bad)
    path = RELEVANCE.root(models_dir) / version
    if format == "json":
        typer.echo(json.dumps({"version": version, "path": str(path), "seconds": card["train_seconds"], "card": card},
                              ensure_ascii=False, indent=2))
        return
    corpus_card, training = card["corpus"], card["training"]
    typer.echo(f"trained relevance model {version} in {card['train_seconds']:.1f} s → {path}")
    typer.echo(f"corpus {corpus_card['sha256'][:12]}: {corpus_card['rows']} rows from {len(training['documents'])} "
               f"documents, {corpus_card['rows_excluded']} rows of held-out documents left out; "
               f"{training['positives']} positives, {training['negatives']} moved negatives")
    for name, m in card["metrics"]["cv"].items():
        typer.echo(f"  cross-validation, {name}: ROC-AUC {m['roc_auc']}, F1 {m['f1']} at threshold {m['threshold']}")
    typer.echo(f"evaluate it: zhibiao eval --task relevance --model {version} --corpus {held_out[0]}")
    typer.echo(f"not promoted; make it current with: zhibiao models promote --task relevance {version}")
