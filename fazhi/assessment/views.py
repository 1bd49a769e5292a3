from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ranking(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/platform.html", {"platform_label": "assessment"})
