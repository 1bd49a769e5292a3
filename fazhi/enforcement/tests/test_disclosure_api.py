# ruff: noqa: F811 - the fixtures are imported
"""The disclosure API for staff (issue 4 §6, §8): the scoped list with its filters and keyset
pages, one disclosure (the redacted public copy), and publish / withdraw with the deciding
agency's duty (谁执法谁公示) and art. 48 ¶2's reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import Disclosure, DisclosurePolicy
from fazhi.enforcement.services.disclosure import disclosure_after_transition
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    CITIZEN_NAME,
    CITIZEN_PHONE,
    PLATE,
    case_factory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enforcement/disclosures/"
CASES = "/api/v1/enforcement/cases/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _disclose(case: Any) -> Disclosure:
    disclosure_after_transition(case)
    return Disclosure.objects.get(case=case)


@pytest.fixture
def users(make_user: Any, org_tree: Any) -> Any:
    from types import SimpleNamespace

    xc = org_tree.xincheng_market
    return SimpleNamespace(
        officer=make_user("xc-officer", role="officer", scope="agency", agency=xc),
        leader=make_user("xc-leader", role="agency_leader", scope="agency", agency=xc),
        reviewer=make_user("xc-reviewer", role="legal_reviewer", scope="agency", agency=xc),
        hohhot=make_user("hh-sup", role="supervisor", scope="division", division=org_tree.hohhot),
        region=make_user("region", role="supervisor", scope="region"),
        baotou=make_user(
            "bt-officer", role="officer", scope="agency", agency=org_tree.baotou_market
        ),
    )


@pytest.fixture
def published(case_factory: Any, org_tree: Any) -> Any:
    """Published disclosures: a citizen's and a company's case in Xincheng (Hohhot), one case in
    Baotou decided a day later."""
    return [
        _disclose(case_factory()),
        _disclose(case_factory(party_kind="organisation")),
        _disclose(case_factory(agency=org_tree.baotou_market, decided_on=date(2025, 9, 27))),
    ]


@pytest.fixture
def pending(case_factory: Any) -> Disclosure:
    """A disclosure waiting for a person to check the redaction (the sector's policy)."""
    DisclosurePolicy.objects.create(sector=None, review_before_publishing=True)
    disclosure = _disclose(case_factory())
    assert disclosure.state == Disclosure.State.PENDING
    return disclosure


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_list_is_scoped(published: Any, users: Any) -> None:
    xc1, xc2, bt = (d.pk for d in published)
    assert _ids(_client(users.officer).get(BASE)) == {xc1, xc2}
    assert _ids(_client(users.hohhot).get(BASE)) == {xc1, xc2}
    assert _ids(_client(users.baotou).get(BASE)) == {bt}
    assert _ids(_client(users.region).get(BASE)) == {xc1, xc2, bt}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {0, 1, 2}),
        ({"division": "150200"}, {2}),
        ({"division": "150102"}, {0, 1}),
        ({"division": "999999"}, set()),
        ({"sector": "market"}, {0, 1, 2}),
        ({"sector": "nope"}, set()),
        ({"state": "published"}, {0, 1, 2}),
        ({"state": "pending"}, set()),
        ({"overdue": "true"}, set()),
        ({"date_from": "2025-09-27"}, {2}),
        ({"date_to": "2025-09-26"}, {0, 1}),
        ({"date_from": "2025-09-26", "date_to": "2025-09-26"}, {0, 1}),
        ({"q": "保质期"}, {0, 1, 2}),
        ({"q": "无证经营"}, set()),
    ],
)
def test_the_list_filters(
    published: Any, users: Any, params: dict[str, str], expected: set[int]
) -> None:
    got = _ids(_client(users.region).get(BASE, params))
    assert got == {published[i].pk for i in expected}


def test_the_agency_filter_and_bad_input(published: Any, users: Any, org_tree: Any) -> None:
    client = _client(users.region)
    assert _ids(client.get(BASE, {"agency": org_tree.baotou_market.pk})) == {published[2].pk}
    for params in ({"agency": "abc"}, {"date_from": "2025-13-01"}, {"state": "gone"}):
        response = client.get(BASE, params)
        assert response.status_code == 400, params
        assert set(response.json()) == set(params)


def test_the_list_pages_by_cursor_without_counting(
    published: Any, users: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(users.region)
    with django_assert_max_num_queries(9):
        first = client.get(BASE, {"per_page": 2}).json()
    assert "count" not in first
    assert [row["id"] for row in first["results"]] == [published[2].pk, published[1].pk]
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [published[0].pk]
    assert second["next"] is None


def test_the_list_runs_the_same_queries_for_more_rows(
    case_factory: Any, users: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(users.region)
    _disclose(case_factory())
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(BASE).json()["results"]) == 1
    for _ in range(4):
        _disclose(case_factory(party_kind="organisation"))
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(BASE).json()["results"]) == 5
    assert not any("COUNT(" in q["sql"].upper() for q in one.captured_queries)


