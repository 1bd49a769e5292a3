"""manage.py load_holidays FILE: load one year's official holiday schedule (rulebook §0.2).

FILE is JSON: {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
"days": [{"date": "2027-01-01", "working": false, "name": "元旦"}, …]} listing the days that
differ from Monday–Friday working. Idempotent; refused with the problems when the table
contradicts the statutory rest days.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fazhi.orgs.services import holiday_schedule_load


class Command(BaseCommand):
    help = "Load one year's official holiday schedule from a JSON file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["file"].read_text(encoding="utf-8"))
            days = {date.fromisoformat(d["date"]): bool(d["working"]) for d in data["days"]}
            names = {date.fromisoformat(d["date"]): d.get("name", "") for d in data["days"]}
            year = int(data["year"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        try:
            result = holiday_schedule_load(
                year=year, days=days, names=names, source=data.get("source", "")
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if options["verbosity"] > 0:
            state = "created" if result.created else "updated" if result.updated else "unchanged"
            self.stdout.write(f"holidays {year}: {state} ({len(days)} days)")
