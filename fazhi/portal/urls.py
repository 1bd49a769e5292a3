"""The public site under /public/: no login; every route is reviewed in
tests/test_public_allowlist.py. Public URLs carry unguessable tokens, never sequential ids
(security.md PII-5, QR-6)."""

from django.urls import path

from fazhi.enforcement.views import badges as badge_views

app_name = "portal"
urlpatterns: list = [
    # -- badge verification /public/verify/<token>/ (issue 4 §2)
    path("verify/<str:token>/", badge_views.badge_verify, name="badge-verify"),
    path("verify/<str:token>/photo/", badge_views.badge_photo, name="badge-photo"),
    # -- ex-ante lists: subjects, officers, authority lists, benchmarks (§6)
    # -- disclosures: search and detail (§6)
    # -- case code page: formal document, rating (§5)
]
