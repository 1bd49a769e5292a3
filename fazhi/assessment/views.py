"""Assessment pages: the ranking per level and period, and the drill-down to entries."""

from __future__ import annotations

import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fazhi.assessment import selectors

PAGE_SIZE = 50
LEVEL_LABELS = {
    "prefecture": _("Leagues and cities"),
    "county": _("Banners, counties and districts"),
    "department": _("Departments"),
}


def _level(request: HttpRequest) -> str:
    level = request.GET.get("level") or "prefecture"
    if level not in selectors.LEVELS:
        raise Http404("unknown level")
    return level


def ranking(request: HttpRequest) -> HttpResponse:
    level = _level(request)
    period, periods = selectors.period_resolve(request.user, request.GET.get("period"))
    page = None
    if period is not None:
        rows = selectors.ranking_for(request.user, level=level, period=period)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"level": level, "period": period.code}) if period else ""
    context = {
        "level": level,
        "levels": list(LEVEL_LABELS.items()),
        "level_label": LEVEL_LABELS[level],
        "period": period,
        "periods": periods,
        "page": page,
        "query": query,
        "target_kind": "agency" if level == "department" else "government",
    }
    return render(request, "assessment/ranking.html", context)


def ranking_export(request: HttpRequest) -> HttpResponse:
    """The whole ranking as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    level = _level(request)
    period, _periods = selectors.period_resolve(request.user, request.GET.get("period"))
    if period is None:
        raise Http404("no assessment period")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"ranking-{level}-{period.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([gettext("Rank"), gettext("Name"), gettext("Total points"), gettext("Period")])
    no_data = gettext("No data")
    for row in selectors.ranking_for(request.user, level=level, period=period).iterator():
        has_data = row.total is not None
        writer.writerow([
            row.rank if has_data else "",
            row.name,
            f"{row.total:.2f}" if has_data else no_data,
            period.label,
        ])
    return response


def target_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One target's total in a period → per aspect → per indicator → entries."""
    target = selectors.target_get_for(request.user, kind=kind, pk=pk)
    period, periods = selectors.period_resolve(request.user, request.GET.get("period"))
    if period is None:
        raise Http404("no assessment period")
    breakdown = selectors.target_breakdown(request.user, target=target, period=period)
    node = None
    node_rows = None
    exact = request.GET.get("exact") == "1"
    if request.GET.get("node"):
        node = selectors.indicator_get(request.GET["node"])
        node_rows = selectors.node_breakdown(
            request.user, target=target, period=period, node=node
        )
    entries = selectors.entry_list_for(
        request.user, target=target, period=period, node=node, exact=exact
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    base = {"period": period.code}
    entry_query: dict[str, Any] = dict(base)
    if node is not None:
        entry_query["node"] = node.pk
        if exact:
            entry_query["exact"] = "1"
    context = {
        "target": target,
        "kind": kind,
        "period": period,
        "periods": periods,
        "breakdown": breakdown,
        "node": node,
        "exact": exact,
        "node_rows": node_rows,
        "node_total": selectors.entry_sum(entries) if node is not None else breakdown.total,
        "page": page,
        "period_query": urlencode(base),
        "entry_query": urlencode(entry_query),
        "level": "department" if kind == "agency" else _government_level(target),
    }
    return render(request, "assessment/target_detail.html", context)


def _government_level(target: Any) -> str:
    return "county" if target.division.level == "county" else "prefecture"
