from django.urls import path

from fazhi.assessment import views

app_name = "assessment"
urlpatterns = [
    path("ranking/", views.ranking, name="ranking"),
]
