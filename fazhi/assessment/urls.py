from django.urls import path

from fazhi.assessment import views

app_name = "assessment"
urlpatterns = [
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export/", views.ranking_export, name="ranking-export"),
    path("targets/<str:kind>/<int:pk>/", views.target_detail, name="target-detail"),
]
