"""JSON API of sub-platform 4 under /api/v1/enforcement/ (issue 4 §8): same scope as the pages."""

from django.urls import path

from fazhi.enforcement.api import registry

app_name = "enforcement-api"
urlpatterns: list = [
    # -- registry (§1)
    path("subjects/", registry.SubjectListApi.as_view(), name="subject-list"),
    path("subjects/<int:pk>/", registry.SubjectDetailApi.as_view(), name="subject-detail"),
    path("officers/", registry.OfficerListApi.as_view(), name="officer-list"),
    path("officers/<int:pk>/", registry.OfficerDetailApi.as_view(), name="officer-detail"),
    path("officers/<int:pk>/certificates/", registry.OfficerCertificatesApi.as_view(),
         name="officer-certificates"),
    path("certificates/<int:pk>/steps/", registry.CertificateStepApi.as_view(),
         name="certificate-steps"),
    path("registry/import/", registry.RegistryImportApi.as_view(), name="registry-import"),
    # -- badges (§2)
    # -- authority (§3)
    # -- cases (§4)
    # -- documents (§5)
    # -- disclosure (§6)
    # -- supervision (§7)
]
