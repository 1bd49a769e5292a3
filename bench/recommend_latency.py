"""Latency of Recommender.recommend() over the dev + extra queries, warm.

    .venv/bin/python bench/recommend_latency.py [--engine e5|lexical] [--rounds 5] [--sector]

Loads the recommender once (as a web process would), runs every query once to warm up, then
``--rounds`` times each, and prints median / p95 / max in milliseconds. Target (issue 3 item 6):
p95 <= 50 ms per query over the full corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=("e5", "lexical"), default="e5")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sector", action="store_true", help="pass each case's primary sector")
    args = parser.parse_args()
    os.environ["FAZHI_RECOMMENDER_ENGINE"] = args.engine

    from fazhi.laws.recommend import get_recommender

    laws = ROOT / "data" / "laws"
    cases = []
    for name in ("recommend-dev.jsonl", "recommend-extra.jsonl"):
        for line in (laws / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))

    started = time.perf_counter()
    rec = get_recommender()
    load_s = time.perf_counter() - started

    def sector_of(case: dict) -> str | None:
        if not args.sector or rec.sectors is None:
            return None
        return rec.sectors.primary_sector(case["law_file"].removesuffix(".md"))

    for case in cases:  # warm-up
        rec.recommend(case["q"], top=5, sector=sector_of(case))
    times = []
    for _ in range(args.rounds):
        for case in cases:
            t = time.perf_counter()
            rec.recommend(case["q"], top=5, sector=sector_of(case))
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"engine={rec.engine_name} queries={len(cases)} rounds={args.rounds} "
        f"articles={len(rec.articles)} chunks={len(rec.chunks)} load={load_s:.2f}s"
    )
    print(
        f"median {statistics.median(times):.1f} ms   p95 {p95:.1f} ms   max {times[-1]:.1f} ms"
        f"   (load average {os.getloadavg()[0]:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
