"""The official calendar on 2026's published schedule (chinese-calendar 1.11).

2026 (国务院办公厅 schedule, as carried by the package): New Year 1–3 Jan, make-up Sun 4 Jan;
Spring Festival 15–23 Feb, make-up Sat 14 Feb and Sat 28 Feb; Qingming 4–6 Apr; Labour Day
1–5 May, make-up Sat 9 May; Dragon Boat 19–21 Jun; Mid-autumn 25–27 Sep; National Day 1–7 Oct,
make-up Sun 20 Sep and Sat 10 Oct.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import translation

from fazhi.core.calendar import (
    CalendarYearNotSupported,
    OfficialCalendar,
    deadline,
    local_today,
    official_calendar,
)
from fazhi.core.rules.calendar import (
    Deadline,
    PeriodUnit,
    WorkingDayCalendar,
    add_period,
    is_overdue,
)

CAL = official_calendar()
D = date


def test_is_a_working_day_calendar():
    assert isinstance(CAL, WorkingDayCalendar)
    assert 2026 in CAL.supported_years
    assert 2004 in CAL.supported_years


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 12, 31), True),
        (D(2026, 1, 1), False),  # New Year's Day
        (D(2026, 1, 2), False),  # Friday, in the New Year holiday
        (D(2026, 1, 4), True),  # Sunday, make-up working day
        (D(2026, 2, 13), True),  # Friday before Spring Festival
        (D(2026, 2, 14), True),  # Saturday, make-up working day
        (D(2026, 2, 15), False),  # first day of Spring Festival
        (D(2026, 2, 18), False),  # Wednesday, Spring Festival
        (D(2026, 2, 23), False),  # Monday, last day of Spring Festival
        (D(2026, 2, 24), True),  # Tuesday, back at work
        (D(2026, 2, 28), True),  # Saturday, make-up working day
        (D(2026, 3, 7), False),  # ordinary Saturday
        (D(2026, 5, 5), False),  # Tuesday, Labour Day holiday
        (D(2026, 5, 9), True),  # Saturday, make-up working day
        (D(2026, 9, 20), True),  # Sunday, make-up working day for National Day
        (D(2026, 9, 30), True),
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),  # Wednesday, last day of the National Day holiday
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
        (D(2026, 10, 11), False),  # Sunday
    ],
)
def test_2026_schedule(day, working):
    assert CAL.is_working_day(day) is working


def test_holiday_names():
    assert CAL.holiday_name(D(2026, 2, 17)) == "Spring Festival"
    assert CAL.holiday_name(D(2026, 2, 28)) == "Spring Festival"  # make-up day
    assert CAL.holiday_name(D(2026, 10, 10)) == "National Day"
    assert CAL.holiday_name(D(2026, 3, 7)) is None


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Spring Festival: the 15th day after the start …
        (D(2026, 1, 29), D(2026, 2, 13)),  # … is Friday before the holiday: in time that day
        (D(2026, 1, 30), D(2026, 2, 14)),  # … is the make-up Saturday: a working day, no roll
        (D(2026, 1, 31), D(2026, 2, 24)),  # … is Sunday 15 Feb, first holiday → 24 Feb
        (D(2026, 2, 1), D(2026, 2, 24)),  # … is 16 Feb, holiday → first day after the holiday
        (D(2026, 2, 8), D(2026, 2, 24)),  # … is 23 Feb, the last holiday
        (D(2026, 2, 9), D(2026, 2, 24)),  # … is 24 Feb itself
        (D(2026, 2, 10), D(2026, 2, 25)),
        # National Day with Mid-autumn just before it:
        (D(2026, 9, 5), D(2026, 9, 20)),  # make-up Sunday ends the period
        (D(2026, 9, 10), D(2026, 9, 28)),  # 25 Sep Mid-autumn → Monday 28 Sep
        (D(2026, 9, 15), D(2026, 9, 30)),  # day before the holiday
        (D(2026, 9, 16), D(2026, 10, 8)),  # 1 Oct → 8 Oct
        (D(2026, 9, 22), D(2026, 10, 8)),  # 7 Oct, last holiday → 8 Oct
        (D(2026, 9, 23), D(2026, 10, 8)),  # 8 Oct itself
        (D(2026, 9, 25), D(2026, 10, 10)),  # make-up Saturday
        (D(2026, 9, 26), D(2026, 10, 12)),  # Sunday 11 Oct → Monday
        # New Year, across the year boundary, and Labour Day:
        (D(2025, 12, 17), D(2026, 1, 4)),  # 1 Jan → make-up Sunday 4 Jan
        (D(2026, 4, 16), D(2026, 5, 6)),  # 1 May → 6 May
    ],
)
def test_fifteen_day_period_rolls_over_holidays(start, due):
    # 民事诉讼法第八十五条第三款.
    assert add_period(start, 15, PeriodUnit.CALENDAR_DAY, CAL) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 13 Feb (1), 14 Feb make-up (2), 15–23 Feb off, 24 (3) 25 (4) 26 (5) 27 (6) 28 make-up (7)
        (D(2026, 2, 12), 7, D(2026, 2, 28)),
        (D(2026, 2, 12), 2, D(2026, 2, 14)),
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        # 30 Sep (1), 1–7 Oct off, 8 (2) 9 (3) 10 make-up (4), 11 Sunday, 12 (5)
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 1), 1, D(2026, 10, 8)),  # a period starting on a holiday
        (D(2026, 4, 30), 3, D(2026, 5, 8)),  # 1–5 May off: 6 (1) 7 (2) 8 (3)
        (D(2026, 4, 30), 4, D(2026, 5, 9)),  # make-up Saturday 9 May counts
    ],
)
def test_working_day_periods_skip_holidays_and_count_make_up_days(start, n, due):
    # 行政处罚法第八十五条; 行政复议法第八十八条第二款.
    assert add_period(start, n, PeriodUnit.WORKING_DAY, CAL) == due


def test_month_period_ending_in_spring_festival():
    assert add_period(D(2026, 1, 23), 1, PeriodUnit.MONTH, CAL) == D(2026, 2, 24)
    assert add_period(D(2025, 10, 1), 1, PeriodUnit.YEAR, CAL) == D(2026, 10, 8)


def test_deadline_and_overdue_at_the_national_day_boundary():
    due = deadline(D(2026, 9, 16), 15, "calendar_day", basis="《行政处罚法》第六十条")
    assert due == Deadline(due=D(2026, 10, 8), basis="《行政处罚法》第六十条")
    assert not is_overdue(due, D(2026, 10, 7))
    assert not is_overdue(due, D(2026, 10, 8))
    assert is_overdue(due, D(2026, 10, 9))


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2003, 12, 31)])
def test_unsupported_year_is_refused_not_guessed(day):
    with pytest.raises(CalendarYearNotSupported) as info:
        CAL.is_working_day(day)
    assert info.value.year == day.year


def test_roll_over_into_an_unknown_year_is_refused():
    assert add_period(D(2026, 12, 16), 15, PeriodUnit.CALENDAR_DAY, CAL) == D(2026, 12, 31)
    with pytest.raises(CalendarYearNotSupported):
        add_period(D(2026, 12, 17), 15, PeriodUnit.CALENDAR_DAY, CAL)
    with pytest.raises(CalendarYearNotSupported):
        add_period(D(2026, 12, 30), 2, PeriodUnit.WORKING_DAY, CAL)


def test_unsupported_year_message_in_english_and_chinese():
    with translation.override("en"):
        message = str(CalendarYearNotSupported(2027, range(2004, 2027)))
    assert message == (
        "The official holiday schedule for 2027 is not available (known years: 2004–2026); "
        "deadlines in that year cannot be computed."
    )
    with translation.override("zh-hans"):
        message = str(CalendarYearNotSupported(2027, range(2004, 2027)))
    assert "2027" in message
    assert "节假日" in message


def test_extra_year_table_extends_the_calendar():
    cal = OfficialCalendar(extra_years={2027: {D(2027, 1, 1): False, D(2027, 1, 9): True}})
    assert cal.supported_years == range(2004, 2028)
    assert not cal.is_working_day(D(2027, 1, 1))  # Friday, holiday
    assert cal.is_working_day(D(2027, 1, 9))  # Saturday, make-up
    assert not cal.is_working_day(D(2027, 1, 10))  # Sunday
    assert add_period(D(2026, 12, 17), 15, PeriodUnit.CALENDAR_DAY, cal) == D(2027, 1, 4)
    with pytest.raises(CalendarYearNotSupported):
        cal.is_working_day(D(2028, 1, 3))


def test_extra_year_table_with_a_stray_date_is_refused():
    with pytest.raises(ValueError, match="another year"):
        OfficialCalendar(extra_years={2027: {D(2028, 1, 1): False}})


@time_machine.travel(datetime(2026, 9, 30, 16, 30, tzinfo=UTC), tick=False)
def test_local_today_is_the_date_in_shanghai():
    # 16:30 UTC on 30 Sep is 00:30 on 1 Oct in Asia/Shanghai.
    assert local_today() == D(2026, 10, 1)
