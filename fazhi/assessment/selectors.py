"""Reads of the assessment app: periods, rankings and the drill-down from a total to its entries.

Every business read goes through `scoped()`. Totals are sums in SQL over the ledger; the number of
queries does not grow with the number of entries. A target's total is the sum of the entries whose
`occurred_at` falls inside the period in Asia/Shanghai dates; a government's entries include those
of its departments (`ScoreEntry.government` is set for both). Targets without any entry in the
period have no total ("no data"), which is not the same as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Max,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Rank, Substr
from django.http import Http404

from fazhi.assessment.models import Indicator, Period, PeriodKind, ScoreEntry
from fazhi.core.scope import scoped
from fazhi.orgs.models import Agency, DivisionLevel, Government

ASSESSMENT_TZ = ZoneInfo("Asia/Shanghai")
LEVELS = ("prefecture", "county", "department")
TARGET_KINDS = ("government", "agency")
# Sums keep two decimal places on every database (SQLite would otherwise return 6.5 for 6.50).
POINTS = DecimalField(max_digits=14, decimal_places=2)


# --- periods ----------------------------------------------------------------------------------


def period_window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes: 00:00 of the first day to 00:00 after the last day."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=ASSESSMENT_TZ)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=ASSESSMENT_TZ)
    return start, end


def period_list() -> list[Period]:
    """All assessment periods, newest first (reference data, the same for every user)."""
    return list(Period.objects.order_by("-start", "kind"))


def period_default_for(user: Any, periods: list[Period]) -> Period | None:
    """The year in which the user's latest visible entry falls, else the latest year."""
    years = [p for p in periods if p.kind == PeriodKind.YEAR]
    if not years:
        return periods[0] if periods else None
    latest = scoped(ScoreEntry.objects.all(), user).aggregate(at=Max("occurred_at"))["at"]
    if latest is not None:
        year = latest.astimezone(ASSESSMENT_TZ).year
        for period in years:
            if period.start.year == year:
                return period
    return years[0]


def period_resolve(user: Any, code: str | None) -> tuple[Period | None, list[Period]]:
    """The period named by `code` (404 if unknown) or the default one, with all periods."""
    periods = period_list()
    if code:
        for period in periods:
            if period.code == code:
                return period, periods
        raise Http404("unknown period")
    return period_default_for(user, periods), periods


# --- ranking ----------------------------------------------------------------------------------


def _in_window(prefix: str, period: Period) -> Q:
    start, end = period_window(period)
    return Q(**{f"{prefix}occurred_at__gte": start, f"{prefix}occurred_at__lt": end})


def ranking_for(user: Any, *, level: str, period: Period) -> QuerySet[Any]:
    """The targets of one level the user may see, each with `total` (None: no data) and `rank`.

    prefecture: league and city governments; county: banner, county and district governments;
    department: agencies. Ordered by total descending; equal totals share a rank (1, 1, 3);
    targets without entries come last.
    """
    if level not in LEVELS:
        raise Http404("unknown level")
    if level == "department":
        qs: QuerySet[Any] = scoped(Agency.objects.filter(is_active=True), user).select_related(
            "government"
        )
        order_tail = ["government__division__code", "name", "id"]
    else:
        division_level = (
            DivisionLevel.PREFECTURE if level == "prefecture" else DivisionLevel.COUNTY
        )
        qs = scoped(Government.objects.filter(division__level=division_level), user)
        order_tail = ["division__code", "id"]
    # The period condition sits in the JOIN (FilteredRelation), so the (target, occurred_at)
    # indexes bound the rows joined; targets without entries keep a NULL total.
    in_period = FilteredRelation("score_entries", condition=_in_window("score_entries__", period))
    return (
        qs.annotate(period_entries=in_period)
        .annotate(total=Sum("period_entries__points", output_field=POINTS))
        .annotate(rank=Window(Rank(), order_by=F("total").desc(nulls_last=True)))
        .order_by(F("total").desc(nulls_last=True), *order_tail)
    )


# --- drill-down -------------------------------------------------------------------------------


