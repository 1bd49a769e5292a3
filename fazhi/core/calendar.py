"""The official working-day calendar of the People's Republic of China (rulebook §0.2).

Wraps the `chinese-calendar` package (import name `chinese_calendar`), which carries the State
Council's published holiday schedule (节假日安排) with its make-up working days (调休) for each
year it knows. Outside those years this module refuses to answer rather than guess from the
weekday: a deadline computed on a guessed calendar would be wrong on every holiday. Years whose
schedule is published after the package release can be supplied as explicit tables
(`extra_years`), e.g. loaded by an administrator.

All deadlines go through here (DESIGN.md §2 "Time"): `deadline(...)` counts on this calendar
with the pure rules of `fazhi.core.rules.calendar`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _cc_holidays
from django.utils import timezone
from django.utils.translation import gettext

from fazhi.core.rules.calendar import Deadline, PeriodUnit, add_period, require_date


class CalendarYearNotSupported(LookupError):
    """The official holiday schedule of this year is not known; str() is the user message."""

    def __init__(self, year: int, supported: range) -> None:
        self.year = year
        self.supported = supported
        super().__init__(
            gettext(
                "The official holiday schedule for %(year)s is not available "
                "(known years: %(first)s–%(last)s); deadlines in that year cannot be computed."
            )
            % {"year": year, "first": supported.start, "last": supported.stop - 1}
        )


def _package_years() -> range:
    years = sorted({day.year for day in _cc_holidays})
    return range(years[0], years[-1] + 1)


class OfficialCalendar:
    """`WorkingDayCalendar` on the official schedule; raises `CalendarYearNotSupported`.

    `extra_years` maps a year to its published table {date: is_working_day} of the days that
    differ from Monday–Friday working (holidays and make-up working days); a year given there
    overrides the package for that whole year.
    """

    def __init__(self, *, extra_years: Mapping[int, Mapping[date, bool]] | None = None) -> None:
        self._package_years = _package_years()
        self._extra = {year: dict(table) for year, table in (extra_years or {}).items()}
        for year, table in self._extra.items():
            strays = [day for day in table if day.year != year]
            if strays:
                raise ValueError(f"table for {year} holds dates of another year: {strays}")

    @property
    def supported_years(self) -> range:
        """Contiguous years this calendar answers for (package years plus adjoining extras)."""
        first, last = self._package_years.start, self._package_years.stop - 1
        while first - 1 in self._extra:
            first -= 1
        while last + 1 in self._extra:
            last += 1
        return range(first, last + 1)

    def supports(self, year: int) -> bool:
        return year in self._extra or year in self._package_years

    def is_working_day(self, day: date, /) -> bool:
        require_date(day)
        table = self._extra.get(day.year)
        if table is not None:
            return table.get(day, day.weekday() < 5)
        if day.year not in self._package_years:
            raise CalendarYearNotSupported(day.year, self.supported_years)
        return bool(chinese_calendar.is_workday(day))

    def holiday_name(self, day: date) -> str | None:
        """The festival a day off or make-up working day belongs to (English, from the package)."""
        require_date(day)
        if day.year in self._extra or day.year not in self._package_years:
            return None
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return str(name) if name else None

    def working_days(self, first: date, last: date) -> Iterable[date]:
        """Working days from `first` to `last`, both included."""
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day = date.fromordinal(day.toordinal() + 1)


@lru_cache(maxsize=1)
def official_calendar() -> OfficialCalendar:
    """The process-wide official calendar (package data only)."""
    return OfficialCalendar()


def local_today() -> date:
    """Today's date in the platform time zone (Asia/Shanghai), for `is_overdue`."""
    return timezone.localdate()


def deadline(
    start: date,
    n: int,
    unit: PeriodUnit | str,
    *,
    basis: str,
    calendar: OfficialCalendar | None = None,
) -> Deadline:
    """The `Deadline` `n` units after `start` on the official calendar, citing `basis`."""
    cal = calendar or official_calendar()
    return Deadline(due=add_period(start, n, unit, cal), basis=basis)
