"""Back-office pages of sub-platform 4 under /enforcement/. One block per part of issue 4."""

from django.urls import path

from fazhi.enforcement.views import registry

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
    path("certificates/<int:pk>/step/", registry.CertificateActionView.as_view(),
         name="certificate-step"),
    path("registry/import/", registry.ImportView.as_view(), name="registry-import"),
    path("registry/template.xlsx", registry.TemplateView.as_view(), name="registry-template"),
    path("registry/export.xlsx", registry.ExportView.as_view(), name="registry-export"),
    # -- badges: printable badge PDF (§2); the public verify page is under portal:
    # -- authority lists, discretion benchmarks, first-violation lists (§3)
    # -- cases (§4)
    # -- documents (§5)
    # -- disclosure back office (§6)
    # -- supervision alerts (§7)
]
