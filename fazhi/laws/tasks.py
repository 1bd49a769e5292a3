"""Background jobs of the legal library: thin wrappers over services.

Without a broker (development, tests) Celery runs them in-process (config/celery.py).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="fazhi.laws.tasks.search_index_rebuild")
def search_index_rebuild() -> dict[str, Any]:
    """Rebuild and publish the provision search index after the library changed (load_laws
    calls this); web processes pick the new build up on their next search. Returns the build
    statistics (units, articles, vocabulary, seconds, memory)."""
    from fazhi.laws.search import index_rebuild

    return index_rebuild()


@shared_task(name="fazhi.laws.tasks.version_statuses_refresh")
def version_statuses_refresh() -> int:
    """Move law versions whose commencement or end date has passed to their status (not yet in
    force → in force → amended); scheduled hourly by Celery beat. Returns how many changed."""
    from fazhi.laws.services import version_statuses_refresh as refresh

    return refresh()
