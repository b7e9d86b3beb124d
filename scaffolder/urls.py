"""Scaffolder pages."""

from django.urls import path

from scaffolder import views

app_name = "scaffolder"
urlpatterns = [
    path("", views.index, name="index"),
    path("actions/", views.actions, name="actions"),
    path("api-docs/", views.api_docs, name="api_docs"),
]
