"""manage.py load_divisions: the GB/T 2260 divisions of Inner Mongolia, their governments and the
enforcement sectors. Idempotent."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from fazhi.orgs.services import divisions_load, sectors_load


class Command(BaseCommand):
    help = "Load administrative divisions (GB/T 2260), one government each, and the sectors."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.FAZHI_DATA_DIR) / "inner-mongolia.json",
            help="JSON file with a 'divisions' list (code, name, level, kind, parent).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        divisions = divisions_load(path=options["file"])
        sectors = sectors_load()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"divisions: {divisions.created} created, {divisions.updated} updated, "
                f"{divisions.unchanged} unchanged; sectors: {sectors.created} created, "
                f"{sectors.updated} updated, {sectors.unchanged} unchanged"
            )
