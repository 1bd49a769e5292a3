"""Period arithmetic of rulebook §0.2 on a fixed table calendar (no database, no package data)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.rules.calendar import (
    Deadline,
    PeriodUnit,
    TableCalendar,
    WorkingDayCalendar,
    add_months,
    add_period,
    is_overdue,
    next_working_day,
    period_deadline,
)

# A made-up schedule: 2026-03-16..18 (Mon–Wed) off, Saturday 2026-03-21 a make-up working day.
HOLIDAYS = {date(2026, 3, 16), date(2026, 3, 17), date(2026, 3, 18)}
MAKE_UP = {date(2026, 3, 21)}
CAL = TableCalendar(holidays=HOLIDAYS, workdays=MAKE_UP)
PLAIN = TableCalendar()


def test_table_calendar_is_a_working_day_calendar():
    assert isinstance(CAL, WorkingDayCalendar)
    assert CAL.is_working_day(date(2026, 3, 13))  # Friday
    assert not CAL.is_working_day(date(2026, 3, 14))  # Saturday
    assert not CAL.is_working_day(date(2026, 3, 16))  # holiday Monday
    assert CAL.is_working_day(date(2026, 3, 21))  # make-up Saturday


def test_table_calendar_refuses_a_day_in_both_tables():
    with pytest.raises(ValueError, match="both holiday and working day"):
        TableCalendar(holidays={date(2026, 3, 21)}, workdays={date(2026, 3, 21)})


def test_start_day_is_not_counted():
    # 民事诉讼法第八十五条第二款: a 1-day period starting on Monday ends on Tuesday.
    assert add_period(date(2026, 3, 2), 1, PeriodUnit.CALENDAR_DAY, PLAIN) == date(2026, 3, 3)
    assert add_period(date(2026, 3, 2), 15, "calendar_day", PLAIN) == date(2026, 3, 17)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 2, 26), date(2026, 3, 13)),  # 15th day is Friday: no roll-over
        (date(2026, 2, 27), date(2026, 3, 19)),  # Saturday 14th → after weekend + holidays
        (date(2026, 2, 28), date(2026, 3, 19)),  # Sunday 15th
        (date(2026, 3, 1), date(2026, 3, 19)),  # Monday, a holiday → first day after it
        (date(2026, 3, 3), date(2026, 3, 19)),  # Wednesday, last day of the holidays
        (date(2026, 3, 4), date(2026, 3, 19)),  # Thursday 19th is a working day
        (date(2026, 3, 6), date(2026, 3, 21)),  # make-up Saturday ends a period normally
        (date(2026, 3, 7), date(2026, 3, 23)),  # ordinary Sunday → Monday
    ],
)
def test_calendar_day_period_rolls_over_a_rest_day(start, due):
    # 民事诉讼法第八十五条第三款: last day on a statutory holiday → first day after it.
    assert add_period(start, 15, PeriodUnit.CALENDAR_DAY, CAL) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 3, 12), 1, date(2026, 3, 13)),  # Thursday → Friday
        (date(2026, 3, 13), 1, date(2026, 3, 19)),  # Friday → weekend and holidays skipped
        (date(2026, 3, 13), 2, date(2026, 3, 20)),
        (date(2026, 3, 13), 3, date(2026, 3, 21)),  # the make-up Saturday counts
        (date(2026, 3, 13), 4, date(2026, 3, 23)),  # Sunday does not
        (date(2026, 3, 15), 1, date(2026, 3, 19)),  # starting on a rest day
    ],
)
def test_working_day_period_counts_working_days_only(start, n, due):
    # 行政处罚法第八十五条; 行政复议法第八十八条第二款.
    assert add_period(start, n, PeriodUnit.WORKING_DAY, CAL) == due


@pytest.mark.parametrize(
    ("start", "months", "corresponding"),
    [
        (date(2026, 3, 5), 2, date(2026, 5, 5)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: month end
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across a year
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
    ],
)
def test_add_months_corresponding_day_or_month_end(start, months, corresponding):
    assert add_months(start, months) == corresponding


def test_month_and_year_periods_roll_over():
    # 2026-01-31 + 1 month = 2026-02-28, a Saturday → Monday 2026-03-02.
    assert add_period(date(2026, 1, 31), 1, PeriodUnit.MONTH, PLAIN) == date(2026, 3, 2)
    assert add_period(date(2026, 2, 16), 1, PeriodUnit.MONTH, CAL) == date(2026, 3, 19)
    # 2024-02-29 + 1 year = 2025-02-28 (Friday).
    assert add_period(date(2024, 2, 29), 1, PeriodUnit.YEAR, PLAIN) == date(2025, 2, 28)
    # 2025-03-16 + 1 year = the Monday holiday 2026-03-16 → Thursday 2026-03-19.
    assert add_period(date(2025, 3, 16), 1, "year", CAL) == date(2026, 3, 19)


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_period_length_must_be_a_positive_whole_number(n):
    with pytest.raises(ValueError, match="whole number"):
        add_period(date(2026, 3, 2), n, PeriodUnit.CALENDAR_DAY, PLAIN)


def test_unknown_unit_and_datetime_are_refused():
    with pytest.raises(ValueError, match="hour"):
        add_period(date(2026, 3, 2), 1, "hour", PLAIN)
    with pytest.raises(TypeError, match="expected a date"):
        add_period(datetime(2026, 3, 2, 12), 1, PeriodUnit.CALENDAR_DAY, PLAIN)
    with pytest.raises(TypeError, match="expected a date"):
        is_overdue(date(2026, 3, 2), datetime(2026, 3, 3, 1))


def test_is_overdue_boundary():
    due = period_deadline(date(2026, 3, 2), 15, "calendar_day", PLAIN, basis="测试第一条")
    assert due == Deadline(due=date(2026, 3, 17), basis="测试第一条")
    assert not is_overdue(due, date(2026, 3, 16))  # the day before
    assert not is_overdue(due, date(2026, 3, 17))  # the last day is still in time
    assert is_overdue(due, date(2026, 3, 18))  # the day after
    assert is_overdue(date(2026, 3, 17), date(2026, 3, 18))


def test_a_calendar_without_working_days_is_an_error():
    class Never:
        def is_working_day(self, day):
            return False

    with pytest.raises(ValueError, match="no working day"):
        add_period(date(2026, 3, 2), 1, PeriodUnit.WORKING_DAY, Never())
    with pytest.raises(ValueError, match="no working day"):
        next_working_day(date(2026, 3, 2), Never())


# Property tests over random schedules: the result is the first working day not before the
# nominal last day (calendar days), or the n-th working day after the start (working days).
schedules = st.builds(
    lambda off, on: TableCalendar(holidays=off - on, workdays=on),
    st.sets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=60),
    st.sets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=10),
)
starts = st.dates(date(2026, 1, 1), date(2026, 6, 30))


@given(cal=schedules, start=starts, n=st.integers(1, 90))
def test_calendar_day_property(cal, start, n):
    due = add_period(start, n, PeriodUnit.CALENDAR_DAY, cal)
    nominal = start + timedelta(days=n)
    assert due >= nominal
    assert cal.is_working_day(due)
    day = nominal
    while day < due:
        assert not cal.is_working_day(day)
        day += timedelta(days=1)


@given(cal=schedules, start=starts, n=st.integers(1, 30))
def test_working_day_property(cal, start, n):
    due = add_period(start, n, PeriodUnit.WORKING_DAY, cal)
    assert cal.is_working_day(due)
    counted = sum(
        cal.is_working_day(start + timedelta(days=k)) for k in range(1, (due - start).days + 1)
    )
    assert counted == n
