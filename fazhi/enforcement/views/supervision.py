"""Supervision pages: the supervisor's alert list (filters, counts per rule, monthly trend) and
the alert detail with rectify / close / mark-unfounded. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fazhi.enforcement.rules.enums import ALERT_STATE_LABELS
from fazhi.enforcement.rules.supervision import RULES, RULES_BY_CODE
from fazhi.enforcement.selectors import supervision as sel
from fazhi.enforcement.services import supervision as svc
from fazhi.orgs.selectors import division_choices, sector_choices

PAGE_SIZE = 50
MAX_PAGE = 200  # deep pages are reached by narrowing the filters, not by paging


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def alert_list(request: HttpRequest) -> HttpResponse:
    filters = sel.AlertFilters.parse(request.GET)
    qs = sel.alert_list_for(request.user, filters)
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    # One row more than a page tells whether there is a next page: no COUNT(*) over everything.
    rows = list(
        qs.select_related("agency", "division", "case").order_by("-opened_at", "-id")[
            start:start + PAGE_SIZE + 1
        ]
    )
    has_next = len(rows) > PAGE_SIZE
    summary = sel.alert_summary(qs)
    counts, trend = summary.by_rule, summary.by_month
    peak = max((n for _m, n in trend), default=0) or 1
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "alerts": rows[:PAGE_SIZE],
        "page_number": number,
        "has_next": has_next and number < MAX_PAGE,
        "has_previous": number > 1,
        "filters": filters,
        "query": query.urlencode(),
        "rule_counts": [
            (r.code, r.title, counts.get(r.code, 0)) for r in RULES
        ],
        "total": summary.total,
        "trend": [(m, n, round(100 * n / peak)) for m, n in trend],
        "rules": [(r.code, r.title) for r in RULES],
        "states": [(str(k), v) for k, v in ALERT_STATE_LABELS.items()],
        "divisions": division_choices(),
        "sectors": sector_choices(),
    }
    return render(request, "enforcement/supervision/alert_list.html", context)


def _case_url(alert: object) -> str:
    case_id = getattr(alert, "case_id", None)
    if not case_id:
        return ""
    try:
        return reverse("enforcement:case-detail", args=[case_id])
    except NoReverseMatch:
        return ""


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = sel.alert_detail_for(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        try:
            if action == "rectify":
                svc.alert_rectify(actor=request.user, alert=alert, note=note,
                                  evidence=request.FILES.get("evidence"))
                messages.success(request, _("Rectification recorded."))
            elif action == "close":
                svc.alert_close(actor=request.user, alert=alert, note=note)
                messages.success(request, _("Alert closed."))
            elif action == "unfounded":
                svc.alert_mark_unfounded(actor=request.user, alert=alert, reason=note)
                messages.success(request, _("Alert marked unfounded; its deduction is reversed."))
            else:
                messages.error(request, _("Unknown action."))
        except (ValidationError, PermissionDenied) as exc:
            text = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for m in text:
                messages.error(request, m)
        return redirect("enforcement:alert-detail", pk=alert.pk)
    rule = RULES_BY_CODE.get(alert.rule)
    is_supervisor = "supervisor" in set(request.user.roles())
    return render(request, "enforcement/supervision/alert_detail.html", {
        "alert": alert,
        "rule": rule,
        "case_url": _case_url(alert),
        "rectifications": alert.rectifications.select_related("recorded_by"),
        "is_live": alert.state in svc.LIVE,
        "is_supervisor": is_supervisor,
    })


@require_POST
def alert_sweep_now(request: HttpRequest) -> HttpResponse:
    """A supervisor runs the sweep now (otherwise it runs on the beat schedule)."""
    if "supervisor" not in set(request.user.roles()):
        raise PermissionDenied
    result = svc.alerts_sweep()
    messages.success(request, _("Sweep done: %(o)s opened, %(k)s kept, %(c)s closed.")
                     % {"o": result.opened, "k": result.kept, "c": result.closed})
    return redirect("enforcement:alert-list")
