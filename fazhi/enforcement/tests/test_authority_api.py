"""API of authority items, benchmarks and first-violation lists: scope, rules, schema."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from fazhi.enforcement.models import AuthorityItem, DiscretionBenchmark, FirstViolationList
from fazhi.enforcement.services import authority as services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enforcement/"


@pytest.fixture
def users(org_tree: Any, make_user: Any) -> Any:
    o = org_tree

    class U:
        leader = make_user("leader", role="agency_leader", scope="agency", agency=o.xincheng_market)
        officer = make_user("officer", role="officer", scope="agency", agency=o.xincheng_market)
        baotou = make_user("bt", role="legal_reviewer", scope="agency", agency=o.baotou_market)

    return U


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def tier_rows(heavier_max: str = "2000") -> list[dict[str, Any]]:
    return [
        {"level": "no_penalty"},
        {"level": "lighter", "penalty_types": ["fine"], "fine_min": "200", "fine_max": "740"},
        {"level": "ordinary", "penalty_types": ["fine"], "fine_min": "740", "fine_max": "1460"},
        {"level": "heavier", "penalty_types": ["fine"], "fine_min": "1460",
         "fine_max": heavier_max},
    ]


def test_item_create_list_detail_publish(
    org_tree: Any, users: Any, django_assert_max_num_queries: Any
) -> None:
    c = client(users.leader)
    response = c.post(BASE + "authority-items/", {
        "agency": org_tree.xincheng_market.pk, "act_type": "penalty", "name": "对超速的处罚",
        "penalty_types": ["fine"], "fine_min": "200", "fine_max": "2000",
        "responsible_post": "执法一科",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["code"] == "CF0001"
    for n in range(5):
        services.authority_item_create(actor=None, agency=org_tree.xincheng_market,
                                       act_type="inspection", name=f"检查{n}")
    with django_assert_max_num_queries(7):
        listed = c.get(BASE + "authority-items/", {"act_type": "penalty"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    with django_assert_max_num_queries(7):
        detail = c.get(BASE + f"authority-items/{pk}/").json()
    assert detail["benchmarks"] == []
    published = c.post(BASE + f"authority-items/{pk}/publish/").json()
    assert published["is_published"] is True
    assert published["published_at"]
    patched = c.patch(BASE + f"authority-items/{pk}/", {"fine_min": "3000"},
                      content_type="application/json")
    assert patched.status_code == 400
    assert "fine_max" in patched.json()


def test_scope_and_roles(org_tree: Any, users: Any) -> None:
    theirs = services.authority_item_create(
        actor=None, agency=org_tree.baotou_market, act_type="penalty", name="包头事项BTMARK"
    )
    c = client(users.leader)
    assert "BTMARK" not in c.get(BASE + "authority-items/").content.decode()
    assert c.get(BASE + f"authority-items/{theirs.pk}/").status_code == 404
    assert c.patch(BASE + f"authority-items/{theirs.pk}/", {"name": "x"},
                   content_type="application/json").status_code == 404
    assert c.post(BASE + f"authority-items/{theirs.pk}/publish/").status_code == 404
    # managing another agency's list is refused even with a valid id
    response = c.post(BASE + "authority-items/", {
        "agency": org_tree.baotou_market.pk, "act_type": "penalty", "name": "越权",
    }, content_type="application/json")
    assert response.status_code == 403
    response = client(users.officer).post(BASE + "authority-items/", {
        "agency": org_tree.xincheng_market.pk, "act_type": "penalty", "name": "x",
    }, content_type="application/json")
    assert response.status_code == 403
    assert not AuthorityItem.objects.filter(name__in=["越权", "x"]).exists()
    assert Client().get(BASE + "authority-items/").status_code == 403


def test_benchmark_api_rules_and_versions(org_tree: Any, users: Any) -> None:
    item = services.authority_item_create(
        actor=None, agency=org_tree.xincheng_market, act_type="penalty", name="对超速的处罚",
        penalty_types=["fine"], fine_min=D(200), fine_max=D(2000),
    )
    c = client(users.leader)
    bad = c.post(BASE + "benchmarks/", {"item": item.pk, "valid_from": "2026-01-01",
                                        "tiers": tier_rows("2000.01")},
                 content_type="application/json")
    assert bad.status_code == 400
    (finding,) = bad.json()["tiers"]
    assert finding["code"] == "above_statutory_max"
    assert finding["tier"] == "heavier"
    assert "第三十四条" in finding["basis"]
    assert "2,000.01" in finding["message"]
    assert not DiscretionBenchmark.objects.exists()
    ok = c.post(BASE + "benchmarks/", {"item": item.pk, "valid_from": "2026-01-01",
                                       "tiers": tier_rows()}, content_type="application/json")
    assert ok.status_code == 201, ok.json()
    first = ok.json()["id"]
    assert c.post(BASE + f"benchmarks/{first}/publish/").json()["is_published"] is True
    second = c.post(BASE + "benchmarks/", {"item": item.pk, "valid_from": "2026-07-01",
                                           "tiers": tier_rows()},
                    content_type="application/json").json()["id"]
    c.post(BASE + f"benchmarks/{second}/publish/")
    assert c.get(BASE + f"benchmarks/{first}/").json()["valid_to"] == "2026-06-30"
    overlap = c.post(BASE + "benchmarks/", {"item": item.pk, "valid_from": "2026-03-01",
                                            "tiers": tier_rows()},
                     content_type="application/json")
    assert overlap.status_code == 400
    assert overlap.json()["tiers"][0]["code"] == "overlap_published"
    frozen = c.patch(BASE + f"benchmarks/{first}/", {"tiers": tier_rows()},
                     content_type="application/json")
    assert frozen.status_code == 400
    listed = c.get(BASE + "benchmarks/", {"item": item.pk}).json()
    assert [r["id"] for r in listed["results"]] == [second, first]
    assert client(users.baotou).get(BASE + f"benchmarks/{first}/").status_code == 404


def test_first_violation_list_api(org_tree: Any, users: Any) -> None:
    c = client(users.leader)
    response = c.post(BASE + "first-violation-lists/", {
        "name": "新城区首违不罚清单", "sector": "market",
        "issuing_agency": org_tree.xincheng_market.pk, "valid_from": "2026-01-01",
        "lookback_days": 365,
        "entries": [{"violation_key": "food-safety-law/art-126", "description": "未查验",
                     "correction_days": 10}],
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == "150102"
    assert body["entries"][0]["violation_key"] == "food-safety-law/art-126"
    pk = body["id"]
    patched = c.patch(BASE + f"first-violation-lists/{pk}/", {"lookback_days": 730},
                      content_type="application/json")
    assert patched.json()["lookback_days"] == 730
    published = c.post(BASE + f"first-violation-lists/{pk}/publish/").json()
    assert published["is_published"] is True
    assert c.patch(BASE + f"first-violation-lists/{pk}/", {"lookback_days": 1},
                   content_type="application/json").status_code == 400
    assert client(users.baotou).get(BASE + f"first-violation-lists/{pk}/").status_code == 404
    assert FirstViolationList.objects.get().lookback_days == 730


def test_schema_documents_the_routes(users: Any) -> None:
    schema = client(users.leader).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for route in ("authority-items/", "authority-items/draft/", "authority-items/{id}/",
                  "benchmarks/", "benchmarks/{id}/publish/", "first-violation-lists/{id}/"):
        assert "/api/v1/enforcement/" + route in paths, route
