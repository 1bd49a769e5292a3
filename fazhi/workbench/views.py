"""The back-office shell: workbench (工作台) and the pages of sub-platforms not built yet."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fazhi.workbench.navigation import SUB_PLATFORMS
from fazhi.workbench.selectors import workbench_for

# Sub-platforms whose pages exist: an old bookmark of the placeholder goes to the real page.
BUILT = {"laws": "laws:law-list"}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.admin_role:
        return redirect("workbench:admin-home")
    return render(request, "workbench/home.html", workbench_for(request.user))


def platform(request: HttpRequest, key: str) -> HttpResponse:
    """A sub-platform whose pages are not built yet says so plainly."""
    labels = dict(SUB_PLATFORMS)
    if key in BUILT:
        return redirect(BUILT[key])
    if key not in labels:
        raise Http404
    context = {"platform_key": key, "platform_label": labels[key]}
    return render(request, "workbench/platform.html", context)


def admin_home(request: HttpRequest) -> HttpResponse:
    if not request.user.admin_role:
        raise Http404
    return render(request, "workbench/admin_home.html", {})
