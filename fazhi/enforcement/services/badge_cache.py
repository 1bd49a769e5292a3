"""A per-process cache of the public verify page's badge cards, emptied by PostgreSQL NOTIFY
(performance.md B3: "cache the badge lookup if needed"; issue 4 §2: a revoked, suspended or
expired certificate shows as not valid at once, whatever the QR says).

How a stale "valid" is kept out:

* A statement-level trigger on `enforcement_badge` and `enforcement_certificate` (migration
  0007) sends `NOTIFY fazhi_badge_changed` after every INSERT, UPDATE, DELETE or TRUNCATE, from
  any code path: services, `QuerySet.update()`, the admin, raw SQL. PostgreSQL delivers it when
  the transaction commits, to every listening session on every node.
* Each worker process keeps one LISTEN connection of its own, opened on first use after the
  fork. Every lookup first drains it without blocking (one non-blocking read); any notice empties
  the whole cache. Changes are rare (certificates change a few hundred times a day), so emptying
  everything is simpler than tracking which entry a change touched, and cannot miss one.
* LISTEN is in place before the first entry is stored, and an entry is stored only if no notice
  arrived between the start of its read and the store (a generation number), so a change that
  commits while the row is being read is never cached as current.
* Outside a transaction only: inside one, a read may see the transaction's own uncommitted
  changes, and its commit's notice has not been sent yet (so test transactions bypass the cache).
* If the LISTEN connection fails (server restart, failover), the cache is emptied and lookups read
  the database until a new LISTEN is in place (one that cannot be opened is tried again after
  RETRY_SECONDS, with a 2 s connect timeout, never once per page). TCP keepalives on that
  connection notice a peer that died silently within about 11 s, and every entry expires after
  FAZHI_BADGE_CACHE_SECONDS (60 s) whatever happens, so even a lost notice cannot break
  security.md QR-4 ("revoke → online status revoked within 60 s").
* Unknown tokens are never cached (guessing must not fill the memory); at most
  FAZHI_BADGE_CACHE_SIZE entries per process, least recently used first out.

Only on PostgreSQL. SQLite is the single-node embedded default, where the lookup is an
in-process call and reaches B3 without a cache. Behind PgBouncer in transaction pooling mode
LISTEN does not work: set FAZHI_BADGE_CACHE_SECONDS=0 there (every lookup reads the database).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

CHANNEL = "fazhi_badge_changed"
DEFAULT_SECONDS = 60
DEFAULT_SIZE = 20_000
#: libpq keepalives for the LISTEN connection: a silently dead peer is noticed after about
#: idle + interval × count = 5 + 2 × 3 = 11 s.
KEEPALIVES = {
    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
}

#: A LISTEN connection that could not be opened is not tried again for this long (lookups read
#: the database meanwhile), so a database that refuses connections is not asked once per page.
RETRY_SECONDS = 5.0
CONNECT_TIMEOUT = 2

log = logging.getLogger(__name__)
_CONNECTION_OK = 0  # libpq CONNECTION_OK (psycopg.pq.ConnStatus.OK)
T = TypeVar("T")


def cache_seconds() -> float:
    return float(getattr(settings, "FAZHI_BADGE_CACHE_SECONDS", DEFAULT_SECONDS))


def cache_size() -> int:
    return int(getattr(settings, "FAZHI_BADGE_CACHE_SIZE", DEFAULT_SIZE))


class NotifiedCache:
    """Digest → card for one process, valid while this process's LISTEN connection is healthy."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._lock = threading.Lock()
        self._reset(os.getpid())

    def _reset(self, pid: int) -> None:
        self._pid = pid
        self._listener: Any = None
        self._server_spoke = False
        self._retry_at = 0.0
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.generation = 0
        self.hits = 0
        self.misses = 0

    # -- the LISTEN connection -------------------------------------------------------------

    def _open_listener(self) -> Any:
        import psycopg

        params = dict(connections[self.alias].get_connection_params())
        for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
            params.pop(key, None)
        conn = psycopg.connect(
            **params, **KEEPALIVES, connect_timeout=CONNECT_TIMEOUT, autocommit=True
        )
        conn.execute(f"LISTEN {CHANNEL}")
        # This connection runs no queries after LISTEN, so anything the server says on it
        # unasked is trouble: a shutdown or pg_terminate_backend arrives as a FATAL message
        # (which libpq hands to the notice handler) a moment before the socket closes.
        conn.add_notice_handler(self._on_notice)
        return conn

    def _on_notice(self, diagnostic: Any) -> None:
        self._server_spoke = True

    def _drop_listener(self) -> None:
        listener, self._listener = self._listener, None
        self._server_spoke = False
        self._entries.clear()
        self.generation += 1
        if listener is not None:
            with contextlib.suppress(Exception):  # already broken; closing is best effort
                listener.close()

    def _drain(self) -> bool:
        """Read pending notices without blocking; empty the cache on any. True when entries may
        be served and stored (the LISTEN connection is up), False when lookups must read the
        database. Called with the lock held."""
        if self._pid != os.getpid():  # a forked child must not share its parent's socket
            self._reset(os.getpid())
        if self._listener is None:
            if time.monotonic() < self._retry_at:
                return False
            try:
                self._listener = self._open_listener()
            except Exception:  # no LISTEN, no cache: read the database
                log.warning("badge cache: LISTEN %s failed; reading the database", CHANNEL,
                            exc_info=True)
                self._drop_listener()
                self._retry_at = time.monotonic() + RETRY_SECONDS
                return False
            self._entries.clear()
            self.generation += 1
            return True
        pgconn = self._listener.pgconn
        try:
            pgconn.consume_input()
            changed = False
            while pgconn.notifies() is not None:
                changed = True
            lost = self._server_spoke or pgconn.status != _CONNECTION_OK
        except Exception:  # the server went away: forget everything
            log.warning("badge cache: LISTEN connection failed", exc_info=True)
            lost = True
        if lost:
            log.warning("badge cache: LISTEN connection lost; cache emptied")
            self._drop_listener()
            return False
        if changed:
            self._entries.clear()
            self.generation += 1
        return True

    # -- lookups ----------------------------------------------------------------------------

    def usable(self) -> bool:
        connection = connections[self.alias]
        return (
            connection.vendor == "postgresql"
            and cache_seconds() > 0
            and not connection.in_atomic_block
        )

    def get_or_read(self, key: str, read: Callable[[], T | None]) -> T | None:
        """The cached value for `key`, or `read()`'s (stored when not None and nothing changed
        meanwhile)."""
        if not self.usable():
            return read()
        with self._lock:
            listening = self._drain()
            now = time.monotonic()
            entry = self._entries.get(key) if listening else None
            if entry is not None and now - entry[0] < cache_seconds():
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]  # type: ignore[no-any-return]
            generation = self.generation
        self.misses += 1
        value = read()  # outside the lock: other threads are not held up by the database
        if not listening:
            return value
        if value is None:
            return None
        with self._lock:
            if self._drain() and self.generation == generation:
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
                while len(self._entries) > cache_size():
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1

    def close(self) -> None:
        """Close the LISTEN connection and empty the cache (tests, shutdown)."""
        with self._lock:
            self._drop_listener()

    def __len__(self) -> int:
        return len(self._entries)


cards = NotifiedCache()
