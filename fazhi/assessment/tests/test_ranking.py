"""Ranking and drill-down pages and API: totals, order, ties, periods, scope, query budgets."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fazhi.assessment import selectors
from fazhi.assessment.models import Period
from fazhi.assessment.services import period_ensure_year, score_record
from fazhi.assessment.tests.conftest import at

RANKING = reverse("assessment:ranking")


def detail_url(kind, pk, **query):
    url = reverse("assessment:target-detail", args=[kind, pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def numbers(html, element_id):
    """The data-total / data-points values inside the element with `element_id`."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</table>", start)
    chunk = html[start:end if end != -1 else None]
    values = re.findall(r'data-(?:total|points)="([^"]*)"', chunk)
    return [Decimal(v) if v else None for v in values]


@pytest.fixture
def ledger(score, org_tree):
    """Hohhot: 3 + 1.5 via its market agency + 2 direct = 6.5; Baotou: 6.5 too (tie);
    Xincheng and Donghe counties: 4 and -1; outside 2025: an entry in 2024 and in 2026."""
    score(org_tree.hohhot_market, "A4.M2.O1", "3")
    score(org_tree.hohhot_market, "A4.M5", "1.5")
    score(org_tree.hohhot.government, "A8.M4.O1", "2")
    score(org_tree.baotou_market, "A6.M2.O1", "6.5")
    score(org_tree.xincheng.government, "A2.M4.O2", "4")
    score(org_tree.donghe.government, "A3.M1", "-1")
    score(org_tree.baotou.government, "A1.M1", "50", when=at(2024, 12, 31, 23, 59))
    score(org_tree.baotou.government, "A1.M1", "70", when=at(2026, 1, 1, 0, 0))
    return org_tree


def test_ranking_orders_by_total_with_shared_ranks(ledger, client, region_user):
    client.force_login(region_user)
    response = client.get(RANKING, {"level": "prefecture", "period": "2025"})
    rows = [(r.name, r.total, r.rank) for r in response.context["page"].object_list]
    assert rows == [
        ("呼和浩特市人民政府", Decimal("6.50"), 1),
        ("包头市人民政府", Decimal("6.50"), 1),
    ]


def test_county_level_and_department_level(ledger, client, region_user):
    client.force_login(region_user)
    county = client.get(RANKING, {"level": "county", "period": "2025"}).context["page"]
    assert [(r.name, r.total, r.rank) for r in county.object_list] == [
        ("新城区人民政府", Decimal("4.00"), 1),
        ("东河区人民政府", Decimal("-1.00"), 2),
    ]
    dept = client.get(RANKING, {"level": "department", "period": "2025"}).context["page"]
    assert [(r.name, r.total) for r in dept.object_list] == [
        ("包头市市场监督管理局", Decimal("6.50")),
        ("呼和浩特市市场监督管理局", Decimal("4.50")),
        ("新城区市场监督管理局", None),
    ]


def test_targets_without_entries_show_no_data_at_the_bottom(ledger, client, region_user):
    client.force_login(region_user)
    body = client.get(RANKING, {"level": "department", "period": "2025"}).content.decode()
    assert numbers(body, "ranking") == [Decimal("6.50"), Decimal("4.50"), None]
    assert body.rindex("新城区市场监督管理局") > body.rindex("呼和浩特市市场监督管理局")
    assert "暂无数据" in body


def test_a_single_entry_after_a_leader_reorders_and_breaks_the_tie(ledger, client, region_user):
    score_record(
        target=ledger.baotou.government, indicator="A1.M2", points="0.01", source=ledger.baotou,
        rule="tiebreak", occurred_at=at(2025, 12, 31, 23, 59),
    )
    client.force_login(region_user)
    page = client.get(RANKING, {"level": "prefecture", "period": "2025"}).context["page"]
    assert [(r.name, r.rank) for r in page.object_list] == [
        ("包头市人民政府", 1), ("呼和浩特市人民政府", 2),
    ]


@pytest.mark.parametrize(
    ("when", "inside"),
    [
        (at(2025, 12, 31, 23, 59), {"2025", "2025-q4"}),
        (at(2026, 1, 1, 0, 0), {"2026", "2026-q1"}),
        (at(2025, 3, 31, 23, 59), {"2025", "2025-q1"}),
        (at(2025, 4, 1, 0, 0), {"2025", "2025-q2"}),
        # 2025-12-31 16:00 UTC is already 2026-01-01 00:00 in Asia/Shanghai.
        (dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC), {"2026", "2026-q1"}),
        (dt.datetime(2025, 12, 31, 15, 59, 59, tzinfo=dt.UTC), {"2025", "2025-q4"}),
    ],
)
def test_period_boundaries_in_shanghai_time(score, org_tree, region_user, when, inside):
    period_ensure_year(year=2025)
    period_ensure_year(year=2026)
    score(org_tree.hohhot.government, "A1.M1", "1", when=when)
    gov = org_tree.hohhot.government
    for period in Period.objects.all():
        rows = selectors.ranking_for(region_user, level="prefecture", period=period)
        total = {r.pk: r.total for r in rows}[gov.pk]
        assert total == (Decimal("1.00") if period.code in inside else None), period.code


