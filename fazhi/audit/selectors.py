"""Reads of the audit log. Only the audit administrator (三员, security.md ACC/AUD) may read it;
for everyone else the log does not exist (views answer 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fazhi.audit.models import AuditCheckpoint, AuditEntry, AuditHead

AUDIT_ADMIN = "audit_admin"


def can_read_audit(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "admin_role", "") == AUDIT_ADMIN
    )


@dataclass(frozen=True)
class EntryFilters:
    date_from: date | None = None
    date_to: date | None = None  # inclusive, in the local calendar (Asia/Shanghai)
    username: str = ""
    action: str = ""
    outcome: str = ""
    target_type: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entry_list_for(user: Any, filters: EntryFilters) -> QuerySet[AuditEntry]:
    """Entries matching `filters`, newest first; empty for anyone but the audit administrator."""
    qs = AuditEntry.objects.order_by("-seq")
    if not can_read_audit(user):
        return qs.none()
    if filters.date_from:
        qs = qs.filter(at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    if filters.username:
        qs = qs.filter(actor_username__iexact=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    return qs


@dataclass(frozen=True)
class ChainStatus:
    size: int
    head_hash: str
    checkpoint: AuditCheckpoint | None

    @property
    def unsigned(self) -> int:
        return self.size - (self.checkpoint.size if self.checkpoint else 0)


def audit_chain_status_for(user: Any) -> ChainStatus | None:
    if not can_read_audit(user):
        return None
    head = AuditHead.objects.filter(pk=1).first()
    return ChainStatus(
        size=head.seq if head else 0,
        head_hash=head.entry_hash if head else "",
        checkpoint=AuditCheckpoint.objects.order_by("-size").first(),
    )
