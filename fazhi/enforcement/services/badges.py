"""Badges: issuing the signed QR payload of a certificate and finding a badge by its public token
(issue 4 §2; security.md QR-1..QR-6, PII-5; performance.md B3).

* `badge_issue_for(certificate)` makes the certificate's current badge, or returns it when its
  signed claims still match the certificate and its key is still trusted. The registry calls it
  when a certificate is issued or activated; the badge PDF view calls it lazily too.
* `badge_by_token(token)` is the public lookup: one indexed query on the SM3 digest of the token,
  no signature check (the browser does that; B3 forbids SM2 on the request path).
* `badge_token(badge)` re-derives the public token for printing: HMAC-SHA256 under SECRET_KEY of
  the stored random seed, so the database alone cannot produce a working URL.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fazhi.audit.services import audit_record
from fazhi.core.crypto import public_keys, signing_key, sm2_sign
from fazhi.core.tokens import TOKEN_BYTES, token_digest, token_is_well_formed
from fazhi.enforcement import badges as payloads
from fazhi.enforcement.models import Badge, Certificate
from fazhi.enforcement.rules.certificates import CertificateFacts, CertificateState
from fazhi.enforcement.services import badge_cache

_TOKEN_SALT = "fazhi.enforcement.badge-token"  # noqa: S105 - an HMAC salt, not a secret
#: Certificates with a number and dates whose holder may wear a badge (rulebook §8).
BADGE_STATES = frozenset(
    {CertificateState.ISSUED.value, CertificateState.ACTIVE.value, CertificateState.SUSPENDED.value}
)


def badge_token(badge: Badge) -> str:
    """The badge's public token (32 URL-safe characters, 192 bits)."""
    return _token_from_seed(badge.token_seed)


def _token_from_seed(seed: str) -> str:
    mac = salted_hmac(_TOKEN_SALT, seed, algorithm="sha256").digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def claims_for(certificate: Certificate, key_id: str) -> payloads.BadgeClaims:
    officer = certificate.officer
    return payloads.BadgeClaims(
        key_id=key_id,
        number=certificate.number or "",
        name=officer.name,
        agency_code=officer.agency.credit_code,
        issued_on=certificate.issued_on,  # type: ignore[arg-type]
        expires_on=certificate.expires_on,  # type: ignore[arg-type]
    )


def _still_good(badge: Badge, certificate: Certificate) -> bool:
    parsed = payloads.parse(badge.payload)
    if parsed is None or badge.key_id not in public_keys():
        return False
    return parsed[0] == claims_for(certificate, badge.key_id)


def badge_current(certificate: Certificate) -> Badge | None:
    return (
        Badge.objects.filter(certificate=certificate, superseded_at__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )


@transaction.atomic
def badge_issue_for(
    certificate: Certificate, *, actor: Any = None, at: datetime | None = None
) -> Badge:
    """The certificate's current badge, signed anew when there is none or when the certificate's
    number, dates, holder name or agency code no longer match the signed claims (renewal) or its
    key is no longer trusted; the older badge is then marked superseded. Refused for a
    certificate that was never issued or has ended (revoked, cancelled, expired)."""
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("officer__agency")
        .get(pk=certificate.pk)
    )
    if certificate.state not in BADGE_STATES:
        raise ValidationError(
            _("Only an issued, active or suspended certificate has a badge."), code="state"
        )
    current = badge_current(certificate)
    if current is not None and _still_good(current, certificate):
        return current
    at = at or timezone.now()
    key = signing_key()
    try:
        payload = payloads.encode(
            claims_for(certificate, key.key_id), lambda message: sm2_sign(key, message)
        )
    except payloads.BadgePayloadError as exc:
        raise ValidationError(
            _("The certificate's data do not fit in a badge QR: %(error)s") % {"error": exc},
            code="payload",
        ) from exc
    if current is not None:
        Badge.objects.filter(certificate=certificate, superseded_at__isnull=True).update(
            superseded_at=at
        )
    seed = secrets.token_hex(16)
    badge = Badge.objects.create(
        certificate=certificate,
        token_digest=token_digest(_token_from_seed(seed)),
        token_seed=seed,
        payload=payload,
        key_id=key.key_id,
        issued_at=at,
    )
    badge_display_refresh(badges=Badge.objects.filter(pk=badge.pk))
    audit_record(
        actor=actor,
        action="enforcement.badge.issue",
        target=badge,
        detail={
            "certificate": certificate.pk,
            "key_id": key.key_id,
            "superseded": current.pk if current is not None else None,
        },
        at=at,
    )
    return badge


