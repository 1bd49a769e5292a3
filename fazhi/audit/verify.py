"""Recompute the audit chain and check it against the signed checkpoints (security.md TEL-4).

Streams the entries in seq order, so a million rows need constant memory. Checks, in order of the
chain: seq contiguity (a deleted middle row), prev_hash links (deleted or reordered rows), each
entry's hash (an edited row), the entry at every checkpoint's size against the signed head hash;
then every checkpoint's SM2 signature, that the database and the witness file hold the same
checkpoints, and that the table is not shorter than the largest checkpoint (a cut tail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fazhi.audit.chain import GENESIS, HASHED_FIELDS, checkpoint_message, entry_hash
from fazhi.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from fazhi.core.crypto import public_keys, sm2_verify

# The hashed fields plus the chain links; rows are read by name, so the order is free.
_COLUMNS = ("prev_hash", "entry_hash", *HASHED_FIELDS)
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    seq: int | None  # the entry concerned, None for a problem of a checkpoint or file
    message: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.message}" if self.seq is not None else self.message


@dataclass
class Report:
    entries: int = 0
    last_seq: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        """The problem at the lowest seq (chain problems first), else the first one found."""
        chain = [p for p in self.problems if p.seq is not None]
        if chain:
            return min(chain, key=lambda p: p.seq or 0)
        return self.problems[0] if self.problems else None

    def add(self, seq: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(seq, message))


@dataclass(frozen=True)
class _Checkpoint:
    size: int
    head_hash: str
    at: str
    key_id: str
    signature: str


def _db_checkpoints() -> dict[int, _Checkpoint]:
    return {
        c.size: _Checkpoint(c.size, c.head_hash, c.at.isoformat(), c.key_id, c.signature)
        for c in AuditCheckpoint.objects.order_by("size")
    }


def _witness_checkpoints(path: Path, report: Report) -> dict[int, _Checkpoint]:
    found: dict[int, _Checkpoint] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                cp = _Checkpoint(
                    int(doc["size"]), doc["head_hash"], doc["at"], doc["key_id"], doc["signature"]
                )
            except (ValueError, KeyError, TypeError):
                report.add(None, f"witness file line {number} is not a checkpoint")
                continue
            if cp.size in found and found[cp.size] != cp:
                report.add(None, f"witness file holds two different checkpoints for size {cp.size}")
            found[cp.size] = cp
    return found


def _signature_ok(cp: _Checkpoint, keys: dict[str, str]) -> bool:
    public = keys.get(cp.key_id)
    if public is None:
        return False
    try:
        message = checkpoint_message(
            size=cp.size,
            head_hash=cp.head_hash,
            at=datetime.fromisoformat(cp.at),
            key_id=cp.key_id,
        )
        return sm2_verify(public, message, bytes.fromhex(cp.signature))
    except ValueError:
        return False


def _check_checkpoints(
    db: dict[int, _Checkpoint], witness: dict[int, _Checkpoint], report: Report
) -> dict[int, str]:
    """Signatures and DB ↔ witness agreement; returns size → head hash the chain must show."""
    keys = public_keys()
    expected: dict[int, str] = {}
    for size in sorted(set(db) | set(witness)):
        in_db, in_witness = db.get(size), witness.get(size)
        for where, cp in (("database", in_db), ("witness file", in_witness)):
            if cp is not None and not _signature_ok(cp, keys):
                report.add(None, f"checkpoint {size} in the {where}: signature does not verify")
        if in_db is None:
            report.add(None, f"checkpoint {size} is in the witness file but not in the database")
        elif in_witness is None:
            report.add(None, f"checkpoint {size} is in the database but not in the witness file")
        elif (in_db.head_hash, in_db.signature) != (in_witness.head_hash, in_witness.signature):
            report.add(None, f"checkpoint {size} differs between the database and the witness")
        # Either copy binds the chain; the witness copy wins (it is outside the database).
        expected[size] = (in_witness or in_db).head_hash  # type: ignore[union-attr]
    return expected


def verify_chain(*, witness: Path | None, chunk_size: int = 5000) -> Report:
    """Verify the whole log; `witness` is the checkpoints.jsonl file (None: database only)."""
    report = Report()
    db = _db_checkpoints()
    witness_cps = _witness_checkpoints(witness, report) if witness is not None else dict(db)
    report.checkpoints, report.witnessed = len(db), len(witness_cps)
    if witness is not None and db and not witness.exists():
        report.add(None, f"witness file {witness} is missing")
    expected = _check_checkpoints(db, witness_cps, report)

    prev, next_seq = GENESIS, 1
    rows = AuditEntry.objects.order_by("seq").values_list(*_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        fields: dict[str, Any] = dict(zip(_COLUMNS, row, strict=True))
        seq = fields["seq"]
        report.entries += 1
        if seq != next_seq:
            if seq > next_seq:
                missing = f"{next_seq}" if seq == next_seq + 1 else f"{next_seq}–{seq - 1}"
                report.add(
                    next_seq, f"missing (deleted); the chain jumps to {seq} (missing {missing})"
                )
            else:
                report.add(seq, f"out of order after {next_seq - 1}")
        if fields["prev_hash"] != prev:
            report.add(
                seq,
                "previous-hash link broken (an entry before it was deleted, reordered or edited)",
            )
        try:
            recomputed = entry_hash(fields["prev_hash"], fields, fields["algorithm"])
        except ValueError as exc:
            report.add(seq, f"cannot hash: {exc}")
            recomputed = ""
        if recomputed != fields["entry_hash"]:
            report.add(seq, "content does not match its hash (the row was edited)")
        if seq in expected and fields["entry_hash"] != expected[seq]:
            report.add(seq, "hash differs from the signed checkpoint at this size")
        prev, next_seq = fields["entry_hash"], seq + 1
    report.last_seq = next_seq - 1

    largest = max(expected, default=0)
    if largest > report.last_seq:
        report.add(
            report.last_seq + 1,
            f"missing: the log ends at {report.last_seq} but checkpoint {largest} was signed "
            f"(the last {largest - report.last_seq} entries were deleted)",
        )
    head = AuditHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    if head is not None and head[0] != report.last_seq:
        report.add(
            None, f"the chain head says {head[0]} entries, the table ends at {report.last_seq}"
        )
    elif head is not None and report.last_seq and head[1] != prev:
        report.add(report.last_seq, "hash differs from the chain head")
    return report
