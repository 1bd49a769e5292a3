"""Badge pages (issue 4 §2): the printable badge PDF for the officer's agency (back office, scoped)
and the public verify page the QR opens (no login, rate limited, Chinese, phone-friendly).

The public page reads the certificate's status from the live database on every request, so a
revoked, suspended or expired certificate is shown as not valid at once, whatever the QR says.
It does no SM2 work (performance.md B3): the signed payload rides in the URL fragment, which the
browser never sends, and `badge-verify.js` checks it with sm-crypto against the public keys
embedded in the page.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from fazhi.audit.services import audit_record
from fazhi.core.crypto import public_keys
from fazhi.core.ratelimit import client_ip, over_limit
from fazhi.core.scope import scoped
from fazhi.enforcement import badges as payloads
from fazhi.enforcement.models import Badge, Certificate
from fazhi.enforcement.rules.certificates import CertificateState
from fazhi.enforcement.services.badges import (
    BadgeCard,
    badge_by_token,
    badge_card_by_token,
    badge_issue_for,
    badge_token,
)
from fazhi.enforcement.services.token_watch import note_unknown_token

# --- rate limit (security.md PII-5) -----------------------------------------------------------

#: Verify requests one IP may make per window; FAZHI_BADGE_VERIFY_PER_MINUTE overrides it (the B3
#: benchmark raises it). The counter lives in Django's cache: with a shared cache (Redis) the limit
#: holds across workers; with the per-process default cache it holds per worker.
RATE_WINDOW_SECONDS = 60


def verify_rate_limit() -> int:
    return int(
        getattr(settings, "FAZHI_BADGE_VERIFY_PER_MINUTE", 0)
        or os.environ.get("FAZHI_BADGE_VERIFY_PER_MINUTE", 0)
        or 60
    )


def over_rate_limit(request: HttpRequest) -> bool:
    """Count this request against its IP's window; True once the window's limit is passed."""
    return over_limit(
        f"badge-verify:{client_ip(request)}",
        verify_rate_limit(),
        window_seconds=RATE_WINDOW_SECONDS,
    )


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "enforcement/badges/rate_limited.html", {"window": RATE_WINDOW_SECONDS}, status=429
    )
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    """The same answer for every unknown or malformed token (no oracle for guessing), counted
    for the enumeration alert (security.md QR-9)."""
    note_unknown_token(request, "badge")
    response = render(request, "enforcement/badges/not_found.html", status=404)
    response["Cache-Control"] = "no-store"
    return response


# --- public keys for the page (no per-request file read) ---------------------------------------

_KEYS_TTL = 300.0
_keys_cache: dict[str, Any] = {"at": -_KEYS_TTL, "keys": {}}


def page_public_keys() -> dict[str, str]:
    """Key id → uncompressed public key ("04" + x‖y, the form sm-crypto expects), cached per
    process for five minutes."""
    now = time.monotonic()
    if now - _keys_cache["at"] > _KEYS_TTL:
        _keys_cache["keys"] = {kid: "04" + pub for kid, pub in public_keys().items()}
        _keys_cache["at"] = now
    return dict(_keys_cache["keys"])


# --- the public verify page ------------------------------------------------------------------


# The page is benchmark B3: rendering its template per request cost more than the lookup and
# the middleware together. It is rendered once per (language, variant) with marker values into a
# skeleton, and each request only fills in its escaped values (≈30 µs instead of ≈1.5 ms). The
# Django template stays the single source of the page; the skeleton is rebuilt when the
# language, the variant or the public keys differ.
_MARK = "BVMARK"
_FIELDS = (
    "token", "status", "status_label", "name", "agency_name", "sector_name", "area", "number",
    "issued_on", "expires_on", "today", "json_name", "json_number", "json_agency_code",
    "json_issued_on", "json_expires_on",
)
_MARK_RE = re.compile(_MARK + r"([a-z_]+)" + _MARK)
_skeletons: dict[tuple[Any, ...], list[tuple[str, str]]] = {}


def _skeleton(request: HttpRequest, variant: tuple[bool, bool, bool]) -> list[tuple[str, str]]:
    keys = page_public_keys()
    key = (get_language(), variant, tuple(sorted(keys.items())))
    parts = _skeletons.get(key)
    if parts is None:
        is_valid, has_photo, has_area = variant
        marks = {f: f"{_MARK}{f}{_MARK}" for f in _FIELDS}
        context = {
            **marks,
            "is_valid": is_valid,
            "has_photo": has_photo,
            "has_area": has_area,
            "shown": {
                "number": marks["json_number"],
                "name": marks["json_name"],
                "agency_code": marks["json_agency_code"],
                "issued_on": marks["json_issued_on"],
                "expires_on": marks["json_expires_on"],
            },
            "keys": keys,
        }
        html = render_to_string("enforcement/badges/verify.html", context, request=None)
        pieces = _MARK_RE.split(html)  # literal, field, literal, field, …, literal
        parts = [(pieces[i], pieces[i + 1] if i + 1 < len(pieces) else "")
                 for i in range(0, len(pieces), 2)]
        if len(_skeletons) > 64:
            _skeletons.clear()
        _skeletons[key] = parts
    return parts


def _json_str(value: str) -> str:
    """`value` as the inside of a JSON string that is safe in a <script> element."""
    return json.dumps(value, ensure_ascii=False)[1:-1].translate(_JSON_SCRIPT_ESCAPES)


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# The page is a pure function of (card, token, language, day, public keys), so the last pages
# built are kept by exactly that key: a card whose state, dates or display copy changed is a
# different key (BadgeCard is a frozen dataclass compared by value), as is the next day.
_PAGES_MAX = 4096
_pages: dict[tuple[Any, ...], str] = {}


def render_verify_page(request: HttpRequest, card: BadgeCard, token: str) -> str:
    """The verify page for `card`, built once per (card, token, language, day, keys)."""
    today = timezone.localdate()
    page_public_keys()  # refreshes the keys (and their stamp) every five minutes
    key = (card, token, get_language(), today, _keys_cache["at"])
    page = _pages.get(key)
    if page is None:
        page = _build_verify_page(request, card, token, today)
        if len(_pages) >= _PAGES_MAX:
            _pages.clear()
        _pages[key] = page
    return page


def _build_verify_page(request: HttpRequest, card: BadgeCard, token: str, today: date) -> str:
    """The skeleton for the card's variant with the values filled in, each escaped for where it
    stands (HTML text/attributes, or a JSON string in a script element)."""
    status = payloads.badge_status(card.facts(), today, superseded=card.superseded)
    issued = card.issued_on.isoformat() if card.issued_on else ""
    expires = card.expires_on.isoformat() if card.expires_on else ""
    values = {
        "token": escape(token),
        "status": escape(status),
        "status_label": escape(str(payloads.STATUS_LABELS[status])),
        "name": escape(card.name),
        "agency_name": escape(card.agency_name),
        "sector_name": escape(card.sector_name),
        "area": escape(card.area),
        "number": escape(card.number),
        "issued_on": issued,
        "expires_on": expires,
        "today": today.isoformat(),
        "json_name": _json_str(card.name),
        "json_number": _json_str(card.number),
        "json_agency_code": _json_str(card.agency_code),
        "json_issued_on": issued,
        "json_expires_on": expires,
    }
    parts = _skeleton(request, (status == "valid", bool(card.photo), bool(card.area)))
    return "".join(literal + (values[field] if field else "") for literal, field in parts)


@login_not_required
@require_GET
def badge_verify(request: HttpRequest, token: str) -> HttpResponse:
    """portal:badge-verify — /public/verify/<token>/ (one indexed query, no SM2, no session)."""
    if over_rate_limit(request):
        return _rate_limited(request)
    card = badge_card_by_token(token)
    if card is None:
        return _not_found(request)
    response = HttpResponse(render_verify_page(request, card, token))
    response["Cache-Control"] = "no-store"  # status is live: never serve a cached "valid"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@require_GET
def badge_photo(request: HttpRequest, token: str) -> HttpResponse:
    """portal:badge-photo — the officer's photo for the verify page (security.md QR-5: the photo
    is fetched online, never carried in the QR). Reached only through the badge's token."""
    if over_rate_limit(request):
        return _rate_limited(request)
    badge = badge_by_token(token)
    if badge is None or not badge.certificate.officer.photo:
        return _not_found(request)
    photo = badge.certificate.officer.photo
    try:
        handle = photo.open("rb")
    except (FileNotFoundError, OSError):
        return _not_found(request)
    content_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the badge PDF (back office) -------------------------------------------------------------

