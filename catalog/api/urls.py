"""Catalog REST API routes, under ``/api/catalog/`` like Backstage's."""

from django.urls import path

from catalog.api import views

app_name = "catalog_api"
urlpatterns = [
    path("entities", views.entities, name="entities"),
    path("entities/by-query", views.entities_by_query, name="entities_by_query"),
    path("entities/by-uid/<str:uid>", views.entity_by_uid, name="entity_by_uid"),
    path(
        "entities/by-name/<str:kind>/<str:namespace>/<str:name>",
        views.entity_by_name,
        name="entity_by_name",
    ),
    path("entities/by-refs", views.entities_by_refs, name="entities_by_refs"),
    path("entity-facets", views.entity_facets, name="entity_facets"),
    path("locations", views.locations, name="locations"),
    path("locations/<str:location_id>", views.location_by_id, name="location_by_id"),
]
