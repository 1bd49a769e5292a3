"""The "find the applicable provision" box: an officer describes what they saw, the platform
proposes articles (issue 3 item 6). The same engine answers /api/v1/laws/recommend."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fazhi.laws import recommending
from fazhi.orgs.models import Sector

MAX_QUERY = 200


def _default_sector(request: HttpRequest) -> str:
    """The officer's agency's sector is the natural context (recommender-notes.md: use it)."""
    agency = getattr(request.user, "agency", None)
    sector = getattr(agency, "sector", None)
    return sector.code if sector else ""


def recommend_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    sector = request.GET.get("sector", _default_sector(request) if not query else "").strip()
    if sector and sector not in recommending.known_sectors():
        sector = ""  # a sector the enforcing-sectors table does not know gives no context
    results = recommending.recommend(query, top=10, sector=sector) if query else []
    return render(
        request,
        "laws/recommend.html",
        {
            "query": query,
            "sector": sector,
            "sectors": Sector.objects.order_by("code"),
            "results": results,
        },
    )
