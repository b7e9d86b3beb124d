"""TechDocs pages."""

from django.urls import path

from techdocs import views

app_name = "techdocs"
urlpatterns = [path("", views.index, name="index")]
