"""TOTP second factor for the three administrators (security.md AUTH-6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.accounts.tests.conftest import PASSWORD, actions

OTP = "/accounts/otp/"
# The start of a 30-second step, so shifting a few seconds stays in the same step.
T0 = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)


def code(device: TOTPDevice, at_offset: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + at_offset)
    return f"{value:0{device.digits}d}"


def admin_client(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def sec_admin(make_user: Any) -> Any:
    return make_user("anquan", admin_role="sec_admin")


@pytest.mark.parametrize("path", ["/", "/administration/", "/audit/entries/"])
def test_password_alone_reaches_nothing_but_the_otp_page(sec_admin: Any, path: str) -> None:
    client = admin_client("anquan")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == OTP


def test_enrolment_shows_a_qr_and_one_valid_code_confirms(
    sec_admin: Any, audit_log: list[dict[str, Any]]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = admin_client("anquan")
        page = client.get(OTP)
        assert page.status_code == 200
        body = page.content.decode()
        assert "<svg" in body
        device = TOTPDevice.objects.get(user=sec_admin)
        assert not device.confirmed
        assert client.get(OTP).content.decode().count("<svg") == 1
        assert TOTPDevice.objects.filter(user=sec_admin).count() == 1  # reused, not multiplied

        wrong = client.post(OTP, {"token": f"{(int(code(device)) + 1) % 1_000_000:06d}"})
        assert wrong.status_code == 400
        assert actions(audit_log)[-1] == "auth.otp_failed"
        clock.shift(timedelta(seconds=5))  # past django-otp's throttle delay after one failure
        response = client.post(OTP, {"token": code(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert actions(audit_log)[-1] == "auth.otp_enrolled"
        assert client.get("/administration/").status_code == 200


@pytest.fixture
def enrolled(sec_admin: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=sec_admin, name="app", confirmed=True)


def test_a_valid_code_opens_the_session_with_a_new_key(
    enrolled: TOTPDevice, audit_log: list[dict[str, Any]]
) -> None:
    with time_machine.travel(T0, tick=False):
        client = admin_client("anquan")
        before = client.cookies["sessionid"].value
        assert "<svg" not in client.get(OTP).content.decode()  # no QR once enrolled
        response = client.post(OTP, {"token": code(enrolled), "next": "/administration/"})
        assert response.status_code == 302
        assert response["Location"] == "/administration/"
        assert client.cookies["sessionid"].value != before
        assert client.get("/administration/").status_code == 200
        assert actions(audit_log)[-1] == "auth.otp_verified"


def test_the_same_code_cannot_be_used_twice(enrolled: TOTPDevice) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        token = code(enrolled)
        first = admin_client("anquan")
        assert first.post(OTP, {"token": token}).status_code == 302
        clock.shift(timedelta(seconds=3))
        second = admin_client("anquan")
        assert second.post(OTP, {"token": token}).status_code == 400
        assert second.get("/administration/").status_code == 302


def test_code_from_an_old_step_is_refused(enrolled: TOTPDevice) -> None:
    with time_machine.travel(T0, tick=False):
        client = admin_client("anquan")
        old = code(enrolled, at_offset=-3)  # 90 seconds ago, beyond the tolerance
        assert client.post(OTP, {"token": old}).status_code == 400


@pytest.mark.parametrize("token", ["", "12345", "1234567", "abcdef"])
def test_malformed_codes_are_refused(enrolled: TOTPDevice, token: str) -> None:
    client = admin_client("anquan")
    assert client.post(OTP, {"token": token}).status_code == 400
    assert client.get("/administration/").status_code == 302


def test_business_users_never_see_the_otp_step(make_user: Any, org_tree: Any) -> None:
    make_user("yewu", role="officer", agency=org_tree.hohhot_market)
    client = admin_client("yewu")
    assert client.get("/").status_code == 200
    assert client.get(OTP).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_admin_idle_timeout_is_fifteen_minutes(enrolled: TOTPDevice) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = admin_client("anquan")
        client.post(OTP, {"token": code(enrolled)})
        assert client.get("/administration/").status_code == 200
        clock.shift(timedelta(minutes=16))
        assert client.get("/administration/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("idle", "logged_out"),
    [(timedelta(minutes=14), False), (timedelta(minutes=15, seconds=1), True)],
)
def test_admin_idle_limit_holds_with_activity_recorded_once_a_minute(
    enrolled: TOTPDevice, idle: timedelta, logged_out: bool
) -> None:
    """The last page (30 s after the recorded activity, so not recorded itself) starts the admin's
    15 minutes: 14 min later the session lives, 15 min and a second later it has ended."""
    with time_machine.travel(T0, tick=False) as clock:
        client = admin_client("anquan")
        client.post(OTP, {"token": code(enrolled)})
        clock.shift(timedelta(seconds=30))
        assert client.get("/administration/").status_code == 200
        assert client.session["fazhi_last_seen"] == T0.timestamp()
        clock.shift(idle)
        response = client.get("/administration/")
        if logged_out:
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 200
