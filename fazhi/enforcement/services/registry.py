"""Writes to the officer registry: officers, the certificate life, training hours.

Every write runs in one transaction, goes through the transition table of
`fazhi.enforcement.rules.certificates`, appends a `CertificateEvent` and leaves an audit entry.
The certificate row is locked (select_for_update) before its state is read, so two concurrent
transitions on one certificate serialise and the second one is judged on the first one's result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.accounts.rules.roles import Role
from fazhi.audit.services import audit_record
from fazhi.core.identifiers import IdentifierError, validate_resident_id
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer, TrainingRecord
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.rules.certificates import (
    EXPIRABLE_STATES,
    IM_REVIEW_CYCLE_MONTHS,
    CertificateState,
    default_expiry,
    may_hold_certificate,
    transition,
)
from fazhi.enforcement.rules.certificates import CertificateEvent as Event
from fazhi.orgs.models import Agency, AgencyKind, Sector


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
    """Put an issued certificate into use (penalty law art. 42) and sign its badge, so the
    officer can print a card anyone can verify (issue 4 §2)."""
    from fazhi.enforcement.services.badges import badge_issue_for

    certificate = _lock(certificate)
    _require_eligible(certificate.officer)
    certificate = _apply_event(certificate, Event.ACTIVATE, actor=actor, reason=reason)
    badge_issue_for(certificate, actor=actor)
    return certificate


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


#: Most hours one record may carry: a year of full-time study is about 2,000 hours, a rotation
#: course a few dozen; more than this in one entry is a typing error.
TRAINING_HOURS_MAX = Decimal(1000)
#: The first year the registry takes (TrainingRecord's check constraint).
TRAINING_FIRST_YEAR = 2000


def training_problems(
    *, year: Any, hours: Any, course: str, this_year: int
) -> dict[str, list[str]]:
    """What is wrong with one training record, field → Chinese messages (empty: nothing): a year
    from 2000 to this year, more than zero and at most 1000 hours, a course. The same messages as
    the officer page's form (forms.registry.TrainingRecordForm), so page and API say the same."""
    errors: dict[str, list[str]] = {}
    if year in (None, "") or isinstance(year, bool):
        errors["year"] = [_("Give the year of the training.")]
    else:
        try:
            year = int(year)
        except (TypeError, ValueError):
            errors["year"] = [_("Give the year of the training.")]
        else:
            if year > this_year:
                errors["year"] = [
                    _("Training cannot be recorded for a future year (this year is %(year)s).")
                    % {"year": this_year}
                ]
            elif year < TRAINING_FIRST_YEAR:
                errors["year"] = [
                    _("Give a year from %(year)s on.") % {"year": TRAINING_FIRST_YEAR}
                ]
    amount: Decimal | None = None
    if hours not in (None, "") and not isinstance(hours, bool):
        try:
            amount = Decimal(str(hours).strip())
        except (InvalidOperation, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        errors["hours"] = [_("Give the training hours.")]
    elif amount <= 0:
        errors["hours"] = [_("Training hours must be more than zero.")]
    elif amount > TRAINING_HOURS_MAX:
        errors["hours"] = [
            _("At most %(max)s hours in one record; split a longer programme by course.")
            % {"max": TRAINING_HOURS_MAX}
        ]
    if not (course or "").strip():
        errors["course"] = [_("Name the course or training.")]
    return errors


@transaction.atomic
def training_record(
    *, actor: Any, officer: Officer, year: int, hours: Decimal | int | str, course: str
) -> TrainingRecord:
    """Record hours of in-service training (≥ 60 a year is the target, outline 2021–2025 [P]).
    Checks the record itself (`training_problems`: year 2000 to this year, 0 < hours ≤ 1000,
    a course) and raises a ValidationError by field with Chinese messages; who may record is
    `may_record_training`, checked by the caller."""
    errors = training_problems(
        year=year, hours=hours, course=course, this_year=timezone.localdate().year
    )
    if errors:
        raise ValidationError(errors)
    record = TrainingRecord(
        officer=officer,
        year=int(year),
        hours=Decimal(str(hours).strip()),
        course=(course or "").strip(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="enforcement.training.record",
        target=record,
        # "42" whether the caller sent 42 or 42.0 (the API's decimal field), as on the page
        detail={
            "officer": officer.pk,
            "year": record.year,
            "hours": format(record.hours.normalize(), "f"),
        },
    )
    return record


# --- who may do what in the registry ----------------------------------------------------------

#: Certificate steps and the business roles that may take them (always inside the user's data
#: scope). The provincial government runs the exam and issues, revokes and reinstates certificates
#: (outline 2021–2025 [P]; rulebook §8), which on this platform is the Department's supervisor; the
#: agency that employs the officer applies for a certificate, withholds it while its officer is
#: under investigation (暂扣) and reports departures (注销) [PRAC].
CERTIFICATE_ACTION_ROLES: dict[str, frozenset[str]] = {
    "apply": frozenset({"supervisor", "agency_leader"}),
    "pass_exam": frozenset({"supervisor"}),
    "issue": frozenset({"supervisor"}),
    "activate": frozenset({"supervisor"}),
    "suspend": frozenset({"supervisor", "agency_leader"}),
    "reinstate": frozenset({"supervisor"}),
    "revoke": frozenset({"supervisor"}),
    "cancel": frozenset({"supervisor", "agency_leader"}),
}
#: Registering subjects and loading lists is the Department's work; an agency leader may load the
#: officers of agencies in their own scope.
SUBJECT_WRITE_ROLES = frozenset({"supervisor"})
OFFICER_IMPORT_ROLES = frozenset({"supervisor", "agency_leader"})
#: Roles that see full resident ID numbers in exports (they maintain the registry and need the
#: number to match people on re-import); everyone else gets no ID column, pages show it masked
#: (《个人信息保护法》第六条 minimum necessary).
RESIDENT_ID_ROLES = frozenset({"supervisor", "agency_leader"})


def _roles(user: Any) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles = getattr(user, "roles", None)
    return set(roles()) if callable(roles) else set()


def may_certificate_action(user: Any, action: str) -> bool:
    return bool(_roles(user) & CERTIFICATE_ACTION_ROLES.get(action, frozenset()))


def may_write_subjects(user: Any) -> bool:
    return bool(_roles(user) & SUBJECT_WRITE_ROLES)


def may_import_officers(user: Any) -> bool:
    return bool(_roles(user) & OFFICER_IMPORT_ROLES)


def may_see_resident_ids(user: Any) -> bool:
    return bool(_roles(user) & RESIDENT_ID_ROLES)


def may_record_training(user: Any, officer: Officer) -> bool:
    """Who records an officer's in-service training hours (≥ 60 a year, national outline
    2021–2025 [P]; rulebook §8).

    - The agency that employs the officer organises and attests its staff's rotation training, so
      its **leader** records it, for officers of the leader's own agency only: a scope grant lets
      a leader see other agencies' officers, it does not make the leader their employer (the same
      rule as the case pages, where scope is not duty).
    - The Department's **supervisor** keeps the registry (it issues and revokes certificates and
      registers subjects: `CERTIFICATE_ACTION_ROLES`, `SUBJECT_WRITE_ROLES`) and records the
      province-run courses, for any officer in the supervisor's data scope (the view looked the
      officer up through `scoped()` first, so outside it is 404).
    - Officers do not attest their own hours; legal reviewers and others have no part in it.

    No other `may_*` rule here fits as it is: `may_certificate_action(user, "apply")` and
    `may_import_officers` grant any agency leader for any officer in scope, and
    `may_write_subjects` leaves the agency out. The officer page (views.registry) and the API
    (api.registry.OfficerTrainingApi) both call this rule.
    """
    if user.has_role(Role.SUPERVISOR):
        return True
    return user.has_role(Role.AGENCY_LEADER) and user.agency_id == officer.agency_id


# --- enforcement subjects (执法主体) ------------------------------------------------------------

SUBJECT_FIELDS = (
    "qualification_basis",
    "basis_provisions",
    "domain",
    "area",
    "entrustment_document",
)


def subject_problems(
    *, kind: str, entrusted_by_id: int | None, entrustment_document: str
) -> dict[str, list[str]]:
    """What is wrong with a subject's entrustment, field → Chinese messages (empty: nothing).

    《行政处罚法》第二十条: an organ may entrust an organisation only in writing, and the entrusting
    organ publishes the entrustment; so an entrusted subject names its entrusting agency and the
    entrustment document. 第十八条、第十九条: statutory organs and authorised organisations
    enforce in their own name and have no entrustment.
    """
    errors: dict[str, list[str]] = {}
    if kind == AgencyKind.ENTRUSTED:
        if entrusted_by_id is None:
            errors["entrusted_by"] = [
                _("An entrusted organisation must name its entrusting agency "
                  "(Administrative Penalty Law art. 20).")
            ]
        if not (entrustment_document or "").strip():
            errors["entrustment_document"] = [
                _("An entrusted organisation needs its written entrustment document "
                  "(Administrative Penalty Law art. 20).")
            ]
    elif (entrustment_document or "").strip():
        errors["entrustment_document"] = [
            _("Only an entrusted organisation has an entrustment document.")
        ]
    return errors


def normalise_provision_keys(keys: Any) -> list[str]:
    """Provision keys from a list or a text separated by semicolons, commas or new lines."""
    if isinstance(keys, str):
        import re

        keys = re.split(r"[;；,，\s]+", keys)
    return [k.strip() for k in (keys or []) if k and k.strip()]


def unknown_provision_keys(keys: list[str]) -> list[str]:
    """Keys that name no provision of the legal library (any version)."""
    from fazhi.laws.models import Provision

    if not keys:
        return []
    known = set(Provision.objects.filter(key__in=keys).values_list("key", flat=True))
    return [k for k in keys if k not in known]


def _subject_snapshot(subject: EnforcementSubject) -> dict[str, Any]:
    return {
        **{f: getattr(subject, f) for f in SUBJECT_FIELDS},
        "is_published": subject.is_published,
        "published_on": subject.published_on.isoformat() if subject.published_on else None,
    }


def _clean_subject(subject: EnforcementSubject) -> None:
    agency = subject.agency
    subject.basis_provisions = normalise_provision_keys(subject.basis_provisions)
    errors = subject_problems(
        kind=agency.kind,
        entrusted_by_id=agency.entrusted_by_id,
        entrustment_document=subject.entrustment_document,
    )
    unknown = unknown_provision_keys(subject.basis_provisions)
    if unknown:
        errors["basis_provisions"] = [
            _("No provision of the legal library has the key %(keys)s.")
            % {"keys": "、".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    subject.full_clean(exclude=["agency"])


@transaction.atomic
def subject_create(
    *,
    actor: Any,
    agency: Agency,
    qualification_basis: str = "",
    basis_provisions: Any = (),
    domain: str = "",
    area: str = "",
    entrustment_document: str = "",
    request: Any = None,
) -> EnforcementSubject:
    """Register `agency` as an enforcement subject (unpublished). Raises ValidationError with
    Chinese messages, writing nothing, when the entrustment (APL art. 20) or a provision key is
    wrong, or the agency is already registered."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if EnforcementSubject.objects.filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": [_("This agency is already registered as an enforcement subject.")]}
        )
    subject = EnforcementSubject(
        agency=agency,
        qualification_basis=(qualification_basis or "").strip(),
        basis_provisions=list(basis_provisions or []),
        domain=(domain or "").strip(),
        area=(area or "").strip(),
        entrustment_document=(entrustment_document or "").strip(),
    )
    _clean_subject(subject)
    subject.save(force_insert=True)
    audit_record(
        actor=actor,
        action="enforcement.subject.create",
        target=subject,
        request=request,
        after=_subject_snapshot(subject),
        detail={"agency": agency.pk, "kind": agency.kind},
    )
    return subject


@transaction.atomic
def subject_update(
    *, actor: Any, subject: EnforcementSubject, data: Mapping[str, Any], request: Any = None
) -> EnforcementSubject:
    """Change some of SUBJECT_FIELDS; the same checks as on creation."""
    unknown = set(data) - set(SUBJECT_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    subject = (
        EnforcementSubject.objects.select_for_update().select_related("agency").get(pk=subject.pk)
    )
    before = _subject_snapshot(subject)
    for field, value in data.items():
        setattr(subject, field, value.strip() if isinstance(value, str) else value)
    _clean_subject(subject)
    subject.save()
    after = _subject_snapshot(subject)
    changed = [k for k in after if after[k] != before[k]]
    audit_record(
        actor=actor,
        action="enforcement.subject.update",
        target=subject,
        request=request,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        detail={"changed": changed},
    )
    return subject


@transaction.atomic
def subject_publish(
    *,
    actor: Any,
    subject: EnforcementSubject,
    on: date | None = None,
    publish: bool = True,
    request: Any = None,
) -> EnforcementSubject:
    """Publish (or withdraw) a subject on the ex-ante list (事前公开, 《行政处罚法》第三十九条;
    rulebook §2.1). Publishing re-checks the entrustment: an entrusted subject is only published
    with its entrusting agency and document (第二十条)."""
    subject = (
        EnforcementSubject.objects.select_for_update().select_related("agency").get(pk=subject.pk)
    )
    before = _subject_snapshot(subject)
    if publish:
        _clean_subject(subject)
        subject.is_published = True
        subject.published_on = on or timezone.localdate()
    else:
        subject.is_published = False
        subject.published_on = None
    subject.save(update_fields=["is_published", "published_on", "updated_at"])
    audit_record(
        actor=actor,
        action="enforcement.subject.publish" if publish else "enforcement.subject.withdraw",
        target=subject,
        request=request,
        before=before,
        after=_subject_snapshot(subject),
    )
    return subject
