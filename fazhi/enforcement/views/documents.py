"""Back-office document actions on a case: generate a PDF, download a stored one (scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from fazhi.audit.services import audit_record
from fazhi.core.scope import scoped
from fazhi.enforcement.models import Case, CaseDocument
from fazhi.enforcement.services.documents import document_generate


def _case_page(case: Case) -> str:
    try:
        from django.urls import reverse

        return reverse("enforcement:case-detail", args=[case.pk])
    except Exception:
        return "/enforcement/"


@require_POST
def document_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = scoped(Case.objects.all(), request.user).filter(pk=case_pk).first()
    if case is None:
        raise Http404
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
