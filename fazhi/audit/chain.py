"""The canonical bytes and hashes of the audit chain (security.md a8, TEL-2, TEL-4). Pure.

entry_hash(n) = SM3(prev_hash(n) ‖ canonical JSON of entry n's fields), prev_hash(1) = 64 zeros.
Canonical JSON: sorted keys, no spaces, UTF-8, times in UTC ISO 8601 with microseconds.
A checkpoint signs the canonical JSON of (origin, size, head hash, time, key id) with SM2.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fazhi.core.crypto import sm3_hex

GENESIS = "0" * 64
ALGORITHM = "sm3"
ORIGIN = "fazhi-audit"
SIGNATURE_ALGORITHM = "sm2-sm3"

# The fields of an entry that enter its hash, in the order of the model.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "ip",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_label",
    "before_digest",
    "after_digest",
    "detail",
    "algorithm",
)


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def utc_iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = utc_iso(fields["at"])
    return payload


def entry_hash(prev_hash: str, fields: Mapping[str, Any], algorithm: str = ALGORITHM) -> str:
    if algorithm != ALGORITHM:
        raise ValueError(f"unknown audit hash algorithm {algorithm!r}")
    return sm3_hex(prev_hash.encode("ascii") + canonical_json(entry_payload(fields)))


def state_digest(state: Mapping[str, Any] | None) -> str:
    """SM3 of a before/after state: the state itself (may hold personal data) is never stored."""
    return "" if state is None else sm3_hex(canonical_json(state))


def checkpoint_message(*, size: int, head_hash: str, at: datetime, key_id: str) -> bytes:
    return canonical_json(
        {
            "origin": ORIGIN,
            "size": size,
            "head_hash": head_hash,
            "at": utc_iso(at),
            "key_id": key_id,
            "algorithm": SIGNATURE_ALGORITHM,
        }
    )
