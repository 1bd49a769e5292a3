"""Back-office disclosure pages: the scoped list with due and overdue publications, publish and
withdraw actions (rulebook §2.1; 《行政处罚法》第四十八条)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.core.scope import scoped
from fazhi.enforcement.models import Case, Disclosure
from fazhi.enforcement.selectors.disclosure import disclosure_list_for
from fazhi.enforcement.services.disclosure import disclosure_publish, disclosure_withdraw
from fazhi.enforcement.services.duty import DISCLOSURE_DUTY, require_agency_duty

PAGE_SIZE = 50


def disclosure_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("state", "overdue")}
    qs = disclosure_list_for(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enforcement/disclosure/disclosure_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "states": Disclosure.State.choices,
            "today": timezone.localdate(),
        },
    )


def disclosure_publish_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = scoped(Case.objects.all(), request.user).filter(pk=case_pk).first()
    if case is None:  # scope first: another agency's case is 404 whatever the method
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # who enforces publishes (谁执法谁公示)
    require_agency_duty(request.user, case.agency_id, DISCLOSURE_DUTY)
    try:
        disclosure_publish(actor=request.user, case=case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published on the portal."))
    return redirect("enforcement:disclosure-list")


def disclosure_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = scoped(Disclosure.objects.all(), request.user).filter(pk=pk).first()
    if disclosure is None:  # scope first, then the method
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_agency_duty(request.user, disclosure.agency_id, DISCLOSURE_DUTY)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(
            request,
            _("Give the reason for the withdrawal (art. 48 of the Administrative Penalty Law)."),
        )
    else:
        disclosure_withdraw(actor=request.user, disclosure=disclosure, reason=reason)
        messages.success(request, _("Withdrawn from the portal."))
    return redirect("enforcement:disclosure-list")
