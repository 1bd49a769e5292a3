"""Login, logout, failed login and lockout each leave exactly one audit entry (AUD-1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.test import RequestFactory
from django.urls import reverse

from fazhi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Fazhi-Test-2026!"


def codes() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_login_and_logout_through_the_site(client, make_user):
    make_user("zhou")
    response = client.post(reverse("accounts:login"), {"username": "zhou", "password": PASSWORD})
    assert response.status_code == 302
    assert codes() == ["auth.login"]
    entry = AuditEntry.objects.get()
    assert entry.actor_username == "zhou"
    assert entry.ip == "127.0.0.1"
    client.post(reverse("accounts:logout"))
    assert codes() == ["auth.login", "auth.logout"]


def test_failed_login_records_username_not_password(client, make_user):
    make_user("wu")
    client.post(reverse("accounts:login"), {"username": "wu", "password": "wrong-Secret-99"})
    entries = list(AuditEntry.objects.all())
    assert [e.action for e in entries] == ["auth.login_failed"]
    assert entries[0].outcome == "failure"
    assert entries[0].actor_id is None
    assert entries[0].detail["username"] == "wu"
    assert "wrong-Secret-99" not in str(AuditEntry.objects.values().get())


def test_lockout_is_recorded_once(client, make_user):
    make_user("zheng")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "zheng", "password": "bad-Pass-1234"})
    assert codes().count("auth.lockout") == 1
    assert codes().count("auth.login_failed") == 5


def test_receivers_on_their_own(make_user):
    """The receivers work for logins that do not go through the accounts views (e.g. the API)."""
    user = make_user("feng")
    request = RequestFactory().post("/api/login", REMOTE_ADDR="10.0.0.9")
    user_logged_in.send(sender=type(user), request=request, user=user)
    user_login_failed.send(
        sender=__name__, credentials={"username": "feng", "password": "********"}, request=request
    )
    user_logged_out.send(sender=type(user), request=request, user=user)
    assert codes() == ["auth.login", "auth.login_failed", "auth.logout"]
    assert AuditEntry.objects.get(action="auth.login_failed").detail["username"] == "feng"
    # a second signal for the same event on the same request is not a second entry
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert codes().count("auth.login") == 1


def test_axes_lockout_signal(make_user):
    from axes.signals import user_locked_out

    request = RequestFactory().post("/x", REMOTE_ADDR="10.0.0.7")
    user_locked_out.send("axes", request=request, username="chen", ip_address="10.0.0.7")
    entry = AuditEntry.objects.get()
    assert entry.action == "auth.lockout"
    assert entry.detail["username"] == "chen"
