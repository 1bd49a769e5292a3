"""The provision picker behind ProvisionPickerWidget (fazhi.laws.fields): htmx fragments only.

- `?q=…&name=…&id=…`: suggestions (recommender, else search) as a result list;
- `?choose=<provision id>&name=…&id=…`: the widget again, with that provision chosen;
- `?clear=1&name=…&id=…`: the widget again, empty.

Without `name` the results link to the provision pages instead (a plain lookup box).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.laws import selectors
from fazhi.laws.fields import WIDGET_NAME_RE, ProvisionPickerWidget

MAX_TOP = 20


def _top(value: str) -> int:
    try:
        return max(1, min(MAX_TOP, int(value)))
    except ValueError:
        return 8


@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("name", "")
    widget_id = request.GET.get("id", "") or (f"id_{name}" if name else "")
    if (name and not WIDGET_NAME_RE.match(name)) or (
        widget_id and not WIDGET_NAME_RE.match(widget_id)
    ):
        return HttpResponseBadRequest("bad widget name")
    top = _top(request.GET.get("top", "8"))
    if name and ("choose" in request.GET or "clear" in request.GET):
        value = request.GET.get("choose", "") if "choose" in request.GET else ""
        if value and selectors.provision_for_widget(value) is None:
            return HttpResponseBadRequest("unknown provision")
        widget = ProvisionPickerWidget(top=top)
        return HttpResponse(widget.render(name, value, attrs={"id": widget_id}, renderer=None))
    q = request.GET.get("q", "").strip()[:200]
    suggestions = selectors.provision_suggestions(q, user=request.user, top=top) if q else []
    return render(
        request,
        "laws/_picker_results.html",
        {"q": q, "suggestions": suggestions, "name": name, "widget_id": widget_id, "top": top},
    )
