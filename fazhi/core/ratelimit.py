"""Fixed-window request counters in Django's cache, for public endpoints (security.md PII-5,
QR-9). With a shared cache (Redis) a limit holds across workers; with the per-process default
cache it holds per worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache


def client_ip(request: Any) -> str:
    """REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def current_window(window_seconds: int) -> int:
    """The number of the current fixed window (tests pin it so a run never straddles one)."""
    return int(time.time()) // window_seconds


def over_limit(key: str, limit: int, *, window_seconds: int = 60) -> bool:
    """Count one request for `key` in the current window; True once the window's count passes
    `limit`. Counters reset at each window boundary."""
    return count_in_window(key, window_seconds=window_seconds) > limit


def count_in_window(key: str, *, window_seconds: int = 60) -> int:
    """Count one event for `key` in the current fixed window and return the window's count."""
    window = current_window(window_seconds)
    full_key = f"fazhi:rl:{key}:{window}"
    timeout = window_seconds + 30
    try:  # the window's counter usually exists already: one cache operation
        count = cache.incr(full_key)
    except ValueError:  # the window's first request (or the counter expired); if another
        # worker adds it meanwhile, count on theirs
        count = 1 if cache.add(full_key, 1, timeout) else cache.incr(full_key)
    return count