def badges_issue_missing(*, actor: Any = None, limit: int | None = None) -> int:
    """Sign a badge for every active certificate that has no current one (after an Excel import,
    or to catch up if the registry hook was skipped). Returns how many were made. Each badge is
    its own transaction; at ~400 SM2 signatures/s a full region (127k) takes ~5 min, so run it
    from a task or command, not a request."""
    missing = (
        Certificate.objects.filter(state=CertificateState.ACTIVE.value)
        .filter(
            ~Exists(Badge.objects.filter(certificate=OuterRef("pk"), superseded_at__isnull=True))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if limit is not None:
        missing = missing[:limit]
    made = 0
    for pk in list(missing):
        badge_issue_for(Certificate(pk=pk), actor=actor)
        made += 1
    return made


# --- the display copy on the badge row (performance.md B3) --------------------------------------

#: Badge column → where the verify page's value lives. The copy is refreshed from these paths;
#: validity (state, number, dates) is never copied.
DISPLAY_SOURCES = {
    "holder_name": "certificate__officer__name",
    "holder_photo": "certificate__officer__photo",
    "agency_name": "certificate__officer__agency__name",
    "agency_code": "certificate__officer__agency__credit_code",
    "sector_name": "certificate__sector__name",
}


def badge_display_refresh(*, badges: QuerySet[Badge] | None = None) -> int:
    """Rewrite the display copy of `badges` (all badges by default) from the officer, agency and
    sector rows, in one set-based UPDATE; returns the number of rows. Called when a badge is made
    and, through `fazhi.enforcement.receivers`, whenever an officer, agency or sector is saved
    (a cache refresh, not business flow: style.md allows signals for that)."""
    rows = Badge.objects.all() if badges is None else badges
    source = Badge.objects.filter(pk=OuterRef("pk"))
    return rows.update(
        **{
            column: Coalesce(Subquery(source.values(path)[:1]), Value(""))
            for column, path in DISPLAY_SOURCES.items()
        }
    )


def badge_display_drift() -> int:
    """How many badge rows' display copy differs from its sources (0 when the receivers did
    their work; a bulk `update()` elsewhere bypasses them, and `badge_display_refresh()` mends
    it)."""
    live = Badge.objects.annotate(
        **{
            f"live_{column}": Coalesce(F(path), Value(""))
            for column, path in DISPLAY_SOURCES.items()
        }
    )
    differs = Q()
    for column in DISPLAY_SOURCES:
        differs |= ~Q(**{column: F(f"live_{column}")})
    return live.filter(differs).count()


def badge_by_token(token: str) -> Badge | None:
    """The badge whose token is `token`, with its certificate, officer, agency and sector, in one
    query; None for anything unknown or malformed (the view answers a uniform 404)."""
    if not token_is_well_formed(token):
        return None
    return (
        Badge.objects.select_related("certificate__officer__agency", "certificate__sector")
        .filter(token_digest=token_digest(token))
        .first()
    )


@dataclass(frozen=True)
class BadgeCard:
    """What the public verify page shows of a badge, read in one query (no model instances)."""

    superseded: bool
    key_id: str
    number: str
    state: str
    issued_on: date | None
    expires_on: date | None
    area: str
    name: str
    photo: str
    agency_name: str
    agency_code: str
    sector_name: str

    def facts(self) -> CertificateFacts:
        return CertificateFacts(
            state=self.state, issued_on=self.issued_on, expires_on=self.expires_on
        )


_CARD_FIELDS = (
    "superseded_at",
    "key_id",
    "certificate__number",
    "certificate__state",
    "certificate__issued_on",
    "certificate__expires_on",
    "certificate__area",
    "holder_name",
    "holder_photo",
    "agency_name",
    "agency_code",
    "sector_name",
)
_card_sql: dict[str, str] = {}
_card_sql_qmark: dict[str, str] = {}


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def badge_card_by_token(token: str) -> BadgeCard | None:
    """The public page's lookup (performance.md B3): SM3 of the token, then one indexed query
    over two tables: the badge (with its display copy) and its live certificate (state, number,
    dates, area: validity is never read from a copy).

    The SQL is the ORM's own (a `values_list` over the join), compiled once per database
    connection alias and reused: compiling the query costs more than running it (≈2.8 ms vs
    0.3 ms measured on SQLite for the earlier five-table form). No model instances are built.

    On PostgreSQL the card is kept in a per-process cache that a NOTIFY trigger empties on any
    change to a badge or certificate (services/badge_cache.py), so a revocation shows at once."""
    if not token_is_well_formed(token):
        return None
    digest = token_digest(token)
    return badge_cache.cards.get_or_read(digest, lambda: _read_card(digest))


def _read_card(digest: str) -> BadgeCard | None:
    connection = connections[Badge.objects.db]
    key = f"{connection.alias}:{connection.vendor}"
    sql = _card_sql.get(key)
    if sql is None:
        placeholder = {"token_digest": "-"}
        query = (
            Badge.objects.filter(**placeholder).order_by().values_list(*_CARD_FIELDS)[:1].query
        )  # token_digest is unique: no ORDER BY, no sort step
        sql, params = query.get_compiler(connection.alias).as_sql()
        if list(params) != ["-"]:  # the digest must be the only parameter
            raise RuntimeError("unexpected parameters in the badge lookup")
        _card_sql[key] = sql
    if connection.vendor == "sqlite" and not (
        connection.queries_logged or connection.execute_wrappers
    ):
        # SQLite is an in-process call, so Django's cursor wrapper is most of the lookup's cost
        # (≈35 µs against ≈10 µs for sqlite3 itself, mostly rewriting %s to ? with a regex on
        # every call). When nothing watches the queries (no DEBUG, no CaptureQueriesContext,
        # no execute wrapper) the same SQL, rewritten once, goes to sqlite3 directly.
        qmark = _card_sql_qmark.get(key)
        if qmark is None:
            qmark = _card_sql_qmark[key] = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
        connection.ensure_connection()
        connection.validate_thread_sharing()
        with connection.wrap_database_errors:
            row = connection.connection.execute(qmark, (digest,)).fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [digest])
            row = cursor.fetchone()
    if row is None:
        return None
    (
        superseded_at,
        key_id,
        number,
        state,
        issued_on,
        expires_on,
        area,
        name,
        photo,
        agency_name,
        agency_code,
        sector_name,
    ) = row
    return BadgeCard(
        superseded=superseded_at is not None,
        key_id=key_id,
        number=number or "",
        state=state,
        issued_on=_as_date(issued_on),
        expires_on=_as_date(expires_on),
        area=area or "",
        name=name,
        photo=photo or "",
        agency_name=agency_name,
        agency_code=agency_code,
        sector_name=sector_name,
    )
