"""The verify page's card cache (services/badge_cache.py; issue 4 §2 "revoked, suspended or
expired certificates show as not valid at once, whatever the QR says"; performance.md B3).

The first half drives the cache's rules with a fake LISTEN connection, on both engines: notices
empty it, a change during a read is not stored, a lost connection means reading the database,
a forked process starts empty, entries expire, unknown tokens are not kept, the size is bounded.
The second half runs on PostgreSQL against the real trigger and real committed transactions,
through HTTP: a revocation, a bulk `QuerySet.update()` and a dropped LISTEN connection all show at
the next request.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from fazhi.enforcement.models import Badge, Certificate
from fazhi.enforcement.services import badge_cache, registry
from fazhi.enforcement.services import badges as services
from fazhi.enforcement.tests.test_badges_services import certificate_in
from fazhi.enforcement.views import badges as views

# --- the rules, with a fake LISTEN connection -------------------------------------------------


class FakePgconn:
    def __init__(self) -> None:
        self.pending = 0
        self.broken = False
        self.status = 0  # CONNECTION_OK
        self.consumed = 0

    def consume_input(self) -> None:
        self.consumed += 1
        if self.broken:
            raise OSError("server closed the connection unexpectedly")

    def notifies(self) -> object | None:
        if self.pending:
            self.pending -= 1
            return object()
        return None


class FakeListener:
    def __init__(self) -> None:
        self.pgconn = FakePgconn()
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake(monkeypatch: Any, settings: Any) -> Any:
    """A cache that believes it may serve, with a fake LISTEN connection per open."""
    settings.FAZHI_BADGE_CACHE_SECONDS = 10
    settings.FAZHI_BADGE_CACHE_SIZE = 3
    subject = badge_cache.NotifiedCache()
    opened: list[FakeListener] = []

    def open_listener() -> FakeListener:
        listener = FakeListener()
        opened.append(listener)
        return listener

    monkeypatch.setattr(subject, "_open_listener", open_listener)
    monkeypatch.setattr(subject, "usable", lambda: True)
    subject.opened = opened  # type: ignore[attr-defined]
    return subject


class Reader:
    """A database read that counts itself and returns the current 'row'."""

    def __init__(self, value: Any = "active") -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_second_lookup_is_served_from_the_cache(fake: Any) -> None:
    read = Reader()
    assert fake.get_or_read("d1", read) == "active"
    assert fake.get_or_read("d1", read) == "active"
    assert read.calls == 1
    assert (fake.hits, fake.misses) == (1, 1)
    assert len(fake.opened) == 1  # one LISTEN connection, opened before the first store


def test_a_notice_empties_the_cache(fake: Any) -> None:
    read = Reader()
    fake.get_or_read("d1", read)
    fake.get_or_read("d2", read)
    fake.opened[0].pgconn.pending = 1  # a commit touched a badge or certificate
    read.value = "revoked"
    assert fake.get_or_read("d1", read) == "revoked"
    assert fake.get_or_read("d2", read) == "revoked"
    assert read.calls == 4


def test_a_change_committed_during_the_read_is_not_stored(fake: Any) -> None:
    """The read saw the old row; the notice arrived before the store: nothing is kept."""
    fake.get_or_read("warm", Reader())

    def read_then_change() -> str:
        fake.opened[0].pgconn.pending = 1
        return "active"

    assert fake.get_or_read("d1", read_then_change) == "active"
    read = Reader("revoked")
    assert fake.get_or_read("d1", read) == "revoked"
    assert read.calls == 1


def test_a_lost_listen_connection_empties_the_cache_and_reads_the_database(fake: Any) -> None:
    read = Reader()
    fake.get_or_read("d1", read)
    first = fake.opened[0]
    first.pgconn.broken = True
    read.value = "suspended"
    assert fake.get_or_read("d1", read) == "suspended"  # read, not the stale entry
    assert first.closed
    assert len(fake) == 0
    assert fake.get_or_read("d1", read) == "suspended"  # a new LISTEN, then read again
    assert len(fake.opened) == 2
    assert read.calls == 3
    assert fake.get_or_read("d1", read) == "suspended"
    assert read.calls == 3  # cached again once listening


@pytest.mark.parametrize("trouble", ["fatal-message", "bad-status"])
def test_a_server_message_or_bad_status_on_the_listen_connection_drops_it(
    fake: Any, trouble: str
) -> None:
    """A shutdown or pg_terminate_backend arrives as a FATAL message before the socket closes."""
    read = Reader()
    fake.get_or_read("d1", read)
    if trouble == "fatal-message":
        fake._on_notice(object())
    else:
        fake.opened[0].pgconn.status = 1  # CONNECTION_BAD
    fake.get_or_read("d1", read)
    assert read.calls == 2
    assert fake.opened[0].closed


def test_no_listen_connection_means_no_cache(fake: Any, monkeypatch: Any) -> None:
    def refuse() -> Any:
        raise OSError("connection refused")

    monkeypatch.setattr(fake, "_open_listener", refuse)
    read = Reader()
    for _ in range(3):
        assert fake.get_or_read("d1", read) == "active"
    assert read.calls == 3
    assert len(fake) == 0


def test_a_failed_listen_is_retried_only_after_a_pause(fake: Any, monkeypatch: Any) -> None:
    """A database that refuses the LISTEN connection is not asked again on every page."""
    clock = {"now": 1000.0}
    monkeypatch.setattr(badge_cache.time, "monotonic", lambda: clock["now"])
    attempts = {"n": 0}

    def refuse() -> Any:
        attempts["n"] += 1
        raise OSError("too many connections")

    monkeypatch.setattr(fake, "_open_listener", refuse)
    read = Reader()
    for _ in range(5):
        fake.get_or_read("d1", read)
    assert (attempts["n"], read.calls) == (1, 5)
    clock["now"] += badge_cache.RETRY_SECONDS + 0.1
    fake.get_or_read("d1", read)
    assert attempts["n"] == 2


def test_a_forked_worker_starts_empty_with_its_own_connection(fake: Any, monkeypatch: Any) -> None:
    read = Reader()
    fake.get_or_read("d1", read)
    monkeypatch.setattr(badge_cache.os, "getpid", lambda: 999_999)
    fake.get_or_read("d1", read)
    assert read.calls == 2
    assert len(fake.opened) == 2


def test_entries_expire(fake: Any, monkeypatch: Any, settings: Any) -> None:
    clock = {"now": 1000.0}
    monkeypatch.setattr(badge_cache.time, "monotonic", lambda: clock["now"])
    read = Reader()
    fake.get_or_read("d1", read)
    clock["now"] += 9.9
    fake.get_or_read("d1", read)
    assert read.calls == 1
    clock["now"] += 0.2  # 10.1 s after the read started
    fake.get_or_read("d1", read)
    assert read.calls == 2


def test_unknown_tokens_are_not_kept(fake: Any) -> None:
    read = Reader(None)
    assert fake.get_or_read("nope", read) is None
    assert fake.get_or_read("nope", read) is None
    assert read.calls == 2
    assert len(fake) == 0


def test_size_is_bounded_least_recently_used_out(fake: Any) -> None:
    read = Reader()
    for key in ("a", "b", "c"):
        fake.get_or_read(key, read)
    fake.get_or_read("a", read)  # a is now the most recent
    fake.get_or_read("d", read)  # b goes
    assert read.calls == 4
    fake.get_or_read("a", read)
    assert read.calls == 4
    fake.get_or_read("b", read)
    assert read.calls == 5


def test_default_expiry_keeps_the_qr4_bound() -> None:
    """security.md QR-4: a revocation shows online within 60 s. Notices make it immediate; the
    expiry keeps the bound even if one is lost."""
    from django.conf import settings

    assert 0 < settings.FAZHI_BADGE_CACHE_SECONDS <= 60


def test_off_when_seconds_is_zero(settings: Any) -> None:
    settings.FAZHI_BADGE_CACHE_SECONDS = 0
    assert not badge_cache.NotifiedCache().usable()


@pytest.mark.django_db
def test_never_inside_a_transaction() -> None:
    """A read inside a transaction may see its own uncommitted change: never cached."""
    assert connection.in_atomic_block  # pytest-django's test transaction
    assert not badge_cache.NotifiedCache().usable()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite rule")
def test_sqlite_reads_every_time(make_officer: Any, sector: Any,
                                 django_assert_num_queries: Any) -> None:
    cert = certificate_in("active", make_officer("张三"), sector)
    token = services.badge_token(services.badge_issue_for(cert))
    for _ in range(2):
        with django_assert_num_queries(1):
            assert services.badge_card_by_token(token) is not None


# --- PostgreSQL: the trigger, committed changes, through HTTP ---------------------------------

pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY")


@pytest.fixture
def live_cache(settings: Any) -> Any:
    settings.FAZHI_BADGE_CACHE_SECONDS = 10
    badge_cache.cards.close()
    cache.clear()
    yield badge_cache.cards
    badge_cache.cards.close()


def _verify(client: Client, token: str) -> str:
    response = client.get(reverse("portal:badge-verify", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


def _wait_for_notice(subject: Any, timeout: float = 5.0) -> None:
    """Block until the LISTEN socket has something to read. PostgreSQL sends the notice when the
    writer's COMMIT returns, and it reaches the socket a moment later (the delivery latency the
    cache's "at once" is bounded by; bench/b3_verify.py measures it). A request that starts
    inside that moment is like an uncached read that started just before the commit."""
    import select

    readable, _, _ = select.select([subject._listener.pgconn.socket], [], [], timeout)
    assert readable, "no notice within the timeout"


def _badge(make_officer: Any, sector: Any, name: str = "张三", number: str = "15010201000001"
           ) -> tuple[Certificate, str]:
    cert = certificate_in("active", make_officer(name), sector, number=number)
    return cert, services.badge_token(services.badge_issue_for(cert))


@pg
@pytest.mark.django_db(transaction=True)
def test_trigger_notifies_on_commit(make_officer: Any, sector: Any, live_cache: Any) -> None:
    cert, _ = _badge(make_officer, sector)
    with badge_cache.NotifiedCache()._open_listener() as listener:  # the workers' own LISTEN
        Certificate.objects.filter(pk=cert.pk).update(area="新城区")
        Badge.objects.filter(certificate=cert).update(holder_name="张三丰")
        got = {n.payload for n in listener.notifies(timeout=2.0, stop_after=2)}
    assert got == {"enforcement_certificate", "enforcement_badge"}


@pg
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "label"),
    [
        (lambda c: registry.certificate_revoke(actor=None, certificate=c, reason="违法执法"),
         "已吊销"),
        (lambda c: registry.certificate_suspend(actor=None, certificate=c, reason="调查中"),
         "已暂扣"),
        # a bulk update bypasses every signal and service; the trigger still sees it
        (lambda c: Certificate.objects.filter(pk=c.pk).update(state="revoked"), "已吊销"),
    ],
    ids=["revoke", "suspend", "bulk-update"],
)
def test_a_warm_cache_shows_the_change_at_the_next_request(
    client: Client, make_officer: Any, sector: Any, live_cache: Any, monkeypatch: Any,
    django_assert_num_queries: Any, change: Any, label: str,
) -> None:
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2027, 6, 1))
    cert, token = _badge(make_officer, sector)
    assert 'data-status="valid"' in _verify(client, token)
    with django_assert_num_queries(0):  # served from the cache
        assert 'data-status="valid"' in _verify(client, token)
    change(cert)  # committed: no test transaction around it
    _wait_for_notice(live_cache)
    html = _verify(client, token)
    assert label in html
    assert 'data-status="valid"' not in html


@pg
@pytest.mark.django_db(transaction=True)
def test_a_reissued_badge_supersedes_the_cached_one(
    client: Client, make_officer: Any, sector: Any, live_cache: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2027, 6, 1))
    cert, token = _badge(make_officer, sector)
    assert 'data-status="valid"' in _verify(client, token)
    officer = cert.officer
    officer.name = "张三丰"  # a renamed officer gets a new badge; the old one is superseded
    officer.save()
    services.badge_issue_for(Certificate.objects.get(pk=cert.pk))
    _wait_for_notice(live_cache)
    assert 'data-status="valid"' not in _verify(client, token)


@pg
@pytest.mark.django_db(transaction=True)
def test_a_killed_listen_connection_falls_back_to_the_database(
    client: Client, make_officer: Any, sector: Any, live_cache: Any, monkeypatch: Any
) -> None:
    """The server drops the LISTEN session (restart, failover): the next request must not trust
    the cache, and a change committed meanwhile shows."""
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2027, 6, 1))
    cert, token = _badge(make_officer, sector)
    _verify(client, token)
    pid = live_cache._listener.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the backend exits a moment after the signal
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    # The change commits while no one listens; its notice reaches nobody.
    registry.certificate_revoke(actor=None, certificate=cert, reason="违法执法")
    assert "已吊销" in _verify(client, token)  # read from the database, not the cache
    assert live_cache._listener is None
    assert "已吊销" in _verify(client, token)  # the next request listens again
    assert live_cache._listener is not None
    assert live_cache._listener.info.backend_pid != pid
