"""Catalog pages."""

from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.index, name="index"),
    path("apis/", views.apis, name="apis"),
    path("catalog/api-docs/", views.api_docs, name="api_docs"),
]
