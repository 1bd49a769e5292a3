"""Reads of enforcement cases, always through `scoped()` (DESIGN §2 "Scope").

`case_list_for` must stay fast at region scale (315,000 cases, performance.md §2): it filters on
columns of the case table itself (division path, agency, sector, state, dates; indexes
`enf_case_div_created`, `enf_case_agency_created`), orders by -created_at and is paged with
`case_page`, which fetches one row more than a page instead of counting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fazhi.core.scope import DataScope, Scope, scope_filter, scoped
from fazhi.enforcement.models import Case, CaseOfficer, LegalReview, Step
from fazhi.orgs.models import Division

MAX_PER_PAGE = 200
#: Case numbers as services/cases.py assigns them: division-year-agency-serial.
CASE_NUMBER = re.compile(r"\d{6}-\d{4}-\d{5}-\d{6}")


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


#: Up to this many divisions (a county is a leaf, rulebook §0.4), a division restriction is also
#: applied as `division_id IN (…)`, so the (division, -created_at) index serves the page. A
#: league's subtree (≈10 divisions, 1/12 of the cases) is dense enough for the newest-first scan
#: with the path test, which measured faster there than sorting its rows from the IN list.
NARROW_DIVISIONS = 3


def _subtree_ids(paths: list[str]) -> list[int] | None:
    """Ids of the divisions under `paths`, or None when there are more than NARROW_DIVISIONS."""
    cond = Q(pk__in=[])
    for path in paths:
        cond |= Q(path__startswith=path)
    ids = list(Division.objects.filter(cond).values_list("pk", flat=True)[: NARROW_DIVISIONS + 1])
    return ids if len(ids) <= NARROW_DIVISIONS else None


def _division_filter(value: Any) -> Q | None:
    """The explicit `division` filter (id, code or Division, with everything below it)."""
    if isinstance(value, Division):
        path = value.path
    else:
        text = str(value).strip()
        lookup = {"code": text} if len(text) == 6 and text.isdigit() else {"pk": text}
        try:
            path = Division.objects.values_list("path", flat=True).get(**lookup)
        except (Division.DoesNotExist, ValueError):
            return None
    ids = _subtree_ids([path])
    if ids is not None:
        return Q(division_id__in=ids)
    return Q(division__path__startswith=path)


def _scoped_cases(user: Any) -> QuerySet[Case]:
    """Cases `user` may see, as `scoped()` defines it with `Case.scope`, in a form that keeps one
    row per case and lets the indexes serve a newest-first page:

    * the self scope reaches a case through its officers (a to-many join). Combined with other
      grants the OR needs an outer join that repeats cases, and alone the join made the
      planner scan the whole newest-first index; so that branch becomes a semi-join
      (`pk IN (…)`) beside the same agency/division conditions (`scope_filter`);
    * division grants over a handful of divisions are also applied as `division_id IN (…)`.
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    grants = list(user.scope_grants()) if authenticated else []
    kinds = {g.scope for g in grants}
    if DataScope.SELF in kinds and DataScope.REGION not in kinds:
        spec = Case.scope
        others = scope_filter(Scope(agency=spec.agency, division=spec.division), user)
        own = CaseOfficer.objects.filter(officer__user_id=user.pk).values("case_id")
        qs = Case.objects.filter((others or Q()) | Q(pk__in=own))
    else:
        qs = scoped(Case.objects.all(), user)
    if kinds == {DataScope.DIVISION}:
        ids = _subtree_ids([g.division_path for g in grants if g.division_path])
        if ids is not None:
            qs = qs.filter(division_id__in=ids)
    return qs


def case_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Case]:
    """Cases `user` may see, newest first. Filters: ``division`` (id, code or Division: that
    division and below), ``agency`` (id), ``sector`` (id or code), ``state``, ``procedure``,
    ``act_type``, ``date_from`` / ``date_to`` (creation day, both included), ``q`` (the exact case
    number, or part of the title). Callers page it with `case_page` (no COUNT needed)."""
    filters = filters or {}
    qs = _scoped_cases(user).select_related("agency", "party", "sector", "division")
    division = filters.get("division")
    if division not in (None, ""):
        condition = _division_filter(division)
        qs = qs.filter(condition) if condition is not None else qs.none()
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
        # A case number is looked up exactly (unique index); anything else searches the titles.
        qs = qs.filter(number=q) if CASE_NUMBER.fullmatch(q) else qs.filter(title__contains=q)
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
