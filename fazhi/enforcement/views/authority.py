"""Back-office pages of authority lists, discretion benchmarks and first-violation lists
(issue 4 §3; rulebook §10). Thin: selectors read (scoped), services write and audit."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.core.spreadsheet import spreadsheet_safe
from fazhi.enforcement.forms.authority import (
    AuthorityItemForm,
    BenchmarkForm,
    DraftFromProvisionForm,
    FirstViolationListForm,
    TierFormSet,
    entries_text,
)
from fazhi.enforcement.models import (
    AuthorityBasis,
    AuthorityItem,
    DiscretionBenchmark,
    FirstViolationList,
)
from fazhi.enforcement.rules.benchmarks import TIER_ORDER
from fazhi.enforcement.rules.enums import ACT_TYPE_LABELS, PENALTY_TYPE_LABELS, choices
from fazhi.enforcement.selectors import authority as selectors
from fazhi.enforcement.services import authority as services
from fazhi.orgs.selectors import sector_choices

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in selectors.FILTER_KEYS}


def _item_or_404(request: HttpRequest, pk: int) -> AuthorityItem:
    try:
        return selectors.authority_item_get_for(request.user, pk)
    except AuthorityItem.DoesNotExist as exc:
        raise Http404 from exc


def _benchmark_or_404(request: HttpRequest, pk: int) -> DiscretionBenchmark:
    try:
        return selectors.benchmark_get_for(request.user, pk)
    except DiscretionBenchmark.DoesNotExist as exc:
        raise Http404 from exc


def _fvl_or_404(request: HttpRequest, pk: int) -> FirstViolationList:
    try:
        return selectors.first_violation_list_get_for(request.user, pk)
    except FirstViolationList.DoesNotExist as exc:
        raise Http404 from exc


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def authority_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    items = selectors.authority_item_list_for(request.user, filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "enforcement/authority/item_list.html", {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "act_types": choices(ACT_TYPE_LABELS),
        "sectors": sector_choices(),
        "can_create": selectors.manageable_agencies(request.user).exists(),
    })


def authority_export(request: HttpRequest) -> HttpResponse:
    """The filtered, scoped list as an Excel workbook (write-only, streamed rows)."""
    from openpyxl import Workbook

    items = selectors.authority_item_list_for(request.user, _filters(request)).prefetch_related(
        "bases__provision"
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Authority list"))
    sheet.append([
        _("Agency"), _("Item code"), _("Act type"), _("Name"), _("Sector"),
        _("Legal basis"), _("Responsible post"), _("Statutory penalty types"),
        _("Statutory minimum fine (yuan)"), _("Statutory maximum fine (yuan)"), _("Published"),
    ])
    labels = {str(k): str(v) for k, v in PENALTY_TYPE_LABELS.items()}
    for item in items.iterator(chunk_size=1000):
        sheet.append([spreadsheet_safe(v) for v in (
            item.agency.name, item.code, item.get_act_type_display(), item.name,
            item.sector.name if item.sector else "",
            "\n".join(b.provision.key for b in item.bases.all()),
            item.responsible_post,
            "、".join(labels.get(t, t) for t in item.penalty_types or []),
            float(item.fine_min) if item.fine_min is not None else None,
            float(item.fine_max) if item.fine_max is not None else None,
            _("Yes") if item.is_published else _("No"),
        )])
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="authority-list.xlsx"'
    return response


def authority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    labels = {str(k): v for k, v in PENALTY_TYPE_LABELS.items()}
    benchmarks = list(item.benchmarks.all())
    for bm in benchmarks:
        for tier in bm.tiers.all():  # prefetched
            tier.type_labels = [labels.get(t, t) for t in tier.penalty_types or []]
    return render(request, "enforcement/authority/item_detail.html", {
        "item": item,
        "bases": list(item.bases.all()),
        "benchmarks": benchmarks,
        "type_labels": [labels.get(t, t) for t in item.penalty_types or []],
        "can_manage": selectors.can_manage_agency(request.user, item.agency),
        "can_confirm": selectors.can_manage_agency(request.user, item.agency)
        and request.user.has_role("legal_reviewer"),
    })


def _item_initial(item: AuthorityItem) -> dict[str, Any]:
    return {
        "agency": item.agency_id, "code": item.code, "act_type": item.act_type, "name": item.name,
        "sector": item.sector_id, "responsible_post": item.responsible_post,
        "basis_keys": "\n".join(
            b.provision.key for b in item.bases.all() if b.role == AuthorityBasis.Role.BASIS
        ),
        "penalty_types": item.penalty_types, "fine_min": item.fine_min,
        "fine_max": item.fine_max, "valid_from": item.valid_from, "valid_to": item.valid_to,
        "multiple_min": item.multiple_min, "multiple_max": item.multiple_max,
        "fine_base": item.fine_base, "base_threshold": item.base_threshold,
    }


def authority_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (pk None) or edit an item; plain bases come from provision keys."""
    item = _item_or_404(request, pk) if pk else None
    agencies = selectors.manageable_agencies(request.user)
    if item is not None:
        services.require_manager(request.user, item.agency)
    elif not agencies.exists():
        raise PermissionDenied(_("You may not edit the authority lists of any agency."))
    form = AuthorityItemForm(
        request.POST or None, agencies=agencies,
        initial=_item_initial(item) if item else {"act_type": "penalty"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.require_manager(request.user, data["agency"])
        kept = [
            services.BasisSpec(b.provision, b.role, b.needs_confirmation)
            for b in (item.bases.all() if item else [])
            if b.role != AuthorityBasis.Role.BASIS
        ]
        bases = kept + [services.BasisSpec(p) for p in data["basis_keys"]]
        fields = {k: data[k] for k in (
            "code", "act_type", "name", "sector", "responsible_post", "penalty_types",
            "fine_min", "fine_max", "valid_from", "valid_to",
            "multiple_min", "multiple_max", "fine_base", "base_threshold",
        )}
        try:
            if item is None:
                item = services.authority_item_create(
                    actor=request.user, agency=data["agency"], bases=bases, **fields
                )
                messages.success(request, _("Authority item created."))
            else:
                item = services.authority_item_update(
                    actor=request.user, item=item, bases=bases, **fields
                )
                messages.success(request, _("Authority item saved."))
            return redirect("enforcement:authority-detail", item.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(request, "enforcement/authority/item_form.html", {"form": form, "item": item})


def authority_draft(request: HttpRequest) -> HttpResponse:
    """One step: pick a penalty provision, see the library's drafts, save item + benchmark.

    GET with `key` (a link from the law reader) or POST with `preview` shows the drafts; a plain
    POST saves them."""
    agencies = selectors.manageable_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("You may not edit the authority lists of any agency."))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = DraftFromProvisionForm(data, agencies=agencies, initial={
        "benchmark_from": timezone.localdate(), "agency": agencies.first(),
    })
    drafts = None
    if data is not None and form.is_valid():
        provision = form.cleaned_data["provision"]
        drafts = selectors.provision_drafts(provision)
        if drafts is None:
            form.add_error("provision", _("This provision sets no administrative penalty."))
        elif request.method == "POST" and "preview" not in request.POST:
            agency = form.cleaned_data["agency"]
            services.require_manager(request.user, agency)
            try:
                item = services.authority_item_draft_from_provision(
                    actor=request.user,
                    agency=agency,
                    provision=provision,
                    code=form.cleaned_data["code"],
                    responsible_post=form.cleaned_data["responsible_post"],
                    benchmark_from=form.cleaned_data["benchmark_from"],
                    region=agency.government.division,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Item and draft benchmark created; check them "
                                            "before publishing."))
                return redirect("enforcement:authority-detail", item.pk)
    preview = None
    if drafts is not None:
        labels = {str(k): v for k, v in PENALTY_TYPE_LABELS.items()}
        from fazhi.enforcement.rules.benchmarks import penalty_types_from_laws

        preview = {
            "drafts": drafts,
            "types": [labels[t] for t in penalty_types_from_laws(drafts.item["penalty_types"])],
        }
    return render(request, "enforcement/authority/draft.html", {"form": form, "preview": preview})


def authority_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    if request.method != "POST":  # looked up first: outside scope is 404 for every method
        return HttpResponseNotAllowed(["POST"])
    services.require_manager(request.user, item.agency)
    services.authority_item_publish(actor=request.user, item=item)
    messages.success(request, _("Authority item published."))
    return redirect("enforcement:authority-detail", item.pk)


def authority_basis_confirm(request: HttpRequest, pk: int, basis_pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    if request.method != "POST":  # looked up first: outside scope is 404 for every method
        return HttpResponseNotAllowed(["POST"])
    services.require_manager(request.user, item.agency)
    if not request.user.has_role("legal_reviewer"):
        raise PermissionDenied(_("Only a legal reviewer confirms an inferred legal basis."))
    basis = next((b for b in item.bases.all() if b.pk == basis_pk), None)
    if basis is None:
        raise Http404
    services.authority_basis_confirm(actor=request.user, basis=basis)
    return redirect("enforcement:authority-detail", item.pk)


# -- benchmarks --------------------------------------------------------------------------------


def _tier_initial(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_level = {r["level"]: r for r in rows}
    return [by_level.get(level, {"level": level}) for level in TIER_ORDER]


def _benchmark_page(
    request: HttpRequest, item: AuthorityItem, benchmark: DiscretionBenchmark | None
) -> HttpResponse:
    services.require_manager(request.user, item.agency)
    if benchmark is not None and benchmark.is_published:
        raise PermissionDenied(_("A published benchmark cannot be changed; create a new version "
                                 "instead."))
    if benchmark is not None:
        rows = services.benchmark_tier_rows(benchmark)
        initial = {"valid_from": benchmark.valid_from, "valid_to": benchmark.valid_to,
                   "issuing_body": benchmark.issuing_body, "region": benchmark.region_id}
    else:
        latest = item.benchmarks.all()[:1]
        rows = services.benchmark_tier_rows(latest[0]) if latest else []
        initial = {"valid_from": timezone.localdate(), "issuing_body": item.agency.name,
                   "region": item.agency.government.division_id}
    form = BenchmarkForm(request.POST or None, initial=initial)
    tiers = TierFormSet(
        request.POST or None, initial=_tier_initial(rows), prefix="tiers",
        form_kwargs={"types": item.penalty_types},
    )
    findings: list[Any] = []
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        # A tier left entirely empty is not part of the benchmark (no_penalty always is).
        rows = [
            t for t in tiers.cleaned_data
            if t and (t["level"] == "no_penalty" or t.get("circumstances")
                      or t.get("penalty_types") or t.get("fine_min") is not None
                      or t.get("fine_max") is not None or t.get("multiple_min") is not None
                      or t.get("multiple_max") is not None)
        ]
        data = form.cleaned_data
        try:
            if benchmark is None:
                benchmark = services.benchmark_create(
                    actor=request.user, item=item, tiers=rows, valid_from=data["valid_from"],
                    valid_to=data["valid_to"], issuing_body=data["issuing_body"],
                    region=data["region"],
                )
            else:
                benchmark = services.benchmark_update(
                    actor=request.user, benchmark=benchmark, tiers=rows,
                    valid_from=data["valid_from"], valid_to=data["valid_to"],
                    issuing_body=data["issuing_body"],
                )
        except services.BenchmarkError as exc:
            findings = exc.findings
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Benchmark saved."))
            return redirect("enforcement:authority-detail", item.pk)
    return render(request, "enforcement/authority/benchmark_form.html", {
        "item": item, "benchmark": benchmark, "form": form, "tiers": tiers,
        "findings": findings,
    }, status=400 if findings else 200)


def benchmark_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _benchmark_page(request, _item_or_404(request, pk), None)


def benchmark_edit(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = _benchmark_or_404(request, pk)
    return _benchmark_page(request, benchmark.item, benchmark)


def benchmark_publish(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = _benchmark_or_404(request, pk)
    if request.method != "POST":  # looked up first: outside scope is 404 for every method
        return HttpResponseNotAllowed(["POST"])
    services.require_manager(request.user, benchmark.item.agency)
    try:
        services.benchmark_publish(actor=request.user, benchmark=benchmark)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Benchmark published."))
    return redirect("enforcement:authority-detail", benchmark.item_id)


# -- first-violation lists -----------------------------------------------------------------------


def fvl_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("sector", "q")}
    lists = selectors.first_violation_list_list_for(request.user, filters)
    page = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/authority/fvl_list.html", {
        "page": page, "filters": filters, "sectors": sector_choices(), "query": "",
        "can_create": selectors.manageable_agencies(request.user).exists(),
    })


def _fvl_form_page(request: HttpRequest, fvl: FirstViolationList | None) -> HttpResponse:
    agencies = selectors.manageable_agencies(request.user)
    if fvl is not None:
        services.require_manager(request.user, fvl.issuing_agency)
        if fvl.is_published:
            raise PermissionDenied(_("A published list cannot be changed; issue a new list "
                                     "instead."))
        initial: dict[str, Any] = {
            "issuing_agency": fvl.issuing_agency_id, "sector": fvl.sector_id,
            "region": fvl.region_id, "name": fvl.name, "lookback_days": fvl.lookback_days,
            "valid_from": fvl.valid_from, "valid_to": fvl.valid_to,
            "entries": entries_text(fvl),
        }
    else:
        if not agencies.exists():
            raise PermissionDenied(_("You may not edit the authority lists of any agency."))
        initial = {"valid_from": timezone.localdate(), "lookback_days": 730}
    form = FirstViolationListForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.require_manager(request.user, data["issuing_agency"])
        try:
            if fvl is None:
                fvl = services.first_violation_list_create(
                    actor=request.user, sector=data["sector"], name=data["name"],
                    issuing_agency=data["issuing_agency"], region=data["region"],
                    lookback_days=data["lookback_days"], valid_from=data["valid_from"],
                    valid_to=data["valid_to"], entries=data["entries"],
                )
            else:
                fvl = services.first_violation_list_update(
                    actor=request.user, fvl=fvl, entries=data["entries"], name=data["name"],
                    lookback_days=data["lookback_days"], valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    region=data["region"] or fvl.region,
                )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("First-violation list saved."))
            return redirect("enforcement:fvl-detail", fvl.pk)
    return render(request, "enforcement/authority/fvl_form.html", {"form": form, "fvl": fvl})


def fvl_create(request: HttpRequest) -> HttpResponse:
    return _fvl_form_page(request, None)


def fvl_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _fvl_form_page(request, _fvl_or_404(request, pk))


def fvl_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fvl = _fvl_or_404(request, pk)
    return render(request, "enforcement/authority/fvl_detail.html", {
        "fvl": fvl, "entries": list(fvl.entries.all()),
        "can_manage": selectors.can_manage_agency(request.user, fvl.issuing_agency),
    })


def fvl_publish(request: HttpRequest, pk: int) -> HttpResponse:
    fvl = _fvl_or_404(request, pk)
    if request.method != "POST":  # looked up first: outside scope is 404 for every method
        return HttpResponseNotAllowed(["POST"])
    services.require_manager(request.user, fvl.issuing_agency)
    try:
        services.first_violation_list_publish(actor=request.user, fvl=fvl)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("First-violation list published."))
    return redirect("enforcement:fvl-detail", fvl.pk)
