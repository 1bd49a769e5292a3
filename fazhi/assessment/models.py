"""Indicator trees, periods and the score ledger (DESIGN.md §2 "Score ledger").

The ledger is append-only: a score is never edited; a cleared finding is reversed by a new entry.
Every entry names its source record (content type, id, label, URL) so each point is traceable.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from fazhi.core.scope import Scope
from fazhi.orgs.models import Agency, Government


class IndicatorSet(models.Model):
    """One outline's indicator tree, e.g. the 2015–2020 outline (rulebook §7.1)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")

    def __str__(self) -> str:
        return self.name


class IndicatorLevel(models.TextChoices):
    ASPECT = "aspect", _("Aspect")
    MEASURE = "measure", _("Measure")
    OUTCOME = "outcome", _("Outcome")


class Indicator(MP_Node):
    """A node of an indicator tree: aspect → measure → outcome."""

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=IndicatorLevel.choices)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2, default=0)
    sub_platform = models.CharField(_("sub-platform"), max_length=32, blank=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"], name="assessment_indicator_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")


class Period(models.Model):
    """An assessment period: [start, end] inclusive, in Asia/Shanghai dates."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_order"
            )
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The period's name in the user's language: 2025年度, 2025年第1季度."""
        if self.kind == PeriodKind.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return gettext("%(year)s Q%(quarter)s") % {"year": self.start.year, "quarter": quarter}
        return gettext("Year %(year)s") % {"year": self.start.year}


class EntryKind(models.TextChoices):
    AWARD = "award", _("Score")
    REVERSAL = "reversal", _("Reversal")


class ScoreEntry(models.Model):
    """One score pushed by a sub-platform, with the record that caused it."""

    government = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="score_entries"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="score_entries"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entries")
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices, default="award")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    rule = models.CharField(_("rule"), max_length=64)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(_("source id"), max_length=64)
    source_label = models.CharField(_("source"), max_length=200)
    source_url = models.CharField(_("source URL"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(agency="agency", division="government__division")

    class Meta:
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "rule", "indicator", "kind"],
                name="assessment_score_once_per_source_rule_indicator",
            )
        ]
        indexes = [
            models.Index(fields=["government", "occurred_at"], name="score_gov_time"),
            models.Index(fields=["agency", "occurred_at"], name="score_agency_time"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.points:+} ← {self.source_label}"
