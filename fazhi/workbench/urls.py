from django.urls import path

from fazhi.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("platform/<slug:key>/", views.platform, name="platform"),
    path("administration/", views.admin_home, name="admin-home"),
]
