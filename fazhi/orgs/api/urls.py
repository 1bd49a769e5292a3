from django.urls import path

from fazhi.orgs.api import views

app_name = "orgs-api"
urlpatterns = [
    path("agencies/", views.AgencyListApi.as_view(), name="agency-list"),
    path("agencies/<int:pk>/", views.AgencyDetailApi.as_view(), name="agency-detail"),
]
