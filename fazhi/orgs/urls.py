from django.urls import path

from fazhi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
]
