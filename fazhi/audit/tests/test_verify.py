"""Checkpoints and manage.py verify_audit on untouched and tampered logs (security.md TEL-4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.audit.models import AuditCheckpoint, AuditEntry
from fazhi.audit.services import AuditIntegrityError, audit_checkpoint, audit_record, witness_path
from fazhi.audit.tasks import audit_checkpoint_task
from fazhi.audit.tests.conftest import tamper
from fazhi.audit.verify import verify_chain
from fazhi.core.crypto import public_keys, sm2_verify

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def fill(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit_record(
            actor=None,
            action="auth.login_failed",
            outcome="failure",
            detail={"username": f"user{i}"},
            at=T0 + timedelta(seconds=i),
        )


def verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


@pytest.fixture
def log() -> None:
    """20 entries with checkpoints at 10 and 20."""
    fill(10)
    audit_checkpoint()
    fill(10, start=10)
    audit_checkpoint()


def test_checkpoint_is_signed_stored_and_witnessed(log):
    cps = list(AuditCheckpoint.objects.order_by("size"))
    assert [c.size for c in cps] == [10, 20]
    assert cps[1].head_hash == AuditEntry.objects.get(seq=20).entry_hash
    lines = [json.loads(line) for line in witness_path().read_text().splitlines()]
    assert [d["size"] for d in lines] == [10, 20]
    assert lines[1]["signature"] == cps[1].signature
    from fazhi.audit.chain import checkpoint_message

    message = checkpoint_message(
        size=20, head_hash=cps[1].head_hash, at=cps[1].at, key_id=cps[1].key_id
    )
    assert sm2_verify(public_keys()[cps[1].key_id], message, bytes.fromhex(cps[1].signature))
    # no new entries: the same checkpoint comes back, nothing is appended
    assert audit_checkpoint().pk == cps[1].pk
    assert len(witness_path().read_text().splitlines()) == 2


def test_empty_log_has_nothing_to_sign_and_verifies():
    assert audit_checkpoint() is None
    assert verify()[0] == 0


def test_task_and_command_make_a_checkpoint():
    fill(3)
    assert audit_checkpoint_task.delay().get() == 3
    fill(2, start=3)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "size=5" in out.getvalue()


def test_untouched_log_verifies(log):
    code, out, _ = verify()
    assert code == 0
    assert "20 entries" in out
    assert "OK" in out


def test_edited_row_is_named(log):
    tamper("UPDATE audit_auditentry SET detail = %s WHERE seq = 7", ('{"username": "x"}',))
    code, _, message = verify()
    assert code == 2
    assert "entry 7:" in message
    assert "edited" in message


def test_edited_outcome_is_named_even_with_later_rows_intact(log):
    tamper("UPDATE audit_auditentry SET outcome = 'success' WHERE seq = 15")
    code, _, message = verify()
    assert code == 2
    assert "entry 15:" in message


def test_rehashed_edit_is_caught_by_the_link_or_checkpoint(log):
    """An attacker who edits row 12 and recomputes its hash breaks the link to 13."""
    from fazhi.audit.chain import entry_hash

    row = AuditEntry.objects.filter(seq=12).values().get()
    row["detail"] = {"username": "innocent"}
    tamper(
        "UPDATE audit_auditentry SET detail = %s, entry_hash = %s WHERE seq = 12",
        (json.dumps(row["detail"]), entry_hash(row["prev_hash"], row)),
    )
    code, _, message = verify()
    assert code == 2
    assert "entry 13:" in message
    assert "link" in message


def test_deleted_middle_row_is_named(log):
    tamper("DELETE FROM audit_auditentry WHERE seq = 5")
    code, _, message = verify()
    assert code == 2
    assert "entry 5:" in message
    assert "missing" in message


def test_reordered_rows_are_named(log):
    tamper("UPDATE audit_auditentry SET seq = -1 WHERE seq = 8")
    tamper("UPDATE audit_auditentry SET seq = 8 WHERE seq = 9")
    tamper("UPDATE audit_auditentry SET seq = 9 WHERE seq = -1")
    code, _, message = verify()
    assert code == 2
    assert "entry 8:" in message


def test_cut_tail_is_detected_by_the_checkpoint(log):
    tamper("DELETE FROM audit_auditentry WHERE seq > 17")
    tamper(
        "UPDATE audit_audithead SET seq = 17, entry_hash = "
        "(SELECT entry_hash FROM audit_auditentry WHERE seq = 17)"
    )
    code, _, message = verify()
    assert code == 2
    assert "entry 18:" in message
    assert "checkpoint 20" in message


def test_cut_tail_with_checkpoints_deleted_is_caught_by_the_witness(log):
    """Deleting the rows *and* the DB checkpoints still fails: the witness file remembers."""
    tamper("DELETE FROM audit_auditentry WHERE seq > 15")
    tamper("DELETE FROM audit_auditcheckpoint WHERE size > 15")
    tamper(
        "UPDATE audit_audithead SET seq = 15, entry_hash = "
        "(SELECT entry_hash FROM audit_auditentry WHERE seq = 15)"
    )
    code, _, message = verify()
    assert code == 2
    assert "entry 16:" in message
    report = verify_chain(witness=witness_path())
    assert any("not in the database" in str(p) for p in report.problems)


def test_forged_checkpoint_signature_is_detected(log):
    cp = AuditCheckpoint.objects.get(size=20)
    forged = cp.signature[:-2] + ("00" if cp.signature[-2:] != "00" else "01")
    tamper("UPDATE audit_auditcheckpoint SET signature = %s WHERE size = 20", (forged,))
    report = verify_chain(witness=witness_path())
    assert not report.ok
    assert any("signature does not verify" in str(p) for p in report.problems)
    assert any("differs between the database and the witness" in str(p) for p in report.problems)


def test_witness_tampered_file_is_detected(log):
    path = witness_path()
    lines = path.read_text().splitlines()
    doc = json.loads(lines[0])
    doc["head_hash"] = "f" * 64
    path.write_text(json.dumps(doc) + "\n" + lines[1] + "\n")
    code, _, message = verify()
    assert code == 2
    assert "entry 10:" in message


def test_missing_witness_file_fails(log):
    witness_path().unlink()
    code, _, message = verify()
    assert code == 2
    assert "witness" in message


def test_checkpoint_refuses_to_sign_an_inconsistent_head(log):
    """TEL-2: never sign a head inconsistent with the previous checkpoint."""
    fill(2, start=20)
    tamper("UPDATE audit_auditentry SET entry_hash = %s WHERE seq = 20", ("e" * 64,))
    with pytest.raises(AuditIntegrityError):
        audit_checkpoint()
    with pytest.raises(CommandError):
        call_command("audit_checkpoint", stdout=StringIO())


def test_streams_in_chunks(log):
    report = verify_chain(witness=witness_path(), chunk_size=3)
    assert report.ok
    assert report.entries == 20
    assert report.last_seq == 20
