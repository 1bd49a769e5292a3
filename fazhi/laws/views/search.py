"""The library's search page: Chinese full-text search over every provision (issue 3 item 4).

GET parameters: q, category, sector (code), status, law (slug: "search inside a law"), page.
The page costs a fixed number of queries whatever the number of hits: the index stamp, the
allowed versions when filtering, the law named by `law`, the sector list, and one query that
loads the provisions of the page's hits (tests/test_search.py asserts the budget).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fazhi.laws.models import Law, LawCategory, Provision, VersionStatus
from fazhi.laws.search import MAX_QUERY_CHARS, SearchResult, search
from fazhi.orgs.models import Sector

PAGE_SIZE = 20
MAX_PAGE = 50  # 1,000 articles; narrow the query or filter beyond that


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    sectors = list(Sector.objects.order_by("code").only("code", "name"))
    filters = {
        "category": request.GET.get("category", "").strip(),
        "sector": request.GET.get("sector", "").strip(),
        "status": request.GET.get("status", "").strip(),
        "law": request.GET.get("law", "").strip(),
    }
    # unknown values are dropped rather than matching nothing silently
    if filters["category"] not in LawCategory.values:
        filters["category"] = ""
    if filters["status"] not in VersionStatus.values:
        filters["status"] = ""
    if filters["sector"] not in {s.code for s in sectors}:
        filters["sector"] = ""
    law = None
    if filters["law"]:
        law = Law.objects.filter(slug=filters["law"]).only("slug", "title").first()
        if law is None:
            filters["law"] = ""

    result = SearchResult([], 0)
    page = Paginator(range(0), PAGE_SIZE).get_page(1)
    rows: list[dict[str, Any]] = []
    if query:
        number = _page_number(request.GET.get("page"))
        kwargs = {k: v or None for k, v in filters.items()}
        result = search(query, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, **kwargs)
        page = Paginator(range(min(result.total, MAX_PAGE * PAGE_SIZE)), PAGE_SIZE).get_page(number)
        if page.number != number and result.total:  # asked beyond the last page
            result = search(query, limit=PAGE_SIZE, offset=page.start_index() - 1, **kwargs)
        provisions = Provision.objects.select_related("law", "version").in_bulk(
            [h.provision_id for h in result.hits]
        )
        rows = [
            {"hit": h, "provision": provisions[h.provision_id]}
            for h in result.hits
            if h.provision_id in provisions
        ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "laws/search.html",
        {
            "query": query,
            "max_query": MAX_QUERY_CHARS,
            "filters": filters,
            "law": law,
            "result": result,
            "rows": rows,
            "page": page,
            "querystring": params.urlencode(),
            "categories": LawCategory.choices,
            "statuses": VersionStatus.choices,
            "sectors": sectors,
        },
    )
