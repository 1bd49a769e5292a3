"""Badges (执法证胸牌) anyone can verify, issue 4 §2; security.md QR-1..QR-6, PII-5.

One `Badge` per issued certificate version: issuing a certificate (or renewing it, which changes
its number or dates) makes a new badge and marks the previous one superseded. The badge keeps the
signed payload the QR carries and the SM3 digest of its public token; the token itself is not
stored: it is re-derived from `token_seed` with an HMAC under the server's secret key when the
badge PDF is printed again, so a copy of the database alone cannot produce a working verify URL
(QR-6 style). Validity shown to the public always comes from the live certificate, never from
this row.

The row also keeps a copy of what the verify page shows of the holder (name, photo, agency name
and code, enforcement domain), so the public page reads two tables (badge ⋈ certificate) instead
of five (performance.md B3: the five-table join cost 0.55 ms a request on PostgreSQL, the
two-table one 0.24 ms). The copy is a cache: `services.badges.badge_display_refresh` rewrites it
whenever an officer, agency, sector or certificate it copies from is saved (receivers in
`fazhi.enforcement.receivers`), and `badge_display_drift()` counts rows that differ. State,
number and dates are never copied: they are read live from the certificate on every request.
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
    # Display copy for the public page (see the module docstring); never used for validity.
    holder_name = models.CharField(_("holder name"), max_length=100, blank=True, default="")
    holder_photo = models.CharField(_("holder photo"), max_length=100, blank=True, default="")
    agency_name = models.CharField(_("agency name"), max_length=200, blank=True, default="")
    agency_code = models.CharField(_("agency code"), max_length=18, blank=True, default="")
    sector_name = models.CharField(_("enforcement domain"), max_length=100, blank=True, default="")

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