def target_get_for(user: Any, *, kind: str, pk: int) -> Government | Agency:
    """A ranking target the user may see; 404 outside the user's scope."""
    if kind == "government":
        target: Any = scoped(Government.objects.select_related("division"), user).filter(pk=pk)
    elif kind == "agency":
        target = scoped(Agency.objects.select_related("government"), user).filter(pk=pk)
    else:
        raise Http404("unknown target kind")
    found = target.first()
    if found is None:
        raise Http404("no such target in scope")
    return found


def target_kind(target: Government | Agency) -> str:
    return "agency" if isinstance(target, Agency) else "government"


def target_entries(user: Any, *, target: Government | Agency, period: Period) -> QuerySet[Any]:
    """The scoped ledger entries that make up `target`'s total in `period`."""
    qs = scoped(ScoreEntry.objects.all(), user).filter(_in_window("", period))
    if isinstance(target, Agency):
        return qs.filter(agency=target)
    return qs.filter(government=target)


@dataclass(frozen=True)
class Subtotal:
    indicator: Indicator
    total: Decimal | None
    entry_count: int


@dataclass(frozen=True)
class Breakdown:
    total: Decimal | None
    entry_count: int
    aspects: list[Subtotal]


def target_breakdown(user: Any, *, target: Government | Agency, period: Period) -> Breakdown:
    """Totals per top-level aspect: each sums every entry on the aspect or any node below it.

    The aspects' totals add up to the target's total in the ranking (two queries).
    """
    steplen = Indicator.steplen
    rows = (
        target_entries(user, target=target, period=period)
        .annotate(aspect_path=Substr("indicator__path", 1, steplen))
        .values("aspect_path")
        .annotate(total=Sum("points", output_field=POINTS), n=Count("id"))
        .order_by()
    )
    by_path = {r["aspect_path"]: (r["total"], r["n"]) for r in rows}
    roots = Indicator.objects.filter(depth=1).filter(
        Q(indicator_set__is_current=True) | Q(path__in=list(by_path))
    ).order_by("indicator_set_id", "path")
    aspects = [
        Subtotal(node, *by_path.get(node.path, (None, 0)))
        for node in roots
    ]
    count = sum(n for _, n in by_path.values())
    total = sum((t for t, _ in by_path.values()), Decimal(0)) if by_path else None
    return Breakdown(total=total, entry_count=count, aspects=aspects)


def indicator_get(pk: Any) -> Indicator:
    """An indicator node (reference data, not scoped); 404 if unknown."""
    try:
        return Indicator.objects.get(pk=int(pk))
    except (Indicator.DoesNotExist, TypeError, ValueError):
        raise Http404("unknown indicator") from None


def node_breakdown(
    user: Any, *, target: Government | Agency, period: Period, node: Indicator
) -> list[Subtotal]:
    """Per indicator in `node`'s subtree, the sum of the entries recorded on exactly that
    indicator; the rows add up to `node`'s total (two queries)."""
    rows = (
        target_entries(user, target=target, period=period)
        .filter(indicator__path__startswith=node.path)
        .values("indicator_id")
        .annotate(total=Sum("points", output_field=POINTS), n=Count("id"))
        .order_by()
    )
    by_id = {r["indicator_id"]: (r["total"], r["n"]) for r in rows}
    nodes = Indicator.objects.filter(pk__in=list(by_id)).order_by("path")
    return [Subtotal(n, *by_id[n.pk]) for n in nodes]


def entry_list_for(
    user: Any,
    *,
    target: Government | Agency,
    period: Period,
    node: Indicator | None = None,
    exact: bool = False,
) -> QuerySet[Any]:
    """The entries of the drill-down, newest first: all, a node's subtree, or one indicator."""
    qs = target_entries(user, target=target, period=period).select_related("indicator")
    if node is not None:
        if exact:
            qs = qs.filter(indicator=node)
        else:
            qs = qs.filter(indicator__path__startswith=node.path)
    return qs.order_by("-occurred_at", "-id")


def entry_sum(qs: QuerySet[Any]) -> Decimal | None:
    return qs.order_by().aggregate(total=Sum("points", output_field=POINTS))["total"]
