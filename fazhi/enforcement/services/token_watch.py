"""Alerting on bursts of unknown public tokens (security.md QR-9: "alert on 404 spikes
(enumeration)").

Every public page reached through a token (the badge verify page and its photo, a disclosure, a
case code page) answers one uniform 404 for an unknown, expired or revoked token, and limits each
IP. Guessing from many addresses stays under every per-IP limit, so the 404s are also counted per
kind of token across all callers, in fixed one-minute windows; the request that brings a window's
count to FAZHI_TOKEN_404_ALERT_PER_MINUTE (100) writes one audit entry and one warning, which the
security monitoring (and the audit log page) shows. With Django's default per-process cache the
count is per worker, like the rate limits; a shared cache (Redis) makes it per site.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from fazhi.audit.services import audit_record
from fazhi.core.ratelimit import client_ip, count_in_window

WINDOW_SECONDS = 60
ACTION = "enforcement.public_token.guess_burst"
KINDS = ("badge", "disclosure", "case_code")

log = logging.getLogger(__name__)


def alert_threshold() -> int:
    return int(getattr(settings, "FAZHI_TOKEN_404_ALERT_PER_MINUTE", 100))


def note_unknown_token(request: Any, kind: str) -> bool:
    """Count one unknown-token 404 of `kind`; True (and an audit entry) when this one reaches
    the window's threshold, which happens once per window."""
    if kind not in KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    count = count_in_window(f"token-404:{kind}", window_seconds=WINDOW_SECONDS)
    if count != alert_threshold():
        return False
    log.warning("public %s tokens: %d unknown within %d s (possible enumeration); last from %s",
                kind, count, WINDOW_SECONDS, client_ip(request))
    audit_record(
        actor=None,
        action=ACTION,
        request=request,
        outcome="denied",
        detail={"kind": kind, "count": count, "window_seconds": WINDOW_SECONDS},
    )
    return True
