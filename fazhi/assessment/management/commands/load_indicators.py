"""Load the indicator sets in data/indicators/ (idempotent: a second run changes nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fazhi.assessment.services import indicator_set_load


class Command(BaseCommand):
    help = "Load indicator sets from data/indicators/*.json (default: all files there)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="*", help="JSON files; default: data/indicators/*.json")

    def handle(self, *args: Any, **options: Any) -> None:
        files = [Path(f) for f in options["files"]] or sorted(
            (Path(settings.FAZHI_DATA_DIR) / "indicators").glob("*.json")
        )
        if not files:
            raise CommandError("no indicator files found")
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            result = indicator_set_load(data=data)
            self.stdout.write(
                f"{data['code']}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
