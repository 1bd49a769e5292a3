"""B4 — provision search (performance.md §5): in-process BM25 vs a brute-force substring scan.

    DATABASE_URL=... .venv/bin/python bench/b4_search.py [--units 300000] [--reps 3] [--skip-large]

1. Loads the 148 law texts into the configured database if they are absent (SQLite or
   PostgreSQL, from DATABASE_URL like the app), rebuilds the search index (timed).
2. Runs ~200 realistic queries — legal terms, exact phrases cut from the texts, two-word queries,
   a few with a category or law filter — through `fazhi.laws.search.search` exactly as the page
   does (index stamp query, filter query, jieba, BM25, grouping, snippets), after a warm-up pass.
3. The floor, same run, same texts: a Python substring scan over the indexed texts held in a list
   (every word must occur, filtered texts only for filtered queries).
4. Recall: for every single-phrase query, every text the scan finds must be among the index's
   candidates (required: 1.0).
5. Repeats 2–4 on a 300k-unit corpus (the real units replicated with clause rotations, so copies
   differ), since the targets are stated at 300k units.

Targets (issue 3 item 4; performance.md §5 B4): p95 ≤ 10 ms; floor p95 ÷ app p95 ≥ 5 at 300k
units (minimum 2); index build ≤ 60 s and memory ≤ 1 GB at 300k; recall 1.0. Exits 1 if one fails.
Each figure is the median over `--reps` repetitions of the whole query set.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from fazhi.laws import search as S  # noqa: E402
from fazhi.laws.models import Law, LawCategory  # noqa: E402

P95_MS = 10.0
RATIO_MIN, RATIO_AMBITIOUS = 2.0, 5.0
BUILD_S = 60.0
MEMORY_BYTES = 1 << 30

_TERM_LINES = (
    "罚款 警告 通报批评 没收违法所得 没收非法财物 责令停产停业 吊销许可证",
    "暂扣许可证件 降低资质等级 责令关闭 限制从业 行政拘留 听证 陈述 申辩 行政复议",
    "行政诉讼 复议机关 行政强制 查封 扣押 冻结 强制执行 从轻处罚 减轻处罚 不予处罚",
    "首违不罚 主观过错 追责时效 二年 五年 法定代表人 直接负责的主管人员",
    "其他直接责任人员 情节严重的 拒不改正 责令改正 限期改正 食品安全 生产经营者",
    "营业执照 许可证 安全生产 特种设备 药品 医疗器械 广告 产品质量 消费者权益",
    "价格违法 环境污染 排污许可 建设工程 消防 道路运输 税务 统计 档案 行政许可 公示",
    "送达 执法人员 执法证件 两人以上 回避 调查取证 证据 先行登记保存 立案 集体讨论",
    "法制审核 重大执法决定 行政处罚决定书 当场收缴 罚款收据 分期缴纳 加处罚款 滞纳金",
    "检验检测 抽样检验 召回 标签 说明书 未取得许可 无证经营 超范围经营 虚假宣传",
    "商业贿赂 不正当竞争",
)
TERMS = [term for line in _TERM_LINES for term in line.split()]

MULTI = [
    "吊销 许可证",
    "罚款 情节严重",
    "没收 违法所得 罚款",
    "食品 标签",
    "听证 期限",
    "责令改正 拒不改正",
    "行政复议 期限",
    "扣押 期限",
    "安全生产 事故",
    "广告 虚假",
    "药品 召回",
    "消防 检查",
    "执法人员 回避",
    "强制执行 催告",
    "许可 撤销",
    "价格 罚款",
    "环境 按日连续处罚",
    "特种设备 检验",
    "税务 滞纳金",
    "档案 销毁",
]


def _bar(label: str, value: str) -> None:
    print(f"  {label:<42} {value}")


def ensure_library() -> None:
    """Migrate an empty database and import the 148 texts when they are not there yet."""
    tables = set(connection.introspection.table_names())
    if "laws_provision" not in tables:
        print("migrating the database …", flush=True)
        call_command("migrate", verbosity=0)
    if Law.objects.count() < 148:
        from fazhi.laws.services import laws_load
        from fazhi.orgs.models import Sector
        from fazhi.orgs.services import sectors_load

        print("loading the 148 law texts …", flush=True)
        if not Sector.objects.exists():
            sectors_load()
        laws_load(directory=Path(settings.FAZHI_DATA_DIR) / "laws")


def make_queries(texts: list[str], n: int, seed: int = 4) -> list[tuple[str, dict[str, str]]]:
    """Terms, exact phrases cut from the texts at clause starts, two-word queries, and a tenth
    of them filtered by category or law."""
    rng = random.Random(seed)
    phrases: list[str] = []
    while len(phrases) < max(n // 3, n - len(TERMS) - len(MULTI)):
        text = rng.choice(texts)
        clauses = [
            c for c in text.replace("；", "，").replace("。", "，").split("，") if len(c) >= 6
        ]
        if not clauses:
            continue
        clause = rng.choice(clauses).strip()
        size = rng.randint(4, min(12, len(clause)))
        phrase = clause[:size]
        if "\n" not in phrase and not phrase.startswith(("（", "(")):
            phrases.append(phrase)
    pool = TERMS + MULTI + phrases
    rng.shuffle(pool)
    queries: list[tuple[str, dict[str, str]]] = [(q, {}) for q in pool[:n]]
    laws = list(Law.objects.values_list("slug", flat=True))
    for i in range(0, len(queries), 10):
        q, _ = queries[i]
        if i % 20 == 0:
            queries[i] = (q, {"category": rng.choice(LawCategory.values[:4])})
        else:
            queries[i] = (q, {"law": rng.choice(laws)})
    return queries


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def floor_scan(texts: list[str], query: str) -> list[int]:
    """The brute-force floor: every whitespace-separated word must occur in the text."""
    words = sorted(query.split(), key=len, reverse=True)  # longest (rarest) word first
    hits = S.brute_force(texts, words[0])
    for word in words[1:]:
        hits = [i for i in hits if word in texts[i]]
    return hits


def measure(
    label: str,
    app: Callable[[str, dict[str, str]], object],
    floor_texts: Callable[[dict[str, str]], list[str]],
    queries: list[tuple[str, dict[str, str]]],
    reps: int,
) -> dict[str, float]:
    for q, f in queries:  # warm-up: jieba, masks, caches
        app(q, f)
    scans = [(q, floor_texts(f)) for q, f in queries]
    app_p95, app_p50, app_max, floor_p95, floor_p50 = [], [], [], [], []
    for _ in range(reps):
        a = [timed(lambda q=q, f=f: app(q, f)) for q, f in queries]
        b = [timed(lambda q=q, t=t: floor_scan(t, q)) for q, t in scans]
        app_p95.append(p95(a))
        app_p50.append(statistics.median(a))
        app_max.append(max(a))
        floor_p95.append(p95(b))
        floor_p50.append(statistics.median(b))
    result = {
        "app_p95": statistics.median(app_p95),
        "app_p50": statistics.median(app_p50),
        "app_max": statistics.median(app_max),
        "floor_p95": statistics.median(floor_p95),
        "floor_p50": statistics.median(floor_p50),
    }
    result["ratio"] = result["floor_p95"] / result["app_p95"]
    print(f"\n[{label}] {len(queries)} queries × {reps} repetitions")
    _bar(
        "app (search) p50 / p95 / max",
        f"{result['app_p50']:.2f} / {result['app_p95']:.2f} / {result['app_max']:.2f} ms",
    )
    _bar(
        "floor (substring scan) p50 / p95",
        f"{result['floor_p50']:.2f} / {result['floor_p95']:.2f} ms",
    )
    return result


def recall(
    index: S.SearchIndex, texts: list[str], queries: list[tuple[str, dict[str, str]]]
) -> tuple[float, int]:
    """Minimum share of brute-force hits found among the index's candidates, over the
    unfiltered single-phrase queries (B4 requires 1.0)."""
    worst, checked = 1.0, 0
    for q, f in queries:
        if f or len(q.split()) != 1:
            continue
        expected = S.brute_force(texts, q)
        if not expected:
            continue
        candidates = np.zeros(len(index), dtype=bool)
        candidates[index.candidates(S.parse_query(q))] = True
        worst = min(worst, float(candidates[expected].mean()))
        checked += 1
    return worst, checked


def variant(text: str, copy: int) -> str:
    """A different but realistic text: the clauses rotated by the copy number."""
    if copy == 0:
        return text
    parts = text.split("，")
    if len(parts) > 1:
        r = copy % len(parts)
        parts = parts[r:] + parts[:r]
    return "，".join(parts)


def replicate(units: S.UnitSet, size: int) -> S.UnitSet:
    n = len(units)
    copies = -(-size // n)
    n_versions = int(units.version_ids.max()) + 1
    n_groups = int(units.groups.max()) + 1
    texts, ids, versions, groups, keys = [], [], [], [], []
    for c in range(copies):
        for i in range(n):
            if len(texts) == size:
                break
            texts.append(variant(units.texts[i], c))
            ids.append(c * 10_000_000 + int(units.provision_ids[i]))
            versions.append(c * n_versions + int(units.version_ids[i]))
            groups.append(c * n_groups + int(units.groups[i]))
            keys.append(units.keys[i])
    return S.UnitSet(np.array(ids), np.array(versions), np.array(groups), keys, texts)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()

    db = connection.vendor
    print(f"B4 provision search — database: {db} ({connection.settings_dict['NAME']})")
    ensure_library()
    stats = S.index_rebuild()
    index = S.current_index()
    units = S.units_from_db()
    texts = units.texts
    print(
        f"\n[library] {stats['units']:,} units ({stats['articles']:,} article groups), "
        f"{sum(map(len, texts)):,} characters"
    )
    _bar("index build (from the database, saved)", f"{stats['build_seconds']:.2f} s")
    _bar("index memory", f"{stats['memory_bytes'] / 2**20:.0f} MiB")
    queries = make_queries(texts, args.queries)

    versions_of: dict[tuple[tuple[str, str], ...], set[int]] = {}

    def texts_for(filters: dict[str, str]) -> list[str]:
        key = tuple(sorted(filters.items()))
        if key not in versions_of:
            allowed = S._version_filter(
                category=filters.get("category"), sector=None, status=None, law=filters.get("law")
            )
            versions_of[key] = set(allowed) if allowed is not None else set()
        if not filters:
            return texts
        allowed = versions_of[key]
        return [t for t, v in zip(texts, units.version_ids.tolist(), strict=True) if v in allowed]

    small = measure("library", lambda q, f: S.search(q, **f), texts_for, queries, args.reps)
    small_recall, small_checked = recall(index, texts, queries)
    _bar("recall on exact phrases (min)", f"{small_recall:.3f} over {small_checked} phrases")

    failures: list[str] = []
    rows = [
        ("library", len(texts), small, small_recall, stats["build_seconds"], stats["memory_bytes"])
    ]
    if small["app_p95"] > P95_MS:
        failures.append(f"library p95 {small['app_p95']:.2f} ms > {P95_MS} ms")
    if small_recall < 1.0:
        failures.append(f"library recall {small_recall:.3f} < 1.0")

    if not args.skip_large:
        big_units = replicate(units, args.units)
        start = time.perf_counter()
        big = S.SearchIndex.build(big_units, stamp="bench")
        build_s = time.perf_counter() - start
        big_texts = big_units.texts
        memory = big.memory_bytes()
        print(f"\n[{len(big_units):,} units] {sum(map(len, big_texts)):,} characters")
        _bar("index build (in memory)", f"{build_s:.2f} s")
        _bar("index memory", f"{memory / 2**20:.0f} MiB")
        _bar("process peak RSS", f"{rss_mb():.0f} MiB")
        plain = [(q, f) for q, f in queries if not f]

        def big_search(q: str, f: dict[str, str]) -> object:
            S.db_stamp()  # the same stamp query a real search makes
            return big.query(S.parse_query(q), limit=20)

        large = measure(
            f"{len(big_units):,} units", big_search, lambda f: big_texts, plain, args.reps
        )
        large_recall, large_checked = recall(big, big_texts, plain)
        _bar("recall on exact phrases (min)", f"{large_recall:.3f} over {large_checked} phrases")
        rows.append(
            (f"{len(big_units) // 1000}k", len(big_texts), large, large_recall, build_s, memory)
        )
        if large["app_p95"] > P95_MS:
            failures.append(f"300k p95 {large['app_p95']:.2f} ms > {P95_MS} ms")
        if large["ratio"] < RATIO_AMBITIOUS:
            failures.append(f"300k ratio {large['ratio']:.1f} < {RATIO_AMBITIOUS} (issue target)")
        if large_recall < 1.0:
            failures.append(f"300k recall {large_recall:.3f} < 1.0")
        if build_s > BUILD_S:
            failures.append(f"300k build {build_s:.1f} s > {BUILD_S} s")
        if memory > MEMORY_BYTES:
            failures.append(f"300k index memory {memory / 2**20:.0f} MiB > 1 GiB")

    print(f"\nB4 summary ({db}); ratio = floor p95 ÷ app p95, higher is better")
    header = (
        f"{'corpus':<9} {'units':>8} {'app p50':>8} {'app p95':>8} {'floor p95':>10} "
        f"{'ratio':>6} {'recall':>7} {'build s':>8} {'mem MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, n, r, rec, build, mem in rows:
        print(
            f"{name:<9} {n:>8,} {r['app_p50']:>8.2f} {r['app_p95']:>8.2f} "
            f"{r['floor_p95']:>10.2f} {r['ratio']:>6.1f} {rec:>7.3f} {build:>8.2f} "
            f"{mem / 2**20:>8.0f}"
        )
    for name, _n, r, *_ in rows:
        target = f"≥{RATIO_AMBITIOUS:g} (min {RATIO_MIN:g}) at 300k; p95≤{P95_MS:g}ms"
        print(
            f"B4-{name}  app={r['app_p95']:.2f}ms  floor={r['floor_p95']:.2f}ms  "
            f"ratio={r['ratio']:.1f}  target={target}"
        )
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nall B4 targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