def test_year_end_entry_counts_in_its_year_on_the_page(score, org_tree, client, region_user):
    score(org_tree.hohhot.government, "A1.M1", "1", when=at(2025, 12, 31, 23, 59))
    score(org_tree.hohhot.government, "A1.M1", "10", when=at(2026, 1, 1, 0, 0))
    client.force_login(region_user)
    totals = {
        code: client.get(RANKING, {"period": code}).context["page"].object_list[0].total
        for code in ("2025", "2026", "2025-q4", "2026-q1")
    }
    assert totals == {
        "2025": Decimal("1.00"), "2026": Decimal("10.00"),
        "2025-q4": Decimal("1.00"), "2026-q1": Decimal("10.00"),
    }


def test_default_period_is_the_latest_year_with_data(ledger, client, region_user):
    client.force_login(region_user)
    assert client.get(RANKING).context["period"].code == "2026"


def test_drill_down_adds_up_to_the_ranking_total(ledger, client, region_user):
    """Must-show: on the ranking page, the entries of a drill-down add up to the total shown."""
    client.force_login(region_user)
    for level in ("prefecture", "county", "department"):
        ranking = client.get(RANKING, {"level": level, "period": "2025"})
        kind = ranking.context["target_kind"]
        for row in ranking.context["page"].object_list:
            link = detail_url(kind, row.pk, period="2025")
            assert link.replace("&", "&amp;") in ranking.content.decode() or link in (
                ranking.content.decode()
            )
            body = client.get(link).content.decode()
            grand = numbers(body, "grand-total")[0]
            assert grand == row.total
            aspects = [t for t in numbers(body, "aspects") if t is not None]
            entries = numbers(body, "entry-rows") if "entry-rows" in body else []
            if row.total is None:
                assert aspects == []
                assert entries == []
                continue
            assert sum(aspects) == row.total
            assert sum(entries) == row.total


def test_aspect_and_indicator_drill_down_add_up(ledger, client, region_user):
    score_record(
        target=ledger.hohhot_market, indicator="A4", points="0.5", source=ledger.baotou,
        rule="aspect-level", occurred_at=at(2025, 7, 1),
    )
    client.force_login(region_user)
    gov = ledger.hohhot.government
    body = client.get(detail_url("government", gov.pk, period="2025")).content.decode()
    assert numbers(body, "grand-total")[0] == Decimal("7.00")
    a4 = next(r for r in client.get(detail_url("government", gov.pk, period="2025")).context[
        "breakdown"].aspects if r.indicator.code == "A4")
    assert a4.total == Decimal("5.00")
    response = client.get(detail_url("government", gov.pk, period="2025", node=a4.indicator.pk))
    body = response.content.decode()
    assert numbers(body, "indicator-rows") == [Decimal("0.50"), Decimal("3.00"), Decimal("1.50")]
    assert sum(numbers(body, "entry-rows")) == a4.total
    assert response.context["node_total"] == a4.total
    o1 = response.context["node_rows"][1].indicator
    exact = client.get(detail_url("government", gov.pk, period="2025", node=o1.pk, exact=1))
    assert numbers(exact.content.decode(), "entry-rows") == [Decimal("3.00")]


def test_entries_link_to_their_source(ledger, client, region_user):
    client.force_login(region_user)
    agency = ledger.baotou_market
    body = client.get(detail_url("agency", agency.pk, period="2025")).content.decode()
    assert re.search(r'<a href="/orgs/test/\d+/">内蒙古自治区</a>', body)


def test_out_of_scope_target_is_404(ledger, client, hohhot_user):
    client.force_login(hohhot_user)
    assert client.get(detail_url("government", ledger.hohhot.government.pk)).status_code == 200
    assert client.get(detail_url("agency", ledger.xincheng_market.pk)).status_code == 200
    assert client.get(detail_url("government", ledger.baotou.government.pk)).status_code == 404
    assert client.get(detail_url("agency", ledger.baotou_market.pk)).status_code == 404
    assert client.get(detail_url("nope", ledger.hohhot.government.pk)).status_code == 404


