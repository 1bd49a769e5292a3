"""Badges (执法证胸牌) anyone can verify, issue 4 §2; security.md QR-1..QR-6, PII-5.

One `Badge` per issued certificate version: issuing a certificate (or renewing it, which changes
its number or dates) makes a new badge and marks the previous one superseded. The badge keeps the
signed payload the QR carries and the SM3 digest of its public token; the token itself is not
stored: it is re-derived from `token_seed` with an HMAC under the server's secret key when the
badge PDF is printed again, so a copy of the database alone cannot produce a working verify URL
(QR-6 style). Validity shown to the public always comes from the live certificate, never from
this row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fazhi.core.scope import Scope
from fazhi.enforcement.models.registry import Certificate


class Badge(models.Model):
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="badges",
        verbose_name=_("certificate"),
    )
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True)
    token_seed = models.CharField(_("token seed"), max_length=32)
    # base64url of message ‖ SM2 signature (fazhi.enforcement.badges), public by design.
    payload = models.CharField(_("signed payload"), max_length=400)
    key_id = models.CharField(_("key id"), max_length=32)
    issued_at = models.DateTimeField(_("issued at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    scope = Scope(
        agency="certificate__officer__agency",
        division="certificate__officer__agency__government__division",
        self_="certificate__officer__user",
    )

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["certificate_id", "-issued_at", "-id"]
        indexes = [models.Index(fields=["certificate", "superseded_at"], name="enf_badge_current")]

    def __str__(self) -> str:
        return f"{self.certificate} · {self.key_id}"