def test_staff_see_the_redacted_copy(published: Any, users: Any) -> None:
    citizen = published[0]
    body = _client(users.officer).get(f"{BASE}{citizen.pk}/").json()
    text = str(body)
    assert body["party_name"] == "王某"
    assert body["case"] == citizen.case_id
    assert body["public_url"] == f"/public/disclosures/{citizen.public_token}/"
    for secret in (CITIZEN_NAME, citizen.case.party.id_number, CITIZEN_PHONE, PLATE):
        assert secret not in text, secret
    assert "销售超过保质期的食品" in body["facts"]


def test_detail_and_actions_outside_scope_are_404(published: Any, users: Any) -> None:
    bt = published[2]
    client = _client(users.officer)
    for url in (
        f"{BASE}{bt.pk}/",
        f"{BASE}{bt.pk}/publish/",
        f"{BASE}{bt.pk}/withdraw/",
        f"{CASES}{bt.case_id}/disclosure/",
    ):
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
        ), url
    bt.refresh_from_db()
    assert bt.state == Disclosure.State.PUBLISHED


def test_publish_is_the_deciding_agencys_duty(pending: Disclosure, users: Any) -> None:
    url = f"{BASE}{pending.pk}/publish/"
    assert _client(users.baotou).post(url).status_code == 404
    for user in (users.reviewer, users.hohhot, users.region):  # they see it, it is not theirs
        response = _client(user).post(url)
        assert response.status_code == 403, user.username
        assert response.json()["detail"] == (
            "只有作出决定的执法机关的执法人员和负责人可以公开或者撤回其决定（谁执法谁公示）。"
        )
    pending.refresh_from_db()
    assert pending.state == Disclosure.State.PENDING

    response = _client(users.officer).post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "published"
    assert response.json()["public_url"].endswith(f"/{pending.public_token}/")
    again = _client(users.leader).post(url)
    assert again.status_code == 200
    publications = AuditEntry.objects.filter(action="enforcement.disclosure.publish")
    assert list(publications.values_list("actor_id", flat=True)) == [users.officer.pk]


def test_withdraw_needs_the_duty_and_a_reason(published: Any, users: Any) -> None:
    disclosure = published[0]
    url = f"{BASE}{disclosure.pk}/withdraw/"
    assert (
        _client(users.region)
        .post(url, {"reason": "复议撤销"}, content_type="application/json")
        .status_code
        == 403
    )
    client = _client(users.leader)
    blank = client.post(url, {"reason": "  "}, content_type="application/json")
    assert blank.status_code == 400
    assert blank.json()["reason"] == ["请填写撤回理由（《行政处罚法》第四十八条）。"]
    disclosure.refresh_from_db()
    assert disclosure.state == Disclosure.State.PUBLISHED

    done = client.post(url, {"reason": "复议机关决定撤销"}, content_type="application/json")
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "withdrawn"
    assert done.json()["withdraw_reason"] == "复议机关决定撤销"
    assert done.json()["public_url"] is None
    assert (
        AuditEntry.objects.filter(
            action="enforcement.disclosure.withdraw", actor_id=users.leader.pk
        ).count()
        == 1
    )
    # withdrawing again changes nothing; a withdrawn decision is not published again
    assert (
        client.post(url, {"reason": "再次"}, content_type="application/json").json()[
            "withdraw_reason"
        ]
        == "复议机关决定撤销"
    )
    refused = client.post(f"{BASE}{disclosure.pk}/publish/")
    assert refused.status_code == 400
    assert refused.json()["detail"] == ["已撤回的决定不再重新公开。"]
    disclosure.refresh_from_db()
    assert disclosure.state == Disclosure.State.WITHDRAWN


def test_a_pending_disclosure_cannot_be_withdrawn(pending: Disclosure, users: Any) -> None:
    response = _client(users.officer).post(
        f"{BASE}{pending.pk}/withdraw/", {"reason": "误操作"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == ["只有已公开的决定才能撤回。"]


def test_publish_through_the_case(case_factory: Any, users: Any) -> None:
    decided = case_factory()
    undecided = case_factory(decided_on=None, state="investigating")
    client = _client(users.officer)
    url = f"{CASES}{decided.pk}/disclosure/"
    assert client.get(url).status_code == 404  # nothing disclosed yet
    assert _client(users.reviewer).post(url).status_code == 403
    made = client.post(url)
    assert made.status_code == 201, made.json()
    assert made.json()["state"] == "published"
    assert made.json()["party_name"] == "王某"
    assert client.get(url).json()["id"] == Disclosure.objects.get(case=decided).pk
    assert client.post(url).status_code == 200  # again: no change
    refused = client.post(f"{CASES}{undecided.pk}/disclosure/")
    assert refused.status_code == 400
    assert "尚未作出决定" in refused.json()["detail"][0]
    assert not Disclosure.objects.filter(case=undecided).exists()


def test_schema_documents_the_disclosure_routes(users: Any) -> None:
    schema = (
        _client(users.officer)
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    paths = schema["paths"]
    for route in (
        "disclosures/",
        "disclosures/{id}/",
        "disclosures/{id}/publish/",
        "disclosures/{id}/withdraw/",
        "cases/{id}/disclosure/",
    ):
        assert "/api/v1/enforcement/" + route in paths, route
    params = {p["name"] for p in paths["/api/v1/enforcement/disclosures/"]["get"]["parameters"]}
    assert {
        "division",
        "agency",
        "sector",
        "state",
        "date_from",
        "date_to",
        "q",
        "cursor",
    } <= params
