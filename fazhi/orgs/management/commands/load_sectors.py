"""manage.py load_sectors: the enforcement sectors (reference data). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from fazhi.orgs.services import sectors_load


class Command(BaseCommand):
    help = "Create or rename the enforcement sectors."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sectors_load()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"sectors: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
