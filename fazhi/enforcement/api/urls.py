"""JSON API of sub-platform 4 under /api/v1/enforcement/ (issue 4 §8): same scope as the pages."""

from django.urls import path

from fazhi.enforcement.api import authority as authority_api
from fazhi.enforcement.api import cases as case_api
from fazhi.enforcement.api import disclosure as disclosure_api
from fazhi.enforcement.api import documents as documents_api
from fazhi.enforcement.api import registry, supervision

app_name = "enforcement-api"
urlpatterns: list = [
    # -- registry (§1)
    path("subjects/", registry.SubjectListApi.as_view(), name="subject-list"),
    path("subjects/<int:pk>/", registry.SubjectDetailApi.as_view(), name="subject-detail"),
    path("officers/", registry.OfficerListApi.as_view(), name="officer-list"),
    path("officers/<int:pk>/", registry.OfficerDetailApi.as_view(), name="officer-detail"),
    path("officers/<int:pk>/certificates/", registry.OfficerCertificatesApi.as_view(),
         name="officer-certificates"),
    path("officers/<int:pk>/training/", registry.OfficerTrainingApi.as_view(),
         name="officer-training"),
    path("certificates/<int:pk>/steps/", registry.CertificateStepApi.as_view(),
         name="certificate-steps"),
    path("registry/import/", registry.RegistryImportApi.as_view(), name="registry-import"),
    # -- badges (§2)
    # -- authority (§3)
    path(
        "authority-items/", authority_api.AuthorityItemListApi.as_view(),
        name="authority-item-list",
    ),
    path(
        "authority-items/draft/", authority_api.AuthorityItemDraftApi.as_view(),
        name="authority-item-draft",
    ),
    path(
        "authority-items/<int:pk>/", authority_api.AuthorityItemDetailApi.as_view(),
        name="authority-item-detail",
    ),
    path(
        "authority-items/<int:pk>/publish/", authority_api.AuthorityItemPublishApi.as_view(),
        name="authority-item-publish",
    ),
    path("benchmarks/", authority_api.BenchmarkListApi.as_view(), name="benchmark-list"),
    path(
        "benchmarks/<int:pk>/", authority_api.BenchmarkDetailApi.as_view(),
        name="benchmark-detail",
    ),
    path(
        "benchmarks/<int:pk>/publish/", authority_api.BenchmarkPublishApi.as_view(),
        name="benchmark-publish",
    ),
    path(
        "first-violation-lists/", authority_api.FirstViolationListListApi.as_view(),
        name="first-violation-list-list",
    ),
    path(
        "first-violation-lists/<int:pk>/", authority_api.FirstViolationListDetailApi.as_view(),
        name="first-violation-list-detail",
    ),
    path(
        "first-violation-lists/<int:pk>/publish/",
        authority_api.FirstViolationListPublishApi.as_view(),
        name="first-violation-list-publish",
    ),
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
    path(
        "cases/<int:pk>/coercion-extension/",
        case_api.CoercionMeasureExtensionApi.as_view(),
        name="case-measure-extend",
    ),
    # -- documents (§5)
    path(
        "cases/<int:pk>/documents/", documents_api.CaseDocumentsApi.as_view(),
        name="case-documents",
    ),
    path(
        "cases/<int:pk>/documents/<int:doc_pk>/pdf/", documents_api.CaseDocumentPdfApi.as_view(),
        name="case-document-pdf",
    ),
    path("cases/<int:pk>/case-code/", documents_api.CaseCodeApi.as_view(), name="case-code"),
    # -- disclosure (§6)
    path("disclosures/", disclosure_api.DisclosureListApi.as_view(), name="disclosure-list"),
    path(
        "disclosures/<int:pk>/", disclosure_api.DisclosureDetailApi.as_view(),
        name="disclosure-detail",
    ),
    path(
        "disclosures/<int:pk>/publish/", disclosure_api.DisclosurePublishApi.as_view(),
        name="disclosure-publish",
    ),
    path(
        "disclosures/<int:pk>/withdraw/", disclosure_api.DisclosureWithdrawApi.as_view(),
        name="disclosure-withdraw",
    ),
    path(
        "cases/<int:pk>/disclosure/", disclosure_api.CaseDisclosureApi.as_view(),
        name="case-disclosure",
    ),
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
