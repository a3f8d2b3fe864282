"""Batch scoring at scale: throughput, memory and the cost of the duplicate search.

    python benchmarks/bench_batch.py [--jobs 2] [--sizes 1000,10000,100000] [--no-models-above 10000]

Prints (no asserts), on synthetic departments built by :mod:`scorer.synth`:

1. throughput, indicators/s: the pipeline in one process (read, parse, score,
   serialise) with the time spent inside model calls measured by wrapping the models
   (embedding cache warm), and ``zhibiao batch`` end to end with ``--jobs`` warm
   workers; the ratios pipeline / bare model calls and end-to-end x jobs / in-process;
   on one more pass, the time of each step (parse, each pipeline stage, serialise) and
   how much of it is inside model calls;
   and the CPU time of both (indicators per CPU-second), which other processes on a
   shared machine skew less than wall time; then the same ratio with an empty embedding
   cache (``--cold-size`` indicators, every text encoded by the model);
2. peak memory of a whole ``zhibiao batch`` run (the largest single process, and the
   whole process tree sampled every 0.1 s) at each size; sizes above
   ``--no-models-above`` run with ``--no-models`` (the lighter config) and say so;
3. the cross-document duplicate search at three sizes on mostly distinct text cells,
   with the growth exponent between sizes (1 is linear, 2 quadratic); with an embedder
   built, the semantic tier too (at a tenth of the sizes: encoding is model-bound).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorer.batch.discover import discover  # noqa: E402
from scorer.batch.runner import RunOptions, run_batch  # noqa: E402
from scorer.batch.store import ResultStore  # noqa: E402
from scorer.batch.worker import ScoreOptions  # noqa: E402
from scorer.synth import generate  # noqa: E402

#: indicators per synthetic project, on average (corpus projects of 3+ rows).
PER_PROJECT = 8.3
PROJECTS_PER_DEPARTMENT = 200


def synth(root: Path, indicators: int, formats: tuple[str, ...] = ("csv",)) -> Path:
    projects = max(1, round(indicators / PER_PROJECT))
    departments = max(1, math.ceil(projects / PROJECTS_PER_DEPARTMENT))
    truth = generate(root, departments=departments, projects=math.ceil(projects / departments), formats=formats)
    return Path(truth.docs_dir)


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:8,.0f} indicators/s ({seconds:6.2f} s for {n:,})"


# -- 1. throughput -----------------------------------------------------------------------
class ModelTimer:
    """Times every call into the models (the outermost one, when a model calls another)
    by wrapping their classes' entry points, so the pipeline runs exactly as it does in
    a batch and the time spent inside models is known."""

    #: The entry points of the embedder, the level classifier and the relevance model
    #: (``judge``: features from the vectors, then its classifier).
    METHODS = ("encode", "predict", "predict_proba", "predict_levels", "decision_function", "transform", "judge",
               "judge_embedded", "mismatch_probability", "name_word_coverage")

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._depth = 0
        self._saved: list[tuple[type, str, object]] = []

    def _wrap(self, fn):
        def timed(*args, **kwargs):
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1
                self._depth -= 1
        return timed

    def patch(self, resources: dict) -> list[str]:
        classes = {type(obj) for obj in resources.values()}
        classes |= {type(obj.estimator) for obj in resources.values() if hasattr(obj, "estimator")}
        for cls in classes:
            for name in self.METHODS:
                if callable(getattr(cls, name, None)):
                    self._saved.append((cls, name, cls.__dict__.get(name)))
                    setattr(cls, name, self._wrap(getattr(cls, name)))
        return sorted(f"{name} ({getattr(obj, 'version', '') or type(obj).__name__})"
                      for name, obj in resources.items())

    def restore(self) -> None:
        for cls, name, original in reversed(self._saved):
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
        self._saved.clear()


def _in_process(sources, options: ScoreOptions) -> tuple[int, float, float]:
    """The worker's whole job (read, parse, score, extract texts, serialise) in this
    process, file after file: what a batch costs without parallelism or its store.
    Returns (indicators, wall seconds, CPU seconds)."""
    from scorer.batch.worker import Task, score_task

    start, cpu = time.perf_counter(), time.process_time()
    n = sum(score_task(Task(source=s, options=options)).indicators for s in sources)
    return n, time.perf_counter() - start, time.process_time() - cpu


def stage_times(sources, options: ScoreOptions) -> None:
    """Where the in-process time goes: one more pass over ``sources``, file by file as a
    worker does, with each step timed and the time inside model calls in it (reading the
    file, hashing and the scorer's fingerprint are left out). Separate from the measured
    pass, so the figures above carry no timing of their own."""
    from scorer.batch.texts import document_texts
    from scorer.batch.worker import scorers_for
    from scorer.parsers import parse_bytes
    from scorer.pipeline import ScoringState

    pool = scorers_for(options)
    timer = ModelTimer()
    timer.patch(pool.resources)
    totals: dict[str, list[float]] = {}

    def timed(name: str, fn, *args):
        start, inside = time.perf_counter(), timer.seconds
        result = fn(*args)
        spent = totals.setdefault(name, [0.0, 0.0])
        spent[0] += time.perf_counter() - start
        spent[1] += timer.seconds - inside
        return result

    try:
        for source in sources:
            data = source.read()
            scorer = pool.for_source(str(source.config_near))
            doc = timed("parse", parse_bytes, data, source.name)
            state = ScoringState(document=doc)
            for name, run in scorer.stages:
                state = timed(name, run, state)
            timed("serialise", state.result.model_dump_json)
            timed("batch texts", document_texts, doc)
    finally:
        timer.restore()
    steps = ", ".join(f"{name} {wall:.2f}" + (f" ({inside:.2f} in models)" if inside > 0.005 else "")
                      for name, (wall, inside) in totals.items())
    print(f"     per step, seconds (one more pass): {steps}")


def throughput(work: Path, size: int, jobs: int) -> None:
    from scorer.batch.worker import scorers_for

    # The same warm-up for the pipeline in this process and for the batch's workers:
    # other documents first (models, dictionaries), then one untimed pass over the
    # measured ones (embedding cache and in-process caches warm), then the timed pass.
    warm_sources = discover([synth(work / "warm", max(500, size // 10))])
    sources = discover([synth(work / "throughput", size)])
    print(f"\n1. throughput on {len(sources)} documents (warm: each measured file was scored once before)")
    for use_models in (True, False):
        label = "with models" if use_models else "rules only "
        options = ScoreOptions(use_models=use_models)
        _in_process(warm_sources, options)
        _in_process(sources, options)
        timer = ModelTimer()
        names = timer.patch(scorers_for(options).resources)
        try:
            n, in_process, in_process_cpu = _in_process(sources, options)
        finally:
            timer.restore()
        print(f"   pipeline, {label} (1 process)             {_rate(n, in_process)}")
        print(f"     CPU time {in_process_cpu:6.2f} s: {n / in_process_cpu:,.0f} indicators per CPU-second")
        if use_models:
            print(f"     inside model calls: {timer.seconds:6.2f} s in {timer.calls} calls [{', '.join(names)}]")
            print(f"     pipeline / bare model calls: {in_process / max(timer.seconds, 1e-9):4.2f}x "
                  f"(the rest: reading, parsing, rule checks, scoring, serialising)")
            stage_times(sources, options)
        run = RunOptions(jobs=jobs, score=options)
        for warm_up in (warm_sources, sources):
            with tempfile.TemporaryDirectory() as warm, ResultStore(warm) as store:
                run_batch(warm_up, store, run)
        with tempfile.TemporaryDirectory() as out, ResultStore(out) as store:
            summary = run_batch(sources, store, run)
        print(f"   zhibiao batch, {label} (--jobs {jobs}, warm)  {_rate(summary.indicators, summary.seconds)}")
        print(f"     speed-up over 1 process: {in_process / summary.seconds:4.2f}x on {jobs} jobs "
              f"(end-to-end x jobs / in-process = {summary.seconds * jobs / in_process:4.2f}x)")
        print(f"     CPU time in the workers, summed: {summary.task_cpu_seconds:6.2f} s = "
              f"{summary.indicators / max(summary.task_cpu_seconds, 1e-9):,.0f} indicators per CPU-second; "
              f"with {jobs} idle cores: ~{jobs * summary.indicators / max(summary.task_cpu_seconds, 1e-9):,.0f}/s "
              f"(estimate: the batch's own CPU over {jobs} cores, without the other processes' load)")
        print(f"     per-file time in the workers, summed: {summary.task_seconds:6.2f} s "
              f"({summary.task_seconds / in_process:4.2f}x the same files in 1 process: CPU shared with the "
              f"other jobs and processes, per-process caches); batch machinery: wall x jobs / worker time = "
              f"{summary.seconds * jobs / max(summary.task_seconds, 1e-9):4.2f}x")


def cold_ratio(work: Path, size: int) -> None:
    """The same ratio with an empty embedding cache: every text the pipeline needs is
    encoded by the model, as on a batch's first run. Warm, the models are the cheap part
    (cache lookups, a linear classifier, small trees) and the ratio mostly measures the
    rule checks; cold, it measures what the pipeline adds to the model work."""
    from scorer.batch.worker import scorers_for
    from scorer.embeddings.cache import CachedEmbedder, EmbeddingStore

    options = ScoreOptions(use_models=True)
    resources = scorers_for(options).resources
    embedder = resources.get("embedder")
    if not isinstance(embedder, CachedEmbedder):
        print("\n   cold cache: skipped (no cached embedder: run `zhibiao models build-embedder`)")
        return
    sources = discover([synth(work / "cold", size)])
    embedder.load()  # loaded lazily at the first miss: not part of what is timed
    with tempfile.TemporaryDirectory() as empty:
        saved = embedder.store
        embedder.store = EmbeddingStore(Path(empty) / "cache.sqlite")
        embedder.clear_memory()
        misses = embedder.stats.misses
        timer = ModelTimer()
        # The model behind the cache too: the scorer encodes a document's texts through
        # the cache's prefetch, which the warm measurement rightly counts as lookups.
        timer.patch({**resources, "transformer": embedder.inner})
        try:
            n, wall, _ = _in_process(sources, options)
        finally:
            timer.restore()
            embedder.store.close()
            embedder.store = saved
            embedder.clear_memory()
    print(f"   pipeline, with models, empty embedding cache  {_rate(n, wall)}")
    print(f"     inside model calls: {timer.seconds:6.2f} s ({embedder.stats.misses - misses:,} texts encoded);"
          f" pipeline / bare model calls: {wall / max(timer.seconds, 1e-9):4.2f}x")


# -- 2. memory ---------------------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    try:
        import psutil
    except ImportError:
        return 0
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def batch_memory(work: Path, size: int, jobs: int, models: bool) -> None:
    docs_dir = synth(work / f"mem{size}", size)
    out = work / f"mem{size}-out"
    batch = [sys.executable, "-m", "scorer.cli.main", "batch", str(docs_dir), "--out", str(out), "--jobs", str(jobs)]
    if not models:
        batch.append("--no-models")
    # A fresh wrapper process, so its children's peak covers this run only (the batch
    # process and the workers it reaps), not workers this benchmark started earlier.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL); "
               "print('files:', r.returncode); print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", wrapper, *batch], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    lines = stdout.splitlines()
    largest = int(next(line.split()[1] for line in lines if line.startswith("maxrss")))
    scored = next((line for line in lines if "个文件：" in line), "\n".join(lines[-3:]))
    largest_note = f"{largest / 1024:7.0f} MB"
    tree = f"{peak_tree / 2**20:7.0f} MB" if peak_tree else " (psutil missing)"
    print(f"   {size:>7,} indicators {'with models' if models else 'no models  '}: largest process {largest_note}, "
          f"whole tree {tree}, {seconds:6.1f} s wall incl. reports · {scored.strip()}")


# -- 3. duplicate search -----------------------------------------------------------------
def _vocabulary() -> list[str]:
    """Words of the corpus's names, descriptions and project names."""
    import csv

    from scorer.segment import tokenize
    from scorer.synth import CORPUS

    words: set[str] = set()
    with CORPUS.open(encoding="utf-8-sig") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for text in (rec["level3"], rec["description"], rec["project_name"]):
                words.update(w for w in tokenize(text) if len(w) >= 2)
    return sorted(words)


def text_cells(n: int, vocabulary: list[str], seed: int = 0) -> list:
    """``n`` cells of mostly distinct text (random runs of corpus words), 8 per project and
    200 projects per document, with 3 % pasted boilerplate and 3 % near copies (one
    character changed) of earlier cells: the work of a real batch, where most text is
    its own. The synthetic documents reuse ~600 corpus rows, so their distinct texts
    stop growing and would flatter the search."""
    import random

    from scorer.semantic.duplicates import TextItem

    rng = random.Random(seed)
    boilerplate = ["".join(rng.choices(vocabulary, k=12)) for _ in range(20)]
    fields = ("name", "description", "goal")
    texts: list[str] = []
    cells = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.03:
            text = rng.choice(boilerplate)
        elif roll < 0.06 and texts:
            base = rng.choice(texts)
            k = rng.randrange(len(base))
            text = base[:k] + rng.choice("的和与及等年度项目") + base[k + 1:]
        else:
            text = "".join(rng.choices(vocabulary, k=rng.randint(3, 12)))
        texts.append(text)
        project = i // 8
        document = f"dept_{project // 200:04d}"
        cells.append(TextItem(text, fields[i % 3], document=document, department=document, project=project % 200,
                              project_name=f"项目{project}", indicator=i % 8))
    return cells


def duplicate_search(sizes: list[int]) -> None:
    from scorer.batch.duplicates import find_clusters
    from scorer.embeddings import EmbedderError
    from scorer.resources import shared_embedder

    print("\n3. cross-document duplicate search (2.5 text cells per indicator, mostly distinct text)")
    vocabulary = _vocabulary()
    try:
        embedder = shared_embedder()
    except EmbedderError:
        embedder = None
    tiers = [("exact + near (MinHash LSH)", None, sizes)]
    if embedder is not None:
        # Encoding is linear and model-bound; a tenth of the sizes keeps the run short.
        tiers.append(("+ semantic (cosine LSH), embedding cache warm", embedder, [max(100, s // 10) for s in sizes]))
    else:
        print("   (no embedder built: the semantic tier is not measured)")
    for label, emb, tier_sizes in tiers:
        find_clusters(text_cells(200, vocabulary, seed=99), embedder=emb)  # load data files and the model
        print(f"   {label}:")
        previous = None
        for size in tier_sizes:
            cells = text_cells(int(size * 2.5), vocabulary)
            if emb is not None:
                find_clusters(cells, embedder=emb)  # fill the embedding cache: measure the warm cost
            start = time.perf_counter()
            clusters, _ = find_clusters(cells, embedder=emb)
            seconds = time.perf_counter() - start
            growth = ""
            if previous is not None:
                exponent = math.log(seconds / previous[1]) / math.log(len(cells) / previous[0])
                growth = f"   growth exponent {exponent:4.2f} (1 linear, 2 quadratic)"
            print(f"   {size:>7,} indicators → {len(cells):>8,} cells: {seconds:7.2f} s, "
                  f"{len(clusters)} clusters kept{growth}")
            previous = (len(cells), seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--throughput-size", type=int, default=10_000)
    parser.add_argument("--cold-size", type=int, default=1_000,
                        help="indicators for the empty-cache ratio (every text is encoded: ~400 texts/s)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="memory and duplicate-search sizes")
    parser.add_argument("--no-models-above", type=int, default=10_000,
                        help="memory runs above this many indicators use --no-models")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: throughput,memory,duplicates")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    skip = set(args.skip.split(","))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"cores: {os.cpu_count()}, jobs: {args.jobs}, load average at start: {os.getloadavg()[0]:.2f} "
          "(other processes on the machine skew every figure)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "throughput" not in skip:
            throughput(work, args.throughput_size, args.jobs)
            cold_ratio(work, args.cold_size)
        if "memory" not in skip:
            print(f"\n2. peak memory of `zhibiao batch --jobs {args.jobs}` (parse, score, store, analysis, reports)")
            for size in sizes:
                batch_memory(work, size, args.jobs, models=size <= args.no_models_above)
        if "duplicates" not in skip:
            duplicate_search(sizes)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
