"""Writes to the officer registry: officers, the certificate life, training hours.

Every write runs in one transaction, goes through the transition table of
`fazhi.enforcement.rules.certificates`, appends a `CertificateEvent` and leaves an audit entry.
The certificate row is locked (select_for_update) before its state is read, so two concurrent
transitions on one certificate serialise and the second one is judged on the first one's result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.audit.services import audit_record
from fazhi.core.identifiers import IdentifierError, validate_resident_id
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer, TrainingRecord
from fazhi.enforcement.rules.certificates import (
    EXPIRABLE_STATES,
    IM_REVIEW_CYCLE_MONTHS,
    CertificateState,
    default_expiry,
    may_hold_certificate,
    transition,
)
from fazhi.enforcement.rules.certificates import CertificateEvent as Event
from fazhi.orgs.models import Agency, Sector


def _certificate_snapshot(certificate: Certificate) -> dict[str, Any]:
    return {
        "state": certificate.state,
        "number": certificate.number,
        "issued_on": certificate.issued_on.isoformat() if certificate.issued_on else None,
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "issuing_body": certificate.issuing_body,
    }


def _require_eligible(officer: Officer) -> None:
    """Auxiliary staff may not hold a certificate (rulebook §8 "Who may hold one" [PRAC];
    《行政处罚法》第四十二条 requires enforcement qualification)."""
    if not may_hold_certificate(is_auxiliary=officer.is_auxiliary):
        raise ValidationError(
            _(
                "Auxiliary staff may not hold an enforcement certificate; they may only assist "
                "certified officers (rulebook §8)."
            ),
            code="auxiliary",
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the grounds for this step."), code="reason")
    return reason


@transaction.atomic
def officer_create(
    *,
    actor: Any,
    name: str,
    resident_id: str,
    agency: Agency,
    user: Any = None,
    is_auxiliary: bool = False,
) -> Officer:
    """Register an officer (or an auxiliary staff member) of `agency`."""
    try:
        resident_id = validate_resident_id(resident_id)
    except IdentifierError as exc:
        raise ValidationError({"resident_id": [str(exc)]}) from exc
    officer = Officer(
        name=(name or "").strip(),
        resident_id=resident_id,
        agency=agency,
        user=user,
        is_auxiliary=is_auxiliary,
    )
    officer.full_clean(exclude=["resident_id"])
    officer.save()
    # The ID number never enters the audit detail; `after` is stored only as a digest.
    audit_record(
        actor=actor,
        action="enforcement.officer.create",
        target=officer,
        after={"name": officer.name, "agency": agency.pk, "is_auxiliary": is_auxiliary},
        detail={"agency": agency.pk, "is_auxiliary": is_auxiliary},
    )
    return officer


def _lock(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().select_related("officer").get(pk=certificate.pk)


def _apply_event(
    certificate: Certificate,
    event: Event,
    *,
    actor: Any,
    reason: str = "",
    at: datetime | None = None,
    changes: dict[str, Any] | None = None,
) -> Certificate:
    """Move a locked certificate through `event`: the table decides the next state (or raises
    CertificateTransitionError); the event row and the audit entry are written in the same
    transaction as the state change."""
    step = transition(certificate.state, event)
    before = _certificate_snapshot(certificate)
    from_state = certificate.state
    for field, value in (changes or {}).items():
        setattr(certificate, field, value)
    certificate.state = step.target.value
    certificate.full_clean(exclude=["officer", "sector"])
    certificate.save()
    at = at or timezone.now()
    CertificateEvent.objects.create(
        certificate=certificate,
        event=event.value,
        from_state=from_state,
        to_state=certificate.state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        reason=reason,
        basis=step.basis,
    )
    audit_record(
        actor=actor,
        action=f"enforcement.certificate.{event.value}",
        target=certificate,
        before=before,
        after=_certificate_snapshot(certificate),
        detail={"from": from_state, "to": certificate.state, "basis": step.basis},
        at=at,
    )
    return certificate


@transaction.atomic
def certificate_apply(
    *,
    actor: Any,
    officer: Officer,
    sector: Sector,
    area: str = "",
    issuing_body: str = "",
    review_cycle_months: int = IM_REVIEW_CYCLE_MONTHS,
    reason: str = "",
) -> Certificate:
    """Open an application for a certificate (state APPLIED). Auxiliary staff are refused."""
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    _require_eligible(officer)
    certificate = Certificate(
        officer=officer,
        sector=sector,
        area=area,
        issuing_body=issuing_body,
        review_cycle_months=review_cycle_months,
        state=CertificateState.APPLIED.value,
    )
    certificate.full_clean()
    certificate.save()
    at = timezone.now()
    CertificateEvent.objects.create(
        certificate=certificate,
        event=Event.APPLY.value,
        from_state="",
        to_state=certificate.state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="enforcement.certificate.apply",
        target=certificate,
        after=_certificate_snapshot(certificate),
        detail={"officer": officer.pk, "sector": sector.pk},
        at=at,
    )
    return certificate


@transaction.atomic
def certificate_pass_exam(*, actor: Any, certificate: Certificate, reason: str = "") -> Certificate:
    """Record the passed qualification exam (outline 2021–2025 [P])."""
    certificate = _lock(certificate)
    _require_eligible(certificate.officer)
    return _apply_event(certificate, Event.PASS_EXAM, actor=actor, reason=reason)


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    certificate: Certificate,
    number: str,
    issued_on: date,
    expires_on: date | None = None,
    issuing_body: str | None = None,
    reason: str = "",
) -> Certificate:
    """Issue the certificate: number and validity (default: 6 years, decree No. 96 [IM])."""
    certificate = _lock(certificate)
    _require_eligible(certificate.officer)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": [_("An issued certificate needs a number.")]})
    expires_on = expires_on or default_expiry(issued_on)
    if expires_on <= issued_on:
        raise ValidationError(
            {"expires_on": [_("The expiry date must be later than the issue date.")]}
        )
    changes: dict[str, Any] = {"number": number, "issued_on": issued_on, "expires_on": expires_on}
    if issuing_body is not None:
        changes["issuing_body"] = issuing_body
    return _apply_event(certificate, Event.ISSUE, actor=actor, reason=reason, changes=changes)


@transaction.atomic
def certificate_activate(*, actor: Any, certificate: Certificate, reason: str = "") -> Certificate:
    """Put an issued certificate into use (penalty law art. 42)."""
    certificate = _lock(certificate)
    _require_eligible(certificate.officer)
    return _apply_event(certificate, Event.ACTIVATE, actor=actor, reason=reason)


@transaction.atomic
def certificate_suspend(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """暂扣: under investigation, failed review or training [PRAC]. Grounds are required."""
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    return _apply_event(certificate, Event.SUSPEND, actor=actor, reason=reason)


@transaction.atomic
def certificate_reinstate(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Return a suspended certificate to use once the ground has gone [PRAC]."""
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    _require_eligible(certificate.officer)
    return _apply_event(certificate, Event.REINSTATE, actor=actor, reason=reason)


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """吊销 for abuse of power, favouritism, serious misconduct, lending or altering the
    certificate, criminal penalty or dismissal [PRAC]. Grounds are required."""
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    return _apply_event(certificate, Event.REVOKE, actor=actor, reason=reason)


