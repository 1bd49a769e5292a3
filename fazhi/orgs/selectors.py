"""Reads of the organisation tree, always through `scoped(queryset, user)`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from fazhi.core.scope import scoped
from fazhi.orgs.models import Agency, Division, Sector

FILTER_KEYS = ("division", "sector", "kind", "q")


def division_subtree(division: Division) -> QuerySet[Division]:
    """The division and everything below it: one indexed prefix query on the materialised path."""
    return Division.objects.filter(path__startswith=division.path)


def agency_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Agency]:
    """Agencies `user` may see, narrowed by filters: division (code; includes everything below),
    sector (code), kind, q (part of the name or the credit code)."""
    filters = filters or {}
    qs = scoped(Agency.objects.all(), user).select_related(
        "sector", "government__division", "entrusted_by"
    )
    division_code = (filters.get("division") or "").strip()
    if division_code:
        division = Division.objects.filter(code=division_code).only("path").first()
        if division is None:
            return qs.none()
        qs = qs.filter(government__division__path__startswith=division.path)
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q))
    return qs.order_by("government__division__code", "name", "pk")


def agency_get_for(user: Any, pk: int) -> Agency:
    """One agency in scope; raises Agency.DoesNotExist otherwise (views answer 404)."""
    return scoped(Agency.objects.all(), user).select_related(
        "sector", "government__division", "entrusted_by"
    ).get(pk=pk)


def division_choices() -> QuerySet[Division]:
    """Divisions for filter menus (reference data: every user may see the tree's names)."""
    return Division.objects.order_by("path").only("code", "name", "depth", "path")


def sector_choices() -> QuerySet[Sector]:
    return Sector.objects.order_by("code")


def holiday_tables() -> dict[int, dict[date, bool]]:
    """Admin-loaded holiday schedules as {year: {day: is_working_day}}; the kernel's official
    calendar reads them through settings.FAZHI_HOLIDAY_TABLES (fazhi.core.calendar)."""
    from fazhi.orgs.models import HolidayDay

    tables: dict[int, dict[date, bool]] = {}
    for day, working, year in HolidayDay.objects.values_list(
        "day", "is_working_day", "schedule__year"
    ):
        tables.setdefault(year, {})[day] = working
    return tables
