"""manage.py audit_checkpoint: sign a checkpoint of the current audit head now (TEL-2)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fazhi.audit.services import AuditIntegrityError, audit_checkpoint


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit log's current head and copy it to the witness file."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = audit_checkpoint()
        except AuditIntegrityError as exc:
            raise CommandError(f"refused to sign: {exc}", returncode=2) from exc
        if checkpoint is None:
            self.stdout.write("audit log is empty: nothing to sign")
            return
        self.stdout.write(
            f"checkpoint size={checkpoint.size} head={checkpoint.head_hash} key={checkpoint.key_id}"
        )
