# ruff: noqa: F811 - the fixtures are imported
"""The documents API (issue 4 §5, §8): list, generate and download a case's documents and read its
case code, scoped exactly like the case detail API (404 for a case the caller cannot see), the
page's service and guards (400 in Chinese), the same stored bytes and audit entries."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.test import Client

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import CaseCode, CaseDocument
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    case_factory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enforcement/cases/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(make_user: Any, org_tree: Any) -> Any:
    return make_user("xc-officer", role="officer", scope="agency", agency=org_tree.xincheng_market)


@pytest.fixture
def baotou(make_user: Any, org_tree: Any) -> Any:
    """An officer of another league (包头市), who must not learn the case exists."""
    return make_user("bt-officer", role="officer", scope="agency", agency=org_tree.baotou_market)


def _pdf_bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_list_generate_and_download(case_factory: Any, officer: Any) -> None:
    case = case_factory()
    client = _client(officer)
    url = f"{BASE}{case.pk}/documents/"
    assert client.get(url).json() == []

    made = client.post(url, {"kind": "filing_approval"}, content_type="application/json")
    assert made.status_code == 201, made.json()
    body = made.json()
    document = CaseDocument.objects.get()
    assert body["id"] == document.pk
    assert body["kind"] == "filing_approval"
    assert body["title"] == "立案审批表"
    assert body["number"] == document.number
    assert body["sha256"] == document.sha256
    assert body["pdf_url"] == f"{url}{document.pk}/pdf/"

    listed = client.get(url).json()
    assert [row["id"] for row in listed] == [document.pk]

    response = client.get(body["pdf_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = _pdf_bytes(response)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    with document.file.open("rb") as stored:
        assert data == stored.read()  # the stored bytes, as the page serves them

    actions = list(
        AuditEntry.objects.filter(target_id=str(case.pk)).values_list("action", "actor_id")
    )
    assert ("enforcement.document.generate", officer.pk) in actions
    assert ("enforcement.document.download", officer.pk) in actions


def test_a_user_of_another_league_gets_404_for_every_route(
    case_factory: Any, officer: Any, baotou: Any
) -> None:
    case = case_factory()
    document = (
        _client(officer)
        .post(
            f"{BASE}{case.pk}/documents/",
            {"kind": "filing_approval"},
            content_type="application/json",
        )
        .json()
    )
    client = _client(baotou)
    for url in (
        f"{BASE}{case.pk}/documents/",
        f"{BASE}{case.pk}/documents/{document['id']}/pdf/",
        f"{BASE}{case.pk}/case-code/",
    ):
        assert client.get(url).status_code == 404, url
        assert (
            client.post(
                url, {"kind": "filing_approval"}, content_type="application/json"
            ).status_code
            == 404
        ), url
        assert client.delete(url).status_code == 404, url
    # a client that asks for a PDF gets the same 404 (as JSON), not a 406
    pdf = client.get(
        f"{BASE}{case.pk}/documents/{document['id']}/pdf/", HTTP_ACCEPT="application/pdf"
    )
    assert pdf.status_code == 404
    assert pdf["Content-Type"].startswith("application/json")
    assert CaseDocument.objects.count() == 1
    downloads = AuditEntry.objects.filter(action="enforcement.document.download")
    assert not downloads.exists()


@pytest.mark.parametrize(
    ("procedure", "decided", "kind", "message"),
    [
        ("general", False, "decision", "案件尚未作出处罚决定。"),
        ("general", False, "service_receipt", "没有需要送达的决定书"),
        ("general", True, "on_the_spot_decision", "只适用于简易程序"),
        ("simple", True, "decision", "适用于普通程序"),
    ],
)
def test_a_kind_the_case_does_not_allow_is_400_in_chinese(
    case_factory: Any, officer: Any, procedure: str, decided: bool, kind: str, message: str
) -> None:
    case = case_factory(
        procedure=procedure,
        decided_on=date(2025, 9, 26) if decided else None,
        state="decided" if decided else "investigating",
    )
    response = _client(officer).post(
        f"{BASE}{case.pk}/documents/", {"kind": kind}, content_type="application/json"
    )
    assert response.status_code == 400
    assert any(message in m for m in response.json()["detail"]), response.json()
    assert not CaseDocument.objects.exists()
    assert not CaseCode.objects.exists()


def test_an_unknown_kind_is_400_on_the_field(case_factory: Any, officer: Any) -> None:
    case = case_factory()
    response = _client(officer).post(
        f"{BASE}{case.pk}/documents/", {"kind": "nonsense"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not CaseDocument.objects.exists()


def test_only_officers_and_leaders_generate(
    case_factory: Any, make_user: Any, org_tree: Any
) -> None:
    """Generating is a write of the case API: a legal reviewer or a supervisor who can see the
    case reads its documents but does not generate them (403 after the scope check)."""
    case = case_factory()
    url = f"{BASE}{case.pk}/documents/"
    for user in (
        make_user(
            "xc-reviewer", role="legal_reviewer", scope="agency", agency=org_tree.xincheng_market
        ),
        make_user("region", role="supervisor", scope="region"),
    ):
        client = _client(user)
        assert client.get(url).status_code == 200
        assert (
            client.post(
                url, {"kind": "filing_approval"}, content_type="application/json"
            ).status_code
            == 403
        )
    assert not CaseDocument.objects.exists()


def test_a_document_is_reached_only_through_its_own_case(case_factory: Any, officer: Any) -> None:
    first, second = case_factory(), case_factory()
    client = _client(officer)
    document = client.post(
        f"{BASE}{first.pk}/documents/", {"kind": "filing_approval"}, content_type="application/json"
    ).json()
    assert client.get(f"{BASE}{second.pk}/documents/{document['id']}/pdf/").status_code == 404
    assert client.get(f"{BASE}{first.pk}/documents/{document['id']}/pdf/").status_code == 200


def test_an_officer_of_the_case_with_the_self_scope_sees_its_documents(
    case_factory: Any, make_user: Any, org_tree: Any
) -> None:
    """Scoped like the case detail API: the self scope reaches the case through its officers."""
    case = case_factory()
    other = case_factory()
    mine = make_user("self-officer", role="officer", scope="self", agency=org_tree.xincheng_market)
    linked = case.officers.first().officer
    linked.user = mine
    linked.save(update_fields=["user"])
    client = _client(mine)
    made = client.post(
        f"{BASE}{case.pk}/documents/", {"kind": "prior_notice"}, content_type="application/json"
    )
    assert made.status_code == 201, made.json()
    assert _pdf_bytes(client.get(made.json()["pdf_url"])).startswith(b"%PDF-")
    assert client.get(f"{BASE}{other.pk}/documents/").status_code == 404


def test_case_code_url_is_the_one_the_documents_print(
    case_factory: Any, officer: Any, make_user: Any, org_tree: Any
) -> None:
    from fazhi.enforcement.services.documents import case_code_find, case_code_issue

    case = case_factory()
    client = _client(officer)
    before = client.get(f"{BASE}{case.pk}/case-code/").json()
    assert before == {
        "issued": False,
        "url": None,
        "expires_on": None,
        "revoked": False,
        "live": False,
    }
    assert not CaseCode.objects.exists()  # reading never issues a code

    client.post(
        f"{BASE}{case.pk}/documents/", {"kind": "filing_approval"}, content_type="application/json"
    )
    body = client.get(f"{BASE}{case.pk}/case-code/").json()
    _code, token = case_code_issue(case)
    assert body["issued"] is True
    assert body["url"].endswith(f"/public/c/{token}/")
    assert body["expires_on"] == "2026-04-25"  # decision + 6 months + 30 days
    assert case_code_find(token, today=date(2025, 10, 1)).case_id == case.pk
    # a supervisor who can see the case reads the same URL
    supervisor = make_user("hh", role="supervisor", scope="division", division=org_tree.hohhot)
    assert _client(supervisor).get(f"{BASE}{case.pk}/case-code/").json()["url"] == body["url"]


def test_the_list_runs_a_bounded_number_of_queries(
    case_factory: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    case = case_factory()
    client = _client(officer)
    for kind in ("filing_approval", "prior_notice", "hearing_notice", "filing_approval"):
        assert (
            client.post(
                f"{BASE}{case.pk}/documents/", {"kind": kind}, content_type="application/json"
            ).status_code
            == 201
        )
    # session, user, roles, case, documents, and the session's save (3): none per document
    with django_assert_max_num_queries(8):
        rows = client.get(f"{BASE}{case.pk}/documents/").json()
    assert len(rows) == 4
    assert {r["title"] for r in rows} == {"立案审批表", "行政处罚事先告知书", "听证告知书"}


def test_schema_documents_the_document_routes(officer: Any) -> None:
    schema = (
        _client(officer).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    paths = schema["paths"]
    prefix = "/api/v1/enforcement/cases/{id}/"
    assert set(paths[prefix + "documents/"]) >= {"get", "post"}
    pdf = paths[prefix + "documents/{doc_pk}/pdf/"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    assert "一案一码" in paths[prefix + "case-code/"]["get"]["description"]