def test_scoped_user_sees_only_targets_in_scope(ledger, client, hohhot_user):
    client.force_login(hohhot_user)
    page = client.get(RANKING, {"level": "department", "period": "2025"}).context["page"]
    names = {r.name for r in page.object_list}
    assert names == {"呼和浩特市市场监督管理局", "新城区市场监督管理局"}
    page = client.get(RANKING, {"level": "prefecture", "period": "2025"}).context["page"]
    assert [r.name for r in page.object_list] == ["呼和浩特市人民政府"]


def test_unknown_level_or_period_is_404(ledger, client, region_user):
    client.force_login(region_user)
    assert client.get(RANKING, {"level": "x"}).status_code == 404
    assert client.get(RANKING, {"period": "1999"}).status_code == 404


def test_empty_ledger_page_says_so(db, client, region_user):
    client.force_login(region_user)
    response = client.get(RANKING)
    assert response.status_code == 200
    assert "尚未设置考核周期" in response.content.decode()


def test_csv_export_has_a_bom_and_the_ranking(ledger, client, region_user):
    client.force_login(region_user)
    response = client.get(
        reverse("assessment:ranking-export"), {"level": "department", "period": "2025"}
    )
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    assert rows[0] == ["排名", "名称", "总分", "考核周期"]
    assert rows[1:] == [
        ["1", "包头市市场监督管理局", "6.50", "2025年度"],
        ["2", "呼和浩特市市场监督管理局", "4.50", "2025年度"],
        ["", "新城区市场监督管理局", "暂无数据", "2025年度"],
    ]


def _many_entries(org_tree, n, offset=0):
    targets = [org_tree.hohhot_market, org_tree.baotou_market, org_tree.xincheng.government]
    codes = ["A4.M2.O1", "A6.M2.O1", "A2.M4.O2", "A1.M1", "A8"]
    for i in range(offset, offset + n):
        score_record(
            target=targets[i % 3], indicator=codes[i % 5], points=Decimal(i % 7),
            source=org_tree.region, rule=f"bulk.{i}", occurred_at=at(2025, 1 + i % 12, 1),
        )


def _query_counts(client, org_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = [
        RANKING + "?level=prefecture&period=2025",
        RANKING + "?level=department",
        detail_url("agency", org_tree.hohhot_market.pk, period="2025"),
        detail_url("government", org_tree.hohhot.government.pk),
        reverse("assessment-api:ranking") + "?level=county",
        reverse("assessment-api:target-breakdown", args=["agency", org_tree.baotou_market.pk]),
        reverse("assessment-api:target-entries", args=["agency", org_tree.baotou_market.pk]),
    ]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts.append(len(ctx.captured_queries))
    return counts


def test_query_counts_do_not_grow_with_the_ledger(indicators, org_tree, client, region_user,
                                                   django_assert_max_num_queries):
    client.force_login(region_user)
    _many_entries(org_tree, 200)
    small = _query_counts(client, org_tree)
    _many_entries(org_tree, 200, offset=200)
    large = _query_counts(client, org_tree)
    assert small == large
    node = selectors.Indicator.objects.get(code="A4")
    with django_assert_max_num_queries(13):
        client.get(detail_url("agency", org_tree.hohhot_market.pk, period="2025", node=node.pk))
    with django_assert_max_num_queries(7):
        client.get(RANKING)
    assert max(large) <= 13


def test_api_ranking_and_drill_down_agree(ledger, client, region_user):
    client.force_login(region_user)
    ranking = client.get(
        reverse("assessment-api:ranking"), {"level": "prefecture", "period": "2025"}
    ).json()
    assert ranking["period"]["code"] == "2025"
    assert [(r["name"], r["total"], r["rank"]) for r in ranking["results"]] == [
        ("呼和浩特市人民政府", "6.50", 1), ("包头市人民政府", "6.50", 1),
    ]
    for row in ranking["results"]:
        url = reverse("assessment-api:target-breakdown", args=["government", row["id"]])
        detail = client.get(url, {"period": "2025"}).json()
        assert detail["total"] == row["total"]
        aspect_sum = sum(Decimal(a["total"]) for a in detail["aspects"] if a["total"])
        assert aspect_sum == Decimal(row["total"])
        url = reverse("assessment-api:target-entries", args=["government", row["id"]])
        entries = client.get(url, {"period": "2025"}).json()
        assert sum(Decimal(e["points"]) for e in entries["results"]) == Decimal(row["total"])


def test_api_is_scoped(ledger, client, hohhot_user):
    client.force_login(hohhot_user)
    baotou = ledger.baotou.government.pk
    url = reverse("assessment-api:target-breakdown", args=["government", baotou])
    assert client.get(url).status_code == 404
    names = [r["name"] for r in client.get(
        reverse("assessment-api:ranking"), {"level": "department"}).json()["results"]]
    assert "包头市市场监督管理局" not in names
