"""Login, lockout (AUTH-4/5), idle timeout (SESS-1), session keys and logout (SESS-2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fazhi.accounts import services
from fazhi.accounts.tests.conftest import PASSWORD, actions

LOGIN = "/accounts/login/"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
GENERIC = "Please enter a correct username and password."


@pytest.fixture
def officer(make_user: Any, org_tree: Any) -> Any:
    return make_user("zhangsan", role="officer", scope="agency", agency=org_tree.xincheng_market)


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def generic_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(GENERIC)


def test_login_page_is_chinese(client: Client, db: Any) -> None:
    body = client.get(LOGIN).content.decode()
    assert "登录" in body


def test_username_is_case_insensitive(client: Client, officer: Any) -> None:
    response = login(client, "ZhangSan", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_login_gives_a_new_session_key(client: Client, officer: Any) -> None:
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert login(client, "zhangsan", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def _normalised(body: bytes) -> str:
    """The page without the per-request CSRF token and the echoed username."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
    return re.sub(r'name="username" value="[^"]*"', "", text)


def test_unknown_user_and_wrong_password_look_the_same(client: Client, officer: Any) -> None:
    unknown = login(client, "nobody", "Wrong-Password-1")
    wrong = login(client, "zhangsan", "Wrong-Password-1")
    assert unknown.status_code == wrong.status_code == 200
    assert _normalised(unknown.content) == _normalised(wrong.content)
    assert generic_message() in wrong.content.decode()


