"""Back-office pages of enforcement cases (issue 4 §4): list and export, open a case, the case
page with its timeline and deadlines, and the forms that move it (transition, legal review,
deadline extension).

Thin views: reads through `selectors.cases` (scoped; a case outside the user's scope is 404),
writes through `services.cases`, whose Chinese `ValidationError`s (each naming its article) are
shown on the form that caused them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fazhi.accounts.rules.roles import Role
from fazhi.core.calendar import CalendarYearNotSupported, local_today, official_calendar
from fazhi.core.scope import DataScope
from fazhi.core.spreadsheet import spreadsheet_safe
from fazhi.enforcement.forms.cases import (
    SERVICE_METHOD_CHOICES,
    SOURCE_CHOICES,
    CaseCreateForm,
    CaseFilterForm,
    ExtensionForm,
    LegalReviewRecordForm,
    LegalReviewRequestForm,
    RevokeDecisionForm,
    TransitionForm,
)
from fazhi.enforcement.models import (
    AuthorityBasis,
    AuthorityItem,
    Case,
    LegalReview,
    Officer,
)
from fazhi.enforcement.rules.cases import DECIDED_STATES, major_reason_label
from fazhi.enforcement.rules.discretion import NO_PENALTY_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    CASE_STATE_LABELS,
    PENALTY_TYPE_LABELS,
    PROCEDURE_LABELS,
    CaseState,
    ReviewResult,
)
from fazhi.enforcement.selectors import cases as case_selectors
from fazhi.enforcement.services import cases as case_services
from fazhi.enforcement.services.duty import may_revoke_decision
from fazhi.orgs import selectors as org_selectors

PER_PAGE = 30
EXPORT_LIMIT = 10_000  # rows per export; narrow the filters for more (performance.md: bounded work)
AGENCY_MENU_LIMIT = 300
ACTING_ROLES = (Role.OFFICER, Role.AGENCY_LEADER)
# States in which a legal review may be asked for and the decision deadline extended (a filed
# general-procedure case not yet decided; services.cases.legal_review_request, art. 58, 60).
REVIEWABLE_STATES = frozenset({
    CaseState.FILED, CaseState.INVESTIGATING, CaseState.INVESTIGATED, CaseState.LEGAL_REVIEW,
    CaseState.NOTIFIED, CaseState.STATEMENT, CaseState.HEARING, CaseState.DISCUSSION,
})
# Arguments of party_get_or_create → fields of the create form.
PARTY_FIELDS = {"kind": "party_kind", "name": "party_name", "id_number": "party_id_number"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- helpers ------------------------------------------------------------------------------------


def _wide(user: Any) -> bool:
    """Whether the user sees more than one agency (division or region scope): supervisors."""
    return any(g.scope in (DataScope.DIVISION, DataScope.REGION) for g in user.scope_grants())


def _may_act(user: Any, case: Case) -> bool:
    """Only staff of the case's own agency move it; supervisors watch (DESIGN §2: scope ≠ duty)."""
    return user.agency_id == case.agency_id and user.has_role(*ACTING_ROLES)


def _may_revoke(user: Any, case: Case) -> bool:
    """Who records that a decision was revoked or changed: services.duty.may_revoke_decision,
    shared with CaseRevokeApi."""
    return may_revoke_decision(user, case)


def _case_or_404(user: Any, pk: int) -> Case:
    """The case in the user's scope; the selector answers Http404 outside it."""
    return case_selectors.case_detail_for(user, pk)


