"""The audit log pages: audit administrator only (others 404), filters, pages, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from fazhi.audit.models import AuditEntry
from fazhi.audit.services import audit_checkpoint, audit_record

pytestmark = pytest.mark.django_db
LIST = reverse("audit:entry-list")
EXPORT = reverse("audit:entry-export")


@pytest.fixture
def entries(make_user):
    user = make_user("ma")
    t0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    for i in range(60):
        audit_record(
            actor=user if i % 2 else None,
            action="auth.login" if i % 2 else "auth.login_failed",
            outcome="success" if i % 2 else "failure",
            target=user if i % 3 == 0 else None,
            detail={"username": f"=cmd|{i}"},
            at=t0 + timedelta(days=i // 20),
        )
    audit_checkpoint()
    return user


@pytest.mark.parametrize("admin_role", ["", "sys_admin", "sec_admin"])
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_everyone_but_the_audit_admin_gets_404(client, make_user, admin_role, url):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("other", admin_role=admin_role)
    client.force_login(user)
    if admin_role:
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="audit.").exists()


def test_anonymous_is_sent_to_login(client):
    assert client.get(LIST).status_code == 302


def test_list_paginates_shows_status_and_is_audited_once(audit_admin_client, entries):
    response = audit_admin_client.get(LIST)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 62  # the admin's auth.login, 60 entries, this audit.view
    assert len(page.object_list) == 50
    assert response.context["status"].checkpoint.size == 61
    assert response.context["status"].size == 62
    audit_admin_client.get(LIST, {"page": 2})
    assert AuditEntry.objects.filter(action="audit.view").count() == 1
    audit_admin_client.get(LIST, {"outcome": "failure"})
    assert AuditEntry.objects.filter(action="audit.view").count() == 2


def test_filters(audit_admin_client, entries):
    def count(**params):
        return audit_admin_client.get(LIST, params).context["page"].paginator.count

    assert count(username="ma") == 30
    assert count(action="auth.login_failed") == 30
    assert count(outcome="failure", action="auth.login") == 0
    assert count(target_type="accounts.user") == 20
    assert count(date_from="2026-04-02", date_to="2026-04-02") == 20
    assert count(date_from="2026-04-03", date_to="2026-04-03", action="auth.login") == 10
    assert count(date_from="2026-04-03", action="auth.login") == 11  # + the admin's own login
    response = audit_admin_client.get(LIST, {"date_from": "2026-04-03", "date_to": "2026-04-01"})
    assert response.context["form"].errors


def test_list_query_count_does_not_grow(
    audit_admin_client, entries, make_user, django_assert_max_num_queries
):
    audit_admin_client.get(LIST)  # the audit.view entry for this filter set is written once
    with django_assert_max_num_queries(9):
        assert audit_admin_client.get(LIST).status_code == 200
    for _ in range(40):
        audit_record(actor=entries, action="auth.logout")
    with django_assert_max_num_queries(9):
        assert audit_admin_client.get(LIST, {"page": 2}).status_code == 200


def test_export_csv_bom_injection_safe_and_audited(audit_admin_client, entries):
    response = audit_admin_client.get(EXPORT, {"action": "auth.login_failed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert len(rows) == 31
    detail_col = len(rows[0]) - 3
    assert all(r[detail_col].startswith('{"username"') for r in rows[1:])
    export = AuditEntry.objects.get(action="audit.export")
    assert export.detail["rows"] == 30
    assert export.actor_username == "auditor"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("张三", "张三"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cell_formula_prefix(value, cell):
    from fazhi.audit.views import csv_cell

    assert csv_cell(value) == cell