def test_sixth_attempt_with_right_password_is_locked_out(
    client: Client, officer: Any, audit_log: list[dict[str, Any]]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            assert login(client, "zhangsan", "Wrong-Password-1").status_code == 200
            clock.shift(timedelta(minutes=1))
        fifth = login(client, "zhangsan", "Wrong-Password-1")
        assert fifth.status_code == 429
        sixth = login(client, "zhangsan", PASSWORD)
        assert sixth.status_code == 429
        assert generic_message() in sixth.content.decode()
        assert settings.SESSION_COOKIE_NAME not in sixth.cookies
        assert client.get("/").status_code == 302  # not logged in
        assert actions(audit_log).count("auth.lockout") == 1
        refused = [c for c in audit_log if c["detail"].get("reason") == "locked"]
        assert len(refused) == 1
        assert refused[0]["outcome"] == "failure"
        assert refused[0]["detail"]["username"] == "zhangsan"
        assert refused[0]["request"].META["REMOTE_ADDR"] == "10.0.0.1"
        # Still locked at 29 minutes after the lock, free after 30.
        clock.shift(timedelta(minutes=29))
        assert login(client, "zhangsan", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_failures_older_than_fifteen_minutes_do_not_count(client: Client, officer: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            login(client, "zhangsan", "Wrong-Password-1")
        clock.shift(timedelta(minutes=15, seconds=1))
        assert login(client, "zhangsan", "Wrong-Password-1").status_code == 200  # 1 in window
        assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_five_failures_spread_within_fifteen_minutes_lock(client: Client, officer: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            login(client, "zhangsan", "Wrong-Password-1")
            clock.shift(timedelta(minutes=3, seconds=30))  # 4th failure at 10:30
        assert login(client, "zhangsan", "Wrong-Password-1").status_code == 429  # 5th at 14:00
        assert login(client, "zhangsan", PASSWORD).status_code == 429


def test_changing_case_does_not_dodge_the_count(client: Client, officer: Any) -> None:
    for name in ("zhangsan", "ZhangSan", "ZHANGSAN", "zhangSAN", "Zhangsan"):
        login(client, name, "Wrong-Password-1")
    assert login(client, "zhangsan", PASSWORD).status_code == 429


def test_success_resets_the_run_of_failures(client: Client, officer: Any) -> None:
    for _ in range(4):
        login(client, "zhangsan", "Wrong-Password-1")
    assert login(client, "zhangsan", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert login(client, "zhangsan", "Wrong-Password-1").status_code == 200
    assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_one_ip_is_throttled_without_locking_the_accounts(client: Client, officer: Any) -> None:
    limit = settings.FAZHI_IP_FAILURE_LIMIT
    for i in range(limit):
        response = login(client, f"guess{i}", "Wrong-Password-1", ip="10.9.9.9")
        assert response.status_code in {200, 429}
    assert login(client, "zhangsan", PASSWORD, ip="10.9.9.9").status_code == 429
    # The same account from its own office address is not locked.
    assert login(Client(), "zhangsan", PASSWORD, ip="10.0.0.1").status_code == 302


def test_ip_below_the_throttle_is_not_refused(client: Client, officer: Any) -> None:
    for i in range(settings.FAZHI_IP_FAILURE_LIMIT - 1):
        login(client, f"guess{i}", "Wrong-Password-1", ip="10.9.9.9")
    assert login(client, "zhangsan", PASSWORD, ip="10.9.9.9").status_code == 302


def test_security_admin_unlocks(client: Client, officer: Any, make_user: Any) -> None:
    sec = make_user("sec", admin_role="sec_admin")
    sys = make_user("sys", admin_role="sys_admin")
    for _ in range(5):
        login(client, "zhangsan", "Wrong-Password-1")
    with pytest.raises(services.PermissionDenied):
        services.user_unlock(actor=sys, username="zhangsan")
    assert login(client, "zhangsan", PASSWORD).status_code == 429
    assert services.user_unlock(actor=sec, username="ZhangSan") == 5
    assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_login_and_logout_are_audited(
    client: Client, officer: Any, audit_log: list[dict[str, Any]]
) -> None:
    login(client, "zhangsan", PASSWORD)
    client.post("/accounts/logout/")
    assert actions(audit_log) == ["auth.login", "auth.logout"]


def test_logout_needs_post_and_deletes_the_session(client: Client, officer: Any) -> None:
    login(client, "zhangsan", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200  # GET did not log out
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/")["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("idle", "logged_out"), [(29, False), (31, True)])
def test_idle_timeout_thirty_minutes(
    client: Client, officer: Any, idle: int, logged_out: bool
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=idle))
        response = client.get("/")
        assert (response.status_code == 302) is logged_out
        if logged_out:
            assert response["Location"].startswith(LOGIN)
            assert "idle=1" in response["Location"]


def test_activity_keeps_the_session_alive(client: Client, officer: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        for _ in range(4):
            clock.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200


def _session_row(client: Client) -> tuple[Any, dict[str, Any]]:
    row = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    return row.expire_date, row.get_decoded()


def _session_writes(client: Client, path: str = "/") -> list[str]:
    """The statements a page sends to django_session other than reading it."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


@pytest.mark.parametrize("how", ["form", "force_login"])
def test_login_starts_both_session_clocks(client: Client, officer: Any, how: str) -> None:
    """The user_logged_in receiver sets the absolute lifetime's start and the last activity, for
    the login form and for anything else that calls auth.login (here the test client)."""
    with time_machine.travel(T0, tick=False):
        if how == "form":
            assert login(client, "zhangsan", PASSWORD).status_code == 302
        else:
            client.force_login(officer)
        session = client.session
        assert session["fazhi_started"] == T0.timestamp()
        assert session["fazhi_last_seen"] == T0.timestamp()


def test_activity_is_recorded_at_most_once_a_minute(client: Client, officer: Any) -> None:
    """Pages within a minute of the recorded activity leave the session row alone (no savepoint,
    UPDATE, release: three queries a page); the first page a minute or more later records it."""
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        saved = _session_row(client)
        assert _session_writes(client) == []  # the first page after login
        clock.shift(timedelta(seconds=59))
        assert _session_writes(client) == []
        assert _session_row(client) == saved
        clock.shift(timedelta(seconds=1))  # a minute after the recorded activity
        assert _session_writes(client) != []
        expire_date, data = _session_row(client)
        assert data["fazhi_last_seen"] == T0.timestamp() + 60
        assert data["fazhi_started"] == T0.timestamp()  # the absolute lifetime does not move
        assert expire_date == saved[0] + timedelta(seconds=60)
        clock.shift(timedelta(seconds=30))
        assert _session_writes(client) == []


def test_a_session_without_the_stamp_gets_it_on_its_next_page(client: Client, officer: Any) -> None:
    """A session from before the login receiver (no stamp yet) is stamped by its next page."""
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        session = client.session
        del session["fazhi_last_seen"]
        session.save()
        clock.shift(timedelta(seconds=5))
        assert _session_writes(client) != []
        assert _session_row(client)[1]["fazhi_last_seen"] == T0.timestamp() + 5


def test_idle_time_is_never_counted_late(client: Client, officer: Any) -> None:
    """SESS-1 with activity recorded once a minute: 30 min and a second after the last page the
    session has ended, even when that page was not recorded (it counts from the earlier one)."""
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        clock.shift(timedelta(seconds=61))
        assert client.get("/").status_code == 200  # recorded
        clock.shift(timedelta(seconds=50))
        assert client.get("/").status_code == 200  # not recorded: within the minute
        assert client.session["fazhi_last_seen"] == T0.timestamp() + 61
        clock.shift(timedelta(minutes=30, seconds=1))  # from the last page
        response = client.get("/")
        assert response["Location"].startswith(LOGIN)
        assert "idle=1" in response["Location"]


def test_active_session_ends_after_twelve_hours(client: Client, officer: Any) -> None:
    """SESS-1: activity every 10 minutes keeps a session only up to its absolute lifetime."""
    with time_machine.travel(T0, tick=False) as clock:
        login(client, "zhangsan", PASSWORD)
        for _ in range(71):  # 11 h 50 min of activity
            clock.shift(timedelta(minutes=10))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=10, seconds=1))  # 12 h and a second
        assert client.get("/")["Location"].startswith(LOGIN)


def test_password_in_the_query_string_is_refused(client: Client, officer: Any) -> None:
    """AUTH-8: credentials only in POST bodies."""
    response = client.post(f"{LOGIN}?password={PASSWORD}", {"username": "zhangsan",
                                                            "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_unknown_usernames_lock_exactly_like_known_ones(client: Client, officer: Any) -> None:
    """AUTH-5: the lockout itself must not tell which usernames exist."""
    known = [login(client, "zhangsan", "Wrong-Password-1").status_code for _ in range(6)]
    unknown = [login(client, "nobody", "Wrong-Password-1").status_code for _ in range(6)]
    assert known == unknown == [200, 200, 200, 200, 429, 429]


def test_lockout_in_the_real_audit_chain(client: Client, officer: Any) -> None:
    """AUTH-4 against fazhi.audit: one auth.lockout per lock; the refused attempt is recorded
    with IP, outcome and reason."""
    from fazhi.audit.models import AuditEntry

    for _ in range(5):
        login(client, "zhangsan", "Wrong-Password-1", ip="10.1.2.3")
    assert login(client, "zhangsan", PASSWORD, ip="10.1.2.3").status_code == 429
    assert login(client, "zhangsan", PASSWORD, ip="10.1.2.3").status_code == 429
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    refused = AuditEntry.objects.filter(action="auth.login_failed", detail__reason="locked")
    assert refused.count() == 2
    entry = refused.first()
    assert entry.ip == "10.1.2.3"
    assert entry.outcome == "failure"
    assert entry.detail["username"] == "zhangsan"
    assert not AuditEntry.objects.filter(action="auth.login").exists()
    assert PASSWORD not in str(list(AuditEntry.objects.values()))