def acting_officers(agency_id: int, day: date) -> QuerySet[Officer]:
    """Officers of the agency who may act on `day`: not auxiliary, holding an active certificate
    inside its dates (《行政处罚法》第四十二条、第五十五条; rules.certificates.is_valid_on), each
    annotated with that certificate's number. One query."""
    return (
        Officer.objects.filter(
            agency_id=agency_id,
            is_auxiliary=False,
            certificates__state="active",
            certificates__issued_on__lte=day,
            certificates__expires_on__gte=day,
        )
        .annotate(certificate_number=Min("certificates__number"))
        .order_by("name", "pk")
    )


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def attach_errors(form: Any, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on `form`: a message keyed by a service argument goes to
    the form field it came from (`fields` renames, e.g. id_number → party_id_number), the rest
    above the form."""
    fields = fields or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            name = fields.get(key, key)
            messages_ = [str(m) for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, _messages_of(exc))


def _encode_cursor(case: Case) -> str:
    micros = (case.created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{case.pk}"


def _decode_cursor(value: str) -> tuple[datetime, int] | None:
    try:
        micros, pk = value.split(".", 1)
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class Window:
    """One page of a keyset-paginated list: no COUNT over millions of rows (performance.md)."""

    rows: list[Case]
    next_cursor: str = ""
    prev_cursor: str = ""
    first: bool = True


def keyset_page(qs: QuerySet[Case], *, after: str = "", before: str = "",
                per_page: int = PER_PAGE) -> Window:
    """Newest first. Fetches per_page + 1 rows to know whether there is a next page."""
    qs = qs.order_by("-created_at", "-pk")
    if before and (cursor := _decode_cursor(before)):
        at, pk = cursor
        older_first = qs.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        rows = list(older_first.order_by("created_at", "pk")[: per_page + 1])
        has_prev = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        window = Window(rows=rows, first=not has_prev)
        window.prev_cursor = _encode_cursor(rows[0]) if has_prev and rows else ""
        window.next_cursor = _encode_cursor(rows[-1]) if rows else ""
        return window
    first = True
    if after and (cursor := _decode_cursor(after)):
        at, pk = cursor
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
        first = False
    rows = list(qs[: per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    window = Window(rows=rows, first=first)
    window.next_cursor = _encode_cursor(rows[-1]) if has_next else ""
    window.prev_cursor = _encode_cursor(rows[0]) if not first and rows else ""
    return window


def working_days_left(today: date, due: date | None) -> int | None:
    """Working days from tomorrow up to `due` (negative: working days overdue); None when the
    official holiday schedule of a year in between is unknown (fazhi.core.calendar)."""
    if due is None:
        return None
    cal = official_calendar()
    try:
        if due >= today:
            return sum(1 for _ in cal.working_days(today + timedelta(days=1), due))
        return -sum(1 for _ in cal.working_days(due + timedelta(days=1), today))
    except CalendarYearNotSupported:
        return None


# --- list and export ----------------------------------------------------------------------------


def _list_queryset(request: HttpRequest) -> tuple[CaseFilterForm, dict[str, Any], QuerySet[Case]]:
    form = CaseFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = case_selectors.case_list_for(request.user, filters).select_related(
        "agency", "party", "sector"
    )
    return form, filters, qs


def case_list(request: HttpRequest) -> HttpResponse:
    form, filters, qs = _list_queryset(request)
    window = keyset_page(
        qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""),
        per_page=PER_PAGE,
    )
    query = request.GET.copy()
    for key in ("after", "before", "format"):
        query.pop(key, None)
    wide = _wide(request.user)
    agencies: list[Any] = []
    agencies_truncated = False
    if wide:
        agencies = list(
            org_selectors.agency_list_for(
                request.user, {"division": filters.get("division", "")}
            ).select_related(None).only("pk", "name")[: AGENCY_MENU_LIMIT + 1]
        )
        agencies_truncated = len(agencies) > AGENCY_MENU_LIMIT
        agencies = agencies[:AGENCY_MENU_LIMIT]
    context = {
        "form": form,
        "filters": filters,
        "window": window,
        "query": query.urlencode(),
        "wide": wide,
        "divisions": org_selectors.division_choices() if wide else [],
        "agencies": agencies,
        "agencies_truncated": agencies_truncated,
        "sectors": org_selectors.sector_choices(),
        "states": CASE_STATE_LABELS.items(),
        "procedures": PROCEDURE_LABELS.items(),
        "act_types": ACT_TYPE_LABELS.items(),
        "may_create": bool(request.user.agency_id) and request.user.has_role(*ACTING_ROLES),
        "export_limit": EXPORT_LIMIT,
    }
    if request.htmx:
        return render(request, "enforcement/cases/_list_rows.html", context)
    return render(request, "enforcement/cases/list.html", context)


def _export_header() -> list[str]:
    return [
        _("Case number"), _("Case title"), _("Agency"), _("Sector"), _("Act type"), _("Procedure"),
        _("State"), _("Party"), _("Filed on"), _("Decision due on"), _("Decided on"),
        _("Fine (yuan)"), _("Created at"),
    ]


def _export_rows(qs: QuerySet[Case]) -> Iterator[list[Any]]:
    for c in qs.order_by("-created_at", "-pk")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield [
            c.number, c.title, c.agency.name, c.sector.name if c.sector else "",
            str(ACT_TYPE_LABELS.get(c.act_type, c.act_type)),
            str(PROCEDURE_LABELS.get(c.procedure, c.procedure)),
            str(CASE_STATE_LABELS.get(c.state, c.state)),
            c.party.name if c.party else "",
            c.filed_on, c.decision_due_on, c.decided_on, c.fine_amount,
            c.created_at.astimezone().replace(tzinfo=None, microsecond=0),
        ]


def _cell(value: Any) -> Any:
    """An export cell: empty for None, formulas neutralised (CSV/Excel injection)."""
    return "" if value is None else spreadsheet_safe(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered, scoped list as CSV or Excel, newest first, at most EXPORT_LIMIT rows; the
    last row says so when the list was cut."""
    _form, _filters, qs = _list_queryset(request)
    fmt = request.GET.get("format", "csv")
    stamp = local_today().strftime("%Y%m%d")
    note = _("Only the newest %(n)s cases were exported; narrow the filters for the rest.") % {
        "n": EXPORT_LIMIT
    }

    def rows() -> Iterator[list[Any]]:
        n = 0
        for row in _export_rows(qs):
            n += 1
            yield [_cell(v) for v in row]
        if n >= EXPORT_LIMIT:
            yield [note]

    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Cases"))
        sheet.append(_export_header())
        for row in rows():
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
        return response
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(_export_header())
        for row in rows():
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    return response


# --- create -------------------------------------------------------------------------------------


def case_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.agency_id or not user.has_role(*ACTING_ROLES):
        raise PermissionDenied(_("Only officers and leaders of an enforcement agency open cases."))
    agency = user.agency
    today = local_today()
    items = AuthorityItem.objects.filter(agency_id=agency.pk).order_by("code")
    officers = acting_officers(agency.pk, today)
    form = CaseCreateForm(request.POST or None, items=items, officers=officers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            party = None
            party_kwargs = form.party_kwargs()
            if party_kwargs:
                party = case_services.party_get_or_create(actor=user, **party_kwargs)
            case = case_services.case_open(
                actor=user,
                agency=agency,
                act_type=d["act_type"],
                procedure=d["procedure"],
                title=d["title"],
                party=party,
                authority_item=d.get("authority_item"),
                officers=list(d.get("officers") or []),
                facts=d.get("facts") or "",
                place=d.get("place") or "",
                source=d.get("source") or "",
                act_started_on=d.get("act_started_on"),
                act_ended_on=d.get("act_ended_on"),
                discovered_on=d.get("discovered_on"),
            )
        except ValidationError as exc:
            attach_errors(form, exc, PARTY_FIELDS)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    return render(
        request,
        "enforcement/cases/create.html",
        {"form": form, "agency": agency, "no_officers": not officers.exists()},
    )


# --- detail -------------------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    label: str
    due: date | None
    basis: str
    done_on: date | None = None
    days_left: int | None = None  # working days; None when the holiday schedule is not known
    calendar_days_left: int | None = None

    @property
    def overdue(self) -> bool:
        if self.done_on is not None:
            return False
        if self.days_left is not None:
            return self.days_left < 0
        return self.calendar_days_left is not None and self.calendar_days_left < 0

    @property
    def overdue_days(self) -> int:
        if not self.overdue:
            return 0
        return -(self.days_left if self.days_left is not None else self.calendar_days_left or 0)


def case_deadlines(case: Case, today: date) -> list[DeadlineRow]:
    """The statutory deadlines the services recorded on the case, each with the working days
    left: statement (arts. 44–45, sector practice), hearing request (art. 64 (1)), decision
    (art. 60: 90 days from filing plus approved extensions), service (art. 61: 7 working days),
    payment (art. 67: 15 days from receipt)."""
    decided = case.decided_on
    rows = [
        DeadlineRow(_("Statement and defence"), case.statement_due_on,
                    "《行政处罚法》第四十五条",
                    decided or (case.notified_on if case.statement_waived else None)),
        DeadlineRow(_("Hearing request"), case.hearing_request_due_on, "《行政处罚法》第六十四条",
                    case.hearing_requested_on or decided
                    or (case.notified_on if case.hearing_waived else None)),
        DeadlineRow(_("Decision"), case.decision_due_on, "《行政处罚法》第六十条", decided),
        DeadlineRow(_("Service of the decision"), case.service_due_on, "《行政处罚法》第六十一条",
                    case.served_on),
        DeadlineRow(_("Payment of the fine"), case.payment_due_on, "《行政处罚法》第六十七条",
                    case.closed_on),
    ]
    rows = [r for r in rows if r.due is not None]
    if case.state in (CaseState.CLOSED, CaseState.NOT_FILED, CaseState.TERMINATED):
        for row in rows:
            row.done_on = row.done_on or case.closed_on
    for row in rows:
        if row.done_on is None and row.due is not None:
            row.days_left = working_days_left(today, row.due)
            row.calendar_days_left = (row.due - today).days
    return rows


def _detail_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    today = local_today()
    steps = list(case_selectors.case_steps(case))
    for step in steps:
        step.label = str(CASE_STATE_LABELS.get(step.state_to, step.state_to or step.code))
        step.from_label = str(CASE_STATE_LABELS.get(step.state_from, step.state_from))
    bases: list[AuthorityBasis] = []
    if case.authority_item_id:
        bases = list(
            AuthorityBasis.objects.filter(item_id=case.authority_item_id)
            .select_related("provision__law")
            .order_by("role", "pk")
        )
    reviews = list(case_selectors.case_reviews(case))
    extensions = list(case.extensions.select_related("approved_by").order_by("approved_at"))
    may_act = _may_act(user, case)
    transitions = case_services.case_transitions_available(case, user=user)
    return {
        "case": case,
        "case_officers": list(case_selectors.case_officers(case)),
        "steps": steps,
        "bases": bases,
        "reviews": reviews,
        "pending_for_me": [r for r in reviews if not r.result and r.reviewer_id == user.pk],
        "extensions": extensions,
        "deadlines": case_deadlines(case, today),
        "transitions": transitions,
        "may_act": may_act,
        "may_request_review": may_act and case.procedure == "general"
        and case.state in REVIEWABLE_STATES and not any(not r.result for r in reviews),
        "may_extend": may_act and user.has_role(Role.AGENCY_LEADER) and bool(case.filed_on)
        and case.state in REVIEWABLE_STATES,
        "may_revoke": _may_revoke(user, case) and case.state in DECIDED_STATES,
        "penalty_labels": [str(PENALTY_TYPE_LABELS.get(t, t)) for t in case.penalty_types or []],
        "major_labels": [major_reason_label(r) for r in case.major_reasons or []],
        "no_penalty_label": NO_PENALTY_LABELS.get(case.no_penalty_ground, case.no_penalty_ground)
        if case.no_penalty_ground else "",
        "source_label": dict(SOURCE_CHOICES).get(case.source, case.source),
        "service_label": dict(SERVICE_METHOD_CHOICES).get(case.service_method,
                                                          case.service_method),
        "today": today,
    }


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request.user, pk)
    return render(request, "enforcement/cases/detail.html", _detail_context(request, case))


# --- the forms that move a case -----------------------------------------------------------------


def _transition_label(case: Case, to: str, user: Any) -> tuple[str, list[str], bool]:
    for t in case_services.case_transitions_available(case, user=user):
        if t.to == to:
            return str(t.label), [str(b) for b in t.blocked_by], True
    return str(CASE_STATE_LABELS.get(to, to)), [], False


def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form of one step (`?to=<state>`); POST: move the case (services decide)."""
    case = _case_or_404(request.user, pk)
    if not _may_act(request.user, case):
        raise PermissionDenied(_("Only staff of the case's agency move the case."))
    to = (request.POST.get("to") if request.method == "POST" else request.GET.get("to")) or ""
    if to not in CASE_STATE_LABELS:
        raise Http404
    label, blocked_by, offered = _transition_label(case, to, request.user)
    form = TransitionForm(
        request.POST or None, to=to, case=case,
        officers=acting_officers(case.agency_id, local_today()),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case_services.case_transition(
                actor=request.user,
                case=case,
                to=to,
                place=d.get("place") or "",
                note=d.get("note") or "",
                officers=list(d["officers"]) if d.get("officers") else None,
                documents=form.documents_list(),
                av_recorded=bool(d.get("av_recorded")),
                data=form.step_data(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": label})
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    context = {"case": case, "to": to, "label": label, "blocked_by": blocked_by,
               "offered": offered, "form": form}
    template = ("enforcement/cases/_transition_form.html" if request.htmx
                else "enforcement/cases/transition.html")
    return render(request, template, context, status=400 if form.errors else 200)


def _reviewers(case: Case) -> QuerySet[Any]:
    """Legal reviewers of the case's agency who are not investigators of the case (art. 58;
    rulebook §2.3: the reviewer is not the investigator)."""
    from fazhi.accounts.models import User

    investigators = Officer.objects.filter(case_roles__case=case, user__isnull=False).values(
        "user_id"
    )
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.LEGAL_REVIEWER,
            agency_id=case.agency_id,
        )
        .exclude(pk__in=investigators)
        .distinct()
        .order_by("full_name", "username")
    )


def legal_review_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request.user, pk)
    if not _may_act(request.user, case):
        raise PermissionDenied(_("Only staff of the case's agency request a legal review."))
    form = LegalReviewRequestForm(request.POST or None, reviewers=_reviewers(case))
    if request.method == "POST" and form.is_valid():
        try:
            case_services.legal_review_request(
                actor=request.user, case=case, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Legal review requested."))
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    return render(
        request, "enforcement/cases/review_request.html", {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def legal_review_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The designated reviewer records the written opinion on the case's pending review."""
    case = _case_or_404(request.user, pk)
    review = (
        LegalReview.objects.filter(case=case, reviewer=request.user, result="")
        .order_by("-submitted_at")
        .first()
    )
    if review is None:
        raise PermissionDenied(_("No legal review of this case is waiting for you."))
    form = LegalReviewRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.legal_review_record(
                actor=request.user,
                review=review,
                result=form.cleaned_data["result"],
                opinion=form.cleaned_data["opinion"].strip(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if form.cleaned_data["result"] == ReviewResult.AGREE:
                messages.success(request, _("Legal review recorded: agree."))
            else:
                messages.warning(request, _("Legal review recorded: problems found."))
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    return render(
        request, "enforcement/cases/review_record.html",
        {"case": case, "review": review, "form": form}, status=400 if form.errors else 200,
    )


def case_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency head approves a longer decision deadline (art. 60; rulebook §1.6 row 10)."""
    case = _case_or_404(request.user, pk)
    if not (_may_act(request.user, case) and request.user.has_role(Role.AGENCY_LEADER)):
        raise PermissionDenied(_("Only the agency's leader approves an extension."))
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_deadline_extend(
                actor=request.user, case=case, days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Decision deadline extended."))
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    return render(
        request, "enforcement/cases/extend.html", {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def case_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (an htmx fragment under the case page's steps, or a page of its own); POST:
    record that the decision was revoked or changed. The case ends as terminated and its public
    disclosure is withdrawn, due within 3 working days (《行政处罚法》第四十八条第二款;
    services.cases.case_revoke_decision → services.disclosure.disclosure_after_transition)."""
    case = _case_or_404(request.user, pk)
    if not _may_revoke(request.user, case):
        raise PermissionDenied(
            _("Only the agency's leader records that a decision was revoked or changed.")
        )
    form = RevokeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_revoke_decision(
                actor=request.user, case=case, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Decision revoked: the case is terminated and its public disclosure is "
                    "withdrawn (《行政处罚法》第四十八条第二款)."
                ),
            )
            return HttpResponseRedirect(reverse("enforcement:case-detail", args=[case.pk]))
    context = {"case": case, "form": form, "offered": case.state in DECIDED_STATES}
    template = (
        "enforcement/cases/_revoke_form.html" if request.htmx else "enforcement/cases/revoke.html"
    )
    return render(request, template, context, status=400 if form.errors else 200)
