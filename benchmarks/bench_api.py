"""The service under load, on this machine: start-up, warm latency, concurrency.

    python benchmarks/bench_api.py [--clients 20] [--seconds 30] [--port 8799]

Starts ``zhibiao serve`` in a subprocess (loopback only) with a scratch data dir and
prints, with no asserts: server start to ready (/readyz 200), the warm p50/p95 of scoring
one seed through ``POST /v1/score`` against the in-process ``Scorer`` on the same
document (the API's overhead as a ratio), then ``--clients`` concurrent clients for
``--seconds``: requests, errors, p50/p95 and requests per second. Targets from issue 6:
p50 < 300 ms warm, start to ready < 10 s, 0 errors under 20 clients for 30 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "001_f5f4a8cbd5432af0.txt"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _wait_ready(base: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"server not ready after {timeout} s")


def _score(client: httpx.Client, base: str, body: bytes) -> float:
    start = time.perf_counter()
    r = client.post(f"{base}/v1/score", content=body, headers={"Content-Type": "text/plain"})
    r.raise_for_status()
    return time.perf_counter() - start


def _in_process(body: bytes, repeat: int) -> float:
    from scorer.parsers import parse_bytes
    from scorer.pipeline import Scorer
    from scorer.resources import ModelResources

    scorer = Scorer(resources=ModelResources().current())
    scorer.warm_up()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        scorer.score_document(parse_bytes(body, "seed"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _load(base: str, body: bytes, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        with httpx.Client(timeout=30) as client:
            while time.perf_counter() < deadline:
                try:
                    took = _score(client, base, body)
                    with lock:
                        latencies.append(took)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(type(exc).__name__)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "errors": len(errors), "elapsed": elapsed,
            "p50": _percentile(latencies, 0.5) if latencies else float("nan"),
            "p95": _percentile(latencies, 0.95) if latencies else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)

    base = f"http://127.0.0.1:{args.port}"
    body = SEED.read_bytes()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "ZHIBIAO_DATA_DIR": data, "HF_HUB_OFFLINE": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "scorer.cli.main", "serve", "--port", str(args.port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            ready = _wait_ready(base, 60)
            print(f"server start to ready           {ready:6.2f} s   (target < 10 s)")
            with httpx.Client(timeout=30) as client:
                for _ in range(3):
                    _score(client, base, body)  # warm-up
                warm = [_score(client, base, body) for _ in range(args.repeat)]
            p50 = statistics.median(warm)
            bare = _in_process(body, args.repeat)
            print(f"POST /v1/score seed 001, warm    p50 {p50 * 1000:6.1f} ms, p95 {_percentile(warm, 0.95) * 1000:6.1f} ms"
                  "   (target p50 < 300 ms)")
            print(f"same document in process         p50 {bare * 1000:6.1f} ms   → API overhead ×{p50 / bare:.2f}")
            load = _load(base, body, args.clients, args.seconds)
            print(f"{args.clients} clients × {args.seconds:g} s        {load['requests']} requests, {load['errors']} errors, "
                  f"p50 {load['p50'] * 1000:.0f} ms, p95 {load['p95'] * 1000:.0f} ms, "
                  f"{load['requests'] / load['elapsed']:.1f} req/s   (target 0 errors)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
