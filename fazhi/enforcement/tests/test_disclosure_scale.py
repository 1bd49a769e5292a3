"""The public disclosure search at region scale (issue 4 "Must show": ≥ 75,000 disclosures):
every search answers with a bounded number of queries (asserted) and no COUNT over the table.
Server time is measured in bench/region_pages.py, not here (timed tests fail on a loaded machine
and prove nothing on a quiet one).

The full 75,000 rows take about two minutes to build on a shared machine, so the default run uses
5,000 (the query-count and no-COUNT assertions do not depend on the size); FAZHI_SCALE=1 runs the
full size: `FAZHI_SCALE=1 pytest fazhi/enforcement/tests/test_disclosure_scale.py`."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

N = 75_000 if os.environ.get("FAZHI_SCALE") == "1" else 5_000
VIOLATIONS = [
    "销售超过保质期的食品", "未取得食品经营许可从事食品经营", "未按规定公示营业执照",
    "生产经营不符合食品安全标准的食品", "虚假宣传", "未按规定明码标价", "使用未经检定的计量器具",
    "无照经营", "销售不合格产品", "未建立进货查验记录",
]
RARE = "擅自改变经营场所并拒不改正"  # 10 rows only: the worst case, a scan of the whole index


@pytest.fixture
def region_disclosures(org_tree: Any, sector: Any) -> None:
    from fazhi.enforcement.models import Case, Disclosure

    agencies = [org_tree.xincheng_market, org_tree.hohhot_market, org_tree.baotou_market]
    start = date(2025, 1, 1)
    now = timezone.now()
    cases = [
        Case(
            number=f"SC-{i:06d}", agency=agencies[i % 3], division_id=(
                agencies[i % 3].government.division_id), sector=sector, act_type="penalty",
            title="x", state="decided", decided_on=start + timedelta(days=i % 365),
        )
        for i in range(N)
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    ids = list(Case.objects.filter(number__startswith="SC-").order_by("id").values_list(
        "id", "agency_id", "division_id", "decided_on"))
    rows = [
        Disclosure(
            case_id=cid, public_token=f"s{i:031d}", agency_id=agency_id, division_id=division_id,
            sector=sector, act_type="penalty", decision_number=f"罚决〔2025〕{i}号",
            party_kind="organisation", party_name=f"某某公司{i}",
            violation=RARE if i % (N // 10) == 0 else VIOLATIONS[i % len(VIOLATIONS)],
            outcome="罚款人民币5,000.00元", decided_on=decided_on, due_on=decided_on,
            state="published", published_at=now,
        )
        for i, (cid, agency_id, division_id, decided_on) in enumerate(ids)
    ]
    Disclosure.objects.bulk_create(rows, batch_size=5000)
    # Production tables carry planner statistics (autovacuum; `seed` should ANALYZE after a bulk
    # load): without them PostgreSQL sorts the whole table instead of reading the index in order.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enforcement_disclosure")
        cursor.execute("ANALYZE enforcement_case")


SEARCHES = [
    {},
    {"q": "保质期"},
    {"q": RARE},
    {"q": "不存在的违法行为"},
    {"sector": "market"},
    {"agency": "包头市"},
    {"date_from": "2025-06-01", "date_to": "2025-06-30"},
    {"q": "无照经营", "agency": "新城区", "date_from": "2025-03-01"},
    {"q": "保质期", "page": "40"},
]


@pytest.mark.slow
def test_search_stays_bounded_at_region_scale(region_disclosures: None, settings: Any) -> None:
    from fazhi.enforcement.models import Disclosure

    settings.FAZHI_PUBLIC_RATE_LIMITS = {"search": 10_000}
    assert Disclosure.objects.count() >= N
    client = Client()
    url = reverse("portal:disclosure-list")
    for params in SEARCHES:
        cache.clear()
        client.get(url, params)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(sql) <= 5, sql  # session-less page: sector, agency ids, the page
        assert not any("COUNT(" in s.upper() for s in sql), sql
    page = client.get(url, {"q": RARE}).context["page"]
    assert len(page.items) == 10
