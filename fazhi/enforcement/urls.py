"""Back-office pages of sub-platform 4 under /enforcement/. One block per part of issue 4."""

from django.urls import path

from fazhi.enforcement.views import supervision

app_name = "enforcement"
urlpatterns: list = [
    # -- registry: agencies (enforcement subjects), officers, certificates, Excel (issue 4 §1)
    # -- badges: printable badge PDF (§2); the public verify page is under portal:
    # -- authority lists, discretion benchmarks, first-violation lists (§3)
    # -- cases (§4)
    # -- documents (§5)
    # -- disclosure back office (§6)
    # -- supervision alerts (§7)
    path("alerts/", supervision.alert_list, name="alert-list"),
    path("alerts/sweep/", supervision.alert_sweep_now, name="alert-sweep"),
    path("alerts/<int:pk>/", supervision.alert_detail, name="alert-detail"),
]
