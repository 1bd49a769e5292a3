"""Supervision alerts (监督预警) and their rectification (整改), issue 4 §7.

One live alert per (subject, rule): `subject_key` names the subject ("case:<id>",
"officer:<id>", "agency:<id>", "party:<id>"), and a partial unique constraint keeps a second live
alert for the same pair out, so a sweep can be repeated safely. Rules are pure functions in
`rules/supervision.py`; opening, rectifying and closing happen in `services/supervision.py`,
which also pushes and reverses the assessment ledger entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fazhi.core.scope import Scope
from fazhi.enforcement.models.cases import Case
from fazhi.enforcement.models.registry import Officer
from fazhi.enforcement.rules.enums import ALERT_STATE_LABELS, AlertState, choices
from fazhi.orgs.models import Agency, Division, Sector


class Alert(models.Model):
    rule = models.CharField(_("rule"), max_length=48)
    subject_key = models.CharField(_("subject"), max_length=48)
    # No single-column index on agency or division: enf_alert_agency_state and
    # enf_alert_div_state lead with them (a copy would cost every insert, B6's first sweep).
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("agency"),
        db_index=False,
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
        db_index=False,
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("case"),
    )
    officer = models.ForeignKey(
        Officer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("officer"),
        db_index=False,  # partial index below: empty on every case alert
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=choices(ALERT_STATE_LABELS),
        default=AlertState.OPEN.value,
    )
    severity = models.CharField(_("severity"), max_length=8, default="warning")
    message = models.CharField(_("message"), max_length=300)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    indicator_code = models.CharField(_("indicator"), max_length=32, blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    due_on = models.DateField(_("rectify by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        db_index=False,  # partial index below: empty until a person closes the alert
    )
    # Why it was closed or found unfounded (the sweep writes its own note when a condition clears).
    resolution = models.TextField(_("resolution"), blank=True)
    # When its deduction was pushed to the assessment ledger (None: not yet, or no points).
    scored_at = models.DateTimeField(_("deduction recorded at"), null=True, blank=True)

    scope = Scope(agency="agency", division="division")

    class Meta:
        verbose_name = _("supervision alert")
        verbose_name_plural = _("supervision alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "rule"],
                condition=models.Q(state__in=["open", "rectifying"]),
                name="enf_alert_one_live_per_subject_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "state", "-opened_at"], name="enf_alert_div_state"),
            models.Index(fields=["agency", "state", "-opened_at"], name="enf_alert_agency_state"),
            models.Index(fields=["rule", "state"], name="enf_alert_rule_state"),
            models.Index(fields=["state", "-opened_at"], name="enf_alert_state_opened"),
            # Officer and closer only where set: a full index would take an entry for every
            # alert the sweep opens (B6) though almost all are empty.
            models.Index(
                fields=["officer"],
                name="enf_alert_officer",
                condition=models.Q(officer__isnull=False),
            ),
            models.Index(
                fields=["closed_by"],
                name="enf_alert_closed_by",
                condition=models.Q(closed_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_key}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:alert-detail", args=[self.pk])


class Rectification(models.Model):
    """A note (and optional evidence file) recorded against an alert."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("alert")
    )
    note = models.TextField(_("note"))
    evidence = models.FileField(_("evidence"), upload_to="rectifications/%Y/%m/", blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["alert_id", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.recorded_at}"


class SweepState(models.Model):
    """Where the periodic sweep left off: the date and time of the last full and last run.

    A full sweep evaluates every rule over every case; it runs on the first sweep of each day
    (deadlines move by date) and whenever asked. Later sweeps that day only re-check what can
    have changed without a case transition: certificates changed since the last run.
    """

    key = models.CharField(_("key"), max_length=16, unique=True, default="default")
    full_on = models.DateField(_("last full sweep on"), null=True, blank=True)
    ran_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    config = models.JSONField(_("configuration"), default=dict, blank=True)

    class Meta:
        verbose_name = _("supervision sweep state")
        verbose_name_plural = _("supervision sweep states")

    def __str__(self) -> str:
        return f"{self.key}: {self.full_on}"
