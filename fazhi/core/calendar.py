"""The official working-day calendar of the People's Republic of China (rulebook §0.2).

Wraps the `chinese-calendar` package (import name `chinese_calendar`), which carries the State
Council's published holiday schedule (节假日安排) with its make-up working days (调休) for each
year it knows. Outside those years this module refuses to answer rather than guess from the
weekday: a deadline computed on a guessed calendar would be wrong on every holiday. Years whose
schedule is published after the package release can be supplied as explicit tables
(`extra_years`), loaded by an administrator (rulebook §0.2: "a data table … that admins can
load per year"; `manage.py load_holidays`, stored by `fazhi.orgs` and read here through the
`FAZHI_HOLIDAY_TABLES` setting, so the kernel imports no app).

A deadline cannot wait for next year's schedule: a case filed in December has its 90-day limit
in a year whose schedule may not be published yet. `deadline(...)` then counts on the
`ProvisionalCalendar` — weekends plus the statutory rest days of 《全国年节及纪念日放假办法》
(2024 revision), whose dates are fixed by the solar and lunar calendars — and marks the result
`provisional`; only the make-up working days (调休) are unknown until publication. The strict
`OfficialCalendar` still refuses such years, so nothing mistakes a provisional day for an
official one.

All deadlines go through here (DESIGN.md §2 "Time"): `deadline(...)` counts on this calendar
with the pure rules of `fazhi.core.rules.calendar`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _cc_holidays
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from lunar_python import Lunar

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


# Statutory rest days (《全国年节及纪念日放假办法》, 国务院令第793号 revision in force 2025-01-01,
# art. 2): 元旦 1 day, 春节 4 days (除夕 and 正月初一至初三), 清明节 1 day, 劳动节 2 days,
# 端午节 1 day, 中秋节 1 day, 国庆节 3 days. The State Council's yearly schedule moves weekends
# around them (调休) but never removes one.
STATUTORY_REST_DAYS_FROM_YEAR = 2025


@lru_cache(maxsize=64)
def statutory_rest_days(year: int) -> dict[date, str]:
    """The statutory rest days of `year` (2025 or later) with their festival's Chinese name."""
    if year < STATUTORY_REST_DAYS_FROM_YEAR:
        raise ValueError(f"the 2024 holiday rules apply from {STATUTORY_REST_DAYS_FROM_YEAR}")

    def lunar(month: int, day: int, lunar_year: int = year) -> date:
        solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())

    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = lunar(1, 1)
    for offset in range(-1, 3):  # 除夕 (the day before 正月初一) to 正月初三
        days[new_year + timedelta(days=offset)] = "春节"
    qingming = [
        d
        for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        if name == "清明"
    ]
    days[qingming[0]] = "清明节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    days[lunar(5, 5)] = "端午节"
    days[lunar(8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return days


class ProvisionalCalendar:
    """The official calendar where it knows the year; otherwise weekends plus the statutory rest
    days (`statutory_rest_days`); `is_provisional(year)` says which years it had to guess."""

    def __init__(self, official: OfficialCalendar) -> None:
        self.official = official

    def is_provisional(self, year: int) -> bool:
        return not self.official.supports(year)

    def is_working_day(self, day: date, /) -> bool:
        if self.official.supports(day.year):
            return self.official.is_working_day(day)
        if day.year < STATUTORY_REST_DAYS_FROM_YEAR:
            raise CalendarYearNotSupported(day.year, self.official.supported_years)
        return day.weekday() < 5 and day not in statutory_rest_days(day.year)


HolidayTables = Mapping[int, Mapping[date, bool]]
_CACHE_SECONDS = 300.0
_cache_lock = threading.Lock()
_cached: tuple[float, OfficialCalendar] | None = None


def _loaded_tables() -> HolidayTables:
    """Admin-loaded years from the provider named by FAZHI_HOLIDAY_TABLES (empty when unset or
    when the database is not ready, e.g. during migrations)."""
    path = getattr(settings, "FAZHI_HOLIDAY_TABLES", "")
    if not path:
        return {}
    provider: Callable[[], HolidayTables] = import_string(path)
    try:
        return provider()
    except Exception:  # no table yet (migrations), or no database access here: package only
        return {}


def official_calendar() -> OfficialCalendar:
    """The process-wide official calendar: package years plus admin-loaded years. Rebuilt at most
    every five minutes, and at once in the process that loads a year (`official_calendar_reset`)."""
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    with _cache_lock:
        calendar = OfficialCalendar(extra_years=_loaded_tables())
        _cached = (now, calendar)
    return calendar


def official_calendar_reset() -> None:
    """Forget the cached calendar (after a year's schedule is loaded)."""
    global _cached
    _cached = None


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
    """The `Deadline` `n` units after `start` on the official calendar, citing `basis`.

    Where the period reaches a year with no schedule yet, the due day is counted on the
    `ProvisionalCalendar` and the deadline is marked `provisional` (see the module docstring).
    """
    cal = calendar or official_calendar()
    try:
        return Deadline(due=add_period(start, n, unit, cal), basis=basis)
    except CalendarYearNotSupported as exc:
        if exc.year < STATUTORY_REST_DAYS_FROM_YEAR or not isinstance(cal, OfficialCalendar):
            raise
    provisional = ProvisionalCalendar(cal)
    return Deadline(due=add_period(start, n, unit, provisional), basis=basis, provisional=True)
