"""Issuing badges (issue 4 §2): one current badge per certificate version, re-signed on renewal,
refused for certificates that cannot be worn; the token is stored as a digest only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fazhi.audit.models import AuditEntry
from fazhi.core.crypto import public_keys, sm2_verify
from fazhi.core.tokens import token_digest
from fazhi.enforcement import badges as payloads
from fazhi.enforcement.models import Badge, Certificate
from fazhi.enforcement.services import badges as services
from fazhi.enforcement.services import registry

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 1, 10)
EXPIRES = date(2032, 1, 9)


def certificate_in(state: str, officer: Any, sector: Any, number: str = "15010201000001") -> Any:
    """A certificate driven to `state` through the registry services."""
    cert = registry.certificate_apply(actor=None, officer=officer, sector=sector)
    if state == "applied":
        return cert
    cert = registry.certificate_pass_exam(actor=None, certificate=cert)
    cert = registry.certificate_issue(
        actor=None, certificate=cert, number=number, issued_on=ISSUED, expires_on=EXPIRES
    )
    if state == "issued":
        return cert
    cert = registry.certificate_activate(actor=None, certificate=cert)
    if state == "active":
        return cert
    if state == "suspended":
        return registry.certificate_suspend(actor=None, certificate=cert, reason="调查中")
    if state == "revoked":
        return registry.certificate_revoke(actor=None, certificate=cert, reason="违法执法")
    if state == "cancelled":
        return registry.certificate_cancel(actor=None, certificate=cert, reason="调离")
    if state == "expired":
        registry.certificates_expire(today=date(2032, 1, 10))
        return Certificate.objects.get(pk=cert.pk)
    raise AssertionError(state)


@pytest.mark.parametrize("state", ["issued", "active", "suspended"])
def test_badge_for_a_wearable_certificate(state: str, make_officer: Any, sector: Any) -> None:
    cert = certificate_in(state, make_officer("张三"), sector)
    badge = services.badge_issue_for(cert)
    claims = payloads.verify(badge.payload, public_keys(), sm2_verify)
    assert claims is not None
    assert (claims.number, claims.name, claims.agency_code) == (
        "15010201000001", "张三", cert.officer.agency.credit_code
    )
    assert (claims.issued_on, claims.expires_on) == (ISSUED, EXPIRES)
    assert badge.key_id == claims.key_id
    assert AuditEntry.objects.filter(action="enforcement.badge.issue").count() == 1


@pytest.mark.parametrize("state", ["applied", "revoked", "cancelled", "expired"])
def test_no_badge_for_other_states(state: str, make_officer: Any, sector: Any) -> None:
    cert = certificate_in(state, make_officer(), sector)
    before = list(Badge.objects.values_list("pk", "superseded_at"))
    with pytest.raises(ValidationError):
        services.badge_issue_for(cert)
    # Activation signed a badge for a certificate that passed through `active`; refusing
    # now adds or changes none.
    assert list(Badge.objects.values_list("pk", "superseded_at")) == before


def test_issuing_again_returns_the_same_badge(make_officer: Any, sector: Any) -> None:
    cert = certificate_in("active", make_officer(), sector)
    first = services.badge_issue_for(cert)
    assert services.badge_issue_for(cert) == first
    assert Badge.objects.count() == 1


def test_renewal_signs_a_new_badge_and_supersedes_the_old(make_officer: Any, sector: Any) -> None:
    cert = certificate_in("active", make_officer(), sector)
    old = services.badge_issue_for(cert)
    Certificate.objects.filter(pk=cert.pk).update(
        number="15010201000099", expires_on=date(2038, 1, 9)
    )
    new = services.badge_issue_for(cert)
    old.refresh_from_db()
    assert new.pk != old.pk
    assert old.superseded_at is not None
    assert new.superseded_at is None
    claims = payloads.parse(new.payload)[0]  # type: ignore[index]
    assert (claims.number, claims.expires_on) == ("15010201000099", date(2038, 1, 9))
    assert services.badge_token(new) != services.badge_token(old)


def test_a_renamed_officer_gets_a_new_badge(make_officer: Any, sector: Any) -> None:
    officer = make_officer("王五")
    cert = certificate_in("active", officer, sector)
    old = services.badge_issue_for(cert)
    type(officer).objects.filter(pk=officer.pk).update(name="王五一")
    assert services.badge_issue_for(cert).pk != old.pk


def test_only_the_token_digest_is_stored(make_officer: Any, sector: Any) -> None:
    """security.md QR-6 style: no column holds the token; the digest finds the badge."""
    cert = certificate_in("active", make_officer(), sector)
    badge = services.badge_issue_for(cert)
    token = services.badge_token(badge)
    assert len(token) == 32
    assert badge.token_digest == token_digest(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM enforcement_badge")
        row = cursor.fetchone()
    assert all(token not in str(value) for value in row)
    assert services.badge_by_token(token) == badge


def test_lookup_of_unknown_or_malformed_tokens(make_officer: Any, sector: Any) -> None:
    cert = certificate_in("active", make_officer(), sector)
    token = services.badge_token(services.badge_issue_for(cert))
    other = ("B" if token[0] == "A" else "A") + token[1:]
    for bad in (other, token[:-1], token + "A", str(cert.pk), "", "../../etc", token.upper()):
        if bad == token:
            continue
        assert services.badge_by_token(bad) is None, bad


def test_the_token_depends_on_the_secret_key(make_officer: Any, sector: Any, settings: Any) -> None:
    cert = certificate_in("active", make_officer(), sector)
    badge = services.badge_issue_for(cert)
    token = services.badge_token(badge)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert services.badge_token(badge) != token


def test_badges_issue_missing_catches_up(make_officer: Any, sector: Any) -> None:
    active = [certificate_in("active", make_officer(f"甲{i}"), sector, number=f"1501020100010{i}")
              for i in range(3)]
    certificate_in("issued", make_officer("乙"), sector, number="15010201000200")
    certificate_in("revoked", make_officer("丙"), sector, number="15010201000300")
    # Activation through the services signs badges; an Excel import writes certificates in bulk
    # without them, which is what the catch-up is for: model that by dropping two.
    Badge.objects.filter(certificate__in=active[1:]).delete()
    assert services.badges_issue_missing() == 2
    signed = Badge.objects.filter(certificate__state="active")
    assert set(signed.values_list("certificate_id", flat=True)) == {c.pk for c in active}
    assert services.badges_issue_missing() == 0  # idempotent


# --- the display copy on the badge row (performance.md B3) -------------------------------------


def test_a_new_badge_carries_the_display_copy(make_officer: Any, sector: Any) -> None:
    cert = certificate_in("active", make_officer("赵六"), sector)
    badge = services.badge_issue_for(cert)
    badge.refresh_from_db()
    agency = cert.officer.agency
    assert (badge.holder_name, badge.agency_name, badge.agency_code, badge.sector_name) == (
        "赵六", agency.name, agency.credit_code, sector.name
    )
    assert services.badge_display_drift() == 0


def test_saving_an_agency_officer_or_sector_refreshes_the_copy(
    make_officer: Any, sector: Any
) -> None:
    """The public page reads the copy; every save of a source rewrites it (receivers), so the
    page never shows an agency's old name. Validity is read live and is tested in the views."""
    officer = make_officer("钱七")
    cert = certificate_in("active", officer, sector)
    token = services.badge_token(services.badge_issue_for(cert))

    agency = officer.agency
    agency.name = "更名后的执法局"
    agency.save()
    sector.name = "更名后的领域"
    sector.save()
    officer.refresh_from_db()
    officer.photo = "officers/photos/qian.jpg"
    officer.save()

    card = services.badge_card_by_token(token)
    assert card is not None
    assert (card.agency_name, card.sector_name, card.photo) == (
        "更名后的执法局", "更名后的领域", "officers/photos/qian.jpg"
    )
    assert services.badge_display_drift() == 0


