"""Entry point of the ``zhibiao`` command: each command family lives in its own module
and is mounted here, so adding one is one line."""

from __future__ import annotations

import typer

from scorer.cli import corpus as corpus_cmd, models as models_cmd, models_embedder, train as train_cmd
from scorer.cli import feedback as feedback_cmd, parse as parse_cmd
from scorer.cli import rules as rules_cmd, score as score_cmd, serve as serve_cmd
from scorer.cli import batch as batch_cmd

app = typer.Typer(
    name="zhibiao",
    help="指标: review 绩效目标表 indicator tables (parse, check, classify, score).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

parse_cmd.register(app)
score_cmd.register(app)
rules_cmd.register(app)
serve_cmd.register(app)
feedback_cmd.register(app)
corpus_cmd.register(app)
models_embedder.register_into(models_cmd.models_app)
models_cmd.register(app)
train_cmd.register(app)
batch_cmd.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
