"""The certificate life through the services: table, events, audit entries, expiry sweep,
auxiliary refusal, officer scope (rulebook §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer
from fazhi.enforcement.rules.certificates import CertificateTransitionError
from fazhi.enforcement.selectors.registry import (
    officer_can_act,
    officer_list_for,
    officer_training_shortfall,
    training_hours,
)
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.tests.conftest import make_resident_id

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 1, 10)
EXPIRES = date(2032, 1, 9)


def _to(state: str, cert: Certificate, actor: Any = None, number: str = "15010201000001") -> Any:
    """Drive `cert` from APPLIED to `state` through the services."""
    path = {
        "applied": [],
        "exam_passed": ["pass_exam"],
        "issued": ["pass_exam", "issue"],
        "active": ["pass_exam", "issue", "activate"],
        "suspended": ["pass_exam", "issue", "activate", "suspend"],
        "revoked": ["pass_exam", "issue", "activate", "revoke"],
        "cancelled": ["cancel"],
        "expired": ["pass_exam", "issue", "activate", "expire"],
    }[state]
    for step in path:
        cert = _do(step, cert, actor, number)
    return cert


def _do(event: str, cert: Certificate, actor: Any = None, number: str = "15010201000001") -> Any:
    if event == "pass_exam":
        return services.certificate_pass_exam(actor=actor, certificate=cert)
    if event == "issue":
        return services.certificate_issue(
            actor=actor, certificate=cert, number=number, issued_on=ISSUED, expires_on=EXPIRES
        )
    if event == "activate":
        return services.certificate_activate(actor=actor, certificate=cert)
    if event == "expire":
        services.certificates_expire(today=date(2032, 1, 10), actor=actor)
        return Certificate.objects.get(pk=cert.pk)
    fn = getattr(services, f"certificate_{event}")
    return fn(actor=actor, certificate=cert, reason="依规定")


@pytest.fixture
def officer(make_officer: Any) -> Officer:
    return make_officer()


@pytest.fixture
def applied(officer: Officer, sector: Any) -> Certificate:
    return services.certificate_apply(actor=None, officer=officer, sector=sector, area="新城区")


LEGAL = [
    ("applied", "pass_exam", "exam_passed"),
    ("exam_passed", "issue", "issued"),
    ("issued", "activate", "active"),
    ("active", "suspend", "suspended"),
    ("suspended", "reinstate", "active"),
    ("active", "revoke", "revoked"),
    ("suspended", "revoke", "revoked"),
    ("applied", "cancel", "cancelled"),
    ("exam_passed", "cancel", "cancelled"),
    ("issued", "cancel", "cancelled"),
    ("active", "cancel", "cancelled"),
    ("suspended", "cancel", "cancelled"),
]
STATES = [
    "applied",
    "exam_passed",
    "issued",
    "active",
    "suspended",
    "revoked",
    "cancelled",
    "expired",
]
EVENTS = ["pass_exam", "issue", "activate", "suspend", "reinstate", "revoke", "cancel"]
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in {(a, b) for a, b, _ in LEGAL}]


@pytest.mark.parametrize(("start", "event", "end"), LEGAL)
def test_legal_transition_writes_event_and_audit(
    applied: Certificate, make_user: Any, org_tree: Any, start: str, event: str, end: str
) -> None:
    actor = make_user(
        "clerk", role="agency_leader", scope="agency", agency=org_tree.xincheng_market
    )
    cert = _to(start, applied, actor)
    events_before = CertificateEvent.objects.filter(certificate=cert).count()
    audit_before = AuditEntry.objects.count()
    cert = _do(event, cert, actor)
    cert.refresh_from_db()
    assert cert.state == end
    last = CertificateEvent.objects.filter(certificate=cert).order_by("-id").first()
    assert CertificateEvent.objects.filter(certificate=cert).count() == events_before + 1
    assert (last.event, last.from_state, last.to_state) == (event, start, end)
    assert last.actor == actor
    assert last.basis
    new = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))[audit_before:]
    badge = ["enforcement.badge.issue"] if event == "activate" else []  # activation signs it
    assert new == [f"enforcement.certificate.{event}", *badge]
    entry = AuditEntry.objects.filter(action=f"enforcement.certificate.{event}").latest("seq")
    assert entry.target_id == str(cert.pk)
    assert entry.actor_id == actor.pk


@pytest.mark.parametrize(("start", "event"), ILLEGAL)
def test_illegal_transition_refused_and_writes_nothing(
    applied: Certificate, start: str, event: str
) -> None:
    cert = _to(start, applied)
    events_before = CertificateEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CertificateTransitionError):
        _do(event, cert)
    cert.refresh_from_db()
    assert cert.state == start
    assert CertificateEvent.objects.count() == events_before
    assert AuditEntry.objects.count() == audit_before


def test_apply_writes_first_event_and_audit(officer: Officer, sector: Any) -> None:
    audit_before = AuditEntry.objects.count()
    cert = services.certificate_apply(actor=None, officer=officer, sector=sector)
    assert cert.state == "applied"
    assert cert.number is None
    (event,) = CertificateEvent.objects.filter(certificate=cert)
    assert (event.event, event.from_state, event.to_state) == ("apply", "", "applied")
    assert AuditEntry.objects.count() == audit_before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "enforcement.certificate.apply"


def test_full_history_in_order(applied: Certificate) -> None:
    cert = _to("suspended", applied)
    services.certificate_reinstate(actor=None, certificate=cert, reason="调查结束")
    history = list(
        CertificateEvent.objects.filter(certificate=cert).values_list("event", flat=True)
    )
    assert history == ["apply", "pass_exam", "issue", "activate", "suspend", "reinstate"]


def test_events_are_append_only(applied: Certificate) -> None:
    event = CertificateEvent.objects.get(certificate=applied)
    event.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.parametrize("event", ["suspend", "reinstate", "revoke", "cancel"])
def test_grounds_required(applied: Certificate, event: str) -> None:
    cert = _to("suspended" if event == "reinstate" else "active", applied)
    with pytest.raises(ValidationError):
        getattr(services, f"certificate_{event}")(actor=None, certificate=cert, reason="  ")


def test_issue_sets_number_and_default_six_year_validity(applied: Certificate) -> None:
    cert = services.certificate_pass_exam(actor=None, certificate=applied)
    cert = services.certificate_issue(
        actor=None, certificate=cert, number="N-1", issued_on=ISSUED, issuing_body="自治区人民政府"
    )
    assert (cert.number, cert.expires_on, cert.issuing_body) == (
        "N-1",
        EXPIRES,
        "自治区人民政府",
    )


def test_issue_refuses_expiry_not_after_issue(applied: Certificate) -> None:
    cert = services.certificate_pass_exam(actor=None, certificate=applied)
    with pytest.raises(ValidationError):
        services.certificate_issue(
            actor=None, certificate=cert, number="N-1", issued_on=ISSUED, expires_on=ISSUED
        )
    cert.refresh_from_db()
    assert cert.state == "exam_passed"


def test_certificate_number_unique(make_officer: Any, sector: Any, applied: Certificate) -> None:
    _to("issued", applied, number="DUP")
    other = services.certificate_apply(actor=None, officer=make_officer("李四"), sector=sector)
    other = services.certificate_pass_exam(actor=None, certificate=other)
    with pytest.raises(ValidationError):
        services.certificate_issue(
            actor=None, certificate=other, number="DUP", issued_on=ISSUED, expires_on=EXPIRES
        )


def test_db_constraints(applied: Certificate) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=applied.pk).update(
            number="X", issued_on=ISSUED, expires_on=ISSUED
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=applied.pk).update(state="active")


# --- expiry sweep -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "moved"),
    [(date(2032, 1, 8), 0), (EXPIRES, 0), (date(2032, 1, 10), 1), (date(2040, 1, 1), 1)],
)
@pytest.mark.parametrize("state", ["active", "suspended"])
def test_expiry_sweep_boundaries(applied: Certificate, state: str, today: date, moved: int) -> None:
    cert = _to(state, applied)
    audit_before = AuditEntry.objects.count()
    assert services.certificates_expire(today=today) == moved
    cert.refresh_from_db()
    assert cert.state == ("expired" if moved else state)
    assert AuditEntry.objects.count() == audit_before + moved
    if moved:
        last = CertificateEvent.objects.filter(certificate=cert).order_by("-id").first()
        assert (last.event, last.from_state, last.to_state) == ("expire", state, "expired")
        assert AuditEntry.objects.order_by("-seq").first().action == (
            "enforcement.certificate.expire"
        )


@pytest.mark.parametrize("state", ["applied", "exam_passed", "revoked", "cancelled"])
def test_expiry_sweep_leaves_other_states(applied: Certificate, state: str) -> None:
    cert = _to(state, applied)
    assert services.certificates_expire(today=date(2040, 1, 1)) == 0
    cert.refresh_from_db()
    assert cert.state == state


def test_expiry_sweep_is_idempotent(applied: Certificate) -> None:
    _to("active", applied)
    assert services.certificates_expire(today=date(2032, 1, 10)) == 1
    assert services.certificates_expire(today=date(2032, 1, 10)) == 0


# --- auxiliary staff ----------------------------------------------------------------------------


def test_auxiliary_staff_refused_a_certificate(make_officer: Any, sector: Any) -> None:
    helper = make_officer("王五", is_auxiliary=True)
    audit_before = AuditEntry.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        services.certificate_apply(actor=None, officer=helper, sector=sector)
    assert "辅助人员" in info.value.messages[0]
    assert not Certificate.objects.filter(officer=helper).exists()
    assert AuditEntry.objects.count() == audit_before


def test_auxiliary_staff_can_never_act(
    make_officer: Any, sector: Any, applied: Certificate
) -> None:
    cert = _to("active", applied)
    assert officer_can_act(cert.officer, date(2027, 1, 1))
    Officer.objects.filter(pk=cert.officer_id).update(is_auxiliary=True)
    cert.officer.refresh_from_db()
    assert not officer_can_act(cert.officer, date(2027, 1, 1))
    with pytest.raises(ValidationError):
        services.certificate_reinstate(
            actor=None, certificate=_to_suspended_raw(cert), reason="调查结束"
        )


def _to_suspended_raw(cert: Certificate) -> Certificate:
    return services.certificate_suspend(actor=None, certificate=cert, reason="接受调查")


@pytest.mark.parametrize(
    ("state", "day", "can"),
    [
        ("active", date(2026, 1, 9), False),
        ("active", ISSUED, True),
        ("active", EXPIRES, True),
        ("active", date(2032, 1, 10), False),
        ("suspended", date(2027, 1, 1), False),
        ("revoked", date(2027, 1, 1), False),
        ("issued", date(2027, 1, 1), False),
        ("cancelled", date(2027, 1, 1), False),
    ],
)
def test_officer_can_act(applied: Certificate, state: str, day: date, can: bool) -> None:
    cert = _to(state, applied)
    assert officer_can_act(cert.officer, day) is can


# --- officers and training ----------------------------------------------------------------------


def test_officer_create_validates_resident_id_and_audits(org_tree: Any) -> None:
    with pytest.raises(ValidationError):
        services.officer_create(
            actor=None, name="错号", resident_id="150102198506120000", agency=org_tree.baotou_market
        )
    rid = make_resident_id(900)
    officer = services.officer_create(
        actor=None, name="赵六", resident_id=rid.lower(), agency=org_tree.baotou_market
    )
    assert officer.resident_id == rid
    assert rid not in str(officer)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "enforcement.officer.create"
    assert rid not in entry.target_label
    assert rid not in str(entry.detail)


def test_training_hours_and_shortfall(officer: Officer) -> None:
    services.training_record(actor=None, officer=officer, year=2026, hours=40, course="行政处罚法")
    services.training_record(actor=None, officer=officer, year=2026, hours="19.5", course="执法")
    services.training_record(actor=None, officer=officer, year=2025, hours=60, course="旧")
    assert training_hours(officer, 2026) == Decimal("59.5")
    assert officer_training_shortfall(officer, 2026) == Decimal("0.5")
    assert officer_training_shortfall(officer, 2025) == 0
    assert AuditEntry.objects.filter(action="enforcement.training.record").count() == 3
    with pytest.raises(ValidationError):
        services.training_record(actor=None, officer=officer, year=2026, hours=0, course="空")


# --- scope --------------------------------------------------------------------------------------


def test_officer_list_for_is_scoped(make_officer: Any, make_user: Any, org_tree: Any) -> None:
    mine = make_officer("新城一", agency=org_tree.xincheng_market)
    hohhot = make_officer("呼市一", agency=org_tree.hohhot_market)
    baotou = make_officer("包头一", agency=org_tree.baotou_market)
    agency_user = make_user(
        "xc", role="agency_leader", scope="agency", agency=org_tree.xincheng_market
    )
    division_user = make_user(
        "hs",
        role="supervisor",
        scope="division",
        division=org_tree.hohhot,
        agency=org_tree.hohhot_market,
    )
    region_user = make_user("nm", role="supervisor", scope="region", division=org_tree.region)
    nobody = make_user("nobody")
    assert set(officer_list_for(agency_user, {})) == {mine}
    assert set(officer_list_for(division_user, {})) == {mine, hohhot}
    assert set(officer_list_for(region_user, {})) == {mine, hohhot, baotou}
    assert set(officer_list_for(region_user, {"agency": org_tree.baotou_market.pk})) == {baotou}
    assert set(officer_list_for(region_user, {"name": "呼市"})) == {hohhot}
    assert list(officer_list_for(nobody, {})) == []
