"""Fixtures of the assessment tests: the 2015–2020 indicator set and a scoring helper."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def indicators(db: Any) -> None:
    call_command("load_indicators", verbosity=0, stdout=_Null())


class _Null:
    def write(self, *_args: Any) -> None:
        return None

    def flush(self) -> None:
        return None


@pytest.fixture
def score(indicators: None, org_tree: Any) -> Any:
    """score(target, "A4.M2", "1.5", rule=…) records one entry with a unique default source."""
    from fazhi.assessment.services import score_record

    counter = {"n": 0}

    def _score(
        target: Any,
        code: str,
        points: str | int | Decimal,
        *,
        when: dt.datetime | None = None,
        rule: str | None = None,
        source: Any = None,
    ) -> Any:
        counter["n"] += 1
        return score_record(
            target=target,
            indicator=code,
            points=points,
            source=source or org_tree.region,
            rule=rule or f"test.rule.{counter['n']}",
            occurred_at=when or at(2025, 6, 1),
            source_url=f"/orgs/test/{counter['n']}/",
        )

    return _score


@pytest.fixture
def region_user(org_tree: Any, make_user: Any) -> Any:
    return make_user(
        "assessor", role="assessment_staff", scope="region", agency=org_tree.hohhot_market
    )


@pytest.fixture
def hohhot_user(org_tree: Any, make_user: Any) -> Any:
    return make_user(
        "hohhot-assessor",
        role="assessment_staff",
        scope="division",
        division=org_tree.hohhot,
        agency=org_tree.hohhot_market,
    )
