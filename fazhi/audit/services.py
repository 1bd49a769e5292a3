"""Writes on the audit log: entries (hash-chained) and signed checkpoints.

`audit_record` runs inside the caller's transaction (security.md AUD-4, fail closed): if it raises,
the caller's write rolls back with it; if the caller rolls back, the entry goes too. Appends lock
the single AuditHead row (select_for_update on PostgreSQL; on SQLite the IMMEDIATE transaction
mode already serialises writers, stack.md B.9), so two writers never take the same seq.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from fazhi.audit import actions
from fazhi.audit.chain import (
    ALGORITHM,
    ORIGIN,
    SIGNATURE_ALGORITHM,
    checkpoint_message,
    entry_hash,
    state_digest,
    utc_iso,
)
from fazhi.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from fazhi.core.crypto import signing_key, sm2_sign

logger = logging.getLogger(__name__)

# Auth events that happen at most once per HTTP request. Both the accounts views and the signal
# receivers (fazhi.audit.receivers) record them; the first one on a request wins.
ONCE_PER_REQUEST = frozenset(
    {"auth.login", "auth.logout", "auth.login_failed", "auth.lockout", "auth.idle_timeout"}
)
_REQUEST_MARK = "_fazhi_audit_entries"
_OUTCOMES = frozenset({"success", "failure", "denied", "error"})


class AuditIntegrityError(Exception):
    """The chain is not what a checkpoint promised: refuse to sign (TEL-2)."""


def _clean_text(value: Any, limit: int) -> str:
    # PostgreSQL refuses NUL in text (stack.md pitfall 9); a login form can send one.
    return str(value or "").replace("\x00", "\ufffd")[:limit]


def _clean_json(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """The detail exactly as the database will give it back (so the hash recomputes)."""
    if not value:
        return {}
    text = json.dumps(dict(value), cls=DjangoJSONEncoder, ensure_ascii=False)
    return json.loads(text.replace("\\u0000", "\\ufffd"))  # type: ignore[no-any-return]


def _actor_fields(actor: Any) -> tuple[int | None, str, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", ""
    role = getattr(actor, "admin_role", "") or ""
    if not role and hasattr(actor, "roles"):
        role = ",".join(sorted(actor.roles()))
    return actor.pk, _clean_text(actor.get_username(), 150), _clean_text(role, 64)


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def _target_fields(target: Any) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, models.Model):
        meta = target._meta
        kind = f"{meta.app_label}.{meta.model_name}"
        return kind[:64], _clean_text(target.pk, 64), _clean_text(target, 200)
    raise TypeError("audit target must be a model instance or None")


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    request: HttpRequest | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    outcome: str = "success",
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain, in the caller's transaction, and return it.

    `actor` may be None or AnonymousUser (failed logins). `before`/`after` are stored only as SM3
    digests of their canonical JSON, never raw (AUD-2). `action` must be registered in
    fazhi.audit.actions. Raises on any failure, so the caller's write rolls back (AUD-4).
    """
    actions.require(action)
    if outcome not in _OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    if request is not None and action in ONCE_PER_REQUEST:
        done: dict[str, AuditEntry] = getattr(request, _REQUEST_MARK, {})
        if action in done:
            return done[action]
    at = at or timezone.now()
    actor_id, username, role = _actor_fields(actor)
    target_type, target_id, target_label = _target_fields(target)
    fields: dict[str, Any] = {
        "at": at,
        "actor_id": actor_id,
        "actor_username": username,
        "actor_role": role,
        "ip": _ip(request),
        "action": action,
        "outcome": outcome,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "before_digest": state_digest(before),
        "after_digest": state_digest(after),
        "detail": _clean_json(detail),
        "algorithm": ALGORITHM,
    }
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        fields["seq"] = head.seq + 1
        fields["prev_hash"] = head.entry_hash
        fields["entry_hash"] = entry_hash(head.entry_hash, fields)
        entry = AuditEntry.objects.create(**fields)
        head.seq, head.entry_hash = entry.seq, entry.entry_hash
        head.save(update_fields=["seq", "entry_hash"])
        every = int(getattr(settings, "FAZHI_AUDIT_CHECKPOINT_EVERY", 1) or 0)
        if every > 0 and entry.seq % every == 0:
            transaction.on_commit(audit_checkpoint_after_commit)
    if request is not None and action in ONCE_PER_REQUEST:
        done = getattr(request, _REQUEST_MARK, {})
        done[action] = entry
        setattr(request, _REQUEST_MARK, done)
    return entry


def recorded_on_request(request: Any, *codes: str) -> bool:
    """True when one of `codes` was already recorded while handling `request`."""
    done = getattr(request, _REQUEST_MARK, {}) if request is not None else {}
    return any(code in done for code in codes)


# --------------------------------------------------------------------------- checkpoints


def witness_path() -> Path:
    return Path(settings.FAZHI_AUDIT_WITNESS_DIR) / "checkpoints.jsonl"


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The self-contained JSON form written to the witness file."""
    return {
        "origin": ORIGIN,
        "size": checkpoint.size,
        "head_hash": checkpoint.head_hash,
        "at": utc_iso(checkpoint.at),
        "key_id": checkpoint.key_id,
        "algorithm": SIGNATURE_ALGORITHM,
        "signature": checkpoint.signature,
    }


def _witness_append(checkpoint: AuditCheckpoint) -> None:
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint_document(checkpoint), sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def audit_checkpoint(*, at: datetime | None = None) -> AuditCheckpoint | None:
    """Sign "the log had `size` entries with head `head_hash`" with SM2 (TEL-2) and keep it in the
    AuditCheckpoint table and in the witness file outside the database (TEL-4).

    Returns the existing checkpoint when the head has not moved, None for an empty log. Refuses
    (AuditIntegrityError) to sign a head that is inconsistent with the last checkpoint.
    """
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.seq == 0:
            return None
        existing = AuditCheckpoint.objects.filter(size=head.seq).first()
        if existing is not None:
            return existing
        last = AuditEntry.objects.filter(seq=head.seq).values_list("entry_hash", flat=True).first()
        if last != head.entry_hash:
            raise AuditIntegrityError(f"entry {head.seq} does not match the chain head")
        previous = AuditCheckpoint.objects.order_by("-size").first()
        if previous is not None:
            if previous.size > head.seq:
                raise AuditIntegrityError(
                    f"the log has {head.seq} entries but checkpoint {previous.size} exists"
                )
            at_previous = (
                AuditEntry.objects.filter(seq=previous.size)
                .values_list("entry_hash", flat=True)
                .first()
            )
            if at_previous != previous.head_hash:
                raise AuditIntegrityError(f"entry {previous.size} no longer matches its checkpoint")
        key = signing_key()
        at = at or timezone.now()
        message = checkpoint_message(
            size=head.seq, head_hash=head.entry_hash, at=at, key_id=key.key_id
        )
        checkpoint = AuditCheckpoint.objects.create(
            size=head.seq,
            head_hash=head.entry_hash,
            at=at,
            key_id=key.key_id,
            signature=sm2_sign(key, message).hex(),
        )
        # Under the head lock, so the witness gets checkpoints in order, one per size.
        _witness_append(checkpoint)
    return checkpoint


def audit_checkpoint_after_commit() -> None:
    """on_commit hook: a failed checkpoint must not break the request that already committed; the
    periodic task (every 60 s) makes the next one."""
    try:
        audit_checkpoint()
    except Exception:
        logger.exception("audit checkpoint failed")
