"""Cache refreshes wired to model saves (style.md: signals only for extension points and cache
invalidation, never for business flow).

The badge rows keep a display copy of the holder's name and photo, the agency's name and code
and the enforcement domain for the public verify page (performance.md B3). Saving an officer, an
agency or a sector rewrites the copy on the badges that show it, in the same transaction as the
save. Validity never comes from the copy, so a stale copy can never show a revoked certificate
as valid.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from fazhi.enforcement.models import Badge, Officer
from fazhi.orgs.models import Agency, Sector

_UID = "fazhi.enforcement.receivers"


def _refresh(**filters: Any) -> None:
    from fazhi.enforcement.services.badges import badge_display_refresh

    badge_display_refresh(badges=Badge.objects.filter(**filters))


@receiver(post_save, sender=Officer, dispatch_uid=f"{_UID}.officer")
def officer_saved(sender: Any, instance: Officer, created: bool, **kwargs: Any) -> None:
    if not created:
        _refresh(certificate__officer=instance)


@receiver(post_save, sender=Agency, dispatch_uid=f"{_UID}.agency")
def agency_saved(sender: Any, instance: Agency, created: bool, **kwargs: Any) -> None:
    if not created:
        _refresh(certificate__officer__agency=instance)


@receiver(post_save, sender=Sector, dispatch_uid=f"{_UID}.sector")
def sector_saved(sender: Any, instance: Sector, created: bool, **kwargs: Any) -> None:
    if not created:
        _refresh(certificate__sector=instance)
