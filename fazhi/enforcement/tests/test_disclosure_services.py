"""Disclosure services: publication after a decision, withdrawal after revocation (art. 48),
policy review, and the redacted stored copy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.enforcement.models import Disclosure, DisclosurePolicy
from fazhi.enforcement.services.disclosure import (
    disclosure_after_transition,
    disclosure_publish,
    disclosure_withdraw,
)
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    CITIZEN_NAME,
    CITIZEN_PHONE,
    PLATE,
    case_factory,
)


def test_a_decided_penalty_case_is_published_redacted(case_factory: Any) -> None:  # noqa: F811
    from fazhi.audit.models import AuditEntry

    case = case_factory()
    disclosure_after_transition(case, actor=None)
    d = Disclosure.objects.get(case=case)
    assert d.state == Disclosure.State.PUBLISHED
    assert d.published_at is not None
    assert d.due_on == date(2025, 10, 13)  # 7 working days across National Day 2025
    assert d.party_name == "王某"
    assert d.party_kind == "citizen"
    stored = " ".join([d.party_name, d.violation, d.facts, d.outcome, d.basis])
    for secret in (CITIZEN_NAME, case.party.id_number, CITIZEN_PHONE, PLATE, "海拉尔东街12号"):
        assert secret not in stored, secret
    assert "呼和浩特市新城区***" in d.facts
    assert "蒙A*****" in d.facts
    assert d.outcome == "警告；罚款人民币5,000.00元"
    assert len(d.public_token) == 32
    assert AuditEntry.objects.filter(action="enforcement.disclosure.publish").count() == 1
    disclosure_after_transition(case, actor=None)  # idempotent
    assert Disclosure.objects.count() == 1
    assert AuditEntry.objects.filter(action="enforcement.disclosure.publish").count() == 1


def test_an_organisation_is_named(case_factory: Any) -> None:  # noqa: F811
    case = case_factory(party_kind="organisation")
    disclosure_after_transition(case)
    d = Disclosure.objects.get(case=case)
    assert d.party_name == case.party.name
    assert d.party_kind == "organisation"


@pytest.mark.parametrize(
    ("state", "decided", "act_type", "published"),
    [
        ("investigating", False, "penalty", False),
        ("legal_review", False, "penalty", False),
        ("decided", True, "penalty", True),
        ("served", True, "licensing", True),
        ("closed", True, "coercion", True),
        ("decided", True, "inspection", False),
    ],
)
def test_which_cases_are_disclosed(case_factory: Any, state: str, decided: bool, act_type: str,  # noqa: F811
                                   published: bool) -> None:
    case = case_factory(state=state, decided_on=date(2025, 9, 26) if decided else None,
                        act_type=act_type)
    disclosure_after_transition(case)
    assert Disclosure.objects.filter(case=case, state="published").exists() is published


def test_other_decisions_are_due_in_20_working_days(case_factory: Any) -> None:  # noqa: F811
    case = case_factory(act_type="coercion")
    disclosure_after_transition(case)
    assert Disclosure.objects.get(case=case).due_on == date(2025, 10, 30)


def test_a_sector_that_reviews_first_leaves_it_pending(case_factory: Any, sector: Any) -> None:  # noqa: F811
    DisclosurePolicy.objects.create(sector=sector, review_before_publishing=True,
                                    penalty_deadline_wd=5)
    case = case_factory()
    disclosure_after_transition(case)
    d = Disclosure.objects.get(case=case)
    assert d.state == "pending"
    assert d.published_at is None
    assert d.due_on == date(2025, 10, 10)  # 5 working days
    disclosure_publish(actor=None, case=case)
    d.refresh_from_db()
    assert d.state == "published"


def test_an_undecided_case_cannot_be_published(case_factory: Any) -> None:  # noqa: F811
    case = case_factory(state="investigating", decided_on=None)
    with pytest.raises(ValidationError, match="尚未作出决定"):
        disclosure_publish(actor=None, case=case)


def test_a_revoked_decision_is_withdrawn_within_3_working_days(case_factory: Any) -> None:  # noqa: F811
    case = case_factory()
    disclosure_after_transition(case)
    case.state = "terminated"
    case.revoked_at = timezone.make_aware(datetime(2025, 9, 30, 9))
    case.revocation_reason = "复议机关决定撤销"
    case.save()
    disclosure_after_transition(case)
    d = Disclosure.objects.get(case=case)
    assert d.state == "withdrawn"
    assert d.withdrawn_at is not None
    assert d.withdraw_due_on == date(2025, 10, 11)  # 9, 10, 11 (make-up Saturday) Oct
    assert "第四十八条" in d.withdraw_reason
    assert "复议机关决定撤销" in d.withdraw_reason
    disclosure_after_transition(case)  # stays withdrawn, not re-published
    d.refresh_from_db()
    assert d.state == "withdrawn"


def test_manual_withdrawal_records_the_reason(case_factory: Any) -> None:  # noqa: F811
    case = case_factory()
    disclosure_after_transition(case)
    d = disclosure_withdraw(actor=None, disclosure=Disclosure.objects.get(case=case),
                            reason="复议机关决定撤销", revoked_on=date(2025, 9, 19))
    assert (d.state, d.withdraw_reason, d.withdraw_due_on) == (
        "withdrawn", "复议机关决定撤销", date(2025, 9, 24)
    )


def test_display_period_ends_public_display(case_factory: Any, sector: Any) -> None:  # noqa: F811
    from fazhi.enforcement.selectors.disclosure import public_disclosures

    DisclosurePolicy.objects.create(sector=sector, display_days=90)
    case = case_factory()
    disclosure_after_transition(case)
    d = Disclosure.objects.get(case=case)
    assert d.display_until == date(2025, 12, 25)
    assert public_disclosures(today=date(2025, 12, 25)).filter(pk=d.pk).exists()
    assert not public_disclosures(today=date(2025, 12, 26)).filter(pk=d.pk).exists()


def test_back_office_list_is_scoped_and_flags_overdue(
    case_factory: Any, sector: Any, make_user: Any, org_tree: Any, client: Any  # noqa: F811
) -> None:
    from django.urls import reverse

    DisclosurePolicy.objects.create(sector=sector, review_before_publishing=True)
    own = case_factory()
    other = case_factory(agency=org_tree.baotou_market)
    for case in (own, other):
        disclosure_after_transition(case)
    user = make_user("xc", role="officer", scope="agency", agency=org_tree.xincheng_market)
    client.force_login(user)
    response = client.get(reverse("enforcement:disclosure-list"), {"overdue": "1"})
    assert response.status_code == 200
    assert own.number.encode() in response.content
    assert other.number.encode() not in response.content
    assert "已逾期".encode() in response.content or b"overdue" in response.content
    # publish from the list, scoped
    url = reverse("enforcement:disclosure-publish", args=[other.pk])
    assert client.post(url).status_code == 404
    # who enforces publishes (谁执法谁公示): a supervisor over the agency sees, but may not act
    watcher = make_user("watcher", role="supervisor", scope="division", division=org_tree.hohhot)
    client.force_login(watcher)
    assert client.post(reverse("enforcement:disclosure-publish", args=[own.pk])).status_code == 403
    assert Disclosure.objects.get(case=own).state != "published"
    client.force_login(user)
    client.post(reverse("enforcement:disclosure-publish", args=[own.pk]))
    assert Disclosure.objects.get(case=own).state == "published"
    # withdraw needs a reason, and stays in scope
    client.post(reverse("enforcement:disclosure-publish", args=[own.pk]))
    foreign = Disclosure.objects.get(case=other)
    url = reverse("enforcement:disclosure-withdraw", args=[foreign.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    d = Disclosure.objects.get(case=own)
    client.force_login(watcher)
    withdraw = reverse("enforcement:disclosure-withdraw", args=[d.pk])
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    client.force_login(user)
    client.post(reverse("enforcement:disclosure-withdraw", args=[d.pk]), {"reason": ""})
    d.refresh_from_db()
    assert d.state == "published"
    client.post(reverse("enforcement:disclosure-withdraw", args=[d.pk]), {"reason": "决定已撤销"})
    d.refresh_from_db()
    assert d.state == "withdrawn"


def test_case_panel_shows_the_disclosure(case_factory: Any) -> None:  # noqa: F811
    from django.template.loader import render_to_string

    case = case_factory()
    assert "publish" not in render_to_string("enforcement/disclosure/_case_panel.html",
                                              {"case": case}).lower()
    disclosure_after_transition(case)
    case.refresh_from_db()
    html = render_to_string("enforcement/disclosure/_case_panel.html", {"case": case})
    d = Disclosure.objects.get(case=case)
    assert d.public_token in html
    assert "王某" in html
