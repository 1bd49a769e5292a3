"""Back-office pages of sub-platform 4 under /enforcement/. One block per part of issue 4."""

from django.urls import path

from fazhi.enforcement.views import cases as case_views
from fazhi.enforcement.views import disclosure as disclosure_views
from fazhi.enforcement.views import documents as documents_views
from fazhi.enforcement.views import supervision

app_name = "enforcement"
urlpatterns: list = [
    # -- registry: agencies (enforcement subjects), officers, certificates, Excel (issue 4 §1)
    # -- badges: printable badge PDF (§2); the public verify page is under portal:
    # -- authority lists, discretion benchmarks, first-violation lists (§3)
    # -- cases (§4)
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/export/", case_views.case_export, name="case-export"),
    path("cases/new/", case_views.case_create, name="case-create"),
    path("cases/<int:pk>/", case_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/transition/", case_views.case_transition, name="case-transition"),
    path("cases/<int:pk>/review/request/", case_views.legal_review_request,
         name="case-review-request"),
    path("cases/<int:pk>/review/record/", case_views.legal_review_record,
         name="case-review-record"),
    path("cases/<int:pk>/extend/", case_views.case_extend, name="case-extend"),
    # -- documents (§5)
    path("cases/<int:case_pk>/documents/generate/", documents_views.document_create,
         name="document-generate"),
    path("documents/<int:pk>/download/", documents_views.document_download,
         name="document-download"),
    # -- disclosure back office (§6)
    path("disclosures/", disclosure_views.disclosure_list, name="disclosure-list"),
    path("cases/<int:case_pk>/disclosure/publish/", disclosure_views.disclosure_publish_view,
         name="disclosure-publish"),
    path("disclosures/<int:pk>/withdraw/", disclosure_views.disclosure_withdraw_view,
         name="disclosure-withdraw"),
    # -- supervision alerts (§7)
    path("alerts/", supervision.alert_list, name="alert-list"),
    path("alerts/sweep/", supervision.alert_sweep_now, name="alert-sweep"),
    path("alerts/<int:pk>/", supervision.alert_detail, name="alert-detail"),
]
