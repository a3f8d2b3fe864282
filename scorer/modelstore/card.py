"""Model cards: what a version was trained on, how good it is, and with what.

The JSON card is the record (hashed in the registry with the artifacts); the Markdown
card is rendered from it for people, like a sentence-transformers model's README.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

_LIBRARIES = ("zhibiao", "scikit-learn", "numpy", "scipy", "pandas", "jieba", "joblib")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _figures(f: dict[str, Any]) -> str:
    return (
        f"level-1 accuracy {_figure(f['l1_accuracy'])}, level-2 macro-F1 {_figure(f['l2_macro_f1'])}, "
        f"level-2 accuracy {_figure(f['l2_accuracy'])}"
    )


def evaluation_lines(card: dict[str, Any]) -> list[str]:
    """One line per evaluation and model: held-out documents, cross-validation, extra documents."""
    metrics = card.get("metrics", {})
    lines = []
    for name in ("model", "baseline"):
        f = metrics.get(name)
        if f:
            lines.append(f"held-out documents, {name}: {_figures(f)} ({f.get('rows', 0)} rows)")
    cv = metrics.get("cv")
    for name in ("model", "baseline") if cv else ():
        f = cv[name]
        lines.append(
            f"grouped {cv['folds']}-fold CV over all documents, {name}: level-1 accuracy "
            f"{f['l1_accuracy_mean']:.3f} ± {f['l1_accuracy_sd']:.3f}, level-2 macro-F1 "
            f"{f['l2_macro_f1_mean']:.3f} ± {f['l2_macro_f1_sd']:.3f}"
        )
    documents = metrics.get("documents")
    for name in ("model", "baseline") if documents else ():
        f = documents[name]
        lines.append(f"declared levels of {', '.join(documents['files'])}, {name}: {_figures(f)} ({f['rows']} indicators)")
    return lines


def disagreement_lines(disagreement: dict[str, Any]) -> list[str]:
    """When a level disagreement is reported, in words: one line per band of name-word
    coverage (one line for a card with a single threshold)."""
    bands = disagreement.get("bands")
    if not bands:
        return [f"reported when the model's confidence is ≥ {disagreement.get('threshold', 'n/a')}: on held-out rows at "
                f"that confidence the model agreed with the declared label {_figure(disagreement.get('precision'))} of "
                f"the time (target {disagreement.get('target_precision', 'n/a')}, {disagreement.get('support', 0)} rows)"]
    lines = [f"thresholds calibrated on {disagreement.get('calibrated_on', 'out-of-fold predictions')}, "
             f"target agreement {disagreement.get('target_precision', 'n/a')}:"]
    for band in bands:
        share = f"{band['name_words_known_from']:.0%}–{band['name_words_known_to']:.0%} of the name's words known"
        if band["reached"]:
            lines.append(f"{share}: reported at confidence ≥ {band['threshold']} (agreement {_figure(band['precision'])} "
                         f"on {band['support']} rows at or above it)")
        else:
            lines.append(f"{share}: never reported (no confidence reached the target agreement)")
    held = disagreement.get("held_out") or {}
    if held:
        lines.append(f"held-out documents: {held.get('at_or_above', 0)} of {held.get('rows', 0)} rows at or above their "
                     f"band's threshold, agreement {_figure(held.get('agreement'))}")
    return lines


def render_markdown(card: dict[str, Any]) -> str:
    """The README.md of a version, from its JSON card."""
    corpus = card.get("corpus", {})
    disagreement = card.get("disagreement", {})
    lines = [
        f"# zhibiao level classifier {card.get('version', '')}",
        "",
        f"Created {card.get('created_at', '')}. Predicts the level-2 concept of an indicator "
        "(and so its level 1) from its name, description and target value. Held-out documents "
        "are whole source documents the model never saw; the baseline is TF-IDF + logistic "
        "regression trained on the same documents.",
        "",
        "## Evaluation",
        "",
        *(f"- {line}" for line in evaluation_lines(card)),
    ]
    lines += [
        "",
        "## Labels",
        "",
        ", ".join(card.get("labels", [])),
        "",
    ]
    dropped = corpus.get("dropped_labels") or {}
    if dropped:
        lines += [
            "Not learned (too few source documents): "
            + ", ".join(f"{k} ({v} rows)" for k, v in dropped.items()),
            "",
        ]
    lines += [
        "## Level disagreement",
        "",
        *(f"- {line}" for line in disagreement_lines(disagreement)),
        "",
        "## Training data",
        "",
        f"Corpus SHA-256 `{corpus.get('sha256', '')}`: {corpus.get('rows_used', 0)} rows used "
        f"({corpus.get('rows_train', 0)} train / {corpus.get('rows_test', 0)} held out; "
        f"{corpus.get('documents_train', 0)} / {corpus.get('documents_test', 0)} documents), "
        f"{corpus.get('rejected_rows', 0)} rejected.",
        "",
    ]
    for f in corpus.get("files", []):
        lines.append(f"- `{f['path']}` sha256 `{f['sha256']}`")
    for f in corpus.get("corrections", []):
        lines.append(f"- label corrections `{f['path']}` sha256 `{f['sha256']}` ({corpus.get('rows_corrected', 0)} rows relabelled)")
    lines += ["", "## Libraries", ""]
    lines += [f"- {k} {v}" for k, v in card.get("libraries", {}).items()]
    return "\n".join(lines) + "\n"
