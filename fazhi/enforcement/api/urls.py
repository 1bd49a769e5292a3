"""JSON API of sub-platform 4 under /api/v1/enforcement/ (issue 4 §8): same scope as the pages."""

from django.urls import path  # noqa: F401

app_name = "enforcement-api"
urlpatterns: list = [
    # -- registry (§1)
    # -- badges (§2)
    # -- authority (§3)
    # -- cases (§4)
    # -- documents (§5)
    # -- disclosure (§6)
    # -- supervision (§7)
]
