"""Public disclosure search and detail, and the ex-ante lists (rulebook §2.1; security.md PII-5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.enforcement.models import Disclosure
from fazhi.enforcement.services.disclosure import disclosure_after_transition
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    CITIZEN_NAME,
    case_factory,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: Any) -> Any:
    """Empty counters, and one fixed minute: a slow run must not straddle a window boundary."""
    from fazhi.core import ratelimit

    monkeypatch.setattr(ratelimit, "current_window", lambda window_seconds: 1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(case_factory: Any) -> Any:  # noqa: F811
    cases = [case_factory(), case_factory(party_kind="organisation")]
    for case in cases:
        disclosure_after_transition(case)
    return [Disclosure.objects.get(case=c) for c in cases]


def test_search_without_criteria_shows_recent_items_only(
    published: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    # performance.md B7 asks ≤10 queries a page; this one is 2: the recent page, the sector menu.
    with django_assert_max_num_queries(2):
        response = client.get(reverse("portal:disclosure-list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.searched is False
    assert not page.has_next
    assert len(page.items) == 2


def test_no_natural_persons_name_in_the_list(published: Any) -> None:
    html = Client().get(reverse("portal:disclosure-list")).content.decode()
    assert CITIZEN_NAME not in html
    assert "王某" not in html
    assert published[1].party_name in html  # the organisation is named


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "保质期"}, 2),
        ({"q": "无证经营"}, 0),
        ({"sector": "market"}, 2),
        ({"sector": "nope"}, 0),
        ({"agency": "新城区"}, 2),
        ({"agency": "包头"}, 0),
        ({"date_from": "2025-09-26", "date_to": "2025-09-26"}, 2),
        ({"date_from": "2025-09-27"}, 0),
        ({"date_to": "2025-09-25"}, 0),
        ({"date_from": "not-a-date", "q": "保质期"}, 2),
    ],
)
def test_search_filters(published: Any, params: dict[str, str], expected: int,
                        django_assert_max_num_queries: Any) -> None:
    # performance.md B7 asks ≤10; a search is the page and the sector menu, plus the sector's or
    # the agencies' ids when those filters are given: 3 at most.
    with django_assert_max_num_queries(3):
        response = Client().get(reverse("portal:disclosure-list"), params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.searched is True
    assert len(page.items) == expected


def test_detail_by_token_and_uniform_404(published: Any) -> None:
    client = Client()
    d = published[0]
    response = client.get(reverse("portal:disclosure-detail", args=[d.public_token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王某" in body
    assert CITIZEN_NAME not in body
    assert d.case.party.id_number not in body
    assert client.get(reverse("portal:disclosure-detail", args=["x" * 32])).status_code == 404
    d.state = Disclosure.State.WITHDRAWN
    d.save()
    assert client.get(reverse("portal:disclosure-detail", args=[d.public_token])).status_code == 404


def test_search_is_rate_limited_per_ip(published: Any, settings: Any) -> None:
    settings.FAZHI_PUBLIC_RATE_LIMITS = {"search": 5}
    client = Client()
    url = reverse("portal:disclosure-list")
    statuses = [client.get(url, {"q": str(i)}).status_code for i in range(7)]
    assert statuses == [200] * 5 + [429, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200  # another IP


def test_default_limit_stops_200_searches_a_minute(published: Any) -> None:
    """PII-5: 200 searches/min from one IP → 429 (the default limit is 60/min)."""
    client = Client()
    url = reverse("portal:disclosure-list")
    statuses = [client.get(url, {"q": "x"}).status_code for _ in range(61)]
    assert statuses.count(200) == 60
    assert statuses[-1] == 429


def test_paging_is_bounded(case_factory: Any, django_assert_max_num_queries: Any) -> None:  # noqa: F811
    from fazhi.enforcement.selectors.disclosure import MAX_PAGES, PAGE_SIZE, disclosure_search

    case = case_factory()
    disclosure_after_transition(case)
    base = Disclosure.objects.get(case=case)
    rows = []
    for i in range(PAGE_SIZE + 5):
        c = case_factory()
        rows.append(Disclosure(
            case=c, public_token=f"tok{i:029d}", agency=base.agency, division=base.division,
            sector=base.sector, act_type="penalty", decision_number=f"N{i}",
            party_kind="organisation",
            party_name="某公司", violation="销售超过保质期的食品", decided_on=date(2025, 9, 1),
            due_on=date(2025, 9, 10), state="published", published_at=timezone.now(),
        ))
    Disclosure.objects.bulk_create(rows)
    with django_assert_max_num_queries(1):
        first = disclosure_search({"q": "保质期"}, 1)
    assert len(first.items) == PAGE_SIZE
    assert first.has_next
    second = disclosure_search({"q": "保质期"}, 2)
    assert len(second.items) == 6
    assert not second.has_next
    assert disclosure_search({"q": "保质期"}, 10_000).number == MAX_PAGES


# --------------------------------------------------------------------------- ex-ante lists


@pytest.fixture
def ex_ante(org_tree: Any, sector: Any, make_officer: Any) -> dict[str, Any]:
    from fazhi.enforcement.models import (
        AuthorityItem,
        BenchmarkTier,
        Certificate,
        DiscretionBenchmark,
        FirstViolationEntry,
        FirstViolationList,
    )

    today = timezone.localdate()
    officer = make_officer("周执法", agency=org_tree.xincheng_market)
    Certificate.objects.create(officer=officer, number="15010200001", sector=sector,
                               issued_on=today - timedelta(days=30),
                               expires_on=today + timedelta(days=365), state="active")
    revoked = make_officer("吴执法", agency=org_tree.baotou_market)
    Certificate.objects.create(officer=revoked, number="15020000002", sector=sector,
                               issued_on=today - timedelta(days=30),
                               expires_on=today + timedelta(days=365), state="revoked")
    item = AuthorityItem.objects.create(
        agency=org_tree.xincheng_market, code="A-1", act_type="penalty", sector=sector,
        name="对销售过期食品的处罚", is_published=True)
    AuthorityItem.objects.create(agency=org_tree.xincheng_market, code="A-2", act_type="penalty",
                                 name="未公布的事项", is_published=False)
    bench = DiscretionBenchmark.objects.create(item=item, valid_from=today - timedelta(days=1),
                                               is_published=True)
    BenchmarkTier.objects.create(benchmark=bench, level="lighter", fine_min=Decimal("50000"),
                                 fine_max=Decimal("80000"), circumstances="初次违法且及时改正")
    fv = FirstViolationList.objects.create(sector=sector, name="市场监管首违不罚清单",
                                           valid_from=today, is_published=True)
    FirstViolationEntry.objects.create(list=fv, violation_key="k1", description="未亮照经营")
    return {"officer": officer, "revoked": revoked}


@pytest.mark.parametrize(
    ("name", "shows", "hides"),
    [
        ("portal:subject-list", ["新城区市场监督管理局", "包头市市场监督管理局"], []),
        ("portal:officer-list", ["周执法", "15010200001", "市场监管"], ["吴执法"]),
        ("portal:authority-list", ["对销售过期食品的处罚", "初次违法且及时改正"], ["未公布的事项"]),
        ("portal:first-violation-list", ["市场监管首违不罚清单", "未亮照经营"], []),
    ],
)
def test_ex_ante_lists(ex_ante: dict[str, Any], name: str, shows: list[str], hides: list[str],
                       django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(8):
        response = Client().get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    for text in shows:
        assert text in body, text
    for text in hides:
        assert text not in body, text
    assert ex_ante["officer"].resident_id not in body  # never an ID number


def test_ex_ante_lists_filter_by_division_and_sector(ex_ante: dict[str, Any]) -> None:
    client = Client()
    body = client.get(reverse("portal:subject-list"), {"division": "150200"}).content.decode()
    assert "包头市市场监督管理局" in body
    assert "新城区市场监督管理局" not in body
    body = client.get(reverse("portal:officer-list"), {"division": "150100"}).content.decode()
    assert "周执法" in body
    body = client.get(reverse("portal:officer-list"), {"division": "150200"}).content.decode()
    assert "周执法" not in body
    body = client.get(reverse("portal:authority-list"), {"sector": "nope"}).content.decode()
    assert "对销售过期食品的处罚" not in body
