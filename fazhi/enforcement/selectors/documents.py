"""Reads of a case's documents and its case code (issue 4 §5) for the API.

Each function takes a case the caller already found through `case_detail_for` (selectors/cases.py,
which goes through `scoped()`): documents and the code belong to their case, so they are visible
exactly when the case is, including to an officer of the case with the self scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from fazhi.enforcement.models import Case, CaseCode, CaseDocument


def case_documents(case: Case) -> QuerySet[CaseDocument]:
    """The case's generated documents, newest first (one query; index enf_doc_case_kind)."""
    return CaseDocument.objects.filter(case=case).order_by("-generated_at", "-id")


def case_document(case: Case, pk: Any) -> CaseDocument:
    """One document of `case`; 404 when it belongs to another case or does not exist."""
    try:
        return CaseDocument.objects.get(case=case, pk=pk)
    except (CaseDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("document") from exc


def case_code_of(case: Case) -> CaseCode | None:
    """The case's code if one was issued (the first generated document issues it); never
    creates one."""
    return CaseCode.objects.filter(case=case).first()
