"""Reads of authority lists, discretion benchmarks and first-violation lists (rulebook §10).

Pages and the API go through `scoped()`. Two reads serve the case engine and take no user:
`benchmark_in_force(item, on)` and `first_violation_list_for(sector, division, on)`; they return
only published records (行政处罚法 art. 34: a benchmark applies once published).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from fazhi.core.scope import scoped
from fazhi.enforcement.models import (
    AuthorityBasis,
    AuthorityItem,
    BenchmarkTier,
    DiscretionBenchmark,
    FirstViolationEntry,
    FirstViolationList,
)
from fazhi.orgs.models import Agency, Division, Sector

FILTER_KEYS = ("agency", "act_type", "sector", "q", "published")
# Business roles that may edit and publish an agency's lists; officers only read them.
MANAGER_ROLES = ("agency_leader", "legal_reviewer", "supervisor")


def can_manage_agency(user: Any, agency: Agency | None) -> bool:
    """Whether `user` may edit `agency`'s authority items, benchmarks and lists: a managing role
    and the agency inside the user's data scope."""
    if agency is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_role(*MANAGER_ROLES):
        return False
    return scoped(Agency.objects.filter(pk=agency.pk), user).exists()


def manageable_agencies(user: Any) -> QuerySet[Agency]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    if not user.has_role(*MANAGER_ROLES):
        return Agency.objects.none()
    return scoped(Agency.objects.all(), user).order_by("name")


def _item_filters(qs: QuerySet[AuthorityItem], filters: Mapping[str, Any]
                  ) -> QuerySet[AuthorityItem]:
    """The filters the staff list and the public list share: agency (id), act type, sector
    (code)."""
    agency = str(filters.get("agency") or "").strip()
    if agency.isdigit():
        qs = qs.filter(agency_id=int(agency))
    if filters.get("act_type"):
        qs = qs.filter(act_type=filters["act_type"])
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    return qs


def authority_item_list_for(
    user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[AuthorityItem]:
    """Items `user` may see; filters: agency (id), act_type, sector (code), q (name or code),
    published ("1"/"0")."""
    filters = filters or {}
    qs = scoped(AuthorityItem.objects.all(), user).select_related("agency", "sector")
    qs = _item_filters(qs, filters)
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(violation_key__startswith=q))
    published = str(filters.get("published") or "")
    if published in ("0", "1"):
        qs = qs.filter(is_published=published == "1")
    return qs.order_by("agency__name", "code", "pk")


def _bases() -> Prefetch[Any]:
    return Prefetch(
        "bases",
        queryset=AuthorityBasis.objects.select_related("provision__law").order_by("role", "pk"),
    )


