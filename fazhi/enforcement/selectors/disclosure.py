"""Reads for disclosure: the public search and ex-ante lists (事前公开, 事后公开; rulebook §2.1) and
the scoped back-office list.

Public reads are bounded by construction (performance.md; security.md PII-5): a search without a
criterion shows the most recent items only, pages stop at `MAX_PAGES`, a page is fetched as
`PAGE_SIZE + 1` rows to know whether another follows, and nothing counts the whole table.
Natural persons' names never appear in public lists (they are 张某 on the detail page only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fazhi.core.scope import scoped
from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    Certificate,
    Disclosure,
    DiscretionBenchmark,
    FirstViolationList,
)
from fazhi.orgs.models import Agency, Division, Sector

PAGE_SIZE = 20
MAX_PAGES = 50  # deeper than 1,000 results the public must narrow the search
RECENT_SIZE = 20
MAX_AGENCY_MATCHES = 200
PUBLIC_SEARCH_KEYS = ("q", "sector", "agency", "date_from", "date_to")
EX_ANTE_KEYS = ("division", "sector", "q")


@dataclass(frozen=True)
class BoundedPage:
    items: list[Any]
    number: int
    has_previous: bool
    has_next: bool
    searched: bool  # False: no criterion was given, the most recent items are shown

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page_number(raw: Any) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGES)
    except (TypeError, ValueError):
        return 1


def public_disclosures(today: date | None = None) -> QuerySet[Disclosure]:
    """Published disclosures still inside their display period."""
    today = today or timezone.localdate()
    return Disclosure.objects.filter(state=Disclosure.State.PUBLISHED).filter(
        Q(display_until__isnull=True) | Q(display_until__gte=today)
    )


def disclosure_search(filters: Mapping[str, str], page: Any = 1) -> BoundedPage:
    """The public search (issue 4 §6): by agency name, sector, decision dates and violation text.

    At most 3 queries (sector, agencies, the page) whatever the table size.
    """
    qs = public_disclosures()
    searched = False
    if filters.get("sector"):
        sector_id = (
            Sector.objects.filter(code=filters["sector"]).values_list("id", flat=True).first()
        )
        qs = qs.filter(sector_id=sector_id or 0)
        searched = True
    if filters.get("agency"):
        agency_ids = list(
            Agency.objects.filter(name__contains=filters["agency"][:64]).values_list(
                "id", flat=True
            )[:MAX_AGENCY_MATCHES]
        )
        qs = qs.filter(agency_id__in=agency_ids)
        searched = True
    date_from, date_to = _parse_date(filters.get("date_from", "")), _parse_date(
        filters.get("date_to", "")
    )
    if date_from:
        qs = qs.filter(decided_on__gte=date_from)
        searched = True
    if date_to:
        qs = qs.filter(decided_on__lte=date_to)
        searched = True
    if filters.get("q"):
        qs = qs.filter(violation__contains=filters["q"][:100])
        searched = True
    qs = qs.select_related("agency", "sector").only(
        "public_token", "decision_number", "party_kind", "party_name", "violation", "outcome",
        "decided_on", "act_type", "agency__name", "sector__name",
    ).order_by("-decided_on", "-id")
    if not searched:
        return BoundedPage(list(qs[:RECENT_SIZE]), 1, False, False, False)
    number = _page_number(page)
    start = (number - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE and number < MAX_PAGES
    return BoundedPage(rows[:PAGE_SIZE], number, number > 1, has_next, True)


def disclosure_by_token(token: str) -> Disclosure | None:
    if not token or len(token) > 64:
        return None
    return (
        public_disclosures()
        .select_related("agency", "sector", "division")
        .filter(public_token=token)
        .first()
    )


def disclosure_list_for(user: Any, filters: Mapping[str, str]) -> QuerySet[Disclosure]:
    """Back office: the disclosures of the user's scope; `state`, `overdue=1` (pending past due)."""
    qs = scoped(Disclosure.objects.select_related("agency", "case"), user)
    state = filters.get("state", "")
    if state in Disclosure.State.values:
        qs = qs.filter(state=state)
    if filters.get("overdue"):
        qs = qs.filter(state=Disclosure.State.PENDING, due_on__lt=timezone.localdate())
    return qs.order_by("state", "due_on", "-id")


