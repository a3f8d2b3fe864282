"""Throughput of the level classifier, and the cost of training it on the full corpus.

    python benchmarks/bench_classifier.py [--corpus corpus/indicators.tsv] [--n 20000]

Prediction uses the current model of the model store (``$ZHIBIAO_MODELS_DIR`` or the
repository's ``models/``) on corpus rows, each repeated with a different number in its
target value, so the value parser's cache does not make the figure look better than a
real batch. Training is timed separately, on all accepted rows, without the grouped
cross-validation that ``zhibiao train`` adds for the model card.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scorer.classifier.model import LevelClassifier
from scorer.modelstore import load_current_model
from training.corpus import read_corpus
from training.dataset import learnable

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "indicators.tsv")
    parser.add_argument("--n", type=int, default=20000, help="indicators to predict")
    parser.add_argument("--batch", type=int, default=1000, help="indicators per predict call")
    args = parser.parse_args()

    corpus = read_corpus([args.corpus])
    data, _ = learnable(corpus.rows)
    rows = data.X
    texts = [
        {**rows[i % len(rows)], "target": f"{rows[i % len(rows)]['target']} {i}"} for i in range(args.n)
    ]

    started = time.perf_counter()
    model = load_current_model()
    load_seconds = time.perf_counter() - started
    model.estimator.predict(texts[:10])  # warm the tokenizer
    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        model.estimator.predict_levels(texts[i : i + args.batch])
    predict_seconds = time.perf_counter() - started

    started = time.perf_counter()
    LevelClassifier().fit(data.X, data.y, data.groups)
    train_seconds = time.perf_counter() - started

    print(f"model {model.version}: loaded (hash-verified) in {load_seconds:.2f} s")
    print(f"prediction: {args.n} indicators in {predict_seconds:.2f} s = {args.n / predict_seconds:,.0f} indicators/s (batches of {args.batch})")
    print(f"training on {len(data)} rows: {train_seconds:.2f} s")


if __name__ == "__main__":
    main()
