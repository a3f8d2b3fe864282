"""Build the data the copy-paste checks ship with: the 指标库 and the calibrated thresholds.

    python -m training.duplicates library   [--corpus corpus/indicators.tsv]
    python -m training.duplicates calibrate [--pairs corpus/duplicate_pairs.tsv] [--embedder transformer --embedder hashing]

``library`` writes ``scorer/data/indicator_library.json`` (word spreads over kinds of
project, see :mod:`scorer.semantic.frequency`). ``calibrate`` reads pairs of texts a person
labeled ``same`` or ``different`` and, for the shingle Jaccard and each named embedder's
cosine, keeps the lowest threshold whose precision on the pairs reaches ``--precision``;
it writes ``scorer/data/duplicate_thresholds.json``, keeping the entries of embedders not
named this time.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from scorer.embeddings import EmbedderSettings, load_embedder
from scorer.semantic.calibration import THRESHOLDS_FILE, Calibrated, DuplicateThresholds
from scorer.semantic.frequency import LIBRARY_FILE, IndicatorLibrary, LibraryRow
from scorer.semantic.textnorm import jaccard, shingles, text_key
from training.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "corpus" / "indicators.tsv"
DEFAULT_PAIRS = ROOT / "corpus" / "duplicate_pairs.tsv"
#: Share of pairs over the threshold that must really be copies: a false copy cluster
#: accuses a reviewer's submission of pasting, so precision comes first.
DEFAULT_PRECISION = 0.9


def data_path(name: str) -> Path:
    return Path(str(resources.files("scorer") / "data" / name))


def build_library(corpus: Sequence[Path]) -> IndicatorLibrary:
    rows = load_corpus(corpus, skip_bad=True).rows
    return IndicatorLibrary.build(
        LibraryRow(r.fields["level3"], r.fields["project_name"], r.fields["department"], r.group) for r in rows
    )


@dataclass(frozen=True)
class LabeledPair:
    a: str
    b: str
    same: bool


def read_pairs(path: Path) -> list[LabeledPair]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        pairs = []
        for line, row in enumerate(reader, start=2):
            if row["label"] not in ("same", "different"):
                raise ValueError(f"{path}:{line}: label must be same or different, not {row['label']!r}")
            pairs.append(LabeledPair(row["text_a"], row["text_b"], row["label"] == "same"))
    return pairs


def lowest_precise_threshold(scores: np.ndarray, same: np.ndarray, precision: float) -> Calibrated:
    """The lowest score threshold at which the pairs scoring at or above it are at least
    ``precision`` copies (precision counted over everything above the cut, so a dip
    between two cuts does not stop the scan)."""
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(same[order])
    counts = np.arange(1, len(order) + 1)
    best: Calibrated | None = None
    for k in range(len(order)):
        # Only a threshold between two different scores is a real cut.
        if k + 1 < len(order) and scores[order[k + 1]] == scores[order[k]]:
            continue
        if hits[k] / counts[k] >= precision:
            best = Calibrated(round(float(scores[order[k]]), 4), round(float(hits[k] / counts[k]), 4),
                              round(float(hits[k] / same.sum()), 4), int(len(scores)))
    if best is None:
        raise ValueError(f"no threshold reaches precision {precision} on these pairs")
    return best


def jaccard_scores(pairs: Sequence[LabeledPair]) -> np.ndarray:
    return np.array([jaccard(shingles(text_key(p.a)), shingles(text_key(p.b))) for p in pairs])


def cosine_scores(pairs: Sequence[LabeledPair], embedder) -> np.ndarray:
    a = embedder.encode([p.a for p in pairs], "query")
    b = embedder.encode([p.b for p in pairs], "query")
    return np.einsum("ij,ij->i", a, b)


def calibrate(pairs: Sequence[LabeledPair], embedders: dict[str, object], precision: float,
              previous: DuplicateThresholds | None = None) -> DuplicateThresholds:
    same = np.array([p.same for p in pairs])
    near = lowest_precise_threshold(jaccard_scores(pairs), same, precision)
    semantic = dict(previous.semantic) if previous else {}
    for embedder in embedders.values():
        semantic[embedder.model_id] = lowest_precise_threshold(cosine_scores(pairs, embedder), same, precision)
    return DuplicateThresholds(near, semantic)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.duplicates", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    lib = sub.add_parser("library", help="build scorer/data/indicator_library.json from a corpus")
    lib.add_argument("--corpus", type=Path, action="append")
    cal = sub.add_parser("calibrate", help="calibrate copy thresholds on labeled pairs")
    cal.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    cal.add_argument("--embedder", action="append", choices=["transformer", "static", "hashing"])
    cal.add_argument("--precision", type=float, default=DEFAULT_PRECISION)
    args = parser.parse_args(argv)

    if args.command == "library":
        library = build_library(args.corpus or [DEFAULT_CORPUS])
        library.save(data_path(LIBRARY_FILE))
        print(f"指标库: {len(library.words)} words from {library.rows} rows, {library.total_kinds} kinds of project")
        return
    pairs = read_pairs(args.pairs)
    embedders = {kind: load_embedder(EmbedderSettings(kind=kind)) for kind in args.embedder or ["transformer", "hashing"]}
    target = data_path(THRESHOLDS_FILE)
    previous = DuplicateThresholds.from_json(json.loads(target.read_text(encoding="utf-8"))) if target.exists() else None
    thresholds = calibrate(pairs, embedders, args.precision, previous)
    extra = {"pairs_file": args.pairs.name, "target_precision": args.precision}
    target.write_text(json.dumps(thresholds.to_json(extra), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"near copies: Jaccard ≥ {thresholds.near.threshold} (precision {thresholds.near.precision}, "
          f"recall {thresholds.near.recall} on {len(pairs)} pairs)")
    for model, entry in thresholds.semantic.items():
        print(f"semantic copies ({model}): cosine ≥ {entry.threshold} (precision {entry.precision}, recall {entry.recall})")


if __name__ == "__main__":
    main()