def disclosure_search_for(user: Any, filters: Mapping[str, Any]) -> QuerySet[Disclosure]:
    """Back office (API): the disclosures of the user's scope, newest decision first.

    Filters: ``division`` (code: that division and below), ``agency`` (id), ``sector`` (id or
    code), ``state``, ``overdue`` (pending past its due day), ``date_from`` / ``date_to`` (the
    decision day, both included; dates or ISO strings), ``q`` (part of the violation). Ordered by
    (-decided_on, -id) so a keyset/cursor page reads one slice and nothing counts the table.
    """
    qs = scoped(Disclosure.objects.select_related("agency", "sector", "division", "case"), user)
    division = str(filters.get("division") or "").strip()
    if division:
        qs = qs.filter(division__path__startswith=_division_path(division))
    if filters.get("agency"):
        qs = qs.filter(agency_id=filters["agency"])
    sector = str(filters.get("sector") or "").strip()
    if sector:
        qs = qs.filter(sector_id=sector) if sector.isdigit() else qs.filter(sector__code=sector)
    if filters.get("state") in Disclosure.State.values:
        qs = qs.filter(state=filters["state"])
    if filters.get("overdue"):
        qs = qs.filter(state=Disclosure.State.PENDING, due_on__lt=timezone.localdate())
    for key, lookup in (("date_from", "decided_on__gte"), ("date_to", "decided_on__lte")):
        value = filters.get(key)
        day = value if isinstance(value, date) else _parse_date(str(value or ""))
        if day:
            qs = qs.filter(**{lookup: day})
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(violation__contains=q[:100])
    return qs.order_by("-decided_on", "-id")


def disclosure_detail_for(user: Any, pk: Any) -> Disclosure:
    """One disclosure of the user's scope; 404 outside it (no existence oracle, ACC-2)."""
    try:
        return scoped(
            Disclosure.objects.select_related("agency", "sector", "division", "case"), user
        ).get(pk=pk)
    except (Disclosure.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("disclosure") from exc


# --------------------------------------------------------------------------- ex-ante lists


def _division_path(code: str) -> str | None:
    if not code:
        return None
    return Division.objects.filter(code=code).values_list("path", flat=True).first() or "-"


def division_choices() -> QuerySet[Division]:
    return Division.objects.filter(depth__lte=2).order_by("path").only("code", "name", "depth")


def sector_choices() -> QuerySet[Sector]:
    return Sector.objects.order_by("name").only("code", "name")


def public_subjects(filters: Mapping[str, str]) -> QuerySet[Agency]:
    """Enforcement subjects (执法主体): active agencies with kind and sector (rulebook §2.1)."""
    qs = Agency.objects.filter(is_active=True).select_related("sector", "government__division")
    path = _division_path(filters.get("division", ""))
    if path:
        qs = qs.filter(government__division__path__startswith=path)
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    if filters.get("q"):
        qs = qs.filter(name__contains=filters["q"][:64])
    return qs.order_by("government__division__path", "name", "id")


def public_officers(filters: Mapping[str, str], today: date | None = None) -> QuerySet[Certificate]:
    """Officers holding a valid certificate: name, certificate number, domain, agency; never the
    ID number (rulebook §2.1 [PRAC] officer publication fields; PII)."""
    today = today or timezone.localdate()
    qs = Certificate.objects.filter(
        state="active", issued_on__lte=today, expires_on__gte=today, officer__is_auxiliary=False
    ).select_related("officer__agency", "sector")
    path = _division_path(filters.get("division", ""))
    if path:
        qs = qs.filter(officer__agency__government__division__path__startswith=path)
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    if filters.get("q"):
        q = filters["q"][:64]
        qs = qs.filter(Q(officer__name=q) | Q(number=q) | Q(officer__agency__name__contains=q))
    return qs.only(
        "number", "area", "sector__name", "officer__name", "officer__agency__name"
    ).order_by("officer__agency_id", "officer__name", "id")


def public_authority_items(filters: Mapping[str, str], today: date | None = None
                           ) -> QuerySet[AuthorityItem]:
    """Published authority items with their published, current benchmarks and tiers."""
    today = today or timezone.localdate()
    benchmarks = (
        DiscretionBenchmark.objects.filter(is_published=True, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .prefetch_related(Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position")))
    )
    qs = AuthorityItem.objects.filter(is_published=True).select_related("agency", "sector")
    qs = qs.prefetch_related(Prefetch("benchmarks", queryset=benchmarks))
    path = _division_path(filters.get("division", ""))
    if path:
        qs = qs.filter(agency__government__division__path__startswith=path)
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    if filters.get("q"):
        qs = qs.filter(name__contains=filters["q"][:64])
    return qs.order_by("agency_id", "code")


def public_first_violation_lists(filters: Mapping[str, str]) -> QuerySet[FirstViolationList]:
    qs = FirstViolationList.objects.filter(is_published=True).select_related(
        "sector", "region"
    ).prefetch_related("entries")
    path = _division_path(filters.get("division", ""))
    if path:
        qs = qs.filter(Q(region__isnull=True) | Q(region__path__startswith=path))
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    return qs.order_by("sector_id", "-valid_from")
