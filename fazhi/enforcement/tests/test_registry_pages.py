"""Registry pages: scoped lists with filters and query budgets, officer detail with the
certificate steps allowed to the right roles only, masked resident IDs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fazhi.enforcement.models import Certificate
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.tests.conftest import make_resident_id


def active_certificate(officer: Any, sector: Any, number: str) -> Certificate:
    c = services.certificate_apply(actor=None, officer=officer, sector=sector)
    c = services.certificate_pass_exam(actor=None, certificate=c)
    c = services.certificate_issue(actor=None, certificate=c, number=number,
                                   issued_on=date(2024, 1, 10))
    return services.certificate_activate(actor=None, certificate=c)


@pytest.fixture
def registry(org_tree: Any, make_officer: Any, make_user: Any, sector: Any) -> Any:
    o = org_tree

    class R:
        pass

    r = R()
    r.org = o
    r.sector = sector
    for agency in (o.hohhot_market, o.xincheng_market, o.baotou_market):
        services.subject_create(actor=None, agency=agency, domain="市场监管")
    services.subject_publish(actor=None, subject=o.xincheng_market.enforcement_subject)
    r.zhang = make_officer("张三", agency=o.xincheng_market)
    r.cert = active_certificate(r.zhang, sector, "150102-01-0001")
    r.li = make_officer("李四", agency=o.xincheng_market)
    r.aux = make_officer("王辅", agency=o.xincheng_market, is_auxiliary=True)
    r.baotou = make_officer("赵包头", agency=o.baotou_market)
    r.supervisor = make_user("sup", role="supervisor", scope="region", agency=o.hohhot_market)
    r.hohhot_sup = make_user("hsup", role="supervisor", scope="division", division=o.hohhot,
                             agency=o.hohhot_market)
    r.leader = make_user("lead", role="agency_leader", scope="agency", agency=o.xincheng_market)
    r.officer_user = make_user("off", role="officer", scope="agency", agency=o.xincheng_market)
    return r


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_subject_list_scoped_filtered_and_bounded(registry: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    url = reverse("enforcement:subject-list")
    client = client_for(registry.hohhot_sup)
    with django_assert_max_num_queries(9):
        body = client.get(url).content.decode()
    assert "新城区市场监督管理局" in body
    assert "呼和浩特市市场监督管理局" in body
    assert "包头市市场监督管理局" not in body
    body = client.get(url, {"published": "1"}).content.decode()
    assert "新城区市场监督管理局" in body
    assert "呼和浩特市市场监督管理局" not in body
    body = client.get(url, {"division": "150102"}).content.decode()
    assert "呼和浩特市市场监督管理局" not in body
    assert "新城区市场监督管理局" in body
    body = client.get(url, {"kind": "entrusted"}).content.decode()
    assert "新城区市场监督管理局" not in body
    body = client.get(url, {"sector": "market"}).content.decode()
    assert "新城区市场监督管理局" in body


def test_subject_list_query_count_does_not_grow(registry: Any, org_tree: Any,
                                                django_assert_max_num_queries: Any) -> None:
    from conftest import make_credit_code
    from fazhi.orgs.models import Agency

    for i in range(30):
        agency = Agency.objects.create(
            name=f"机关{i}", credit_code=make_credit_code("150102", 200 + i), kind="statutory",
            sector=registry.sector, government=org_tree.xincheng_market.government,
        )
        services.subject_create(actor=None, agency=agency)
    client = client_for(registry.supervisor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("enforcement:subject-list"))
    assert response.content.decode().count("机关") >= 30


def test_subject_detail_officers_and_counts(registry: Any,
                                            django_assert_max_num_queries: Any) -> None:
    url = reverse("enforcement:subject-detail", args=[registry.org.xincheng_market.pk])
    client = client_for(registry.leader)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "张三" in body
    assert "李四" in body
    assert "150102-01-0001" in body
    counts = {c.state: c.count for c in response.context["counts"]}
    assert counts["active"] == 1
    assert counts["applied"] == 0
    # out of scope: 404
    other = reverse("enforcement:subject-detail", args=[registry.org.baotou_market.pk])
    assert client_for(registry.leader).get(other).status_code == 404


def test_officer_list_filters_and_no_resident_ids(registry: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    url = reverse("enforcement:officer-list")
    client = client_for(registry.supervisor)
    with django_assert_max_num_queries(7):
        body = client.get(url).content.decode()
    assert all(n in body for n in ("张三", "李四", "王辅", "赵包头"))
    assert registry.zhang.resident_id not in body
    assert registry.zhang.resident_id[:6] + "*" not in body
    body = client.get(url, {"state": "active"}).content.decode()
    assert "张三" in body
    assert "李四" not in body
    body = client.get(url, {"auxiliary": "1"}).content.decode()
    assert "王辅" in body
    assert "张三" not in body
    body = client.get(url, {"name": "李"}).content.decode()
    assert "李四" in body
    assert "张三" not in body
    body = client.get(url, {"agency": registry.org.baotou_market.pk}).content.decode()
    assert "赵包头" in body
    assert "张三" not in body
    body = client_for(registry.leader).get(url).content.decode()
    assert "赵包头" not in body
    assert "张三" in body


def test_officer_list_query_count_does_not_grow(registry: Any, make_officer: Any,
                                                django_assert_max_num_queries: Any) -> None:
    for i in range(40):
        officer = make_officer(f"人员{i}", agency=registry.org.xincheng_market)
        services.certificate_apply(actor=None, officer=officer, sector=registry.sector)
    client = client_for(registry.supervisor)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("enforcement:officer-list"))
    assert response.context["page"].paginator.count == 44


def test_officer_detail_history_training_and_masked_id(
    registry: Any, django_assert_max_num_queries: Any
) -> None:
    services.training_record(actor=None, officer=registry.zhang, year=2025, hours=Decimal("40"),
                             course="行政处罚法")
    services.training_record(actor=None, officer=registry.zhang, year=2025, hours=20,
                             course="食品安全法")
    url = reverse("enforcement:officer-detail", args=[registry.zhang.pk])
    client = client_for(registry.leader)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    rid = registry.zhang.resident_id
    assert rid not in body
    assert rid[0] + "*" * 16 + rid[-1] in body  # masked by fazhi.core.redaction
    years = {t.year: t for t in response.context["training"]}
    assert years[2025].hours == 60
    assert years[2025].met
    assert not years[date.today().year].met or date.today().year == 2025
    # the history: apply, pass exam, issue, activate
    assert [e.event for e in response.context["rows"][0]["certificate"].events.all()] == [
        "apply", "pass_exam", "issue", "activate"]
    # the leader may suspend and cancel an active certificate, not revoke it
    assert [a for a, _ in response.context["rows"][0]["actions"]] == ["suspend", "cancel"]
    # an officer-role user sees neither the ID nor any action
    response = client_for(registry.officer_user).get(url)
    assert "*" * 16 not in response.content.decode()
    assert response.context["rows"][0]["actions"] == []
    assert response.context["apply_form"] is None


def step(client: Client, certificate: Any, **data: Any) -> Any:
    return client.post(reverse("enforcement:certificate-step", args=[certificate.pk]), data)


def test_supervisor_walks_a_certificate_through_its_life(registry: Any) -> None:
    client = client_for(registry.supervisor)
    response = client.post(
        reverse("enforcement:certificate-apply", args=[registry.li.pk]),
        {"sector": registry.sector.pk, "area": "新城区"},
    )
    assert response.status_code == 302
    cert = Certificate.objects.get(officer=registry.li)
    assert step(client, cert, action="pass_exam").status_code == 302
    step(client, cert, action="issue", number="150102-01-0002", issued_on="2025-05-01")
    step(client, cert, action="activate")
    cert.refresh_from_db()
    assert (cert.state, cert.expires_on) == ("active", date(2031, 4, 30))
    step(client, cert, action="suspend", reason="涉嫌违纪，接受调查")
    step(client, cert, action="reinstate", reason="调查结束")
    step(client, cert, action="revoke", reason="出借执法证件")
    cert.refresh_from_db()
    assert cert.state == "revoked"
    assert list(cert.events.values_list("event", flat=True)) == [
        "apply", "pass_exam", "issue", "activate", "suspend", "reinstate", "revoke"]
    # an illegal step shows the table's Chinese message and changes nothing
    response = step(client, cert, action="reinstate", reason="再试", follow=True)
    cert.refresh_from_db()
    assert cert.state == "revoked"


def test_reason_is_required_for_revocation(registry: Any) -> None:
    client = client_for(registry.supervisor)
    response = client.post(
        reverse("enforcement:certificate-step", args=[registry.cert.pk]),
        {"action": "revoke", "reason": ""}, follow=True,
    )
    registry.cert.refresh_from_db()
    assert registry.cert.state == "active"
    assert "请填写办理事由" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("leader", "revoke", 403),  # revocation is the issuing government's (supervisor) step
        ("officer_user", "suspend", 403),
        ("officer_user", "cancel", 403),
        ("leader", "suspend", 302),
    ],
)
def test_roles_are_enforced(registry: Any, who: str, action: str, status: int) -> None:
    response = step(client_for(getattr(registry, who)), registry.cert, action=action,
                    reason="理由")
    assert response.status_code == status
    registry.cert.refresh_from_db()
    assert registry.cert.state == ("suspended" if status == 302 else "active")


def test_steps_outside_scope_are_404(registry: Any, make_user: Any) -> None:
    baotou_leader = make_user("bl", role="agency_leader", scope="agency",
                              agency=registry.org.baotou_market)
    client = client_for(baotou_leader)
    assert step(client, registry.cert, action="suspend", reason="x").status_code == 404
    assert client.get(reverse("enforcement:certificate-step",
                              args=[registry.cert.pk])).status_code == 404
    response = client.post(reverse("enforcement:certificate-apply", args=[registry.li.pk]),
                           {"sector": registry.sector.pk})
    assert response.status_code == 404
    assert not Certificate.objects.filter(officer=registry.li).exists()


def test_auxiliary_staff_get_no_application(registry: Any) -> None:
    client = client_for(registry.supervisor)
    response = client.get(reverse("enforcement:officer-detail", args=[registry.aux.pk]))
    assert response.context["apply_form"] is None
    response = client.post(reverse("enforcement:certificate-apply", args=[registry.aux.pk]),
                           {"sector": registry.sector.pk}, follow=True)
    assert not Certificate.objects.filter(officer=registry.aux).exists()
    assert "辅助人员" in response.content.decode()


def test_subject_edit_and_publish_by_supervisor_only(registry: Any) -> None:
    pk = registry.org.hohhot_market.pk
    url = reverse("enforcement:subject-edit", args=[pk])
    assert client_for(registry.leader).get(url).status_code in {403, 404}
    client = client_for(registry.hohhot_sup)
    assert client.get(url).status_code == 200
    response = client.post(url, {"qualification_basis": "三定方案", "basis_provisions": "",
                                 "domain": "市场监管", "area": "呼和浩特市",
                                 "entrustment_document": ""})
    assert response.status_code == 302
    assert client.post(url, {"publish": "1"}).status_code == 302
    subject = registry.org.hohhot_market.enforcement_subject
    subject.refresh_from_db()
    assert subject.area == "呼和浩特市"
    assert subject.is_published
    # statutory organs have no entrustment document: the form shows the error
    response = client.post(url, {"qualification_basis": "", "basis_provisions": "",
                                 "domain": "", "area": "", "entrustment_document": "某委托书"})
    assert response.status_code == 200
    assert "委托" in response.content.decode()


def test_resident_id_test_fixture_is_valid() -> None:
    from fazhi.core.identifiers import validate_resident_id

    assert validate_resident_id(make_resident_id(5)) == make_resident_id(5)


def test_register_an_agency_of_the_tree_as_subject(registry: Any, org_tree: Any) -> None:
    from conftest import make_credit_code
    from fazhi.orgs.models import Agency

    organ = Agency.objects.create(
        name="新城区农牧局", credit_code=make_credit_code("150102", 300), kind="statutory",
        sector=registry.sector, government=org_tree.xincheng_market.government,
    )
    url = reverse("enforcement:subject-create")
    assert client_for(registry.leader).get(url).status_code == 403
    client = client_for(registry.hohhot_sup)
    response = client.get(url)
    assert list(response.context["form"].fields["agency"].queryset) == [organ]
    response = client.post(url, {"agency": organ.pk, "qualification_basis": "三定方案",
                                 "basis_provisions": "", "domain": "农牧", "area": "",
                                 "entrustment_document": ""})
    assert response.status_code == 302
    assert organ.enforcement_subject.domain == "农牧"
    # an agency outside the scope is not a valid choice
    other = Agency.objects.create(
        name="东河区农牧局", credit_code=make_credit_code("150202", 301), kind="statutory",
        sector=registry.sector, government=org_tree.baotou_market.government,
    )
    response = client.post(url, {"agency": other.pk, "qualification_basis": "",
                                 "basis_provisions": "", "domain": "", "area": "",
                                 "entrustment_document": ""})
    assert response.status_code == 200
    assert not hasattr(Agency.objects.get(pk=other.pk), "enforcement_subject")
