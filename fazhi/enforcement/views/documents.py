"""Back-office document actions on a case: generate a PDF, download a stored one (scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from fazhi.audit.services import audit_record
from fazhi.core.scope import scoped
from fazhi.enforcement.models import Case, CaseDocument
from fazhi.enforcement.services.documents import document_generate
from fazhi.enforcement.services.duty import require_agency_duty


def _case_page(case: Case) -> str:
    try:
        from django.urls import reverse

        return reverse("enforcement:case-detail", args=[case.pk])
    except Exception:
        return "/enforcement/"


def document_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = scoped(Case.objects.all(), request.user).filter(pk=case_pk).first()
    if case is None:  # scope first: another agency's case is 404 whatever the method
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_agency_duty(request.user, case.agency_id)  # supervisors watch; the agency acts
    try:
        kind = request.POST.get("kind", "")
        document = document_generate(actor=request.user, case=case, kind=kind)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, document.number)
    return redirect(_case_page(case))


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = (
        scoped(CaseDocument.objects.select_related("case"), request.user).filter(pk=pk).first()
    )
    if document is None:
        raise Http404
    audit_record(actor=request.user, action="enforcement.document.download",
                 target=document.case, request=request, detail={"number": document.number})
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=f"{document.number}.pdf", content_type="application/pdf")