PDF_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "pdf" / "NotoSerifSC-Regular.ttf"
PDF_FONT_BOLD = Path(settings.BASE_DIR) / "static" / "fonts" / "pdf" / "NotoSerifSC-Bold.ttf"


def _photo_data_uri(officer: Any) -> str:
    if not officer.photo:
        return ""
    try:
        with officer.photo.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return ""
    content_type = mimetypes.guess_type(officer.photo.name)[0] or "image/jpeg"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def badge_pdf_bytes(badge: Badge, *, base_url: str) -> bytes:
    """The chest-card badge (70 × 100 mm) as PDF: photo, name, agency, enforcement domain,
    certificate number, validity and the QR; Noto Serif SC embedded (stack.md §3.2)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    certificate = badge.certificate
    officer = certificate.officer
    url = payloads.verify_url(base_url, badge_token(badge), badge.payload)
    qr = payloads.qr_for(url)
    html = render_to_string(
        "enforcement/badges/badge_pdf.html",
        {
            "certificate": certificate,
            "officer": officer,
            "agency": officer.agency,
            "sector": certificate.sector,
            "photo": _photo_data_uri(officer),
            "qr": qr.svg_data_uri(scale=4, border=2),  # type: ignore[attr-defined]
            "url": url,
        },
    )
    fonts = FontConfiguration()
    css = CSS(
        string=(
            f"@font-face {{ font-family: 'Fazhi PDF'; src: url('{PDF_FONT.as_uri()}'); }}"
            f"@font-face {{ font-family: 'Fazhi PDF'; font-weight: bold;"
            f" src: url('{PDF_FONT_BOLD.as_uri()}'); }}"
        ),
        font_config=fonts,
    )
    return HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts)  # type: ignore[no-any-return]


class BadgePdfView(View):
    """enforcement:badge-pdf — the badge of an active certificate in the user's data scope; other
    certificates answer 404 (out of scope) or 409 (not active)."""

    model = Certificate
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = (
            scoped(Certificate.objects.select_related("officer__agency", "sector"), request.user)
            .filter(pk=pk)
            .first()
        )
        if certificate is None:
            raise Http404
        if certificate.state != CertificateState.ACTIVE.value:
            return HttpResponse(
                _("Only an active certificate has a printable badge."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        badge = badge_issue_for(certificate, actor=request.user)
        badge = Badge.objects.select_related(
            "certificate__officer__agency", "certificate__sector"
        ).get(pk=badge.pk)
        pdf = badge_pdf_bytes(badge, base_url=request.build_absolute_uri("/"))
        audit_record(
            actor=request.user,
            action="enforcement.badge.download",
            target=badge,
            request=request,
            detail={"certificate": certificate.pk},
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"badge-{certificate.number}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
