"""manage.py verify_audit: recompute the audit chain and check the signed checkpoints (TEL-4).

Exit 0 when the log is intact; exit 2 naming the first bad entry otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi.audit.services import witness_path
from fazhi.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log against its signed checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--witness",
            type=Path,
            default=None,
            help="checkpoints.jsonl to compare with (default: FAZHI_AUDIT_WITNESS_DIR)",
        )
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        witness = options["witness"] or witness_path()
        report = verify_chain(witness=witness, chunk_size=options["chunk_size"])
        self.stdout.write(
            f"audit log: {report.entries} entries (last seq {report.last_seq}), "
            f"{report.checkpoints} checkpoints in the database, "
            f"{report.witnessed} in the witness file {witness}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("OK: chain and checkpoints verify"))
            return
        first = report.first
        for problem in report.problems:
            self.stderr.write(str(problem))
        raise CommandError(
            f"audit log FAILED verification: first bad {first} ({len(report.problems)} problem(s))",
            returncode=2,
        )
