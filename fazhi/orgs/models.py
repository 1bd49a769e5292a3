"""Divisions (GB/T 2260), their governments, sectors and agencies: the organisation tree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from fazhi.core.identifiers import IdentifierError, validate_credit_code
from fazhi.core.scope import Scope


class DivisionLevel(models.TextChoices):
    """Rulebook §0.4: region → league/city → banner/county/district."""

    REGION = "region", _("Autonomous region")
    PREFECTURE = "prefecture", _("League or city")
    COUNTY = "county", _("Banner, county or district")


class Division(MP_Node):
    """One GB/T 2260 administrative division. The materialised path makes "this division and
    everything below" a single indexed prefix query (`path__startswith`)."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    node_order_by = ["code"]
    scope = Scope(division="self")

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name


class Government(models.Model):
    """The people's government of a division, assessed as a whole."""

    division = models.OneToOneField(
        Division, on_delete=models.PROTECT, related_name="government", verbose_name=_("division")
    )
    name = models.CharField(_("name"), max_length=128, unique=True)

    scope = Scope(division="division")

    class Meta:
        verbose_name = _("government")
        verbose_name_plural = _("governments")
        ordering = ["division__code"]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """An enforcement field or system (执法领域), e.g. market supervision."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    """Who holds enforcement power (glossary `agency.kind`; Administrative Penalty Law 17–21)."""

    STATUTORY = "statutory", _("Statutory administrative organ")
    AUTHORIZED = "authorized", _("Organisation authorised by law or regulation")
    ENTRUSTED = "entrusted", _("Entrusted organisation")


def _validate_credit_code(value: str) -> None:
    try:
        validate_credit_code(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc), code="credit_code") from exc


class Agency(models.Model):
    """An administrative organ or organisation; an enforcement subject when it holds power."""

    name = models.CharField(_("name"), max_length=128)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[_validate_credit_code],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    government = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("government")
    )
    entrusted_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entrusted",
        verbose_name=_("entrusting agency"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope = Scope(agency="id", division="government__division")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["government__division__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "name"], name="orgs_agency_unique_name"),
            models.CheckConstraint(
                condition=~models.Q(kind="entrusted") | models.Q(entrusted_by__isnull=False),
                name="orgs_agency_entrusted_has_entruster",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HolidaySchedule(models.Model):
    """One year's official holiday schedule (节假日安排) as published by the State Council and
    loaded by an administrator (rulebook §0.2). Its days are the exceptions to Monday–Friday
    working: rest days on weekdays and make-up working days (调休) on weekends."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayDay(models.Model):
    schedule = models.ForeignKey(
        HolidaySchedule, on_delete=models.CASCADE, related_name="days", verbose_name=_("schedule")
    )
    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("festival"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_working_day else '休'}"
