"""The public site under /public/: no login; every route is reviewed in
tests/test_public_allowlist.py. Public URLs carry unguessable tokens, never sequential ids
(security.md PII-5, QR-6)."""

from django.urls import path  # noqa: F401

app_name = "portal"
urlpatterns: list = [
    # -- badge verification /public/verify/<token>/ (issue 4 §2)
    # -- ex-ante lists: subjects, officers, authority lists, benchmarks (§6)
    # -- disclosures: search and detail (§6)
    # -- case code page: formal document, rating (§5)
]
