"""Back-office pages of sub-platform 4 under /enforcement/. One block per part of issue 4."""

from django.urls import path

from fazhi.enforcement.views import authority as authority_views
from fazhi.enforcement.views import cases as case_views
from fazhi.enforcement.views import disclosure as disclosure_views
from fazhi.enforcement.views import documents as documents_views
from fazhi.enforcement.views import registry, supervision
from fazhi.enforcement.views.badges import BadgePdfView

app_name = "enforcement"
urlpatterns: list = [
    # -- registry: agencies (enforcement subjects), officers, certificates, Excel (issue 4 §1)
    path("subjects/", registry.SubjectListView.as_view(), name="subject-list"),
    path("subjects/new/", registry.SubjectCreateView.as_view(), name="subject-create"),
    path("subjects/<int:pk>/", registry.SubjectDetailView.as_view(), name="subject-detail"),
    path("subjects/<int:pk>/edit/", registry.SubjectEditView.as_view(), name="subject-edit"),
    path("officers/", registry.OfficerListView.as_view(), name="officer-list"),
    path("officers/<int:pk>/", registry.OfficerDetailView.as_view(), name="officer-detail"),
    path("officers/<int:pk>/certificates/apply/", registry.CertificateApplyView.as_view(),
         name="certificate-apply"),
    path("officers/<int:pk>/training/", registry.TrainingRecordView.as_view(),
         name="officer-training"),
    path("certificates/<int:pk>/step/", registry.CertificateActionView.as_view(),
         name="certificate-step"),
    path("registry/import/", registry.ImportView.as_view(), name="registry-import"),
    path("registry/template.xlsx", registry.TemplateView.as_view(), name="registry-template"),
    path("registry/export.xlsx", registry.ExportView.as_view(), name="registry-export"),
    path("registry/training.xlsx", registry.TrainingExportView.as_view(),
         name="registry-training-export"),
    # -- badges: printable badge PDF (§2); the public verify page is under portal:
    path("certificates/<int:pk>/badge.pdf", BadgePdfView.as_view(), name="badge-pdf"),
    # -- authority lists, discretion benchmarks, first-violation lists (§3)
    path("authority/", authority_views.authority_list, name="authority-list"),
    path("authority/export.xlsx", authority_views.authority_export, name="authority-export"),
    path("authority/new/", authority_views.authority_edit, name="authority-create"),
    path("authority/draft/", authority_views.authority_draft, name="authority-draft"),
    path("authority/<int:pk>/", authority_views.authority_detail, name="authority-detail"),
    path("authority/<int:pk>/edit/", authority_views.authority_edit, name="authority-edit"),
    path(
        "authority/<int:pk>/publish/", authority_views.authority_publish, name="authority-publish"
    ),
    path(
        "authority/<int:pk>/bases/<int:basis_pk>/confirm/",
        authority_views.authority_basis_confirm,
        name="authority-basis-confirm",
    ),
    path(
        "authority/<int:pk>/benchmarks/new/",
        authority_views.benchmark_create,
        name="benchmark-create",
    ),
    path(
        "authority/benchmarks/<int:pk>/edit/", authority_views.benchmark_edit,
        name="benchmark-edit",
    ),
    path(
        "authority/benchmarks/<int:pk>/publish/",
        authority_views.benchmark_publish,
        name="benchmark-publish",
    ),
    path("first-violation/", authority_views.fvl_list, name="fvl-list"),
    path("first-violation/new/", authority_views.fvl_create, name="fvl-create"),
    path("first-violation/<int:pk>/", authority_views.fvl_detail, name="fvl-detail"),
    path("first-violation/<int:pk>/edit/", authority_views.fvl_edit, name="fvl-edit"),
    path("first-violation/<int:pk>/publish/", authority_views.fvl_publish, name="fvl-publish"),
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
    path("cases/<int:pk>/revoke/", case_views.case_revoke, name="case-revoke"),
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
