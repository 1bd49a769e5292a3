from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def entry_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/platform.html", {"platform_label": "audit"})
