"""Back-office pages of the legal library (sub-platform 1)."""

from django.urls import path

from fazhi.laws.views import picker, reader, recommend, search

app_name = "laws"

urlpatterns = [
    path("", reader.law_list, name="law-list"),
    path("search/", search.search_page, name="search"),
    path("recommend/", recommend.recommend_page, name="recommend"),
    path("picker/", picker.picker, name="picker"),
    path("provisions/<path:key>/", reader.provision_detail, name="provision"),
    path("<slug:slug>/", reader.law_detail, name="law-detail"),
]