def test_drift_is_counted_and_mended(make_officer: Any, sector: Any) -> None:
    """A bulk update() bypasses the receivers: the drift check sees it, the refresh mends it."""
    officer = make_officer("孙八")
    cert = certificate_in("active", officer, sector)
    services.badge_issue_for(cert)
    type(officer.agency).objects.filter(pk=officer.agency.pk).update(name="批量改名")
    assert services.badge_display_drift() == 1
    assert services.badge_display_refresh() == 1
    assert services.badge_display_drift() == 0
    assert Badge.objects.get().agency_name == "批量改名"


def test_the_card_reads_state_and_dates_live(make_officer: Any, sector: Any) -> None:
    """Revocation shows at once: the card's state comes from the certificate row, not a copy."""
    cert = certificate_in("active", make_officer(), sector)
    token = services.badge_token(services.badge_issue_for(cert))
    registry.certificate_revoke(actor=None, certificate=cert, reason="违法执法")
    card = services.badge_card_by_token(token)
    assert card is not None
    assert card.state == "revoked"


def test_the_direct_sqlite_read_gives_the_same_card(
    make_officer: Any, sector: Any, settings: Any
) -> None:
    """On SQLite, with no one watching the queries, the lookup skips Django's cursor wrapper;
    it must give exactly the card the wrapped query gives (and None for an unknown token)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cert = certificate_in("active", make_officer(), sector)
    token = services.badge_token(services.badge_issue_for(cert))
    registry.certificate_suspend(actor=None, certificate=cert, reason="调查中")
    unknown = services.badge_token(services.badge_issue_for(
        certificate_in("active", make_officer("李四"), sector, number="15010201000002")
    ))[::-1]
    settings.DEBUG = False
    with CaptureQueriesContext(connection) as watched:
        wrapped = [services.badge_card_by_token(t) for t in (token, unknown)]
    assert len(watched) == 2  # watched: through the wrapper, each query seen
    direct = [services.badge_card_by_token(t) for t in (token, unknown)]
    assert direct == wrapped
    assert direct[0] is not None
    assert direct[0].state == "suspended"
    assert (direct[0].issued_on, direct[0].expires_on) == (cert.issued_on, cert.expires_on)
    assert direct[1] is None
