"""Append-only, hash-chained audit log (security.md AUD-*, TEL-*).

Each entry's `entry_hash` = H(prev_hash ‖ canonical bytes of the entry), H named per entry in
`algorithm` (SM3 by default). Signed checkpoints (size, head hash, signature) are kept in a separate
table and copied to a witness folder outside the database, so a cut tail is detected too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, default="success")
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    before_digest = models.CharField(_("digest before"), max_length=64, blank=True)
    after_digest = models.CharField(_("digest after"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    algorithm = models.CharField(_("hash algorithm"), max_length=16, default="sm3")
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """Single row holding the chain head; appends lock it, so concurrent writers serialise."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement "the chain had `size` entries and head `head_hash`" (TEL-2)."""

    size = models.BigIntegerField(_("size"), unique=True)
    head_hash = models.CharField(_("head hash"), max_length=64)
    at = models.DateTimeField(_("time"))
    key_id = models.CharField(_("key id"), max_length=32)
    signature = models.TextField(_("signature"))

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"
