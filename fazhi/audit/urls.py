from django.urls import path

from fazhi.audit import views

app_name = "audit"
urlpatterns = [
    path("entries/", views.entry_list, name="entry-list"),
    path("entries/export/", views.entry_export, name="entry-export"),
]
