"""Celery application. Without CELERY_BROKER_URL tasks run in-process (ALWAYS_EAGER)."""

import os
import socket

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("fazhi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.celery.health_check")
def health_check(token: str) -> dict[str, str]:
    """Echo `token` with the answering host: proves a message went through broker and worker.

    Touches no database, so a monitor (or the CI worker lane) can call it at any time.
    """
    return {"token": token, "hostname": socket.gethostname(), "pid": str(os.getpid())}


@app.task(name="config.celery.db_health_check")
def db_health_check() -> dict[str, str]:
    """Run `SELECT 1` on the worker's default database and say which database that is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
            "select_1": str(one)}