@transaction.atomic
def certificate_cancel(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """注销 on leaving the post, retirement, death, resignation or change of unit [PRAC]."""
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    return _apply_event(certificate, Event.CANCEL, actor=actor, reason=reason)


@transaction.atomic
def certificates_expire(*, today: date, actor: Any = None) -> int:
    """Move every active or suspended certificate whose expiry date has passed (expires_on <
    today; the expiry day itself is still valid) to EXPIRED. Returns how many moved. Idempotent."""
    due = (
        Certificate.objects.select_for_update()
        .select_related("officer")
        .filter(state__in=[s.value for s in EXPIRABLE_STATES], expires_on__lt=today)
        .order_by("pk")
    )
    moved = 0
    for certificate in due:
        _apply_event(
            certificate,
            Event.EXPIRE,
            actor=actor,
            reason=_("Validity ended on %(day)s.") % {"day": certificate.expires_on.isoformat()},
        )
        moved += 1
    return moved


@transaction.atomic
def training_record(
    *, actor: Any, officer: Officer, year: int, hours: Decimal | int | str, course: str
) -> TrainingRecord:
    """Record hours of in-service training (≥ 60 a year is the target, outline 2021–2025 [P])."""
    record = TrainingRecord(
        officer=officer, year=year, hours=Decimal(str(hours)), course=(course or "").strip()
    )
    record.full_clean()
    if record.hours <= 0:
        raise ValidationError({"hours": [_("Training hours must be more than zero.")]})
    record.save()
    audit_record(
        actor=actor,
        action="enforcement.training.record",
        target=record,
        detail={"officer": officer.pk, "year": year, "hours": str(record.hours)},
    )
    return record
