"""Background jobs of the audit log: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from fazhi.audit.services import audit_checkpoint


@shared_task(name="fazhi.audit.tasks.audit_checkpoint_task", ignore_result=True)
def audit_checkpoint_task() -> int | None:
    """Signed checkpoint of the current head (scheduled every 60 s, TEL-2); returns its size."""
    checkpoint = audit_checkpoint()
    return checkpoint.size if checkpoint else None
