"""JSON API of sub-platform 4 under /api/v1/enforcement/ (issue 4 §8): same scope as the pages."""

from django.urls import path

from fazhi.enforcement.api import cases as case_api
from fazhi.enforcement.api import supervision

app_name = "enforcement-api"
urlpatterns: list = [
    # -- registry (§1)
    # -- badges (§2)
    # -- authority (§3)
    # -- cases (§4)
    path("cases/", case_api.CaseListApi.as_view(), name="case-list"),
    path("cases/<int:pk>/", case_api.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<int:pk>/transitions/",
        case_api.CaseTransitionApi.as_view(),
        name="case-transitions",
    ),
    path(
        "cases/<int:pk>/legal-reviews/",
        case_api.LegalReviewRequestApi.as_view(),
        name="case-review-request",
    ),
    path(
        "cases/<int:pk>/legal-reviews/<int:review_pk>/",
        case_api.LegalReviewRecordApi.as_view(),
        name="case-review-record",
    ),
    path("cases/<int:pk>/extensions/", case_api.CaseExtensionApi.as_view(), name="case-extend"),
    path("cases/<int:pk>/revoke/", case_api.CaseRevokeApi.as_view(), name="case-revoke"),
    # -- documents (§5)
    # -- disclosure (§6)
    # -- supervision (§7)
    path("alerts/", supervision.AlertListApi.as_view(), name="alert-list"),
    path("alerts/stats/", supervision.AlertStatsApi.as_view(), name="alert-stats"),
    path("alerts/<int:pk>/", supervision.AlertDetailApi.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/rectify/", supervision.AlertRectifyApi.as_view(),
         name="alert-rectify"),
    path("alerts/<int:pk>/close/", supervision.AlertCloseApi.as_view(), name="alert-close"),
    path("alerts/<int:pk>/unfounded/", supervision.AlertUnfoundedApi.as_view(),
         name="alert-unfounded"),
]
