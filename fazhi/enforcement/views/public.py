"""Public pages under /public/ (no login): ex-ante lists, disclosure search and detail, and the
case code page (一案一码). Mounted by fazhi/portal/urls.py.

Security (security.md PII-5, QR-6..QR-9): URLs carry unguessable tokens; unknown, expired and
revoked tokens all answer the same 404; requests are limited per IP (and per token on the case
code page) and answer 429 above the limit; the formal document needs the party check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fazhi.audit.services import audit_record
from fazhi.core.ratelimit import client_ip, over_limit
from fazhi.core.tokens import token_digest
from fazhi.enforcement.models import Rating
from fazhi.enforcement.rules.enums import ACT_TYPE_LABELS, PartyKind
from fazhi.enforcement.selectors import disclosure as selectors
from fazhi.enforcement.services import documents as doc_services
from fazhi.enforcement.services.token_watch import note_unknown_token

EX_ANTE_PAGE_SIZE = 50
# Requests per minute (settings may override: FAZHI_PUBLIC_RATE_LIMITS).
RATE_LIMITS = {
    "search": 60,  # disclosure search per IP (PII-5: 200/min from one IP → 429)
    "search_global": 6000,  # all IPs together
    "list": 120,  # ex-ante lists per IP
    "code_ip": 60,  # case code pages per IP (QR-9: 100 random tokens/min → 429)
    "code_token": 30,  # per token
}
_SESSION_KEY = "case_code_checked"
_CHECK_VALID_SECONDS = 30 * 60


class RateLimited(Exception):
    pass


def _limit(name: str) -> int:
    overrides = getattr(settings, "FAZHI_PUBLIC_RATE_LIMITS", {})
    return int(overrides.get(name, RATE_LIMITS[name]))


def _hit(name: str, subject: str) -> bool:
    """Count one request in the current minute; True when over the limit (fixed window)."""
    return over_limit(f"{name}:{subject}", _limit(name))


def _throttle(request: HttpRequest, *names_subjects: tuple[str, str]) -> HttpResponse | None:
    for name, subject in names_subjects:
        if _hit(name, subject):
            response = render(request, "enforcement/public/rate_limited.html", status=429)
            response["Retry-After"] = "60"
            return response
    return None


def _filters(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in keys}


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --------------------------------------------------------------------------- ex-ante lists


def _ex_ante(request: HttpRequest, template: str, qs: Any, filters: dict[str, str],
             **extra: Any) -> HttpResponse:
    page = Paginator(qs, EX_ANTE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": _query(request),
        "divisions": selectors.division_choices(),
        "sectors": selectors.sector_choices(),
        **extra,
    }
    return render(request, template, context)


@login_not_required
def subject_list(request: HttpRequest) -> HttpResponse:
    if limited := _throttle(request, ("list", client_ip(request))):
        return limited
    filters = _filters(request, selectors.EX_ANTE_KEYS)
    return _ex_ante(request, "enforcement/public/subject_list.html",
                    selectors.public_subjects(filters), filters)


@login_not_required
def officer_list(request: HttpRequest) -> HttpResponse:
    if limited := _throttle(request, ("list", client_ip(request))):
        return limited
    filters = _filters(request, selectors.EX_ANTE_KEYS)
    return _ex_ante(request, "enforcement/public/officer_list.html",
                    selectors.public_officers(filters), filters)


@login_not_required
def authority_list(request: HttpRequest) -> HttpResponse:
    if limited := _throttle(request, ("list", client_ip(request))):
        return limited
    filters = _filters(request, selectors.EX_ANTE_KEYS)
    return _ex_ante(request, "enforcement/public/authority_list.html",
                    selectors.public_authority_items(filters), filters,
                    act_types=ACT_TYPE_LABELS)


@login_not_required
def first_violation_list(request: HttpRequest) -> HttpResponse:
    if limited := _throttle(request, ("list", client_ip(request))):
        return limited
    filters = _filters(request, selectors.EX_ANTE_KEYS)
    return _ex_ante(request, "enforcement/public/first_violation_list.html",
                    selectors.public_first_violation_lists(filters), filters)


# --------------------------------------------------------------------------- disclosures


@login_not_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    if limited := _throttle(
        request, ("search", client_ip(request)), ("search_global", "all")
    ):
        return limited
    filters = _filters(request, selectors.PUBLIC_SEARCH_KEYS)
    page = selectors.disclosure_search(filters, request.GET.get("page"))
    return render(
        request,
        "enforcement/public/disclosure_list.html",
        {
            "page": page,
            "filters": filters,
            "query": _query(request),
            "sectors": selectors.sector_choices(),
            "act_types": ACT_TYPE_LABELS,
            "citizen": PartyKind.CITIZEN.value,
        },
    )


@login_not_required
def disclosure_detail(request: HttpRequest, token: str) -> HttpResponse:
    if limited := _throttle(request, ("code_ip", client_ip(request))):
        return limited
    disclosure = selectors.disclosure_by_token(token)
    if disclosure is None:
        note_unknown_token(request, "disclosure")
        raise Http404
    return render(
        request,
        "enforcement/public/disclosure_detail.html",
        {"d": disclosure, "act_type_label": ACT_TYPE_LABELS.get(disclosure.act_type, "")},
    )


# --------------------------------------------------------------------------- case code


def _code_or_404(request: HttpRequest, token: str) -> tuple[Any, HttpResponse | None]:
    """The live code, or a throttle response; unknown/expired/revoked → the same Http404."""
    limited = _throttle(
        request, ("code_ip", client_ip(request)), ("code_token", token_digest(token)[:16])
    )
    if limited:
        return None, limited
    code = doc_services.case_code_find(token)
    if code is None:
        note_unknown_token(request, "case_code")
        raise Http404
    return code, None


def _checked(request: HttpRequest, code: Any) -> bool:
    stamp = request.session.get(_SESSION_KEY, {}).get(str(code.pk))
    return bool(stamp) and timezone.now().timestamp() - float(stamp) < _CHECK_VALID_SECONDS


def _case_code_page(request: HttpRequest, code: Any, token: str, *, status: int = 200,
                    **extra: Any) -> HttpResponse:
    case = code.case
    party = case.party
    checked = _checked(request, code)
    rating = None
    if checked and party is not None:
        rating = Rating.objects.filter(case=case, party=party).first()
    decision = None
    if case.decided_on:
        decision = doc_services.CaseDocument.objects.filter(
            case=case, kind__in=doc_services.DECIDED_KINDS
        ).order_by("-generated_at").first()
    from fazhi.enforcement.services.disclosure import redacted_party_name

    context = {
        "token": token,
        "case": case,
        "party_name": redacted_party_name(party.kind, party.name) if party else "",
        "officers": [r.officer.name for r in case.officers.select_related("officer")],
        "state_label": case.get_state_display(),
        "act_type_label": ACT_TYPE_LABELS.get(case.act_type, ""),
        "checked": checked,
        "decision": decision,
        "rating": rating,
        "locked": bool(code.locked_until and code.locked_until > timezone.now()),
        **extra,
    }
    return render(request, "enforcement/public/case_code.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def case_code(request: HttpRequest, token: str) -> HttpResponse:
    """The case code page: redacted summary; POST checks the party (QR-7)."""
    code, limited = _code_or_404(request, token)
    if limited:
        return limited
    if request.method == "POST":
        result = doc_services.case_code_check_party(
            code=code, answer=request.POST.get("answer", ""), request=request
        )
        if result.ok:
            checked = request.session.get(_SESSION_KEY, {})
            checked[str(code.pk)] = timezone.now().timestamp()
            request.session[_SESSION_KEY] = checked
            return redirect("portal:case-code", token=token)
        code.refresh_from_db()
        if result.locked:
            error = _("Too many wrong answers: the check is locked for 30 minutes.")
        else:
            error = _("The answer does not match. %(n)s attempts left.") % {"n": result.remaining}
        return _case_code_page(request, code, token, check_error=error, status=403)
    return _case_code_page(request, code, token)


@login_not_required
def case_code_document(request: HttpRequest, token: str) -> HttpResponse:
    """The formal decision, after the party check only (QR-7: no check → 403); logged."""
    code, limited = _code_or_404(request, token)
    if limited:
        return limited
    if not _checked(request, code):
        return render(request, "enforcement/public/check_required.html", {"token": token},
                      status=403)
    document = doc_services.CaseDocument.objects.filter(
        case=code.case, kind__in=doc_services.DECIDED_KINDS
    ).order_by("-generated_at").first()
    if document is None:
        raise Http404
    audit_record(actor=None, action="enforcement.case_code.download", target=code.case,
                 request=request, detail={"number": document.number})
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=f"{document.number}.pdf", content_type="application/pdf")


@login_not_required
@require_POST
def case_code_rate(request: HttpRequest, token: str) -> HttpResponse:
    """The party's rating (QR-8), after the party check."""
    code, limited = _code_or_404(request, token)
    if limited:
        return limited
    if not _checked(request, code):
        return render(request, "enforcement/public/check_required.html", {"token": token},
                      status=403)
    try:
        score = int(request.POST.get("score", ""))
    except ValueError:
        score = 0
    try:
        doc_services.rating_submit(
            case=code.case, score=score, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        return _case_code_page(request, code, token, rate_error="；".join(exc.messages),
                               status=400)
    return redirect("portal:case-code", token=token)
