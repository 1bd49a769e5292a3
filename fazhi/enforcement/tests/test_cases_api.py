# ruff: noqa: F811 - the `world` fixture is imported
"""The case API (issue 4 §8): same scope as the pages, blocked steps answer 400 with the
article, the list pages without counting and with a bounded number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fazhi.enforcement.models import Case
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    open_case,
    world,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enforcement/cases/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_is_scoped_and_paged_without_count(
    world: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        open_case(world)
    stranger = make_user("baotou", role="officer", scope="agency", agency=world.other_agency)
    assert _client(stranger).get(BASE).json()["results"] == []
    client = _client(world.leader)
    with django_assert_max_num_queries(5):
        body = client.get(BASE, {"per_page": 2}).json()
    assert len(body["results"]) == 2
    assert body["has_next"] is True
    body2 = client.get(BASE, {"per_page": 2, "page": 2}).json()
    assert len(body2["results"]) == 1
    assert body2["has_next"] is False
    # The officer sees his own cases once each, although two officers are on each (self scope).
    mine = _client(world.officer_user).get(BASE).json()["results"]
    assert len(mine) == 3
    assert len({row["id"] for row in mine}) == 3


def test_detail_outside_scope_is_404(world: Any, make_user: Any) -> None:
    case = open_case(world)
    stranger = make_user("baotou", role="officer", scope="agency", agency=world.other_agency)
    assert _client(stranger).get(f"{BASE}{case.pk}/").status_code == 404
    assert (
        _client(stranger)
        .post(f"{BASE}{case.pk}/transitions/", {"to": "filed"}, content_type="application/json")
        .status_code
        == 404
    )
    assert _client(world.leader).get(f"{BASE}{case.pk}/").json()["number"] == case.number


def test_create_validates_party_identifier_in_chinese(world: Any) -> None:
    client = _client(world.officer_user)
    payload = {
        "act_type": "penalty",
        "procedure": "general",
        "title": "无照经营",
        "authority_item": world.item.pk,
        "officers": [o.pk for o in world.officers[:2]],
        "party": {"kind": "citizen", "name": "李四", "id_number": "150102198001010000"},
    }
    bad = client.post(BASE, payload, content_type="application/json")
    assert bad.status_code == 400, bad.json()
    assert "校验" in str(bad.json()["id_number"])
    payload["party"]["id_number"] = world.citizen.id_number
    made = client.post(BASE, payload, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["state"] == "clue"
    assert Case.objects.get(pk=made.json()["id"]).agency_id == world.agency.pk


def test_blocked_transition_names_the_article(world: Any) -> None:
    case = open_case(world, procedure="simple")
    client = _client(world.officer_user)
    resp = client.post(
        f"{BASE}{case.pk}/transitions/",
        {"to": "decided", "data": {"penalty_types": ["fine"], "fine_amount": "201"}},
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert "第五十一条" in " ".join(resp.json()["detail"])
    offered = client.get(f"{BASE}{case.pk}/transitions/").json()
    assert {row["to"] for row in offered} == {"decided", "not_filed"}
    ok = client.post(
        f"{BASE}{case.pk}/transitions/",
        {"to": "decided", "data": {"penalty_types": ["fine"], "fine_amount": "200"}},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["state"] == "decided"
    assert ok.json()["steps"][-1]["basis"] == "《行政处罚法》第五十二条"


def test_reviewer_cannot_move_cases_and_extension_needs_a_leader(world: Any) -> None:
    case = open_case(world)
    reviewer = _client(world.reviewer)
    assert (
        reviewer.post(
            f"{BASE}{case.pk}/transitions/", {"to": "filed"}, content_type="application/json"
        ).status_code
        == 403
    )
    _client(world.officer_user).post(
        f"{BASE}{case.pk}/transitions/", {"to": "filed"}, content_type="application/json"
    )
    assert (
        _client(world.officer_user)
        .post(
            f"{BASE}{case.pk}/extensions/",
            {"days": 30, "reason": "案情复杂"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    resp = _client(world.leader).post(
        f"{BASE}{case.pk}/extensions/",
        {"days": 30, "reason": "案情复杂"},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.json()
    case.refresh_from_db()
    assert case.decision_due_on is not None
    assert case.decision_due_on > case.filed_on


def test_schema_lists_the_case_endpoints(world: Any) -> None:
    resp = _client(world.leader).get("/api/schema/")
    if resp.status_code == 404:
        pytest.skip("schema not routed at /api/schema/")
    assert b"enforcement_case_transition" in resp.content


def test_date_only_filter(world: Any) -> None:
    open_case(world)
    client = _client(world.leader)
    today = date.today().isoformat()
    assert client.get(BASE, {"date_from": today}).json()["results"]
    assert client.get(BASE, {"date_to": "2000-01-01"}).json()["results"] == []


def test_list_matches_scoped_for_every_kind_of_grant(
    world: Any, make_user: Any, org_tree: Any
) -> None:
    """case_list_for rewrites the scope for speed (semi-join for self, division ids for small
    subtrees); it must select exactly what scoped() selects, once each."""
    from fazhi.accounts.models import RoleAssignment
    from fazhi.core.scope import scoped
    from fazhi.enforcement.selectors.cases import case_list_for

    mine = [open_case(world) for _ in range(2)]
    for _ in range(2):
        open_case(world, officers=world.officers[1:])
    mixed = make_user("mixed", role="officer", scope="self", agency=world.agency)
    RoleAssignment.objects.create(
        user=mixed, role="supervisor", scope="division", division=org_tree.baotou
    )
    world.officers[0].user = mixed
    world.officers[0].save()
    users = [
        world.officer_user,  # self only (officer 0 was re-linked: sees nothing now)
        mixed,  # self + a division without these cases
        world.leader,  # agency
        make_user("county", role="supervisor", scope="division", division=org_tree.xincheng),
        make_user("city", role="supervisor", scope="division", division=org_tree.hohhot),
        make_user("far", role="supervisor", scope="division", division=org_tree.donghe),
        make_user("all", role="supervisor", scope="region"),
    ]
    for user in users:
        expected = set(scoped(Case.objects.all(), user).values_list("pk", flat=True))
        got = list(case_list_for(user).values_list("pk", flat=True))
        assert len(got) == len(set(got)), user.username
        assert set(got) == expected, user.username
    assert set(case_list_for(mixed).values_list("pk", flat=True)) == {c.pk for c in mine}
    filtered = case_list_for(users[-1], {"division": org_tree.hohhot.code})
    assert filtered.count() == 4
    assert case_list_for(users[-1], {"division": org_tree.donghe.code}).count() == 0
    assert case_list_for(users[-1], {"division": "999999"}).count() == 0
