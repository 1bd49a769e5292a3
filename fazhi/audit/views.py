"""Audit log pages: only the audit administrator; everyone else gets 404 (the page "does not
exist" for them, security.md ACC-5). Reading and exporting the log are themselves audited."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.audit import actions
from fazhi.audit.forms import OUTCOMES, EntryFilterForm
from fazhi.audit.selectors import audit_chain_status_for, audit_entry_list_for, can_read_audit
from fazhi.audit.services import audit_record

PAGE_SIZE = 50
_VIEWED = "fazhi_audit_viewed"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_OUTCOME_LABELS = dict(OUTCOMES)


def _require_audit_admin(request: HttpRequest) -> None:
    if not can_read_audit(request.user):
        raise Http404


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def entry_list(request: HttpRequest) -> HttpResponse:
    _require_audit_admin(request)
    form = EntryFilterForm(request.GET or None)
    filters = form.filters()
    # audit.view (before any row is read) once per session and filter set, not on every page.
    key = hashlib.sha256(repr(sorted(filters.as_dict().items())).encode()).hexdigest()[:16]
    seen = request.session.get(_VIEWED, [])
    if key not in seen:
        audit_record(
            actor=request.user,
            action="audit.view",
            request=request,
            detail={"filters": filters.as_dict()},
        )
        request.session[_VIEWED] = [*seen[-99:], key]
    page = Paginator(audit_entry_list_for(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page.object_list:
        entry.action_label = actions.label(entry.action)
        entry.outcome_label = _OUTCOME_LABELS.get(entry.outcome, entry.outcome)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "status": audit_chain_status_for(request.user),
        },
    )


def csv_cell(value: Any) -> str:
    """A CSV cell Excel will not run as a formula (OWASP CSV injection): prefix = + - @ with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def entry_export(request: HttpRequest) -> StreamingHttpResponse:
    _require_audit_admin(request)
    form = EntryFilterForm(request.GET or None)
    filters = form.filters()
    qs = audit_entry_list_for(request.user, filters)
    audit_record(
        actor=request.user,
        action="audit.export",
        request=request,
        detail={"filters": filters.as_dict(), "rows": qs.count()},
    )
    header = [
        _("Sequence"),
        _("Time"),
        _("Username"),
        _("Role"),
        _("IP address"),
        _("Action code"),
        _("Action"),
        _("Outcome"),
        _("Target type"),
        _("Target id"),
        _("Target"),
        _("Digest before"),
        _("Digest after"),
        _("Detail"),
        _("Hash algorithm"),
        _("Hash"),
    ]
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # UTF-8 BOM: Excel then reads the Chinese text correctly
        yield writer.writerow(header)
        for e in qs.iterator(chunk_size=2000):
            local = timezone.localtime(e.at).isoformat(timespec="seconds")
            yield writer.writerow(
                [
                    csv_cell(v)
                    for v in (
                        e.seq,
                        local,
                        e.actor_username,
                        e.actor_role,
                        e.ip,
                        e.action,
                        actions.label(e.action),
                        e.outcome,
                        e.target_type,
                        e.target_id,
                        e.target_label,
                        e.before_digest,
                        e.after_digest,
                        json.dumps(e.detail, ensure_ascii=False, sort_keys=True)
                        if e.detail
                        else "",
                        e.algorithm,
                        e.entry_hash,
                    )
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
