"""B7 — scoped case list (performance.md §5): the app's list vs one hand-written indexed query.

    .venv/bin/python bench/b7_case_list.py --sqlite var/region.sqlite3 \
        --pg postgres://postgres@127.0.0.1:5432/fazhi_seed [--reps 5] [--requests 40]

Runs over a database seeded with `manage.py seed --scale region` (performance.md §2), once per
engine given (each in its own subprocess, so both engines are measured in the same run), and
prints one table.

App side: the case list of a league (prefecture) supervisor — `division` data scope on a league,
so the division subtree — filtered by sector and a 90-day date window, sorted newest first,
paginated (25 rows, count-free: 26 fetched to know whether a next page exists), through
`scoped()` and the case selector `fazhi.enforcement.selectors.cases.case_list_for(user, filters)`
when that exists (branch h/cases), otherwise through the same queryset built here
(`scoped(Case.objects…)` + the filters) — the report says which one ran. Rows are materialised
as model instances with the agency joined, as the page does.

Floor, same process, same rows: one hand-written SQL query (division ids of the subtree, sector,
date window, ORDER BY created_at DESC, id DESC, LIMIT/OFFSET) on a raw cursor.

Ratio = floor p95 ÷ app p95 (higher is better); target ≥ 0.2 (ambitious), ≥ 0.1 (minimum);
absolute bound: app p95 ≤ 300 ms, ≤ 10 queries per page. Each request is one (league, sector,
window, page) combination drawn deterministically; p95 over `--requests` × `--reps`.
`--explain` prints both engines' plans for the floor query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = 25
RATIO_MIN, RATIO_AMBITIOUS = 0.1, 0.2
P95_MS = 300.0
MAX_QUERIES = 10


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bench_user(username: str, *, scope: str, division: Any = None) -> Any:
    """A supervisor account for the benchmark (created once; unusable password)."""
    from fazhi.accounts.models import RoleAssignment, User

    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": "基准测试监督员", "password": "!bench"}
    )
    if created:
        RoleAssignment.objects.create(user=user, role="supervisor", scope=scope, division=division)
    return User.objects.get(pk=user.pk)  # fresh, so cached assignments are reloaded


def case_page(user: Any, filters: dict[str, Any], page: int) -> tuple[list[Any], str]:
    """One page of the scoped case list, as the page fetches it; returns (rows, which code)."""
    try:
        from fazhi.enforcement.selectors.cases import case_list_for
    except ImportError:
        case_list_for = None
    if case_list_for is not None:
        qs = case_list_for(user, filters)
        source = "selectors.cases.case_list_for"
    else:
        from fazhi.core.scope import scoped
        from fazhi.enforcement.models import Case

        qs = scoped(Case.objects.select_related("agency"), user)
        if filters.get("sector"):
            qs = qs.filter(sector_id=filters["sector"])
        if filters.get("date_from"):
            qs = qs.filter(created_at__gte=_start(filters["date_from"]))
        if filters.get("date_to"):
            qs = qs.filter(created_at__lt=_start(filters["date_to"] + timedelta(days=1)))
        qs = qs.order_by("-created_at", "-id")
        source = "scoped(Case) (fallback: case_list_for not merged yet)"
    start = (page - 1) * PAGE
    return list(qs[start : start + PAGE + 1]), source


def _start(day: Any) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, dtime.min))


FLOOR_SQL = """
SELECT c.id, c.number, c.title, c.state, c.act_type, c.procedure, c.filed_on, c.created_at,
       a.name
