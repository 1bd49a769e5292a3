"""Counting statutory periods (rulebook §0.2). Pure: standard library only.

Rules implemented here, with their basis:

* The day on which a period starts is not counted (《民事诉讼法》（2021年修正）第八十五条第二款:
  "期间开始的时和日，不计算在期间内").
* If the last day of a period falls on a statutory holiday (法定休假日, which includes the weekly
  rest days), the period ends on the first working day after it (same article, third paragraph).
  Make-up working days (调休) are working days and end a period normally.
* Periods in months or years end on the corresponding day of the final month; where that month
  has no such day, on its last day (《民法典》第二百零二条; not in the shared law data set).
* Periods that a law calls working days count working days only, so holidays never count
  (《行政处罚法》第八十五条; 《行政复议法》第八十八条第二款).

Which days are working days is not derived from weekdays: a `WorkingDayCalendar` answers it
(production: `fazhi.core.calendar.OfficialCalendar`, on the published holiday schedule).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable

BASIS_START_AND_ROLLOVER = "《民事诉讼法》第八十五条"
BASIS_MONTH_END = "《民法典》第二百零二条"
BASIS_WORKING_DAYS_PENALTY = "《行政处罚法》第八十五条"
BASIS_WORKING_DAYS_RECONSIDERATION = "《行政复议法》第八十八条"

# A working-day count crossing more non-working days than this in a row means a broken calendar.
_MAX_CONSECUTIVE_NON_WORKING_DAYS = 31


@runtime_checkable
class WorkingDayCalendar(Protocol):
    """Answers whether a date is a working day on the official schedule."""

    def is_working_day(self, day: date, /) -> bool:
        """True for a working day (including make-up working days), False for a rest day."""
        ...


class PeriodUnit(StrEnum):
    CALENDAR_DAY = "calendar_day"  # 日（自然日）
    WORKING_DAY = "working_day"  # 工作日
    MONTH = "month"  # 月
    YEAR = "year"  # 年


@dataclass(frozen=True)
class Deadline:
    """The last day on which an act is still in time, and the provision that sets the limit."""

    due: date
    basis: str
    # True when a year the period touches has no published schedule loaded yet, so the due day
    # was counted on the statutory rest days alone (`fazhi.core.calendar.ProvisionalCalendar`)
    # and must be recomputed once the State Council's schedule is loaded.
    provisional: bool = False


class TableCalendar:
    """A calendar from explicit tables, for tests and for admin-loaded schedules.

    Days in `holidays` are rest days, days in `workdays` are working days (make-up days); any
    other day is a working day from Monday to Friday. Overlapping tables are refused.
    """

    def __init__(self, *, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates both holiday and working day: {sorted(both)}")

    def is_working_day(self, day: date, /) -> bool:
        require_date(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def require_date(day: object) -> None:
    # datetime is a subclass of date; a moment must be converted to the local (Asia/Shanghai)
    # date by the caller, otherwise a UTC date could shift a deadline by a day.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")


def next_working_day(day: date, calendar: WorkingDayCalendar) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    require_date(day)
    for _ in range(_MAX_CONSECUTIVE_NON_WORKING_DAYS + 1):
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    raise ValueError("the calendar has no working day within a month")


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` months after `start`, or that month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_period(start: date, n: int, unit: PeriodUnit | str, calendar: WorkingDayCalendar) -> date:
    """Return the last day on which an act is still in time, `n` units after `start`.

    `start` is the day of the event that starts the period (e.g. service of the decision); it is
    not counted (《民事诉讼法》第八十五条第二款). For calendar-day, month and year periods a last
    day that is not a working day rolls over to the next working day (same article, third
    paragraph). A working-day period ends on its n-th working day after `start`
    (《行政处罚法》第八十五条, 《行政复议法》第八十八条第二款).
    """
    require_date(start)
    unit = PeriodUnit(unit)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"a period needs a whole number of units ≥ 1, got {n!r}")
    if unit is PeriodUnit.WORKING_DAY:
        day, counted, gap = start, 0, 0
        while counted < n:
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                counted, gap = counted + 1, 0
            else:
                gap += 1
                if gap > _MAX_CONSECUTIVE_NON_WORKING_DAYS:
                    raise ValueError("the calendar has no working day within a month")
        return day
    if unit is PeriodUnit.CALENDAR_DAY:
        last = start + timedelta(days=n)
    elif unit is PeriodUnit.MONTH:
        last = add_months(start, n)
    else:
        last = add_months(start, 12 * n)
    return next_working_day(last, calendar)


def period_deadline(
    start: date, n: int, unit: PeriodUnit | str, calendar: WorkingDayCalendar, *, basis: str
) -> Deadline:
    """`add_period` wrapped in a `Deadline` that names the provision setting the limit."""
    return Deadline(due=add_period(start, n, unit, calendar), basis=basis)


def is_overdue(deadline: Deadline | date, now_date: date) -> bool:
    """True once `now_date` is after the last day on which the act was still in time.

    On the due day itself the act is in time; documents posted before expiry are in time too
    (《民事诉讼法》第八十五条第四款), so callers compare the posting date, not the arrival date.
    """
    due = deadline.due if isinstance(deadline, Deadline) else deadline
    require_date(due)
    require_date(now_date)
    return now_date > due
