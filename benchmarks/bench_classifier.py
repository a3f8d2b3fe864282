"""Throughput of the level classifier, and the cost of training it on the full corpus.

    python benchmarks/bench_classifier.py [--corpus corpus/indicators.tsv] [--n 20000]

Prediction uses the current model of the model store (``$ZHIBIAO_MODELS_DIR`` or the
repository's ``models/``) on corpus rows. Two caches make repeated texts cheap: the
segmenter's (``scorer.segment``) and the value parser's (``scorer.values.parse_target``).
So three figures are printed:

- **cold**: the distinct corpus rows in one call, both caches emptied before every call:
  no text has been seen before (the worst case, a batch of new indicators);
- **warm**: ``--n`` rows in batches of ``--batch``, each row repeated from the corpus with
  a different number in its target value (numbers become 0 in the features, so names
  and descriptions hit the segmenter's cache after the first pass, as the names and
  boilerplate of real tables do; the target values miss the parser's cache);
- **per call**: the cost of one call on 1, 10 and 100 indicators with warm caches
  (interactive scoring calls the model once per document).

Training is timed separately, on all accepted rows, without the grouped
cross-validation that ``zhibiao train`` adds for the model card.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scorer import segment
from scorer.classifier.model import LevelClassifier
from scorer.modelstore import load_current_model
from scorer.values import parse_target
from training.corpus import read_corpus
from training.dataset import learnable

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "indicators.tsv")
    parser.add_argument("--n", type=int, default=20000, help="indicators to predict (warm)")
    parser.add_argument("--batch", type=int, default=1000, help="indicators per predict call (warm)")
    parser.add_argument("--repeat", type=int, default=10, help="cold calls over the distinct rows")
    args = parser.parse_args()

    corpus = read_corpus([args.corpus])
    data, _ = learnable(corpus.rows)
    rows = data.X
    texts = [{**rows[i % len(rows)], "target": f"{rows[i % len(rows)]['target']} {i}"} for i in range(args.n)]

    started = time.perf_counter()
    model = load_current_model()
    load_seconds = time.perf_counter() - started
    estimator = model.estimator
    estimator.predict(texts[:10])  # build the tokenizer and the compiled model

    cold_seconds = 0.0
    for _ in range(args.repeat):
        segment.clear_cache()
        parse_target.cache_clear()
        started = time.perf_counter()
        estimator.predict_levels(rows)
        cold_seconds += time.perf_counter() - started
    cold_rows = args.repeat * len(rows)

    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        estimator.predict_levels(texts[i : i + args.batch])
    warm_seconds = time.perf_counter() - started

    per_call = {}
    for size in (1, 10, 100):
        calls = max(20, 2000 // size)
        started = time.perf_counter()
        for k in range(calls):
            start = (k * size) % (len(texts) - size)
            estimator.predict_levels(texts[start : start + size])
        per_call[size] = (time.perf_counter() - started) / calls

    started = time.perf_counter()
    LevelClassifier().fit(data.X, data.y, data.groups)
    train_seconds = time.perf_counter() - started

    print(f"model {model.version}: loaded (hash-verified) in {load_seconds:.2f} s")
    print(
        f"prediction, cold: {cold_rows} indicators in {cold_seconds:.2f} s = {cold_rows / cold_seconds:,.0f} indicators/s"
        f" (calls of {len(rows)} distinct rows, caches emptied before each)"
    )
    print(
        f"prediction, warm: {args.n} indicators in {warm_seconds:.2f} s = {args.n / warm_seconds:,.0f} indicators/s"
        f" (batches of {args.batch})"
    )
    print("per call: " + ", ".join(f"{size} indicators {seconds * 1000:.2f} ms" for size, seconds in per_call.items()))
    print(f"training on {len(data)} rows: {train_seconds:.2f} s")


if __name__ == "__main__":
    main()
