"""Back-office pages of sub-platform 4 under /enforcement/. One block per part of issue 4."""

from django.urls import path

from fazhi.enforcement.views.badges import BadgePdfView

app_name = "enforcement"
urlpatterns: list = [
    # -- registry: agencies (enforcement subjects), officers, certificates, Excel (issue 4 §1)
    # -- badges: printable badge PDF (§2); the public verify page is under portal:
    path("certificates/<int:pk>/badge.pdf", BadgePdfView.as_view(), name="badge-pdf"),
    # -- authority lists, discretion benchmarks, first-violation lists (§3)
    # -- cases (§4)
    # -- documents (§5)
    # -- disclosure back office (§6)
    # -- supervision alerts (§7)
]
