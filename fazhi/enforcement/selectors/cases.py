"""Reads of enforcement cases, always through `scoped()` (DESIGN §2 "Scope").

`case_list_for` must stay fast at region scale (315,000 cases, performance.md §2): it filters on
columns of the case table itself (division path, agency, sector, state, dates; indexes
`enf_case_div_created`, `enf_case_agency_created`), orders by -created_at and is paged with
`case_page`, which fetches one row more than a page instead of counting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fazhi.core.scope import DataScope, scoped
from fazhi.enforcement.models import Case, CaseOfficer, LegalReview, Step
from fazhi.orgs.models import Division

MAX_PER_PAGE = 200


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _division_path(value: Any) -> str | None:
    if isinstance(value, Division):
        return value.path
    text = str(value).strip()
    if not text:
        return None
    lookup = {"code": text} if len(text) == 6 and text.isdigit() else {"pk": text}
    try:
        return Division.objects.values_list("path", flat=True).get(**lookup)
    except (Division.DoesNotExist, ValueError):
        return ""


def _scoped_cases(user: Any) -> QuerySet[Case]:
    """Cases `user` may see. The self scope reaches a case through its officers (a to-many
    join); to keep one row per case that branch is applied as a semi-join (`pk IN (…)`), so
    lists never need DISTINCT."""
    grants = (
        list(user.scope_grants())
        if user is not None and getattr(user, "is_authenticated", False)
        else []
    )
    base = Case.objects.all()
    if any(g.scope is DataScope.SELF for g in grants) and not any(
        g.scope is DataScope.REGION for g in grants
    ):
        return base.filter(pk__in=scoped(Case.objects.all(), user).values("pk"))
    return scoped(base, user)


def case_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Case]:
    """Cases `user` may see, newest first. Filters: ``division`` (id, code or Division: that
    division and below), ``agency`` (id), ``sector`` (id or code), ``state``, ``procedure``,
    ``act_type``, ``date_from`` / ``date_to`` (creation day, both included), ``q`` (number or
    part of the title). Callers page it with `case_page` (no COUNT needed)."""
    filters = filters or {}
    qs = _scoped_cases(user).select_related("agency", "party", "sector", "division")
    division = filters.get("division")
    if division not in (None, ""):
        path = _division_path(division)
        qs = qs.filter(division__path__startswith=path) if path else qs.none()
    if filters.get("agency"):
        qs = qs.filter(agency_id=filters["agency"])
    sector = filters.get("sector")
    if sector not in (None, ""):
        qs = (
            qs.filter(sector_id=sector) if str(sector).isdigit() else qs.filter(sector__code=sector)
        )
    for name in ("state", "procedure", "act_type"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    tz = timezone.get_current_timezone()
    start = _as_date(filters.get("date_from"))
    if start:
        qs = qs.filter(created_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    end = _as_date(filters.get("date_to"))
    if end:
        qs = qs.filter(
            created_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
        )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(number__startswith=q) if q[:6].isdigit() else qs.filter(title__contains=q)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    page: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def case_page(qs: QuerySet[Case], page: int | str | None = 1, per_page: int = 50) -> CasePage:
    """One page of `qs` in one query: fetches per_page + 1 rows to know whether a next page
    exists, never counts the whole set."""
    try:
        number = max(int(page or 1), 1)
    except (TypeError, ValueError):
        number = 1
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    offset = (number - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    return CasePage(rows[:per_page], number, per_page, len(rows) > per_page)


def case_detail_for(user: Any, pk: Any) -> Case:
    """One case `user` may see, with what its page shows; 404 outside the user's scope."""
    try:
        return (
            _scoped_cases(user)
            .select_related("agency", "division", "sector", "party", "authority_item", "created_by")
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("case") from exc


def case_steps(case: Case) -> QuerySet[Step]:
    """The case's steps in order, with their actors and officers (two queries)."""
    return (
        Step.objects.filter(case=case)
        .select_related("actor")
        .prefetch_related("officers")
        .order_by("occurred_at", "id")
    )


def case_officers(case: Case) -> QuerySet[CaseOfficer]:
    return (
        CaseOfficer.objects.filter(case=case).select_related("officer").order_by("added_at", "id")
    )


def case_reviews(case: Case) -> QuerySet[LegalReview]:
    return (
        LegalReview.objects.filter(case=case)
        .select_related("reviewer")
        .order_by("submitted_at", "id")
    )


def case_facts(case: Case, **kwargs: Any) -> Any:
    """The frozen `CaseFacts` the supervision rules read (interface.md). Supervision owns the
    dataclass and builds it in `selectors/supervision.py`; this delegates there so both parts
    read one definition (available once h/supervision is merged)."""
    from fazhi.enforcement.selectors import supervision  # type: ignore[attr-defined]

    return supervision.case_facts(case, **kwargs)
