"""Authority lists (权责清单) and discretion benchmarks (裁量基准), rulebook §10 and issue 4 §3.

An `AuthorityItem` is one power an agency holds, citing its legal basis as `Provision`s of the
legal library. A penalty item carries its statutory range; its `DiscretionBenchmark` versions
divide that range into tiers (`BenchmarkTier`). `FirstViolationList` is a sector's published
list of violations that may go unpunished the first time (首违不罚清单, rulebook §10.3 step 5).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fazhi.core.scope import Scope
from fazhi.enforcement.rules.discretion import FINE_BASE_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    TIER_LABELS,
    choices,
)
from fazhi.laws.fields import ProvisionForeignKey
from fazhi.orgs.models import Agency, Division, Sector


class AuthorityItem(models.Model):
    """One power (行政职权事项) in an agency's authority list."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="authority_items", verbose_name=_("agency")
    )
    code = models.CharField(_("item code"), max_length=64)
    act_type = models.CharField(_("act type"), max_length=16, choices=choices(ACT_TYPE_LABELS))
    name = models.CharField(_("name"), max_length=200)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    responsible_post = models.CharField(_("responsible post"), max_length=128, blank=True)
    # The penalty provision the item was drafted from (laws drafts API); it also identifies the
    # violation platform-wide for "first violation" and "same act" checks (rulebook §10.3, art. 29).
    source_provision = ProvisionForeignKey(
        _("penalty provision"), null=True, blank=True, related_name="+"
    )
    violation_key = models.CharField(_("violation key"), max_length=160, blank=True, db_index=True)
    # Statutory range of a penalty item (rulebook §10.2 statutory_range); PenaltyType values.
    penalty_types = models.JSONField(_("penalty types"), default=list, blank=True)
    fine_min = models.DecimalField(
        _("statutory minimum fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("statutory maximum fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # A fine that is a multiple of a base (货值金额五倍以上十倍以下, rulebook §10.2); with a
    # threshold, a base below it takes the fixed range above (食品安全法 第一百二十四条).
    multiple_min = models.DecimalField(
        _("statutory minimum multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        _("statutory maximum multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    fine_base = models.CharField(
        _("base of the multiple"), max_length=24, choices=choices(FINE_BASE_LABELS), blank=True
    )
    base_threshold = models.DecimalField(
        _("multiples apply from a base of (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope = Scope(agency="agency", division="agency__government__division")

    class Meta:
        verbose_name = _("authority item")
        verbose_name_plural = _("authority items")
        ordering = ["agency_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="enf_authority_item_code"),
        ]

    def __str__(self) -> str:
        return self.name


class AuthorityBasis(models.Model):
    """One provision an authority item cites; `role` says how (违反条款 / 处罚依据 / 依据)."""

    class Role(models.TextChoices):
        BASIS = "basis", _("Legal basis")
        VIOLATED = "violated", _("Provision violated")
        PENALTY = "penalty", _("Penalty basis")

    item = models.ForeignKey(
        AuthorityItem, on_delete=models.CASCADE, related_name="bases", verbose_name=_("item")
    )
    provision = ProvisionForeignKey(_("provision"), related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BASIS)
    # Duties inferred by wording (laws penalties) need a legal reviewer's confirmation.
    needs_confirmation = models.BooleanField(_("needs confirmation"), default=False)

    class Meta:
        verbose_name = _("legal basis of an authority item")
        verbose_name_plural = _("legal bases of authority items")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "provision", "role"], name="enf_authority_basis_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.provision_id} ({self.role})"


class DiscretionBenchmark(models.Model):
    """One version of the discretion benchmark of a penalty item (rulebook §10.2)."""

    item = models.ForeignKey(
        AuthorityItem,
        on_delete=models.PROTECT,
        related_name="benchmarks",
        verbose_name=_("authority item"),
    )
    issuing_body = models.CharField(_("issuing body"), max_length=128, blank=True)
    region = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The draft the laws app made from the penalty provision (fazhi.laws.penalties.draft_benchmark):
    # per-regime ranges (fixed amounts, multiples of the goods value…) kept for the reader.
    draft = models.JSONField(_("draft from the statute"), default=dict, blank=True)

    scope = Scope(agency="item__agency", division="item__agency__government__division")

    class Meta:
        verbose_name = _("discretion benchmark")
        verbose_name_plural = _("discretion benchmarks")
        ordering = ["item_id", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.item} ({self.valid_from})"


class BenchmarkTier(models.Model):
    """One tier: the circumstances that select it and the penalty inside the statutory range."""

    benchmark = models.ForeignKey(
        DiscretionBenchmark,
        on_delete=models.CASCADE,
        related_name="tiers",
        verbose_name=_("benchmark"),
    )
    level = models.CharField(_("tier"), max_length=16, choices=choices(TIER_LABELS))
    circumstances = models.TextField(_("circumstances"), blank=True)
    penalty_types = models.JSONField(_("penalty types"), default=list, blank=True)
    fine_min = models.DecimalField(
        _("minimum fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("maximum fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The tier's share of a statutory multiple range (rulebook §10.1: divide multiples too).
    multiple_min = models.DecimalField(
        _("minimum multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        _("maximum multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    requires_legal_review = models.BooleanField(_("requires legal review"), default=False)
    requires_collective_discussion = models.BooleanField(
        _("requires collective discussion"), default=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    legal_ground = models.CharField(_("legal ground"), max_length=200, blank=True)
    # rules/benchmarks.py: tiers must not overlap unless the overlap is explicitly documented.
    overlap_note = models.CharField(_("documented overlap"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("benchmark tier")
        verbose_name_plural = _("benchmark tiers")
        ordering = ["benchmark_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.benchmark_id}:{self.level}"


class FirstViolationList(models.Model):
    """A sector's published first-violation-no-penalty list (首违不罚清单), rulebook §10.3."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    region = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    # Who issued (and maintains) the list; it decides who may see and edit the draft (scope).
    issuing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="first_violation_lists",
        verbose_name=_("issuing agency"),
    )
    # Look-back window for "first" (rulebook §10.3: typically 1–2 years [PRAC], configurable).
    lookback_days = models.PositiveIntegerField(_("look-back window (days)"), default=730)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    scope = Scope(agency="issuing_agency", division="issuing_agency__government__division")

    class Meta:
        verbose_name = _("first-violation no-penalty list")
        verbose_name_plural = _("first-violation no-penalty lists")
        ordering = ["sector_id", "-valid_from"]

    def __str__(self) -> str:
        return self.name


class FirstViolationEntry(models.Model):
    """One violation on a first-violation list, with its correction deadline."""

    list = models.ForeignKey(
        FirstViolationList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("list")
    )
    violation_key = models.CharField(_("violation key"), max_length=160, db_index=True)
    description = models.CharField(_("description"), max_length=300)
    correction_days = models.PositiveSmallIntegerField(_("correction period (days)"), default=15)

    class Meta:
        verbose_name = _("first-violation list entry")
        verbose_name_plural = _("first-violation list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["list", "violation_key"], name="enf_first_violation_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.description