def _benchmarks() -> Prefetch[Any]:
    return Prefetch(
        "benchmarks",
        queryset=DiscretionBenchmark.objects.select_related("region")
        .prefetch_related(Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position")))
        .order_by("-valid_from", "-pk"),
    )


def authority_item_get_for(user: Any, pk: int) -> AuthorityItem:
    """One item in scope with its bases and benchmark versions; AuthorityItem.DoesNotExist
    otherwise (views answer 404)."""
    return (
        scoped(AuthorityItem.objects.all(), user)
        .select_related("agency", "sector", "source_provision__law")
        .prefetch_related(_bases(), _benchmarks())
        .get(pk=pk)
    )


def benchmark_get_for(user: Any, pk: int) -> DiscretionBenchmark:
    return (
        scoped(DiscretionBenchmark.objects.all(), user)
        .select_related("item__agency", "region")
        .prefetch_related(Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position")))
        .get(pk=pk)
    )


def benchmark_list_for(user: Any, item: int | None = None) -> QuerySet[DiscretionBenchmark]:
    qs = scoped(DiscretionBenchmark.objects.all(), user).select_related("item__agency", "region")
    if item:
        qs = qs.filter(item_id=item)
    return qs.prefetch_related(
        Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position"))
    ).order_by("item_id", "-valid_from", "-pk")


def _in_force(qs: QuerySet[Any], on: date) -> QuerySet[Any]:
    return qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def benchmark_in_force(item: AuthorityItem | int, on: date) -> DiscretionBenchmark | None:
    """The published benchmark version of `item` in force on `on` (valid_from ≤ on ≤ valid_to),
    with its tiers in order (lightest first). Only versions for the item agency's division or a
    division above it (or for no region) apply; the most specific region wins, then the latest
    start. None when no published version covers the day. The case engine uses the version in
    force at the time of the violation (rulebook §10.2 rule 5; a later, lighter version may be
    found with `benchmark_versions_published`)."""
    item_id = item if isinstance(item, int) else item.pk
    home = (
        AuthorityItem.objects.filter(pk=item_id)
        .values_list("agency__government__division__path", flat=True)
        .first()
    ) or ""
    candidates = [
        b
        for b in _in_force(benchmark_versions_published(item_id), on)
        if b.region_id is None or home.startswith(b.region.path)
    ]
    if not candidates:
        return None
    # Most specific region first (deepest path); the sort is stable, so the latest start next.
    candidates.sort(key=lambda b: -(len(b.region.path) if b.region_id else 0))
    return candidates[0]


def benchmark_versions_published(item: AuthorityItem | int) -> QuerySet[DiscretionBenchmark]:
    """Every published version of `item`, latest first, with tiers (lightest first)."""
    item_id = item if isinstance(item, int) else item.pk
    return (
        DiscretionBenchmark.objects.filter(item_id=item_id, is_published=True)
        .select_related("region")
        .prefetch_related(Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position")))
        .order_by("-valid_from", "-pk")
    )


def authority_items_published(filters: Mapping[str, Any] | None = None) -> QuerySet[AuthorityItem]:
    """Published items for the public portal (事前公开, rulebook §2.1; no user, no scope: the
    published list is public by law). Filters: agency (id), act_type, sector (code), q."""
    filters = filters or {}
    qs = AuthorityItem.objects.filter(is_published=True).select_related("agency", "sector")
    qs = _item_filters(qs, filters)
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.prefetch_related(
        Prefetch("bases", queryset=AuthorityBasis.objects.select_related("provision__law")),
        Prefetch(
            "benchmarks",
            queryset=DiscretionBenchmark.objects.filter(is_published=True)
            .prefetch_related(
                Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("position"))
            )
            .order_by("-valid_from"),
        ),
    ).order_by("agency__name", "code", "pk")


def first_violation_lists_published() -> QuerySet[FirstViolationList]:
    """Published first-violation lists with their entries, for the public portal."""
    return (
        FirstViolationList.objects.filter(is_published=True)
        .select_related("sector", "region", "issuing_agency")
        .prefetch_related(
            Prefetch("entries", queryset=FirstViolationEntry.objects.order_by("violation_key"))
        )
        .order_by("sector__code", "-valid_from", "pk")
    )


def _sector_of(sector: Sector | str | int) -> Q:
    if isinstance(sector, Sector):
        return Q(sector_id=sector.pk)
    if isinstance(sector, int):
        return Q(sector_id=sector)
    return Q(sector__code=sector)


def _division_of(division: Division | str | None) -> Division | None:
    if division is None or isinstance(division, Division):
        return division
    return Division.objects.filter(code=division).only("path", "code").first()


def first_violation_list_for(
    sector: Sector | str | int, division: Division | str | None, on: date
) -> FirstViolationList | None:
    """The published first-violation list that applies to `sector` in `division` on `on`
    (rulebook §10.3 step 5), with its entries: the list of the nearest region at or above the
    division wins; a list with no region applies everywhere. `sector` is a Sector, its id or
    code; `division` a Division or its code. Its `lookback_days` is the window for "first"."""
    division = _division_of(division)
    qs = _in_force(FirstViolationList.objects.filter(_sector_of(sector), is_published=True), on)
    candidates = list(
        qs.select_related("region", "sector")
        .prefetch_related(
            Prefetch("entries", queryset=FirstViolationEntry.objects.order_by("violation_key"))
        )
        .order_by("-valid_from", "-pk")
    )
    best: FirstViolationList | None = None
    best_depth = -1
    for fvl in candidates:
        if fvl.region_id is None:
            depth = 0
        elif division is not None and division.path.startswith(fvl.region.path):
            depth = len(fvl.region.path)
        else:
            continue
        if depth > best_depth:
            best, best_depth = fvl, depth
    return best


def first_violation_list_list_for(
    user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[FirstViolationList]:
    filters = filters or {}
    qs = scoped(FirstViolationList.objects.all(), user).select_related(
        "sector", "region", "issuing_agency"
    )
    if filters.get("sector"):
        qs = qs.filter(sector__code=filters["sector"])
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.annotate(entry_count=Count("entries")).order_by("sector__code", "-valid_from", "pk")


def first_violation_list_get_for(user: Any, pk: int) -> FirstViolationList:
    return (
        scoped(FirstViolationList.objects.all(), user)
        .select_related("sector", "region", "issuing_agency")
        .prefetch_related(
            Prefetch("entries", queryset=FirstViolationEntry.objects.order_by("violation_key"))
        )
        .get(pk=pk)
    )


# -- the legal library's drafts -------------------------------------------------------------------


@dataclass
class ProvisionDrafts:
    """The legal library's one-step drafts for a penalty provision (the same functions as
    `GET /api/v1/laws/provisions/<id>/drafts/`), with the provisions they cite."""

    penalty_provision: Any
    item: dict[str, Any]
    benchmark: dict[str, Any]
    fine_min: Decimal | None
    fine_max: Decimal | None
    enforces: list[Any] = field(default_factory=list)
    inferred: list[Any] = field(default_factory=list)


def provision_drafts(provision: Any) -> ProvisionDrafts | None:
    """Drafts for `provision` or the article it belongs to; None when it sets no penalty.

    Reuses `fazhi.laws.penalties.draft_authority_item` / `draft_benchmark` over the facts the
    importer stored (PenaltyClause.facts) and `fazhi.laws.selectors.inferred_enforces`: the law
    text is not parsed again."""
    from fazhi.laws import selectors as law_selectors
    from fazhi.laws.models import PenaltyClause
    from fazhi.laws.penalties import PenaltyFacts, draft_authority_item, draft_benchmark

    node = provision
    clause = None
    while node is not None:
        clause = (
            PenaltyClause.objects.select_related("provision__law")
            .filter(provision_id=node.pk)
            .first()
        )
        if clause is not None:
            break
        node = node.parent
    if clause is None:
        return None
    facts = PenaltyFacts.from_dict(clause.facts)
    article = clause.provision
    item = draft_authority_item(
        facts,
        law_title=article.law.title,
        article_label=article.label,
        inferred_duties=clause.facts.get("inferred_enforces") or [],
    )
    inferred = [d.provision for d in law_selectors.inferred_enforces(clause)]
    return ProvisionDrafts(
        penalty_provision=article,
        item=item,
        benchmark=draft_benchmark(facts),
        fine_min=Decimal(clause.fine_min) if clause.fine_min is not None else None,
        fine_max=Decimal(clause.fine_max) if clause.fine_max is not None else None,
        enforces=list(clause.enforces.order_by("position")),
        inferred=inferred,
    )
