"""audit_record: the chain, the stored fields, refusals and fail-closed behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from fazhi.audit import actions
from fazhi.audit.chain import GENESIS, entry_hash, state_digest
from fazhi.audit.models import AuditEntry, AuditHead
from fazhi.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_entries_form_a_chain_from_genesis(make_user):
    user = make_user("wang")
    first = audit_record(actor=user, action="auth.login")
    second = audit_record(actor=user, action="auth.logout")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.entry_hash
    assert AuditHead.objects.get().seq == 2
    assert AuditHead.objects.get().entry_hash == second.entry_hash
    stored = AuditEntry.objects.filter(seq=2).values().get()
    assert entry_hash(stored["prev_hash"], stored) == stored["entry_hash"]
    assert first.algorithm == "sm3"


def test_fields_actor_role_ip_target_and_digests(make_user):
    admin = make_user("sec", admin_role="sec_admin")
    request = RequestFactory().post("/x", REMOTE_ADDR="10.1.2.3")
    before = {"name": "张三", "id_number": "150102199001011234"}
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    entry = audit_record(
        actor=admin,
        action="auth.login",
        target=admin,
        request=request,
        before=before,
        after={"name": "李四"},
        detail={"n": 1},
        at=at,
    )
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (
        admin.pk,
        "sec",
        "sec_admin",
    )
    assert entry.ip == "10.1.2.3"
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(admin.pk))
    assert entry.before_digest == state_digest(before)
    assert len(entry.before_digest) == 64
    assert entry.after_digest == state_digest({"name": "李四"})
    assert entry.at == at
    # No raw personal data in the row (AUD-2).
    row = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert "150102199001011234" not in row
    assert "张三" not in row


def test_business_roles_are_comma_joined(make_user):
    from fazhi.accounts.models import RoleAssignment

    user = make_user("li")
    RoleAssignment.objects.create(user=user, role="officer", scope="region")
    RoleAssignment.objects.create(user=user, role="legal_reviewer", scope="region")
    entry = audit_record(actor=user, action="auth.login")
    assert entry.actor_role == "legal_reviewer,officer"


def test_anonymous_actor_and_bad_ip():
    request = RequestFactory().post("/x", REMOTE_ADDR="not-an-ip")
    entry = audit_record(
        actor=AnonymousUser(),
        action="auth.login_failed",
        request=request,
        outcome="failure",
        detail={"username": "x\x00y"},
    )
    entry.refresh_from_db()
    assert entry.actor_id is None
    assert entry.actor_username == ""
    assert entry.ip is None
    assert entry.detail == {"username": "x\ufffdy"}  # PostgreSQL refuses NUL


def test_unknown_action_is_refused_and_writes_nothing():
    with pytest.raises(actions.UnknownAction):
        audit_record(actor=None, action="orgs.agency.explode")
    with pytest.raises(ValueError, match="outcome"):
        audit_record(actor=None, action="auth.login", outcome="maybe")
    assert not AuditEntry.objects.exists()


def test_registry_rejects_malformed_codes_and_keeps_first_label():
    with pytest.raises(ValueError, match="invalid audit action code"):
        actions.register("NoDots", "x")
    actions.register("auth.login", "something else")
    assert actions.label("auth.login") != "something else"
    assert actions.label("gone.code") == "gone.code"


def test_fail_closed_caller_write_rolls_back(make_user, monkeypatch):
    """AUD-4: when the audit write fails, the business write in the same transaction is undone."""
    from fazhi.audit import services

    user = make_user("zhao")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    def rename_with_audit() -> None:  # a service-shaped caller: write + audit, one transaction
        with transaction.atomic():
            user.full_name = "changed"
            user.save()
            audit_record(actor=user, action="auth.login", target=user)

    monkeypatch.setattr(services, "entry_hash", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        rename_with_audit()
    user.refresh_from_db()
    assert user.full_name == "zhao"
    assert not AuditEntry.objects.exists()
    assert AuditHead.objects.filter(seq__gt=0).count() == 0


def test_caller_rollback_removes_the_entry_and_keeps_the_chain(make_user):
    user = make_user("qian")
    audit_record(actor=user, action="auth.login")

    def logout_then_fail() -> None:
        with transaction.atomic():
            audit_record(actor=user, action="auth.logout")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        logout_then_fail()
    third = audit_record(actor=user, action="auth.logout")
    assert third.seq == 2
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_auth_events_are_recorded_once_per_request(make_user):
    user = make_user("sun")
    request = RequestFactory().post("/accounts/login/")
    a = audit_record(actor=user, action="auth.login", request=request)
    b = audit_record(actor=user, action="auth.login", request=request)
    assert a.pk == b.pk
    assert AuditEntry.objects.count() == 1
    # other codes are not collapsed
    audit_record(actor=user, action="audit.view", request=request)
    audit_record(actor=user, action="audit.view", request=request)
    assert AuditEntry.objects.count() == 3


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        audit_record(actor=None, action="auth.login", at=datetime(2026, 1, 1))


def test_checkpoint_every_nth_entry_after_commit(settings, django_capture_on_commit_callbacks):
    from fazhi.audit.models import AuditCheckpoint

    settings.FAZHI_AUDIT_CHECKPOINT_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_record(actor=None, action="auth.login")
    assert callbacks == []
    assert not AuditCheckpoint.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_record(actor=None, action="auth.login", at=datetime.now(UTC) + timedelta(seconds=1))
    assert len(callbacks) == 1
    assert list(AuditCheckpoint.objects.values_list("size", flat=True)) == [2]
