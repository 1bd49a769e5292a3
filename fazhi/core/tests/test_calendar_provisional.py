"""Statutory rest days and provisional deadlines for years whose schedule is not loaded yet
(rulebook §0.2; 《全国年节及纪念日放假办法》2024 revision, art. 2)."""

from datetime import date as D

import pytest

from fazhi.core.calendar import (
    CalendarYearNotSupported,
    OfficialCalendar,
    ProvisionalCalendar,
    deadline,
    statutory_rest_days,
)
from fazhi.core.rules.calendar import Deadline, add_period

PACKAGE = OfficialCalendar()  # package years only (2004–2026), no admin tables


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_rest_day_is_a_rest_day_in_the_published_schedule(year):
    days = statutory_rest_days(year)
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    assert [d for d in days if PACKAGE.is_working_day(d)] == []


def test_statutory_rest_days_of_2027_from_the_solar_and_lunar_calendars():
    days = statutory_rest_days(2027)
    assert days[D(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "春节"] == [
        D(2027, 2, 5),  # 除夕
        D(2027, 2, 6),  # 正月初一
        D(2027, 2, 7),
        D(2027, 2, 8),
    ]
    assert days[D(2027, 4, 5)] == "清明节"
    assert days[D(2027, 6, 9)] == "端午节"
    assert days[D(2027, 9, 15)] == "中秋节"
    assert [d for d, n in days.items() if n == "国庆节"] == [D(2027, 10, i) for i in (1, 2, 3)]


def test_rules_before_2025_are_not_guessed():
    with pytest.raises(ValueError, match="2025"):
        statutory_rest_days(2024)


def test_a_deadline_in_an_unloaded_year_is_provisional():
    # 15 calendar days after 17 Dec 2026 is Fri 1 Jan 2027 (元旦), then the weekend: Mon 4 Jan.
    due = deadline(D(2026, 12, 17), 15, "calendar_day", basis="测试", calendar=PACKAGE)
    assert due == Deadline(due=D(2027, 1, 4), basis="测试", provisional=True)
    # 90 days from filing on 9 Dec 2026 is Tue 9 Mar 2027, a working day.
    assert deadline(D(2026, 12, 9), 90, "calendar_day", basis="x", calendar=PACKAGE).due == D(
        2027, 3, 9
    )
    # 7 working days from Mon 1 Feb 2027: 2, 3, 4, then 除夕 to 初三 (5–8 Feb) rest, 9–12.
    due = deadline(D(2027, 2, 1), 7, "working_day", basis="x", calendar=PACKAGE)
    assert due.due == D(2027, 2, 12)
    assert due.provisional


def test_a_deadline_inside_a_published_year_is_not_provisional():
    due = deadline(D(2026, 9, 16), 15, "calendar_day", basis="x", calendar=PACKAGE)
    assert due == Deadline(due=D(2026, 10, 8), basis="x", provisional=False)


def test_the_strict_calendar_still_refuses_and_old_years_are_never_guessed():
    with pytest.raises(CalendarYearNotSupported):
        add_period(D(2026, 12, 17), 15, "calendar_day", PACKAGE)
    with pytest.raises(CalendarYearNotSupported):
        deadline(D(2003, 9, 1), 30, "calendar_day", basis="x", calendar=PACKAGE)
    provisional = ProvisionalCalendar(PACKAGE)
    assert provisional.is_provisional(2027)
    assert not provisional.is_provisional(2026)
    assert provisional.is_working_day(D(2026, 10, 10))  # a published make-up Saturday


def test_a_loaded_year_replaces_the_provisional_count():
    loaded = OfficialCalendar(extra_years={2027: {D(2027, 1, 1): False, D(2027, 1, 4): False}})
    due = deadline(D(2026, 12, 17), 15, "calendar_day", basis="x", calendar=loaded)
    assert due == Deadline(due=D(2027, 1, 5), basis="x", provisional=False)
