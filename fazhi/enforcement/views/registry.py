"""Back-office pages of the registry: enforcement subjects, officers and their certificates,
and the Excel import/export. Thin: selectors read (through scoped()), services write.

Every view with an object id looks the object up in the user's scope FIRST (404 outside it,
whatever the method), then checks the method and the user's role (403).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import DecimalField, Model, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fazhi.audit.services import audit_record
from fazhi.core.redaction import redact
from fazhi.core.spreadsheet import spreadsheet_safe
from fazhi.enforcement import excel
from fazhi.enforcement.forms.registry import (
    CERTIFICATE_ACTIONS,
    CertificateActionForm,
    CertificateApplyForm,
    ImportForm,
    SubjectCreateForm,
    SubjectForm,
    TrainingRecordForm,
)
from fazhi.enforcement.models import Certificate, Officer
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.rules.certificates import (
    EVENT_LABELS,
    STATE_LABELS,
    TRAINING_HOURS_TARGET,
    CertificateTransitionError,
    can_transition,
    training_shortfall,
)
from fazhi.enforcement.selectors import registry as selectors
from fazhi.enforcement.services import registry as services
from fazhi.orgs.models import AgencyKind
from fazhi.orgs.selectors import agency_list_for, division_choices, sector_choices

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


class ScopedObjectView(View):
    """Looks up `model` by pk in the user's scope before anything else (404 outside scope)."""

    model: type[Model]
    allowed_methods: tuple[str, ...] = ("get",)

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.object = self.get_object(request, kwargs["pk"])
        except self.model.DoesNotExist as exc:
            raise Http404 from exc
        if request.method.lower() not in self.allowed_methods:
            return HttpResponseNotAllowed([m.upper() for m in self.allowed_methods])
        return super().dispatch(request, *args, **kwargs)


# --- subjects ------------------------------------------------------------------------------------


class SubjectListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        filters = {k: request.GET.get(k, "").strip() for k in selectors.SUBJECT_FILTER_KEYS}
        subjects = selectors.subject_list_for(request.user, filters)
        page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "enforcement/registry/subject_list.html", {
            "page": page,
            "filters": filters,
            "query": _query_without_page(request),
            "divisions": division_choices(),
            "sectors": sector_choices(),
            "kinds": AgencyKind.choices,
            "may_import": services.may_import_officers(request.user),
        })


