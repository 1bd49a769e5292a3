"""Enforcement cases (执法案件) and their steps (环节), rulebook §1.5–1.7 and §2.2–2.3.

States and their transitions are in `rules/cases.py`; only `services/cases.py` moves a case.
`division` and `sector` are copied from the agency when the case is created, so region-scale
lists and sweeps filter one table (DESIGN §3: large tables carry the division code).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fazhi.core.scope import Scope
from fazhi.enforcement.models.authority import AuthorityItem, DiscretionBenchmark
from fazhi.enforcement.models.registry import Officer
from fazhi.enforcement.rules.coercion import MEASURE_KIND_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    CASE_STATE_LABELS,
    PARTY_KIND_LABELS,
    PENALTY_TYPE_LABELS,
    PROCEDURE_LABELS,
    REVIEW_RESULT_LABELS,
    TIER_LABELS,
    CaseState,
    choices,
)
from fazhi.orgs.models import Agency, Division, Sector


class Party(models.Model):
    """The party (当事人) of a case: a citizen (resident ID) or an organisation (credit code).

    `id_number` is validated by the service that creates the party (rulebook §9.1–9.2); it is
    what "first violation" and "same act" checks match on (rulebook §10.3, art. 29).
    """

    kind = models.CharField(_("party kind"), max_length=16, choices=choices(PARTY_KIND_LABELS))
    name = models.CharField(_("name"), max_length=128)
    id_number = models.CharField(_("ID number or credit code"), max_length=18)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=256, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_number"], name="enf_party_identity"),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One enforcement case: a penalty, coercion or inspection act of one agency."""

    number = models.CharField(_("case number"), max_length=64, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("agency")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    act_type = models.CharField(_("act type"), max_length=16, choices=choices(ACT_TYPE_LABELS))
    procedure = models.CharField(
        _("procedure"), max_length=8, choices=choices(PROCEDURE_LABELS), default="general"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=choices(CASE_STATE_LABELS),
        default=CaseState.CLUE.value,
    )
    authority_item = models.ForeignKey(
        AuthorityItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("authority item"),
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("party"),
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("clue source"), max_length=32, blank=True)
    facts = models.TextField(_("facts"), blank=True)
    place = models.CharField(_("place"), max_length=256, blank=True)
    # Dates the statute counts from (arts. 36, 60, 61, 67).
    act_started_on = models.DateField(_("act started on"), null=True, blank=True)
    act_ended_on = models.DateField(_("act ended on"), null=True, blank=True)
    discovered_on = models.DateField(_("discovered on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decision_due_on = models.DateField(_("decision due on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    payment_due_on = models.DateField(_("payment due on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The decision (art. 59): penalty types (PenaltyType values), fine, tier and its reasoning.
    penalty_types = models.JSONField(_("penalty types"), default=list, blank=True)
    fine_amount = models.DecimalField(
        _("fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tier = models.CharField(
        _("discretion tier"), max_length=16, choices=choices(TIER_LABELS), blank=True
    )
    outside_benchmark_reason = models.TextField(
        _("reason for departing from the benchmark"), blank=True
    )
    no_penalty_ground = models.CharField(_("ground for no penalty"), max_length=32, blank=True)
    # A fine that is a multiple of a base (货值金额 …): the base and the evidence it rests on
    # (rulebook §10.2; art. 40).
    fine_base_amount = models.DecimalField(
        _("base of the fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_base_evidence = models.TextField(_("evidence of the base"), blank=True)
    # The benchmark version applied and why (art. 37 从旧兼从轻; rulebook §10.2 rule 5). None with
    # a rule: the statutory range alone.
    benchmark_applied = models.ForeignKey(
        DiscretionBenchmark,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("benchmark version applied"),
    )
    benchmark_rule = models.CharField(_("why this benchmark version"), max_length=300, blank=True)
    # Major decision (重大执法决定, art. 58 / rulebook §2.3) and why.
    is_major = models.BooleanField(_("major decision"), default=False)
    major_reasons = models.JSONField(_("reasons it is major"), default=list, blank=True)
    # Prior notice, statement and hearing (arts. 44–45, 63–64).
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    statement_due_on = models.DateField(_("statement period ends on"), null=True, blank=True)
    statement_waived = models.BooleanField(_("statement expressly waived"), default=False)
    hearing_offered = models.BooleanField(_("hearing right offered"), default=False)
    hearing_request_due_on = models.DateField(
        _("hearing request window closes on"), null=True, blank=True
    )
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_waived = models.BooleanField(_("hearing waived"), default=False)
    hearing_notice_on = models.DateField(_("hearing notice served on"), null=True, blank=True)
    hearing_on = models.DateField(_("hearing held on"), null=True, blank=True)
    # The officer's findings the no-penalty order and the tiers look at (rulebook §10.3).
    circumstances = models.JSONField(_("circumstances"), default=dict, blank=True)
    confiscation_value = models.DecimalField(
        _("value confiscated"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Decision, service and revocation (arts. 48, 60–61).
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    service_due_on = models.DateField(_("service due on"), null=True, blank=True)
    service_method = models.CharField(_("way of service"), max_length=16, blank=True)
    revoked_at = models.DateTimeField(_("decision revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope = Scope(agency="agency", division="division", self_="officers__officer__user")

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["division", "-created_at"], name="enf_case_div_created"),
            models.Index(fields=["agency", "-created_at"], name="enf_case_agency_created"),
            models.Index(fields=["state", "decision_due_on"], name="enf_case_state_due"),
            models.Index(fields=["state", "-created_at"], name="enf_case_state_created"),
            # A league supervisor filtering a rare sector (docs/enforcement-scale.md, B7).
            models.Index(fields=["sector", "-created_at"], name="enf_case_sector_created"),
            # The daily supervision sweep counts every party's inspections in the last 30 days
            # (repeated_inspection, B6): without it that reads the whole case table. Partial, so
            # that no other query is drawn to it (SQLite chose an index on (act_type, …) over
            # the table scan for the not-disclosed query and ran it slower).
            models.Index(
                fields=["discovered_on"],
                name="enf_case_inspection_discovered",
                condition=models.Q(act_type="inspection"),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseOfficer(models.Model):
    """An officer acting on a case. Auxiliary staff never act (rulebook §8 [PRAC])."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead officer")
        INVESTIGATOR = "investigator", _("Investigator")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="officers", verbose_name=_("case")
    )
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="case_roles", verbose_name=_("officer")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.INVESTIGATOR
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case officer")
        verbose_name_plural = _("case officers")
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="enf_case_officer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.officer_id} ({self.role})"


class Step(models.Model):
    """One step (环节) of a case: who did it, when, where, what it produced (art. 47).

    `due_on` is the statutory deadline of the step when it has one; `av_required` marks steps
    that need an audio-visual record (rulebook §2.2) and `av_recorded` whether one is attached.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="steps", verbose_name=_("case")
    )
    code = models.CharField(_("step"), max_length=32)
    state_from = models.CharField(_("from state"), max_length=16, blank=True)
    state_to = models.CharField(_("to state"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    officers = models.ManyToManyField(
        Officer, blank=True, related_name="steps", verbose_name=_("officers")
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=256, blank=True)
    note = models.TextField(_("note"), blank=True)
    documents = models.JSONField(_("documents produced"), default=list, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    av_required = models.BooleanField(_("audio-visual record required"), default=False)
    av_recorded = models.BooleanField(_("audio-visual record attached"), default=False)
    # The article the step rests on (rules/cases.py) and the step's facts (e.g. the penalty).
    basis = models.CharField(_("basis"), max_length=128, blank=True)
    data = models.JSONField(_("step facts"), default=dict, blank=True)

    scope = Scope(agency="case__agency", division="case__division")

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["case_id", "occurred_at", "id"]
        indexes = [
            models.Index(fields=["due_on", "done_on"], name="enf_step_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.code}"


class CoercionMeasure(models.Model):
    """The coercive measure of a coercion case (查封、扣押、冻结…), recorded by its measure step:
    the head's approval (before it, or after an emergency measure on the report, 《行政强制法》
    第十八条、第十九条), its start and last day, one extension approved by the head (art. 25)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="measure", verbose_name=_("case")
    )
    kind = models.CharField(
        _("coercive measure"), max_length=16, choices=choices(MEASURE_KIND_LABELS)
    )
    started_at = models.DateTimeField(_("measure started at"))
    ends_on = models.DateField(_("last day of the measure"))
    emergency = models.BooleanField(_("taken on the spot in an emergency"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    report_late = models.BooleanField(_("emergency reported after 24 hours"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extension approved by"),
    )
    extension_approved_at = models.DateTimeField(_("extension approved at"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)

    scope = Scope(agency="case__agency", division="case__division")

    class Meta:
        verbose_name = _("coercive measure")
        verbose_name_plural = _("coercive measures")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class LegalReview(models.Model):
    """A legal review (法制审核) before a major decision (art. 58; rulebook §2.3)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="legal_reviews", verbose_name=_("case")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=choices(REVIEW_RESULT_LABELS), blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)

    scope = Scope(agency="case__agency", division="case__division", self_="reviewer")

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["case_id", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.result or 'pending'}"


class DeadlineExtension(models.Model):
    """An approved extension of the decision deadline (art. 60; rulebook §1.6)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("case")
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["case_id", "approved_at"]

    def __str__(self) -> str:
        return f"{self.case_id}:+{self.days}"


class HearingThreshold(models.Model):
    """The "large amount" (较大数额) above which a fine or confiscation carries the right to a
    hearing (art. 63), keyed by (sector, region, party kind) (rulebook §1.7 [PRAC]).

    Empty sector or region means "any". The most specific row wins: sector and the nearest
    region up the division tree, then sector only, then region only, then neither; with no row
    the defaults of `rules.cases.DEFAULT_HEARING_THRESHOLD` apply.
    """

    sector = models.ForeignKey(
        Sector, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("sector")
    )
    division = models.ForeignKey(
        Division, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("region")
    )
    party_kind = models.CharField(
        _("party kind"), max_length=16, choices=choices(PARTY_KIND_LABELS)
    )
    amount = models.DecimalField(_("large amount from (yuan)"), max_digits=14, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hearing threshold")
        verbose_name_plural = _("hearing thresholds")
        constraints = [
            # One row per key, "any sector" / "any region" (NULL) included: NULLs are folded to 0
            # because SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                Coalesce("sector", Value(0)),
                Coalesce("division", Value(0)),
                "party_kind",
                name="enf_hearing_threshold_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_kind} ≥ {self.amount}"


class MajorDecisionRule(models.Model):
    """One entry of an agency's catalogue of major enforcement decisions (重大执法决定法制审核
    目录清单, rulebook §2.3). An agency with no active entry uses the typical catalogue of
    `rules.cases.DEFAULT_MAJOR_CATALOGUE`; decisions after a hearing are always major (art. 58)."""

    class Kind(models.TextChoices):
        FINE_AT_LEAST = "fine_at_least", _("Fine at or above an amount")
        CONFISCATION_AT_LEAST = "confiscation_at_least", _("Confiscation at or above an amount")
        PENALTY_TYPE = "penalty_type", _("Penalty type")
        AFTER_HEARING = "after_hearing", _("Decided after a hearing")
        OUTSIDE_BENCHMARK = "outside_benchmark", _("Outside the discretion benchmark")

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="major_decision_rules",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    party_kind = models.CharField(
        _("party kind"), max_length=16, choices=choices(PARTY_KIND_LABELS), blank=True
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_type = models.CharField(
        _("penalty type"), max_length=32, choices=choices(PENALTY_TYPE_LABELS), blank=True
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope = Scope(agency="agency", division="agency__government__division")

    class Meta:
        verbose_name = _("major decision catalogue entry")
        verbose_name_plural = _("major decision catalogue entries")
        ordering = ["agency_id", "kind", "id"]

    def __str__(self) -> str:
        return self.description or self.kind
