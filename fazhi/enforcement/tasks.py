"""Background jobs of enforcement supervision: thin wrappers over services.

With a broker, Celery beat runs them (CELERY_BEAT_SCHEDULE in config/settings/base.py). In the
embedded default (`make run`: no broker, tasks in-process) `embedded_schedule_start()` runs the
same schedule in a daemon thread of the runserver process; `apps.ready` starts it there only.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import shared_task

log = logging.getLogger(__name__)

# (task, seconds) — the same cadence as the beat schedule.
EMBEDDED_SCHEDULE = (
    ("alerts_sweep_task", 3600.0),
    ("alerts_ledger_push_task", 600.0),
)


@shared_task(name="fazhi.enforcement.tasks.alerts_sweep_task")
def alerts_sweep_task(mode: str | None = None) -> dict[str, Any]:
    """The supervision sweep (hourly: the first run of a day re-checks the date rules over all
    cases, later runs only certificate changes; mode="all" is the weekly full audit). The new
    alerts' deductions are pushed by `alerts_ledger_push_task` right after."""
    from fazhi.enforcement.services.supervision import alerts_sweep

    result = alerts_sweep(mode=mode, ledger=False)
    if result.opened:
        alerts_ledger_push_task.delay()
    return {"opened": result.opened, "kept": result.kept, "closed": result.closed,
            "mode": result.mode}


@shared_task(name="fazhi.enforcement.tasks.alerts_ledger_push_task")
def alerts_ledger_push_task() -> int:
    """Push the assessment deductions of alerts not yet scored; returns how many."""
    from fazhi.enforcement.services.supervision import alerts_ledger_push

    return alerts_ledger_push()


_started = threading.Event()


def embedded_schedule_start(*, schedule: tuple[tuple[str, float], ...] = EMBEDDED_SCHEDULE
                            ) -> list[threading.Thread]:
    """Run the schedule in daemon threads of this process (once per process)."""
    if _started.is_set():
        return []
    _started.set()
    threads = []
    for name, seconds in schedule:
        task = globals()[name]

        def loop(task: Any = task, seconds: float = seconds) -> None:
            stop = threading.Event()
            while not stop.wait(seconds):
                try:
                    task()
                except Exception:  # keep the schedule alive; the error is logged
                    log.exception("embedded schedule: %s failed", task.name)
                finally:
                    from django.db import connection

                    connection.close()

        thread = threading.Thread(target=loop, name=f"fazhi-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
