from django.urls import path

from fazhi.assessment.api import views

app_name = "assessment-api"
urlpatterns = [
    path("ranking/", views.RankingApi.as_view(), name="ranking"),
    path(
        "targets/<str:kind>/<int:pk>/",
        views.TargetBreakdownApi.as_view(),
        name="target-breakdown",
    ),
    path(
        "targets/<str:kind>/<int:pk>/entries/",
        views.TargetEntryListApi.as_view(),
        name="target-entries",
    ),
]
