"""Import the law texts of data/laws/ (idempotent: a second run changes nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fazhi.laws.services import laws_load, version_statuses_refresh
from fazhi.orgs.models import Sector
from fazhi.orgs.services import sectors_load


class Command(BaseCommand):
    help = "Import law texts (Markdown + index.json) as versions with provisions and penalties."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir",
            default=str(Path(settings.FAZHI_DATA_DIR) / "laws"),
            help="directory with index.json and the .md texts (default: data/laws)",
        )
        parser.add_argument("--only", nargs="*", default=[], help="law slugs or file names")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--no-index", action="store_true", help="skip rebuilding the search index"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        if not (directory / "index.json").exists():
            raise CommandError(f"{directory}/index.json not found")
        if not Sector.objects.exists():
            sectors_load()
        total = len(json.loads((directory / "index.json").read_text(encoding="utf-8"))["laws"])
        bar = None if options["no_progress"] else tqdm(total=total, desc="laws", unit="law")
        result = laws_load(
            directory=directory,
            only=options["only"],
            progress=(lambda slug: bar.update(1)) if bar is not None else None,
        )
        if bar is not None:
            bar.close()
        self.stdout.write(
            f"laws: {result.created_laws} created, {result.new_versions} new versions, "
            f"{result.unchanged} unchanged; {result.provisions} provisions, "
            f"{result.penalty_clauses} penalty clauses"
        )
        moved = version_statuses_refresh()  # a version may have commenced since the last run
        if moved:
            self.stdout.write(f"laws: {moved} version statuses moved by date")
        if result.slugs_changed and not options["no_index"]:
            from fazhi.laws.tasks import search_index_rebuild

            search_index_rebuild.delay()
