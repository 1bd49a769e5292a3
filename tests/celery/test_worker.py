"""A real Celery worker on Redis answers tasks sent through the broker (CI lane 3).

Run by .ci/run, which starts `celery -A config worker -P solo` with the same CELERY_BROKER_URL and
FAZHI_REAL_CELERY=1. Skipped everywhere else, because it needs that worker.
"""

from __future__ import annotations

import os
import secrets

import pytest
from django.conf import settings

from config.celery import app, db_health_check, health_check

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("FAZHI_REAL_CELERY") != "1" or not os.environ.get("CELERY_BROKER_URL"),
        reason="needs FAZHI_REAL_CELERY=1, CELERY_BROKER_URL and a running worker (.ci/run)",
    ),
]

TIMEOUT = 30


def test_tasks_are_not_run_in_process() -> None:
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")


def test_health_check_round_trip_through_the_worker() -> None:
    token = secrets.token_hex(8)
    result = health_check.delay(token)
    answer = result.get(timeout=TIMEOUT)
    assert answer["token"] == token
    # Another process answered: the message went through the broker to the worker and back.
    assert answer["pid"] != str(os.getpid())
    assert result.successful()


def test_worker_answers_a_batch_in_order_of_request() -> None:
    tokens = [secrets.token_hex(4) for _ in range(20)]
    results = [health_check.delay(t) for t in tokens]
    assert [r.get(timeout=TIMEOUT)["token"] for r in results] == tokens


def test_worker_is_visible_to_control_ping() -> None:
    replies = app.control.ping(timeout=5)
    assert replies, "no Celery worker answered the ping"


@pytest.mark.django_db(transaction=True)
def test_worker_uses_the_test_database() -> None:
    """.ci/run points the worker at pytest-django's test database, so tasks see committed rows."""
    from django.db import connection

    answer = db_health_check.delay().get(timeout=TIMEOUT)
    assert answer["select_1"] == "1"
    assert answer["vendor"] == connection.vendor
    assert answer["name"] == connection.settings_dict["NAME"]
