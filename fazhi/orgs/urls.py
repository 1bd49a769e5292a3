from django.urls import path

from fazhi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/export.csv", views.agency_export, name="agency-export"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
]
