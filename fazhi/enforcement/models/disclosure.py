"""After-the-fact disclosure (事后公开) of enforcement decisions, rulebook §2.1 and art. 48.

A `Disclosure` is the redacted public copy of a decided case: nothing in it is read from the case
at display time, so what the public sees is exactly what was published. `public_token` is the
unguessable identifier in its URL (security.md PII-5). `DisclosurePolicy` holds the per-sector
deadlines (publish within 7 working days for penalty and licensing, 20 otherwise).

Life: a decision creates the disclosure (PENDING, `due_on` set) and publishes it at once unless the
sector's policy asks for a human check first; a revoked or changed decision withdraws it
(`withdraw_due_on` = 3 working days, art. 48). `display_until` ends public display after the
sector's display period (rulebook §2.1).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fazhi.core.scope import Scope
from fazhi.enforcement.models.cases import Case
from fazhi.orgs.models import Agency, Division, Sector


class DisclosurePolicy(models.Model):
    """Per-sector publication deadlines (rulebook §2.1 `publish_deadline_wd`, display period)."""

    sector = models.OneToOneField(
        Sector, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("sector")
    )
    penalty_deadline_wd = models.PositiveSmallIntegerField(
        _("penalty and licensing: publish within (working days)"), default=7
    )
    other_deadline_wd = models.PositiveSmallIntegerField(
        _("other decisions: publish within (working days)"), default=20
    )
    withdraw_deadline_wd = models.PositiveSmallIntegerField(
        _("withdraw within (working days)"), default=3
    )
    display_days = models.PositiveIntegerField(_("display period (days)"), null=True, blank=True)
    review_before_publishing = models.BooleanField(
        _("a person checks the redaction before publishing"), default=False
    )

    class Meta:
        verbose_name = _("disclosure policy")
        verbose_name_plural = _("disclosure policies")

    def __str__(self) -> str:
        return str(self.sector or "default")


class Disclosure(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting publication")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="disclosure", verbose_name=_("case")
    )
    public_token = models.CharField(_("public token"), max_length=32, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    act_type = models.CharField(_("act type"), max_length=16)
    decision_number = models.CharField(_("decision number"), max_length=64)
    party_kind = models.CharField(_("party kind"), max_length=16, blank=True)
    party_name = models.CharField(_("party (redacted)"), max_length=128)
    violation = models.CharField(_("violation"), max_length=300)
    facts = models.TextField(_("facts (redacted)"), blank=True)
    basis = models.TextField(_("legal basis"), blank=True)
    outcome = models.TextField(_("decision"), blank=True)
    decided_on = models.DateField(_("decided on"), db_index=True)
    due_on = models.DateField(_("publish by"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    display_until = models.DateField(_("displayed until"), null=True, blank=True)
    withdraw_due_on = models.DateField(_("withdraw by"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    scope = Scope(agency="agency", division="division")

    class Meta:
        verbose_name = _("enforcement disclosure")
        verbose_name_plural = _("enforcement disclosures")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["state", "-decided_on"], name="enf_disc_state_decided"),
            models.Index(fields=["sector", "state", "-decided_on"], name="enf_disc_sector"),
            models.Index(fields=["agency", "state", "-decided_on"], name="enf_disc_agency"),
            models.Index(fields=["state", "due_on"], name="enf_disc_state_due"),
        ]

    def __str__(self) -> str:
        return self.decision_number
