"""Back-office pages of the organisation tree: the scoped agency list, its CSV export, detail."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fazhi.core.spreadsheet import spreadsheet_safe
from fazhi.orgs import selectors
from fazhi.orgs.models import Agency, AgencyKind

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in selectors.FILTER_KEYS}


def agency_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    agencies = selectors.agency_list_for(request.user, filters)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/agency_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "divisions": selectors.division_choices(),
            "sectors": selectors.sector_choices(),
            "kinds": AgencyKind.choices,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def agency_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered, scoped list as CSV (UTF-8 with BOM so spreadsheet programs read Chinese)."""
    agencies = selectors.agency_list_for(request.user, _filters(request))
    writer = csv.writer(_Echo())
    header = [
        _("Name"), _("Unified social credit code"), _("Kind"), _("Sector"),
        _("Division code"), _("Government"), _("Entrusting agency"),
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for a in agencies.iterator(chunk_size=2000):
            yield writer.writerow([
                spreadsheet_safe(str(v)) for v in (
                    a.name, a.credit_code, a.get_kind_display(),
                    a.sector.name if a.sector else "", a.government.division.code,
                    a.government.name, a.entrusted_by.name if a.entrusted_by else "",
                )
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agencies.csv"'
    return response


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agency = selectors.agency_get_for(request.user, pk)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc
    context: dict[str, Any] = {
        "agency": agency,
        "entrusted": selectors.agency_list_for(request.user).filter(entrusted_by=agency),
    }
    return render(request, "orgs/agency_detail.html", context)
