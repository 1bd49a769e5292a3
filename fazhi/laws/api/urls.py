from django.urls import path, re_path

from fazhi.laws.api import views

app_name = "laws-api"
urlpatterns = [
    path("laws/", views.LawListApi.as_view(), name="law-list"),
    path("laws/<slug:slug>/", views.LawDetailApi.as_view(), name="law-detail"),
    path("provisions/", views.ProvisionLookupApi.as_view(), name="provision-lookup"),
    path("provisions/<int:pk>/", views.ProvisionDetailApi.as_view(), name="provision-detail"),
    path(
        "provisions/<int:pk>/drafts/", views.ProvisionDraftsApi.as_view(), name="provision-drafts"
    ),
    path("search/", views.SearchApi.as_view(), name="search"),
    # The issue names the path without a trailing slash; both answer, neither redirects.
    re_path(r"^recommend/?$", views.RecommendApi.as_view(), name="recommend"),
]
