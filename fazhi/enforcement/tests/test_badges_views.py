"""The public verify page and the badge PDF (issue 4 §2; security.md QR-3..QR-5, PII-5;
performance.md B3): live status whatever the QR says, uniform 404, rate limit, one query and no
SM2 on the request path, scoped PDF with the fonts embedded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import Badge, Certificate
from fazhi.enforcement.services import badges as services
from fazhi.enforcement.services import registry
from fazhi.enforcement.tests.test_badges_services import certificate_in
from fazhi.enforcement.views import badges as views

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today_2027(monkeypatch: Any) -> date:
    day = date(2027, 6, 1)
    monkeypatch.setattr(views.timezone, "localdate", lambda: day)
    return day


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _badge(make_officer: Any, sector: Any, state: str = "active", **kw: Any) -> tuple[Any, str]:
    officer = make_officer(kw.pop("name", "张三"))
    cert = certificate_in("active", officer, sector, **kw)
    badge = services.badge_issue_for(cert)
    if state == "suspended":
        registry.certificate_suspend(actor=None, certificate=cert, reason="调查中")
    elif state == "revoked":
        registry.certificate_revoke(actor=None, certificate=cert, reason="违法执法")
    elif state == "cancelled":
        registry.certificate_cancel(actor=None, certificate=cert, reason="调离")
    elif state == "expired":
        registry.certificates_expire(today=date(2032, 1, 10))
    return badge, services.badge_token(badge)


def _url(token: str) -> str:
    return reverse("portal:badge-verify", args=[token])


def test_valid_badge_page(client: Client, make_officer: Any, sector: Any, today_2027: date,
                          django_assert_num_queries: Any) -> None:
    badge, token = _badge(make_officer, sector)
    with django_assert_num_queries(1):  # the token digest lookup, nothing else
        response = client.get(_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html
    assert "在有效期内" in html
    for text in ("张三", "新城区市场监督管理局", "市场监管", "15010201000001", "2026-01-10",
                 "2032-01-09", "vendor/sm2.js", "enforcement/badge-verify.js"):
        assert text in html, text
    assert badge.certificate.officer.resident_id not in html
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("state", "label"),
    [("revoked", "已吊销"), ("suspended", "已暂扣"), ("cancelled", "已注销")],
)
def test_not_valid_states_show_at_once(client: Client, make_officer: Any, sector: Any,
                                       today_2027: date, state: str, label: str) -> None:
    """The badge was signed while the certificate was active; the page follows the registry."""
    _, token = _badge(make_officer, sector, state)
    html = client.get(_url(token)).content.decode()
    assert "不在有效期" in html
    assert label in html
    assert 'data-status="valid"' not in html


def test_a_page_built_for_a_valid_card_is_not_reused_after_a_change(
    client: Client, make_officer: Any, sector: Any, today_2027: date
) -> None:
    """The page is kept by (card, token, language, day, keys); the same token with a revoked
    certificate is another card, so another page."""
    badge, token = _badge(make_officer, sector)
    for _ in range(2):
        assert 'data-status="valid"' in client.get(_url(token)).content.decode()
    registry.certificate_revoke(actor=None, certificate=badge.certificate, reason="违法执法")
    html = client.get(_url(token)).content.decode()
    assert "已吊销" in html
    assert 'data-status="valid"' not in html


def test_expired_by_date_before_the_sweep(client: Client, make_officer: Any, sector: Any,
                                          monkeypatch: Any) -> None:
    """The day after the expiry date the page says expired even if the sweep has not run."""
    _, token = _badge(make_officer, sector)
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2032, 1, 9))
    assert 'data-status="valid"' in client.get(_url(token)).content.decode()
    cache.clear()
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2032, 1, 10))
    html = client.get(_url(token)).content.decode()
    assert 'data-status="expired"' in html
    assert "不在有效期" in html
    assert "已过期" in html


def test_superseded_badge_is_not_valid(client: Client, make_officer: Any, sector: Any,
                                       today_2027: date) -> None:
    old, token = _badge(make_officer, sector)
    Certificate.objects.filter(pk=old.certificate_id).update(number="15010201000099")
    services.badge_issue_for(old.certificate)
    html = client.get(_url(token)).content.decode()
    assert 'data-status="superseded"' in html
    assert "不在有效期" in html


def test_unknown_and_malformed_tokens_get_one_uniform_404(client: Client, make_officer: Any,
                                                          sector: Any) -> None:
    badge, token = _badge(make_officer, sector)
    other = ("B" if token[0] == "A" else "A") + token[1:]
    bodies = set()
    for bad in (other, token[:-1], str(badge.pk), str(badge.certificate_id), "x" * 32):
        response = client.get(_url(bad))
        assert response.status_code == 404, bad
        # the language switch carries a fresh CSRF token and the current path: drop those
        body = re.sub(r'name="(csrfmiddlewaretoken|next)"[^>]*', "", response.content.decode())
        bodies.add(body)
    assert len(bodies) == 1
    assert "未找到" in bodies.pop()


def test_rate_limit_per_ip(client: Client, make_officer: Any, sector: Any, settings: Any) -> None:
    """security.md PII-5: over the per-IP limit → 429 with a Chinese page; another IP is served."""
    settings.FAZHI_BADGE_VERIFY_PER_MINUTE = 5
    _, token = _badge(make_officer, sector)
    statuses = [client.get(_url(token)).status_code for _ in range(5)]
    assert statuses == [200] * 5
    response = client.get(_url(token))
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert client.get(_url("A" * 32)).status_code == 429  # unknown tokens count too
    other_ip = Client(REMOTE_ADDR="10.0.0.9")
    assert other_ip.get(_url(token)).status_code == 200


def test_no_sm2_on_the_request_path(client: Client, make_officer: Any, sector: Any,
                                    monkeypatch: Any) -> None:
    """performance.md B3: the page never verifies (or signs) with SM2."""
    _, token = _badge(make_officer, sector)
    import fazhi.core.crypto as crypto

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("SM2 on the request path")

    for name in ("sm2_verify", "sm2_sign", "_gmssl_verify"):
        monkeypatch.setattr(crypto, name, boom)
    monkeypatch.setattr(crypto._LibCrypto, "verify", boom)
    assert client.get(_url(token)).status_code == 200


def test_verify_page_embeds_the_public_keys_for_sm_crypto(client: Client, make_officer: Any,
                                                          sector: Any) -> None:
    from fazhi.core.crypto import public_keys

    badge, token = _badge(make_officer, sector)
    html = client.get(_url(token)).content.decode()
    assert f'"{badge.key_id}": "04{public_keys()[badge.key_id]}"' in html


def test_photo_through_the_token_only(client: Client, make_officer: Any, sector: Any) -> None:
    badge, token = _badge(make_officer, sector)
    officer = badge.certificate.officer
    assert client.get(reverse("portal:badge-photo", args=[token])).status_code == 404
    officer.photo.save("p.png", SimpleUploadedFile("p.png", _png()), save=True)
    html = client.get(_url(token)).content.decode()
    assert reverse("portal:badge-photo", args=[token]) in html
    response = client.get(reverse("portal:badge-photo", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("portal:badge-photo", args=["A" * 32])).status_code == 404


def test_page_answers_in_english_too(make_officer: Any, sector: Any) -> None:
    _, token = _badge(make_officer, sector, "revoked")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    html = client.get(_url(token)).content.decode()
    assert "Not within the period of validity" in html
    assert "Certificate revoked" in html


# --- the badge PDF -------------------------------------------------------------------------------

PDF_FONTS = ROOT / "static" / "fonts" / "pdf" / "NotoSerifSC-Regular.ttf"


def _leader(make_user: Any, agency: Any, name: str = "leader") -> Any:
    return make_user(name, role="agency_leader", scope="agency", agency=agency)


def test_pdf_is_scoped(client: Client, make_officer: Any, make_user: Any, org_tree: Any,
                       sector: Any) -> None:
    cert = certificate_in("active", make_officer(), sector)
    badges = list(Badge.objects.values_list("pk", flat=True))
    url = reverse("enforcement:badge-pdf", args=[cert.pk])
    assert client.get(url).status_code == 302  # login first
    client.force_login(_leader(make_user, org_tree.baotou_market, "bt"))
    assert client.get(url).status_code == 404
    assert list(Badge.objects.values_list("pk", flat=True)) == badges


@pytest.mark.parametrize("state", ["issued", "suspended", "revoked"])
def test_pdf_only_for_active_certificates(client: Client, make_officer: Any, make_user: Any,
                                          org_tree: Any, sector: Any, state: str) -> None:
    cert = certificate_in(state, make_officer(), sector)
    client.force_login(_leader(make_user, org_tree.xincheng_market))
    response = client.get(reverse("enforcement:badge-pdf", args=[cert.pk]))
    assert response.status_code == 409
    assert "有效" in response.content.decode()


@pytest.mark.skipif(not PDF_FONTS.exists(), reason="PDF fonts not built: run `make assets`")
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_badge(client: Client, make_officer: Any, make_user: Any, org_tree: Any,
                   sector: Any, tmp_path: Path) -> None:
    officer = make_officer("乌力吉")
    officer.photo.save("p.png", SimpleUploadedFile("p.png", _png()), save=True)
    cert = certificate_in("active", officer, sector)
    client.force_login(_leader(make_user, org_tree.xincheng_market))
    response = client.get(reverse("enforcement:badge-pdf", args=[cert.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    assert all("Fazhi-PDF" in r for r in rows), fonts.stdout  # only our font
    assert all(r.split()[-5] == "yes" for r in rows), fonts.stdout  # embedded
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = "".join(text.split())  # lines wrap inside the card
    for expected in ("乌力吉", "新城区市场监督管理局", "市场监管", "15010201000001",
                     "2026.01.10", "2032.01.09"):
        assert expected in text, expected
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "198.425 x 283.465 pts" in size  # 70 × 100 mm chest card
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout
    assert len(images.splitlines()) >= 3  # the photo (the QR is vector)
    badge = Badge.objects.get(certificate=cert)
    assert AuditEntry.objects.filter(action="enforcement.badge.download").count() == 1
    # a second download reuses the badge (same token in the QR)
    client.get(reverse("enforcement:badge-pdf", args=[cert.pk]))
    assert Badge.objects.filter(certificate=cert).count() == 1
    assert badge.issued_at <= timezone.now()


def test_values_are_escaped_in_html_and_in_the_json(client: Client, make_officer: Any,
                                                    sector: Any) -> None:
    """The page is filled from a pre-rendered skeleton: every value is escaped for its place."""
    import json

    nasty = '王<script>alert(1)</script>"&\'BVMARKnameBVMARK'
    badge, token = _badge(make_officer, sector, name=nasty)
    html = client.get(_url(token)).content.decode()
    assert "<script>alert(1)" not in html
    assert "王&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#x27;BVMARKnameBVMARK" in html
    shown = re.search(r'<script id="bv-shown" type="application/json">(.*?)</script>', html)
    assert shown is not None
    assert "\\u003Cscript\\u003E" in shown.group(1)
    assert json.loads(shown.group(1))["name"] == nasty
    assert json.loads(shown.group(1))["number"] == badge.certificate.number


def test_skeleton_follows_the_variant_and_the_language(make_officer: Any, sector: Any,
                                                       today_2027: date) -> None:
    """Two badges in different states and languages never share a rendered page."""
    _, valid = _badge(make_officer, sector, name="甲", number="15010201000011")
    _, revoked = _badge(make_officer, sector, "revoked", name="乙", number="15010201000012")
    zh, en = Client(), Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-status="valid"' in zh.get(_url(valid)).content.decode()
    page = zh.get(_url(revoked)).content.decode()
    assert 'data-status="revoked"' in page
    assert "乙" in page
    assert "甲" not in page
    assert "已吊销" in page
    page_en = en.get(_url(revoked)).content.decode()
    assert "Certificate revoked" in page_en
    assert "已吊销" not in page_en
