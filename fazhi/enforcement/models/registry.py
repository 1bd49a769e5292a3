"""Enforcement officers, their certificates (行政执法证) with an append-only history, and training.

Choices come from the rules' enums (fazhi.enforcement.rules.certificates); the transitions
themselves happen only in services.py, through the rules' table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fazhi.core.identifiers import IdentifierError, validate_resident_id
from fazhi.core.scope import Scope
from fazhi.enforcement.rules.certificates import (
    EVENT_LABELS,
    IM_REVIEW_CYCLE_MONTHS,
    STATE_LABELS,
    CertificateFacts,
    CertificateState,
)
from fazhi.orgs.models import Agency, Sector

STATE_CHOICES = [(s.value, label) for s, label in STATE_LABELS.items()]
EVENT_CHOICES = [(e.value, label) for e, label in EVENT_LABELS.items()]
# States in which the certificate has a number and validity dates (it was issued).
_ISSUED_STATES = ["issued", "active", "suspended", "revoked", "expired"]


def _validate_resident_id(value: str) -> None:
    try:
        validate_resident_id(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc), code="resident_id") from exc


class Officer(models.Model):
    """A person in an enforcement post (行政执法人员) of one agency.

    `is_auxiliary` marks auxiliary staff (辅助人员): they are registered because they assist, but
    they hold no certificate and are never the acting officer (rulebook §8 [PRAC]).
    The resident ID is personal information: it is stored, never shown by __str__.
    """

    name = models.CharField(_("name"), max_length=64)
    resident_id = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[_validate_resident_id]
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="officers", verbose_name=_("agency")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
        verbose_name=_("user account"),
    )
    is_auxiliary = models.BooleanField(_("auxiliary staff"), default=False)
    # Shown on the public badge verification page (security.md QR-5), never in the QR itself.
    photo = models.ImageField(_("photo"), upload_to="officers/photos/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope = Scope(agency="agency", division="agency__government__division", self_="user")

    class Meta:
        verbose_name = _("enforcement officer")
        verbose_name_plural = _("enforcement officers")
        ordering = ["agency_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """One enforcement certificate of an officer. The number and dates are set when it is issued;
    until then it is an application."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("officer")
    )
    # Opaque per-region pattern (rulebook §8 [PROP]); NULL until issued, unique once set.
    number = models.CharField(
        _("certificate number"), max_length=32, unique=True, null=True, blank=True
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, verbose_name=_("enforcement domain")
    )
    area = models.CharField(_("enforcement area"), max_length=128, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=128, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # Inner Mongolia reviews every 3 years (decree No. 96, rulebook §8 [IM]); other regions 12.
    review_cycle_months = models.PositiveSmallIntegerField(
        _("review cycle (months)"), default=IM_REVIEW_CYCLE_MONTHS
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=STATE_CHOICES, default=CertificateState.APPLIED.value
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope = Scope(
        agency="officer__agency",
        division="officer__agency__government__division",
        self_="officer__user",
    )

    class Meta:
        verbose_name = _("enforcement certificate")
        verbose_name_plural = _("enforcement certificates")
        ordering = ["officer_id", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="enforcement_certificate_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=_ISSUED_STATES)
                | models.Q(number__isnull=False, issued_on__isnull=False, expires_on__isnull=False),
                name="enforcement_certificate_issued_has_number_and_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in CertificateState]),
                name="enforcement_certificate_state_known",
            ),
            models.CheckConstraint(
                condition=models.Q(review_cycle_months__gt=0),
                name="enforcement_certificate_review_cycle_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.number or gettext("Application #%(id)s") % {"id": self.pk}

    def facts(self) -> CertificateFacts:
        return CertificateFacts(
            state=self.state, issued_on=self.issued_on, expires_on=self.expires_on
        )


class CertificateEvent(models.Model):
    """One step in a certificate's life. Append-only: rows are never updated or deleted."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="events", verbose_name=_("certificate")
    )
    event = models.CharField(_("event"), max_length=16, choices=EVENT_CHOICES)
    from_state = models.CharField(_("from state"), max_length=16, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=STATE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), blank=True)
    basis = models.CharField(_("basis"), max_length=128, blank=True)

    scope = Scope(
        agency="certificate__officer__agency",
        division="certificate__officer__agency__government__division",
        self_="certificate__officer__user",
    )

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["certificate_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.from_state or '-'} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("certificate events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("certificate events are append-only")


class TrainingRecord(models.Model):
    """Hours of in-service training an officer completed in a year (≥ 60 a year, outline [P])."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="training", verbose_name=_("officer")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    course = models.CharField(_("course"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope = Scope(
        agency="officer__agency",
        division="officer__agency__government__division",
        self_="officer__user",
    )

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["officer_id", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="enforcement_training_hours_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="enforcement_training_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.course}"


class EnforcementSubject(models.Model):
    """An agency as an enforcement subject (行政执法主体): why it may enforce and where.

    Its kind (statutory / authorised / entrusted) and entrusting agency live on `Agency`
    (`kind`, `entrusted_by`); this side table adds what only enforcement needs. The primary key is
    the agency's, so `/enforcement/subjects/<agency id>/` names both. 《行政处罚法》第十七条 to
    第二十一条: a statutory organ or an organisation authorised by law or regulation enforces in its
    own name; an entrusted organisation enforces in the name of the entrusting organ under a
    written, published entrustment (第二十条), and needs qualified staff (第二十一条).
    """

    agency = models.OneToOneField(
        Agency,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="enforcement_subject",
        verbose_name=_("agency"),
    )
    qualification_basis = models.TextField(_("legal basis of the qualification"), blank=True)
    # Stable provision keys of the legal library (e.g. "food-safety-law/art-6").
    basis_provisions = models.JSONField(_("provisions cited"), default=list, blank=True)
    domain = models.CharField(_("enforcement domain"), max_length=128, blank=True)
    area = models.CharField(_("enforcement area"), max_length=128, blank=True)
    entrustment_document = models.CharField(
        _("entrustment document"), max_length=255, blank=True
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope = Scope(agency="agency", division="agency__government__division")

    class Meta:
        verbose_name = _("enforcement subject")
        verbose_name_plural = _("enforcement subjects")
        ordering = ["agency_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_on__isnull=False),
                name="enforcement_subject_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["is_published"], name="enf_subject_published")]

    def __str__(self) -> str:
        return str(self.agency)