class SubjectCreateView(View):
    """Register an agency already in the tree as an enforcement subject (supervisors)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.may_write_subjects(request.user):
            raise PermissionDenied(_("Your role may not change enforcement subjects."))
        self.agencies = agency_list_for(request.user).filter(enforcement_subject__isnull=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = SubjectCreateForm(agencies=self.agencies)
        return render(request, "enforcement/registry/subject_edit.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SubjectCreateForm(request.POST, agencies=self.agencies)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in services.SUBJECT_FIELDS}
            try:
                subject = services.subject_create(
                    actor=request.user, agency=form.cleaned_data["agency"], request=request,
                    **data,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Saved."))
                return redirect("enforcement:subject-detail", pk=subject.pk)
        return render(request, "enforcement/registry/subject_edit.html", {"form": form})


class SubjectDetailView(ScopedObjectView):
    model = EnforcementSubject

    def get_object(self, request: HttpRequest, pk: int) -> EnforcementSubject:
        return selectors.subject_get_for(request.user, pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = self.object
        officers = selectors.officer_list_for(request.user, {"agency": subject.pk})
        page = Paginator(selectors.with_certificates(officers), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "enforcement/registry/subject_detail.html", {
            "subject": subject,
            "agency": subject.agency,
            "page": page,
            "query": _query_without_page(request),
            "counts": selectors.certificate_counts_for(request.user, subject.pk),
            "may_write": services.may_write_subjects(request.user),
        })


class SubjectEditView(ScopedObjectView):
    model = EnforcementSubject
    allowed_methods = ("get", "post")

    def get_object(self, request: HttpRequest, pk: int) -> EnforcementSubject:
        return selectors.subject_get_for(request.user, pk)

    def _check(self, request: HttpRequest) -> None:
        if not services.may_write_subjects(request.user):
            raise PermissionDenied(_("Your role may not change enforcement subjects."))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        form = SubjectForm(instance=self.object)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: SubjectForm) -> HttpResponse:
        return render(request, "enforcement/registry/subject_edit.html",
                      {"subject": self.object, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        subject = self.object
        if "publish" in request.POST or "withdraw" in request.POST:
            try:
                services.subject_publish(
                    actor=request.user, subject=subject, publish="publish" in request.POST,
                    request=request,
                )
                messages.success(request, _("Saved."))
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            return redirect("enforcement:subject-detail", pk=subject.pk)
        form = SubjectForm(request.POST, instance=EnforcementSubject(agency=subject.agency))
        if not form.is_valid():
            return self._render(request, form)
        data = {f: form.cleaned_data[f] for f in services.SUBJECT_FIELDS}
        try:
            services.subject_update(actor=request.user, subject=subject, data=data,
                                    request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(request, form)
        messages.success(request, _("Saved."))
        return redirect("enforcement:subject-detail", pk=subject.pk)


# --- officers ------------------------------------------------------------------------------------


class OfficerListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        filters = {k: request.GET.get(k, "").strip() for k in selectors.OFFICER_FILTER_KEYS}
        if filters["agency"] and not filters["agency"].isdigit():
            filters["agency"] = "0"
        officers = selectors.with_certificates(selectors.officer_list_for(request.user, filters))
        page = Paginator(officers, PAGE_SIZE).get_page(request.GET.get("page"))
        agency = None
        if filters["agency"]:
            agency = agency_list_for(request.user).filter(pk=filters["agency"]).first()
        return render(request, "enforcement/registry/officer_list.html", {
            "page": page,
            "filters": filters,
            "filter_agency": agency,
            "query": _query_without_page(request),
            "states": [(s.value, label) for s, label in STATE_LABELS.items()],
            "may_import": services.may_import_officers(request.user),
        })


class OfficerDetailView(ScopedObjectView):
    model = Officer

    def get_object(self, request: HttpRequest, pk: int) -> Officer:
        return selectors.officer_get_for(request.user, pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        officer = self.object
        user = request.user
        certificates = selectors.officer_certificates(officer)
        rows = []
        for c in certificates:
            actions = [
                (a, EVENT_LABELS[a_enum])
                for a_enum in EVENT_LABELS
                if (a := a_enum.value) in CERTIFICATE_ACTIONS
                and can_transition(c.state, a)
                and services.may_certificate_action(user, a)
            ]
            rows.append({"certificate": c, "actions": actions})
        may_apply = services.may_certificate_action(user, "apply") and not officer.is_auxiliary
        this_year = timezone.localdate().year
        training = selectors.officer_training_years(officer, this_year=this_year)
        return render(request, "enforcement/registry/officer_detail.html", {
            "officer": officer,
            "resident_id_masked": (
                redact(officer.resident_id) if services.may_see_resident_ids(user) else ""
            ),
            "rows": rows,
            "training": training,
            "training_this_year": next(t for t in training if t.year == this_year),
            "training_form": (
                TrainingRecordForm(this_year=this_year)
                if services.may_record_training(user, officer) else None
            ),
            "can_act": selectors.officer_can_act(officer, timezone.localdate()),
            "apply_form": CertificateApplyForm() if may_apply else None,
        })


class CertificateApplyView(ScopedObjectView):
    """POST: open a certificate application for the officer (services.certificate_apply)."""

    model = Officer
    allowed_methods = ("post",)

    def get_object(self, request: HttpRequest, pk: int) -> Officer:
        return selectors.officer_get_for(request.user, pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not services.may_certificate_action(request.user, "apply"):
            raise PermissionDenied(_("Your role may not take this step."))
        form = CertificateApplyForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_apply(
                    actor=request.user, officer=self.object, sector=form.cleaned_data["sector"],
                    area=form.cleaned_data["area"],
                    issuing_body=form.cleaned_data["issuing_body"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Saved."))
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
        else:
            messages.error(request, " ".join(
                str(e) for errors in form.errors.values() for e in errors
            ))
        return redirect("enforcement:officer-detail", pk=self.object.pk)


ACTION_SERVICES = {
    "pass_exam": services.certificate_pass_exam,
    "activate": services.certificate_activate,
    "suspend": services.certificate_suspend,
    "reinstate": services.certificate_reinstate,
    "revoke": services.certificate_revoke,
    "cancel": services.certificate_cancel,
}


def certificate_step(*, actor: Any, certificate: Certificate, data: dict[str, Any]) -> Certificate:
    """Run one certificate step named by data["action"] through its service (pages and API)."""
    action = data["action"]
    if not services.may_certificate_action(actor, action):
        raise PermissionDenied(_("Your role may not take this step."))
    reason = (data.get("reason") or "").strip()
    if action == "issue":
        return services.certificate_issue(
            actor=actor, certificate=certificate, number=data.get("number") or "",
            issued_on=data.get("issued_on"), expires_on=data.get("expires_on"), reason=reason,
        )
    return ACTION_SERVICES[action](actor=actor, certificate=certificate, reason=reason)


class CertificateActionView(ScopedObjectView):
    """POST action=<step>: move the certificate through the table (services do the checks)."""

    model = Certificate
    allowed_methods = ("post",)

    def get_object(self, request: HttpRequest, pk: int) -> Certificate:
        return selectors.certificate_get_for(request.user, pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = self.object
        form = CertificateActionForm(request.POST)
        target = reverse("enforcement:officer-detail", kwargs={"pk": certificate.officer_id})
        if not form.is_valid():
            if "action" in form.cleaned_data and not services.may_certificate_action(
                request.user, form.cleaned_data["action"]
            ):
                raise PermissionDenied(_("Your role may not take this step."))
            messages.error(request, " ".join(
                str(e) for errors in form.errors.values() for e in errors
            ))
            return redirect(target)
        try:
            certificate_step(actor=request.user, certificate=certificate, data=form.cleaned_data)
            messages.success(request, _("Saved."))
        except (ValidationError, CertificateTransitionError) as exc:
            messages.error(request, _error_text(exc))
        return redirect(target)


# --- Excel -----------------------------------------------------------------------------------


class ImportView(View):
    """GET: the upload form and the template link. POST: validate all rows, write all or none."""

    def _check(self, request: HttpRequest) -> None:
        if not services.may_import_officers(request.user):
            raise PermissionDenied(_("Your role may not import registry lists."))

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return render(request, "enforcement/registry/import.html", {"form": ImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = ImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            result = excel.registry_import(actor=request.user, file=form.cleaned_data["file"])
        return render(
            request, "enforcement/registry/import.html",
            {"form": form, "result": result},
            status=200 if result is None or result.ok else 400,
        )


class TemplateView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(excel.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="registry-template.xlsx"'
        return response


class ExportView(View):
    """GET ?what=subjects|officers (+ the list's filters): the scoped lists as a workbook."""

    def get(self, request: HttpRequest) -> HttpResponse:
        what = request.GET.get("what", "officers")
        if what not in {"subjects", "officers"}:
            raise Http404
        subjects = officers = None
        if what == "subjects":
            filters = {k: request.GET.get(k, "").strip() for k in selectors.SUBJECT_FILTER_KEYS}
            subjects = excel.subjects_for_export(selectors.subject_list_for(request.user, filters))
        else:
            filters = {k: request.GET.get(k, "").strip() for k in selectors.OFFICER_FILTER_KEYS}
            if filters["agency"] and not filters["agency"].isdigit():
                filters["agency"] = "0"
            officers = excel.officers_for_export(selectors.officer_list_for(request.user, filters))
        content = excel.export_workbook(user=request.user, subjects=subjects, officers=officers)
        audit_record(
            actor=request.user, action="enforcement.registry.export", request=request,
            detail={"what": what, "filters": {k: v for k, v in filters.items() if v},
                    "resident_ids": services.may_see_resident_ids(request.user)},
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{what}.xlsx"'
        return response


# --- training hours (执法人员培训学时, ≥ 60 a year) ----------------------------------------------


def _hours_text(hours: Decimal) -> str:
    """42.0 → "42", 42.5 → "42.5"."""
    return format(Decimal(hours).normalize(), "f")


class TrainingRecordView(ScopedObjectView):
    """GET: the form on a page of its own; POST: record the hours (services.training_record,
    with its audit entry) and go back to the officer page; a refused entry is shown on the form
    page with its Chinese message (400) and nothing is written."""

    model = Officer
    allowed_methods = ("get", "post")

    def get_object(self, request: HttpRequest, pk: int) -> Officer:
        return selectors.officer_get_for(request.user, pk)

    def _form(self, request: HttpRequest, data: Any = None) -> TrainingRecordForm:
        if not services.may_record_training(request.user, self.object):
            raise PermissionDenied(
                _("Only the leader of the officer's agency or a supervisor records training.")
            )
        return TrainingRecordForm(data, this_year=timezone.localdate().year)

    def _render(self, request: HttpRequest, form: TrainingRecordForm) -> HttpResponse:
        this_year = timezone.localdate().year
        training = selectors.officer_training_years(self.object, this_year=this_year)
        return render(
            request,
            "enforcement/registry/training_form.html",
            {
                "officer": self.object,
                "form": form,
                "training_this_year": next(t for t in training if t.year == this_year),
            },
            status=400 if form.errors else 200,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.training_record(
                    actor=request.user,
                    officer=self.object,
                    year=d["year"],
                    hours=d["hours"],
                    course=d["course"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                total = selectors.training_hours(self.object, d["year"])
                messages.success(
                    request,
                    _("Training recorded: %(hours)s of %(target)s hours in %(year)s.")
                    % {
                        "hours": _hours_text(total),
                        "target": TRAINING_HOURS_TARGET,
                        "year": d["year"],
                    },
                )
                return redirect("enforcement:officer-detail", pk=self.object.pk)
        return self._render(request, form)


def _training_year(request: HttpRequest) -> int:
    """?year=, from 2000 to this year; anything else is this year."""
    this_year = timezone.localdate().year
    text = request.GET.get("year", "").strip()
    if text.isdigit() and 2000 <= int(text) <= this_year:
        return int(text)
    return this_year


class TrainingExportView(View):
    """GET ?year= (+ the officer list's filters, e.g. agency=): each officer's training hours
    that year against the 60-hour target, as a workbook. Scoped like the officer list (the
    export of ExportView's officers, plus one SUM per officer in the same query), written row by
    row in openpyxl's write-only mode."""

    def get(self, request: HttpRequest) -> HttpResponse:
        from openpyxl import Workbook

        year = _training_year(request)
        filters = {k: request.GET.get(k, "").strip() for k in selectors.OFFICER_FILTER_KEYS}
        if filters["agency"] and not filters["agency"].isdigit():
            filters["agency"] = "0"
        officers = selectors.officer_list_for(request.user, filters).annotate(
            year_hours=Coalesce(
                Sum("training__hours", filter=Q(training__year=year)),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=7, decimal_places=1),
            )
        )
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Training hours"))
        sheet.append(
            [
                _("Agency"),
                _("Officer name"),
                _("Auxiliary staff"),
                _("Year"),
                _("Hours"),
                _("Yearly target"),
                _("Missing"),
            ]
        )
        for o in officers.iterator(chunk_size=2000):
            hours = Decimal(o.year_hours or 0)
            sheet.append(
                [
                    spreadsheet_safe(v)
                    for v in (
                        o.agency.name,
                        o.name,
                        _("Yes") if o.is_auxiliary else _("No"),
                        year,
                        float(hours),
                        TRAINING_HOURS_TARGET,
                        float(training_shortfall(hours)),
                    )
                ]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        audit_record(
            actor=request.user,
            action="enforcement.registry.export",
            request=request,
            detail={
                "what": "training",
                "year": year,
                "filters": {k: v for k, v in filters.items() if v},
            },
        )
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="training-{year}.xlsx"'
        return response
