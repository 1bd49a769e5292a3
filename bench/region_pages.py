"""Region-scale page times (issue 4 "must show"): alert list, case list, disclosure search.

    DATABASE_URL=... .venv/bin/python bench/region_pages.py [--requests 40] [--reps 3]

Over a database seeded with `manage.py seed --scale region` (performance.md §2), times the
three pages with Django's test `Client` (in process: server time without the network) for a
league (prefecture) supervisor and a region supervisor, and the public disclosure search for an
anonymous visitor, with varied filters and pages; reports p95, median and the largest number of
SQL queries per request. Targets: p95 ≤ 300 ms, ≤ 10 queries per page.

When a page's URL does not resolve yet (its branch is not merged), the script times the
queryset that page will run instead — marked "selector" in the table — so the figure is the
database part only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from b7_case_list import bench_user, case_page, p95  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from fazhi.core.scope import scoped  # noqa: E402
from fazhi.enforcement.models import Alert, Case, Disclosure  # noqa: E402
from fazhi.orgs.models import Division, Sector  # noqa: E402

P95_MS = 300.0
MAX_QUERIES = 10
VIOLATION_WORDS = ("食品", "超限", "占道", "扬尘", "禁牧", "无照", "噪声", "价格", "草原", "安全")


def alert_rows(user: Any, params: dict[str, Any]) -> list[Any]:
    """What the alert list shows: live alerts in scope, newest first, 25 a page."""
    qs = scoped(Alert.objects.select_related("agency", "case"), user).filter(
        state__in=["open", "rectifying"]
    )
    if params.get("sector"):
        qs = qs.filter(sector_id=params["sector"])
    page = int(params.get("page", 1))
    return list(qs.order_by("-opened_at", "-id")[(page - 1) * 25 : page * 25 + 1])


def disclosure_rows(params: dict[str, Any]) -> list[Any]:
    """What the public search shows: published disclosures by sector/date/violation words."""
    qs = Disclosure.objects.filter(state="published").select_related("agency")
    if params.get("sector"):
        qs = qs.filter(sector__code=params["sector"])
    if params.get("date_from"):
        qs = qs.filter(decided_on__gte=params["date_from"])
    if params.get("q"):
        qs = qs.filter(violation__contains=params["q"])
    page = int(params.get("page", 1))
    return list(qs.order_by("-decided_on", "-id")[(page - 1) * 20 : page * 20 + 1])


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        value = fn()
        ms = (time.perf_counter() - t0) * 1000
    return ms, len(ctx.captured_queries), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The public search is rate limited per IP; the benchmark measures the page, not the limit
    # (the limiter's cache hits still run on every request).
    settings.FAZHI_PUBLIC_RATE_LIMITS = {"search": 10**9, "search_global": 10**9}
    rng = random.Random(5)
    leagues = list(Division.objects.filter(level="prefecture").order_by("code"))
    region = Division.objects.get(level="region")
    last = Case.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    today = last.date()
    sectors = [s for s, _ in Case.objects.values_list("sector_id").annotate(n=Count("id"))
               .order_by("-n").values_list("sector_id", "n") if s is not None][:8]
    users = {"league": {lg.pk: bench_user(f"bench_sup_{lg.code}", scope="division", division=lg)
                        for lg in leagues},
             "region": bench_user("bench_sup_region", scope="region", division=region)}
    print(f"region pages — {connection.vendor} ({connection.settings_dict['NAME']}): "
          f"{Case.objects.count():,} cases, {Alert.objects.count():,} alerts, "
          f"{Disclosure.objects.count():,} disclosures")

    sector_codes = dict(Sector.objects.values_list("id", "code"))

    def params_for(kind: str) -> dict[str, Any]:
        # The case list pages by keyset links (after=…), so only its first page is timed.
        p: dict[str, Any] = {"page": 1 if kind == "case" else rng.choice((1, 1, 1, 2, 4))}
        if rng.random() < 0.7:
            sector = rng.choice(sectors)
            p["sector"] = sector_codes[sector] if kind == "disclosure" else sector
        if kind in ("case", "disclosure"):
            p["date_from"] = today - timedelta(days=rng.choice((30, 90, 365)))
            p["date_to"] = today
        if kind == "disclosure" and rng.random() < 0.6:
            p["q"] = rng.choice(VIOLATION_WORDS)
        return p

    def url(name: str) -> str | None:
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    pages = [("alert list", "enforcement:alert-list", "alert"),
             ("case list", "enforcement:case-list", "case"),
             ("disclosure search", "portal:disclosure-list", "disclosure")]
    rows = []
    failures = []
    for label, name, kind in pages:
        path = url(name)
        audiences = ("anonymous",) if kind == "disclosure" else ("league", "region")
        for audience in audiences:
            work = []
            for _ in range(args.requests):
                user = (rng.choice(list(users["league"].values())) if audience == "league"
                        else users.get("region"))
                work.append((user, params_for(kind)))
            clients: dict[Any, Client] = {}

            def call(user: Any, params: dict[str, Any], path: str | None = path,
                     kind: str = kind, clients: dict[Any, Client] = clients) -> Any:
                if path is not None:
                    key = user.pk if user is not None else None
                    if key not in clients:
                        clients[key] = Client()
                        if user is not None:
                            clients[key].force_login(user)
                    query = {k: str(v) for k, v in params.items() if k != "page" or v != 1}
                    response = clients[key].get(path, query)
                    if response.status_code != 200:
                        raise SystemExit(f"{path} → {response.status_code} for {params}")
                    return response
                if kind == "alert":
                    return alert_rows(user, params)
                if kind == "case":
                    filters = {"sector": params.get("sector"), "date_from": params["date_from"],
                               "date_to": params["date_to"]}
                    return case_page(user, filters, params["page"])
                return disclosure_rows(params)

            warm = {id(u): (u, p) for u, p in work}  # every client once (session, menus), then 5
            for user, params in [*warm.values(), *work[:5]]:
                call(user, params)
            times, queries = [], []
            for _ in range(args.reps):
                for user, params in work:
                    ms, nq, _ = timed(lambda u=user, p=params: call(u, p))
                    times.append(ms)
                    queries.append(nq)
            how = "page" if path else "selector"
            rows.append((label, audience, how, p95(times), statistics.median(times),
                         max(queries), len(times)))
            if p95(times) > P95_MS:
                failures.append(f"{label}/{audience}: p95 {p95(times):.0f} ms")
            if max(queries) > MAX_QUERIES:
                failures.append(f"{label}/{audience}: {max(queries)} queries")
    header = (f"{'page':<18} {'who':<10} {'timed':<9} {'p95':>9} {'median':>9} {'queries':>8} "
              f"{'n':>5}")
    print(header)
    print("-" * len(header))
    for label, who, how, p, med, nq, n in rows:
        print(f"{label:<18} {who:<10} {how:<9} {p:>7.1f}ms {med:>7.1f}ms {nq:>8} {n:>5}")
    print(f"targets: p95 ≤ {P95_MS:.0f} ms, ≤ {MAX_QUERIES} queries per request")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("all page targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
