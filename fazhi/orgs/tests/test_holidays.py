"""Loading a year's official holiday schedule (rulebook §0.2) and the calendar reading it."""

import json
from datetime import date as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from fazhi.audit.models import AuditEntry
from fazhi.core.calendar import deadline, official_calendar, official_calendar_reset
from fazhi.orgs.models import HolidayDay
from fazhi.orgs.services import holiday_schedule_errors, holiday_schedule_load

pytestmark = pytest.mark.django_db

# A made-up 2027 table for tests only: the statutory weekday rest days, one extra rest day and
# one make-up Saturday. It is not the State Council's schedule.
TEST_2027 = {
    D(2027, 1, 1): False,
    D(2027, 2, 5): False,
    D(2027, 2, 8): False,
    D(2027, 2, 9): False,
    D(2027, 2, 13): True,
    D(2027, 4, 5): False,
    D(2027, 6, 9): False,
    D(2027, 9, 15): False,
    D(2027, 10, 1): False,
    D(2027, 5, 3): False,
}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    official_calendar_reset()
    yield
    official_calendar_reset()


def test_a_table_that_makes_a_statutory_rest_day_a_working_day_is_refused():
    table = dict(TEST_2027)
    table[D(2027, 10, 1)] = True
    errors = holiday_schedule_errors(2027, table)
    assert len(errors) == 1
    assert "2027-10-01" in errors[0]
    assert "国庆节" in errors[0]
    missing = {d: w for d, w in TEST_2027.items() if d != D(2027, 6, 9)}
    assert any("2027-06-09" in e for e in holiday_schedule_errors(2027, missing))
    assert any(
        "2028-01-03" in e
        for e in holiday_schedule_errors(2027, {**TEST_2027, D(2028, 1, 3): False})
    )
    assert holiday_schedule_errors(2027, TEST_2027) == []


def test_load_is_audited_idempotent_and_changes_the_official_calendar():
    assert deadline(D(2027, 2, 1), 7, "working_day", basis="x").provisional
    result = holiday_schedule_load(year=2027, days=TEST_2027, source="测试用表")
    assert (result.created, result.updated) == (1, 0)
    assert HolidayDay.objects.count() == len(TEST_2027)
    assert AuditEntry.objects.filter(action="orgs.holidays.load").count() == 1
    again = holiday_schedule_load(year=2027, days=TEST_2027, source="测试用表")
    assert again.unchanged == 1
    assert AuditEntry.objects.filter(action="orgs.holidays.load").count() == 1
    official_calendar_reset()  # the test transaction never commits, so reset by hand
    assert official_calendar().supports(2027)
    due = deadline(D(2027, 2, 1), 7, "working_day", basis="x")
    # 2,3,4 | rest 5–9 | make-up Sat 13 | 10,11,12,13 → the 7th working day is Sat 13 Feb
    assert due.due == D(2027, 2, 13)
    assert not due.provisional


def test_load_without_a_source_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        holiday_schedule_load(year=2027, days=TEST_2027, source=" ")
    assert "发布" in info.value.messages[0]


def test_command_loads_a_json_file_and_reports_problems(tmp_path):
    path = tmp_path / "2027.json"
    days = [{"date": d.isoformat(), "working": w} for d, w in TEST_2027.items()]
    path.write_text(json.dumps({"year": 2027, "source": "测试用表", "days": days}), "utf-8")
    call_command("load_holidays", str(path), verbosity=0)
    assert HolidayDay.objects.filter(schedule__year=2027).count() == len(TEST_2027)
    days[0]["working"] = True  # 元旦 as a working day
    path.write_text(json.dumps({"year": 2027, "source": "测试用表", "days": days}), "utf-8")
    with pytest.raises(CommandError, match="2027-01-01"):
        call_command("load_holidays", str(path), verbosity=0)
