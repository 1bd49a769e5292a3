"""The legal library: a law (work) has versions in force over date ranges; a version has
provisions down to article (条), paragraph (款) and item (项).

Glossary: `law`, `law version`, `provision`; rulebook §0.3 (hierarchy of norms). A provision's key
(`food-safety-law/art-124/para-1/item-2`) is stable across versions, so citations by other apps can
be counted per key even when the text is amended; a foreign key (`ProvisionForeignKey`, fields.py)
pins the exact version a record cited.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fazhi.orgs.models import Sector


class LawCategory(models.TextChoices):
    """Rank in the hierarchy of norms (rulebook §0.3; Legislation Law 2023)."""

    LAW = "law", _("Law")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("Administrative regulation")
    LOCAL_REGULATION = "local_regulation", _("Local regulation")
    DEPARTMENTAL_RULE = "departmental_rule", _("Departmental rule")
    LOCAL_GOVERNMENT_RULE = "local_government_rule", _("Local government rule")
    JUDICIAL_INTERPRETATION = "judicial_interpretation", _("Judicial interpretation")
    PARTY_AND_STATE_REGULATION = "party_and_state_regulation", _("Party and state regulation")


class Law(models.Model):
    """A work (法律、法规、规章…) with a stable slug; its texts over time are LawVersions."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    short_title = models.CharField(_("short title"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=LawCategory.choices)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    branch = models.CharField(
        _("legal branch"), max_length=64, blank=True, help_text=_("e.g. 行政法, 经济法")
    )
    topic = models.CharField(_("topic"), max_length=32, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="laws", verbose_name=_("enforcing sectors")
    )
    first_promulgated = models.DateField(_("first adopted or promulgated"), null=True, blank=True)
    current_version = models.ForeignKey(
        "LawVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )

    class Meta:
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("laws:law-detail", args=[self.slug])


class VersionStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended (superseded)")
    REPEALED = "repealed", _("Repealed")
    NOT_YET = "not_yet_in_force", _("Not yet in force")


class LawVersionQuerySet(models.QuerySet["LawVersion"]):
    def in_force_on(self, day: dt.date) -> LawVersionQuerySet:
        """Versions whose text applied on `day`: effective_from ≤ day < effective_to."""
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=day)
        )


class LawVersion(models.Model):
    """One text of a law, in force from `effective_from` until `effective_to` (exclusive)."""

    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="versions")
    version_date = models.DateField(_("version date"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices)
    history = models.JSONField(_("history"), default=list, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    headings = models.JSONField(_("headings"), default=list, blank=True)
    article_count = models.PositiveIntegerField(_("article count"), default=0)
    source_path = models.CharField(_("source"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = LawVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("law version")
        verbose_name_plural = _("law versions")
        ordering = ["law", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "source_sha256"], name="laws_version_text_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="laws_version_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.law.title}（{self.version_date:%Y-%m-%d}）"


# How Provision.chapter joins the chapter path (第九章 法律责任 › 第一节 …); split with the same.
CHAPTER_SEP = " › "


class ProvisionKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    PARAGRAPH = "paragraph", _("Paragraph")
    ITEM = "item", _("Item")


class Provision(models.Model):
    """An article, paragraph or item of one law version.

    `key` is `<law slug>/art-<n>[-<之n>][/para-<m>[/item-<k>]]`, unique within a version and stable
    across versions.
    """

    version = models.ForeignKey(LawVersion, on_delete=models.PROTECT, related_name="provisions")
    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="provisions")
    key = models.CharField(_("key"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ProvisionKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    article_no = models.PositiveIntegerField(_("article"))
    article_suffix = models.PositiveSmallIntegerField(_("article suffix (之…)"), default=0)
    paragraph_no = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    item_no = models.PositiveSmallIntegerField(_("item"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=64)
    chapter = models.CharField(_("chapter"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(_("position"))
    is_penalty = models.BooleanField(_("sets a penalty"), default=False)

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="laws_provision_key_unique"),
        ]
        indexes = [
            models.Index(fields=["law", "article_no"], name="laws_prov_law_article"),
            models.Index(fields=["version", "kind", "position"], name="laws_prov_version_kind"),
        ]

    def __str__(self) -> str:
        return f"《{self.law.title}》{self.label}"

    def get_absolute_url(self) -> str:
        return reverse("laws:provision", args=[self.key]) + f"?v={self.version_id}"

    @property
    def citation(self) -> str:
        return str(self)


class PenaltyClause(models.Model):
    """Structured facts of an article that sets an administrative penalty (Administrative Penalty
    Law art. 9 types), extracted by fazhi.laws.penalties at import time.

    `facts` holds the extractor's full result (fines per condition, multiples, behaviours);
    fine_min / fine_max are the overall fixed-amount bounds for filtering and drafting.
    """

    provision = models.OneToOneField(
        Provision, on_delete=models.CASCADE, related_name="penalty", primary_key=True
    )
    types = models.JSONField(_("penalty types"), default=list)
    fine_min = models.BigIntegerField(_("lowest fine (yuan)"), null=True, blank=True)
    fine_max = models.BigIntegerField(_("highest fine (yuan)"), null=True, blank=True)
    authority = models.CharField(_("competent authority"), max_length=300, blank=True)
    facts = models.JSONField(_("facts"), default=dict)
    enforces = models.ManyToManyField(
        Provision, blank=True, related_name="enforced_by", verbose_name=_("duties enforced")
    )

    class Meta:
        verbose_name = _("penalty clause")
        verbose_name_plural = _("penalty clauses")

    def __str__(self) -> str:
        return str(self.provision)
