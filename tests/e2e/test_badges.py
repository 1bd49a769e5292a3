"""Badge verification in a real browser (issue 4 §2, must show): the QR URL of a revoked
certificate shows 不在有效期 / 已吊销; a QR URL with one changed byte in its fragment is called
伪造 by sm-crypto in the page; a genuine, valid one shows 有效 with the signature verified."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from fazhi.enforcement import badges as payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _qr_url(base_url: str, org_tree: Any, *, name: str, number: str, revoke: bool) -> str:
    from fazhi.enforcement.services import badges, registry
    from fazhi.enforcement.tests.conftest import make_resident_id
    from fazhi.orgs.models import Sector

    sector = Sector.objects.get_or_create(code="market", defaults={"name": "市场监管"})[0]
    officer = registry.officer_create(
        actor=None,
        name=name,
        resident_id=make_resident_id(int(number[-3:])),
        agency=org_tree.xincheng_market,
    )
    cert = registry.certificate_apply(actor=None, officer=officer, sector=sector)
    cert = registry.certificate_pass_exam(actor=None, certificate=cert)
    today = date.today()
    cert = registry.certificate_issue(
        actor=None,
        certificate=cert,
        number=number,
        issued_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=365 * 5),
    )
    cert = registry.certificate_activate(actor=None, certificate=cert)
    badge = badges.badge_issue_for(cert)
    if revoke:
        registry.certificate_revoke(actor=None, certificate=cert, reason="违法执法")
    return payloads.verify_url(base_url, badges.badge_token(badge), badge.payload)


def _one_byte_changed(url: str) -> str:
    head, fragment = url.split("#", 1)
    raw = bytearray(payloads.b64url_decode(fragment))
    raw[len(raw) // 3] ^= 0x01  # one byte of the signed message
    return f"{head}#{payloads.b64url_encode(bytes(raw))}"


def _signature_state(page: Any) -> str:
    page.wait_for_function(
        "() => document.getElementById('bv-sig').dataset.state !== 'checking'", timeout=15_000
    )
    return page.locator("#bv-sig").get_attribute("data-state")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_valid_badge_shows_valid_and_the_signature_verified(
    live_server: Any, phone_page: Any, org_tree: Any, screenshot: Any
) -> None:
    url = _qr_url(live_server.url, org_tree, name="张三", number="15010201000001", revoke=False)
    phone_page.goto(url)
    status = phone_page.locator("#bv-status")
    assert status.get_attribute("data-status") == "valid"
    assert "有效" in status.inner_text()
    assert "不在有效期" not in status.inner_text()
    assert _signature_state(phone_page) == "ok"
    assert not phone_page.locator("#bv-forged").is_visible()
    assert "签名验证通过" in phone_page.locator("#bv-sig").inner_text()
    assert "张三" in phone_page.content()
    # phone-friendly: nothing wider than the 390 px screen
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "badge-verify-valid")


def test_revoked_certificate_shows_not_valid_whatever_the_qr_says(
    live_server: Any, phone_page: Any, org_tree: Any, screenshot: Any
) -> None:
    url = _qr_url(live_server.url, org_tree, name="李四", number="15010201000002", revoke=True)
    phone_page.goto(url)
    text = phone_page.locator("#bv-status").inner_text()
    assert "不在有效期" in text
    assert "已吊销" in text
    # the QR itself is genuine: signed while the certificate was active
    assert _signature_state(phone_page) == "ok"
    screenshot(phone_page, "badge-verify-revoked")


def test_one_changed_byte_in_the_qr_is_called_forged(
    live_server: Any, page: Any, org_tree: Any, screenshot: Any
) -> None:
    url = _qr_url(live_server.url, org_tree, name="王五", number="15010201000003", revoke=False)
    page.goto(_one_byte_changed(url))
    assert _signature_state(page) == "forged"
    assert "伪造" in page.locator("#bv-sig").inner_text()
    # a forged QR may carry a genuine token: the green status is replaced by the forgery banner
    assert page.locator("#bv-forged").is_visible()
    assert "伪造" in page.locator("#bv-forged").inner_text()
    assert not page.locator("#bv-status").is_visible()
    screenshot(page, "badge-verify-forged")
    # the same page with the genuine fragment (hash change only, no new request) verifies
    page.goto(url)
    page.reload()
    assert _signature_state(page) == "ok"
    assert not page.locator("#bv-forged").is_visible()
    assert page.locator("#bv-status").is_visible()
