"""How long ``zhibiao score`` takes, split into start-up and the scoring itself.

    python benchmarks/bench_score.py [--repeat 20]

Prints (no asserts): the time to import the CLI, to build the scorer and load the jieba
dictionary (start-up, paid once per process or service), to parse and to score each seed
(median of ``--repeat`` runs, after start-up), indicators per second, and the wall time
of the whole command in a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples").glob("*.txt"))


def _fresh(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    python = _fresh("pass")
    imports = _fresh("import scorer.cli.main") - python
    print(f"python start-up               {python * 1000:8.0f} ms")
    print(f"import the CLI                {imports * 1000:8.0f} ms")

    from scorer.parsers import parse_path
    from scorer.pipeline import Scorer

    start = time.perf_counter()
    scorer = Scorer()
    built = time.perf_counter() - start
    start = time.perf_counter()
    scorer.warm_up()
    warmed = time.perf_counter() - start
    print(f"build scorer ({len(scorer.checks)} checks)       {built * 1000:8.1f} ms")
    print(f"load jieba dictionary         {warmed * 1000:8.0f} ms   (start-up, once per process)")

    for seed in SEEDS:
        parse = _median(lambda s=seed: parse_path(s), args.repeat)
        doc = parse_path(seed)
        n = len(doc.indicators)
        score = _median(lambda d=doc: scorer.score_document(d), args.repeat)
        print(f"{seed.name}: parse {parse * 1000:6.1f} ms, score {score * 1000:6.1f} ms "
              f"({len(doc.projects)} projects, {n} indicators, {n / score:,.0f} indicators/s)")

    for seed in SEEDS:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scorer.cli.main", "score", str(seed.relative_to(ROOT)),
                        "--fail-on", "never"], check=True, cwd=ROOT, capture_output=True)
        print(f"zhibiao score {seed.name} (fresh process, wall): {(time.perf_counter() - start) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
