"""The back-office shell in a real browser: Chinese login, every role reaches its workbench,
administrators are sent to the second factor, and the menu works on a phone."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Fazhi-Test-2026!"  # make_user's default
BUSINESS_ROLES = [
    ("supervisor", "region"),
    ("agency_leader", "agency"),
    ("officer", "self"),
    ("legal_reviewer", "agency"),
    ("reconsideration_staff", "division"),
    ("mediator", "division"),
    ("assessment_staff", "region"),
]
ADMIN_ROLES = ["sys_admin", "sec_admin", "audit_admin"]


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def test_root_redirects_to_the_chinese_login_page(live_server: Any, page: Any, screenshot: Any):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "登录"
    assert page.get_by_label("用户名").is_visible()
    # htmx is served from our own static files (make assets), not from a CDN.
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => window.htmx.version").startswith("2.0.")
    screenshot(page, "login")


@pytest.mark.parametrize(("role", "scope"), BUSINESS_ROLES)
def test_each_business_role_reaches_its_workbench(
    live_server: Any, page: Any, org_tree: Any, make_user: Any, role: str, scope: str
) -> None:
    kwargs: dict[str, Any] = {"role": role, "scope": scope, "agency": org_tree.hohhot_market}
    if scope == "division":
        kwargs["division"] = org_tree.hohhot
    make_user(f"e2e_{role}", **kwargs)
    log_in(page, live_server.url, f"e2e_{role}")
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("h1").inner_text() == "工作台"
    assert page.locator("nav#nav").is_visible()


def test_wrong_password_stays_on_login_with_an_error(live_server: Any, page: Any, make_user: Any):
    make_user("e2e_wrong", role="officer", scope="self")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e_wrong")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()


@pytest.mark.parametrize("admin_role", ADMIN_ROLES)
def test_administrators_are_sent_to_the_second_factor(
    live_server: Any, page: Any, make_user: Any, admin_role: str
) -> None:
    make_user(f"e2e_{admin_role}", admin_role=admin_role)
    log_in(page, live_server.url, f"e2e_{admin_role}")
    assert "/accounts/otp/" in page.url
    page.goto(f"{live_server.url}/")
    assert "/accounts/otp/" in page.url, "an unverified administrator reached the workbench"


def test_phone_menu_toggles_navigation(
    live_server: Any, phone_page: Any, org_tree: Any, make_user: Any, screenshot: Any
) -> None:
    make_user("e2e_phone", role="officer", scope="self", agency=org_tree.hohhot_market)
    log_in(phone_page, live_server.url, "e2e_phone")
    assert phone_page.locator("h1").inner_text() == "工作台"
    nav = phone_page.locator("nav#nav")
    toggle = phone_page.locator("button.menu-toggle")
    assert toggle.is_visible()
    assert not nav.is_visible()
    toggle.click()
    assert nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    screenshot(phone_page, "workbench-phone-menu-open")
    toggle.click()
    assert not nav.is_visible()
    # Nothing is wider than the phone screen.
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390
