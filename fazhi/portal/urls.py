"""The public site under /public/: no login; every route is reviewed in
tests/test_public_allowlist.py. Public URLs carry unguessable tokens, never sequential ids
(security.md PII-5, QR-6)."""

from django.urls import path

from fazhi.enforcement.views import public as public_views

app_name = "portal"
urlpatterns: list = [
    # -- badge verification /public/verify/<token>/ (issue 4 §2)
    # -- ex-ante lists: subjects, officers, authority lists, benchmarks (§6)
    path("subjects/", public_views.subject_list, name="subject-list"),
    path("officers/", public_views.officer_list, name="officer-list"),
    path("authority/", public_views.authority_list, name="authority-list"),
    path("first-violation/", public_views.first_violation_list, name="first-violation-list"),
    # -- disclosures: search and detail (§6)
    path("disclosures/", public_views.disclosure_list, name="disclosure-list"),
    path("disclosures/<str:token>/", public_views.disclosure_detail, name="disclosure-detail"),
    # -- case code page: formal document, rating (§5)
    path("c/<str:token>/", public_views.case_code, name="case-code"),
    path("c/<str:token>/document/", public_views.case_code_document, name="case-code-document"),
    path("c/<str:token>/rate/", public_views.case_code_rate, name="case-code-rate"),
]