FROM enforcement_case c JOIN orgs_agency a ON a.id = c.agency_id
WHERE c.division_id IN ({ids}) AND c.sector_id = %s AND c.created_at >= %s AND c.created_at < %s
ORDER BY c.created_at DESC, c.id DESC
LIMIT %s OFFSET %s
"""


def floor_page(division_ids: list[int], filters: dict[str, Any], page: int) -> list[tuple]:
    from django.db import connection

    sql = FLOOR_SQL.format(ids=", ".join(["%s"] * len(division_ids)))
    params = [*division_ids, filters["sector"], _param(_start(filters["date_from"])),
              _param(_start(filters["date_to"] + timedelta(days=1))), PAGE + 1, (page - 1) * PAGE]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _param(value: datetime) -> Any:
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


def workload(n: int, seed: int = 7) -> list[tuple[Any, dict[str, Any], int]]:
    """(league division, filters, page) combinations over the 12 leagues and their sectors."""
    from django.db.models import Count

    from fazhi.enforcement.models import Case
    from fazhi.orgs.models import Division

    rng = random.Random(seed)
    leagues = list(Division.objects.filter(level="prefecture").order_by("code"))
    last = Case.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    sectors = [
        s for s, n in Case.objects.values_list("sector_id").annotate(n=Count("id"))
        .order_by("-n").values_list("sector_id", "n") if s is not None
    ][:8]
    today = last.date()
    out = []
    for _ in range(n):
        league = rng.choice(leagues)
        days = rng.choice((30, 90, 180))
        date_to = today - timedelta(days=rng.choice((0, 0, 30)))
        filters = {"sector": rng.choice(sectors), "date_from": date_to - timedelta(days=days),
                   "date_to": date_to, "division": None}
        out.append((league, filters, rng.choice((1, 1, 1, 2, 5))))
    return out


def explain(division_ids: list[int], filters: dict[str, Any]) -> str:
    from django.db import connection

    sql = FLOOR_SQL.format(ids=", ".join(["%s"] * len(division_ids)))
    params = [*division_ids, filters["sector"], _param(_start(filters["date_from"])),
              _param(_start(filters["date_to"] + timedelta(days=1))), PAGE + 1, 0]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def app_explain(user: Any, filters: dict[str, Any]) -> str:
    """The database's plan for the app's page query (QuerySet.explain)."""
    from django.db import connection

    try:
        from fazhi.enforcement.selectors.cases import case_list_for
    except ImportError:
        return "(case_list_for not merged)"
    qs = case_list_for(user, filters)[: PAGE + 1]
    if connection.vendor == "postgresql":
        return qs.explain(analyze=True)
    return qs.explain()


def run_one(reps: int, requests: int, show_plan: bool) -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.enforcement.models import Case
    from fazhi.orgs.models import Division

    cases = Case.objects.count()
    work = workload(requests)
    users: dict[int, Any] = {}
    subtree: dict[int, list[int]] = {}
    for league, _f, _p in work:
        if league.pk not in users:
            users[league.pk] = bench_user(f"bench_sup_{league.code}", scope="division",
                                          division=league)
            subtree[league.pk] = list(Division.objects.filter(path__startswith=league.path)
                                      .values_list("id", flat=True))
    # Warm-up and correctness: the app page and the floor return the same case ids.
    source = ""
    mismatches = 0
    for league, filters, page in work:
        rows, source = case_page(users[league.pk], filters, page)
        floor = floor_page(subtree[league.pk], filters, page)
        mismatches += [r.pk for r in rows] != [f[0] for f in floor]
    app_ms: list[float] = []
    floor_ms: list[float] = []
    queries: list[int] = []
    for _ in range(reps):
        for league, filters, page in work:
            user = users[league.pk]
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                case_page(user, filters, page)
                app_ms.append((time.perf_counter() - t0) * 1000)
            queries.append(len(ctx.captured_queries))
            t0 = time.perf_counter()
            floor_page(subtree[league.pk], filters, page)
            floor_ms.append((time.perf_counter() - t0) * 1000)
    result = {
        "engine": connection.vendor, "cases": cases, "source": source,
        "requests": len(app_ms), "mismatches": mismatches,
        "app_p95": p95(app_ms), "app_median": statistics.median(app_ms),
        "floor_p95": p95(floor_ms), "floor_median": statistics.median(floor_ms),
        "max_queries": max(queries),
    }
    result["ratio"] = result["floor_p95"] / result["app_p95"]
    if show_plan:
        league, filters, _ = work[0]
        result["plan"] = explain(subtree[league.pk], filters)
        with CaptureQueriesContext(connection) as ctx:
            case_page(users[league.pk], filters, 1)
        result["app_sql"] = ctx.captured_queries[-1]["sql"]
        result["app_plan"] = app_explain(users[league.pk], filters)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", help="path of a region-seeded SQLite file")
    parser.add_argument("--pg", help="URL of a region-seeded PostgreSQL database")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.reps, args.requests, args.explain), default=str))
        return 0
    targets = []
    if args.sqlite:
        targets.append(f"sqlite:///{Path(args.sqlite).resolve()}")
    if args.pg:
        targets.append(args.pg)
    if not targets:
        targets.append(os.environ.get("DATABASE_URL", ""))
    results = []
    for url in targets:
        env = {**os.environ, "DATABASE_URL": url} if url else dict(os.environ)
        cmd = [sys.executable, __file__, "--one", "--reps", str(args.reps),
               "--requests", str(args.requests)] + (["--explain"] if args.explain else [])
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("B7 scoped case list (league supervisor: subtree + sector + date window, sorted, "
          f"{PAGE}/page); ratio = floor p95 ÷ app p95")
    header = (f"{'engine':<10} {'cases':>10} {'app p95':>9} {'app med':>9} {'floor p95':>10} "
              f"{'floor med':>10} {'ratio':>7} {'queries':>8} {'same rows':>10}")
    print(header)
    print("-" * len(header))
    failures = []
    for r in results:
        same = r["requests"] - r["mismatches"] * args.reps
        print(f"{r['engine']:<10} {r['cases']:>10,} {r['app_p95']:>7.1f}ms "
              f"{r['app_median']:>7.1f}ms {r['floor_p95']:>8.1f}ms {r['floor_median']:>8.1f}ms "
              f"{r['ratio']:>7.2f} {r['max_queries']:>8} {same:>5}/{r['requests']}")
        if r["ratio"] < RATIO_MIN:
            failures.append(f"{r['engine']}: ratio {r['ratio']:.2f} < {RATIO_MIN}")
        if r["app_p95"] > P95_MS:
            failures.append(f"{r['engine']}: app p95 {r['app_p95']:.0f} ms > {P95_MS:.0f} ms")
        if r["max_queries"] > MAX_QUERIES:
            failures.append(f"{r['engine']}: {r['max_queries']} queries > {MAX_QUERIES}")
        if r["mismatches"]:
            failures.append(f"{r['engine']}: {r['mismatches']} pages differ from the floor")
    for r in results:
        print(f"\n[{r['engine']}] app code: {r['source']}")
        if "plan" in r:
            print(f"[{r['engine']}] app SQL: {r['app_sql']}")
            print(f"[{r['engine']}] app plan:\n{r['app_plan']}")
            print(f"[{r['engine']}] floor plan:\n{r['plan']}")
    print(f"\ntarget ratio ≥ {RATIO_AMBITIOUS} (minimum {RATIO_MIN}); app p95 ≤ {P95_MS:.0f} ms; "
          f"≤ {MAX_QUERIES} queries")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("all B7 targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
