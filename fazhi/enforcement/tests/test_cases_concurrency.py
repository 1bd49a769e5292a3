# ruff: noqa: F811 - the `world` fixture is imported
"""Two concurrent transitions of one case never both succeed (issue 4 §4): the case row is
locked (`select_for_update()` on PostgreSQL; IMMEDIATE transactions serialise writers on SQLite).
Each worker holds its transaction open while it checks the guards, so without the lock both
would see the old state and both would move the case."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

from fazhi.enforcement.models import Case, Step
from fazhi.enforcement.services import cases as services
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    at,
    open_case,
    world,
)


def _race(world: Any, case: Any, moves: list[tuple[str, str]]) -> list[tuple[str, str]]:
    barrier = threading.Barrier(len(moves))
    results: list[tuple[str, str]] = []
    real = services._build_facts

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        built = real(*args, **kwargs)
        time.sleep(0.3)  # keep the transaction open while the other worker starts
        return built

    def worker(target: str, note: str) -> None:
        try:
            barrier.wait()
            services.case_transition(
                actor=world.officer_user,
                case=Case.objects.get(pk=case.pk),
                to=target,
                note=note,
                at=at(date(2026, 3, 2)),
            )
            results.append(("ok", target))
        except services.CaseTransitionError as exc:
            results.append(("refused", exc.messages[0]))
        except Exception as exc:
            results.append(("error", repr(exc)))
        finally:
            connections.close_all()

    with mock.patch.object(services, "_build_facts", slow_build):
        threads = [threading.Thread(target=worker, args=m) for m in moves]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_one_wins(world: Any) -> None:
    case = open_case(world)
    results = _race(world, case, [("filed", ""), ("not_filed", "线索不实")])
    oks = [r for r in results if r[0] == "ok"]
    assert len(results) == 2, results
    assert len(oks) == 1, results
    loser = next(r for r in results if r[0] != "ok")
    if connection.vendor == "postgresql":
        # The loser waited on the row lock, then found the case moved on (not in the table).
        assert loser[0] == "refused", results
    else:
        # SQLite: writers are serialised by IMMEDIATE transactions. The test database is a
        # shared-cache in-memory one, where the second writer fails at once ("database table is
        # locked") instead of waiting out the busy timeout as it does on the WAL file in use.
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert loser[0] == "refused" or "locked" in loser[1], results
    case.refresh_from_db()
    assert case.state == oks[0][1]
    assert Step.objects.filter(case=case).exclude(code="open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_transition_twice_concurrently_records_one_step(world: Any) -> None:
    case = open_case(world)
    results = _race(world, case, [("filed", ""), ("filed", "")])
    assert [r[0] for r in results].count("ok") == 1, results
    assert Step.objects.filter(case=case, code="file").count() == 1
