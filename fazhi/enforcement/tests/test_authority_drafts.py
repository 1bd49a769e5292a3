"""Drafting an item and its benchmark from a real penalty provision, and the demo seed (the legal
library is loaded once for this module)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from fazhi.enforcement.models import AuthorityBasis, FirstViolationList
from fazhi.enforcement.rules.benchmarks import check_tiers
from fazhi.enforcement.selectors import authority as selectors
from fazhi.enforcement.services import authority as services
from fazhi.enforcement.services.authority import authority_demo_seed, statutory_range
from fazhi.laws.models import Provision


@pytest.fixture
def art124(laws: None) -> Provision:
    from fazhi.enforcement.forms.authority import provision_by_key

    provision = provision_by_key("food-safety-law/art-124")
    assert provision is not None
    return provision


def test_draft_from_food_safety_124(org_tree: Any, art124: Provision) -> None:
    item = services.authority_item_draft_from_provision(
        actor=None, agency=org_tree.xincheng_market, provision=art124,
        benchmark_from=date(2026, 1, 1), region=org_tree.xincheng,
    )
    assert item.act_type == "penalty"
    assert item.violation_key == "food-safety-law/art-124"
    assert item.source_provision == art124
    assert (item.fine_min, item.fine_max) == (D(50000), D(100000))
    assert set(item.penalty_types) == {
        "fine", "confiscate_gains", "confiscate_property", "revoke_permit"
    }
    roles = {(b.provision.key, b.role) for b in item.bases.select_related("provision")}
    assert ("food-safety-law/art-124", AuthorityBasis.Role.PENALTY) in roles
    (benchmark,) = item.benchmarks.all()
    assert not benchmark.is_published
    assert benchmark.draft["tiers"]  # the library's draft kept for the reader
    tiers = {t.level: t for t in benchmark.tiers.all()}
    assert list(tiers) == ["no_penalty", "mitigated", "lighter", "ordinary", "heavier"]
    assert (tiers["lighter"].fine_min, tiers["lighter"].fine_max) == (D(50000), D(65000))
    assert (tiers["ordinary"].fine_min, tiers["ordinary"].fine_max) == (D(65000), D(85000))
    assert (tiers["heavier"].fine_min, tiers["heavier"].fine_max) == (D(85000), D(100000))
    assert tiers["mitigated"].requires_legal_review
    assert "revoke_permit" in tiers["heavier"].penalty_types
    assert "revoke_permit" not in tiers["lighter"].penalty_types
    # what was drafted passes the benchmark rules as it stands
    rows = services.benchmark_tier_rows(benchmark)
    assert check_tiers(statutory_range(item), [services._tier_spec(r) for r in rows]) == []


def test_draft_from_an_item_of_the_article_uses_the_article(
    org_tree: Any, art124: Provision
) -> None:
    child = art124.children.first()
    item = services.authority_item_draft_from_provision(
        actor=None, agency=org_tree.xincheng_market, provision=child,
    )
    assert item.violation_key == "food-safety-law/art-124"


def test_draft_refuses_a_provision_without_penalty(org_tree: Any, laws: None) -> None:
    from django.core.exceptions import ValidationError

    duty = Provision.objects.filter(key="food-safety-law/art-1").first()
    with pytest.raises(ValidationError):
        services.authority_item_draft_from_provision(
            actor=None, agency=org_tree.xincheng_market, provision=duty
        )


def test_demo_seed(org_tree: Any, laws: None) -> None:
    agency = org_tree.xincheng_market
    items = authority_demo_seed(agency, laws=True, on=date(2026, 1, 1))
    keys = [i.violation_key for i in items]
    assert keys == [
        "food-safety-law/art-124", "food-safety-law/art-126", "advertising-law/art-58"
    ]
    assert all(i.is_published for i in items)
    for item in items:
        found = selectors.benchmark_in_force(item, date(2026, 5, 1))
        assert found is not None
        assert found.region == org_tree.xincheng
    fvl = selectors.first_violation_list_for("market", org_tree.xincheng, date(2026, 5, 1))
    assert fvl is not None
    assert len(fvl.entries.all()) == 2
    # idempotent, and explicit keys work (a road-traffic one)
    again = authority_demo_seed(agency, laws=["food-safety-law/art-124",
                                              "road-traffic-safety-law/art-90", "no-such/art-1"],
                                on=date(2026, 1, 1))
    assert [i.violation_key for i in again] == [
        "food-safety-law/art-124", "road-traffic-safety-law/art-90"
    ]
    assert FirstViolationList.objects.filter(issuing_agency=agency).count() == 1


def test_draft_page_previews_then_saves(
    org_tree: Any, make_user: Any, art124: Provision, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    from fazhi.enforcement.models import AuthorityItem

    leader = make_user("leader", role="agency_leader", scope="agency",
                       agency=org_tree.xincheng_market)
    client = Client()
    client.force_login(leader)
    url = reverse("enforcement:authority-draft")
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(37):
        preview = client.get(url, {"agency": org_tree.xincheng_market.pk,
                                   "key": "food-safety-law/art-124"})
    text = preview.content.decode()
    assert "food-safety-law/art-124" in text
    assert "50000" in text
    preview = client.post(url, {"agency": org_tree.xincheng_market.pk, "provision": art124.pk,
                                "preview": "1"})
    assert "50000" in preview.content.decode()
    assert not AuthorityItem.objects.exists()
    response = client.post(url, {"agency": org_tree.xincheng_market.pk, "provision": art124.pk,
                                 "benchmark_from": "2026-01-01", "responsible_post": "食品科"})
    assert response.status_code == 302
    item = AuthorityItem.objects.get()
    assert item.responsible_post == "食品科"
    detail = client.get(reverse("enforcement:authority-detail", args=[item.pk])).content.decode()
    assert art124.get_absolute_url() in detail.replace("&amp;", "&")
    assert "从轻" in detail
    bad = client.post(url, {"agency": org_tree.xincheng_market.pk, "key": "food-safety-law/art-1"})
    assert bad.status_code == 200
    assert AuthorityItem.objects.count() == 1


def test_draft_api(org_tree: Any, make_user: Any, art124: Provision) -> None:
    from django.test import Client

    leader = make_user("leader", role="legal_reviewer", scope="agency",
                       agency=org_tree.xincheng_market)
    client = Client()
    client.force_login(leader)
    response = client.post("/api/v1/enforcement/authority-items/draft/", {
        "agency": org_tree.xincheng_market.pk, "key": "road-traffic-safety-law/art-90",
        "benchmark_from": "2026-01-01",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["violation_key"] == "road-traffic-safety-law/art-90"
    assert (body["fine_min"], body["fine_max"]) == ("20.00", "200.00")
    (benchmark,) = body["benchmarks"]
    tiers = {t["level"]: t for t in benchmark["tiers"]}
    assert (tiers["lighter"]["fine_min"], tiers["lighter"]["fine_max"]) == ("20.00", "74.00")
    assert tiers["mitigated"]["requires_legal_review"] is True
    other = make_user("bt", role="legal_reviewer", scope="agency", agency=org_tree.baotou_market)
    client.force_login(other)
    refused = client.post("/api/v1/enforcement/authority-items/draft/", {
        "agency": org_tree.xincheng_market.pk, "key": "road-traffic-safety-law/art-90",
    }, content_type="application/json")
    assert refused.status_code == 403
