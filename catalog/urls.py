"""Catalog pages.

Entity pages live at Backstage's address, ``/catalog/<namespace>/<kind>/<name>``; a
tab adds one segment. ``star``, ``refresh`` and ``unregister`` are actions on the
entity (POST), ``definition`` serves an API's definition file and ``inspect`` is the
Inspect entity page, so no tab may use those names.
"""

from django.urls import path

from catalog.views import apis, definition, entity, index, locations, register

app_name = "catalog"

ENTITY = "catalog/<str:namespace>/<str:kind>/<str:name>"

urlpatterns = [
    path("catalog/", index.index, name="index"),
    path("catalog/api-docs/", index.api_docs, name="api_docs"),
    path("catalog/register/", register.register, name="register"),
    path("catalog/locations/", locations.locations, name="locations"),
    path("catalog/locations/<uuid:location_id>/", locations.location_detail, name="location"),
    path("catalog/locations/<uuid:location_id>/refresh", locations.refresh_location,
         name="location_refresh"),
    path("catalog/locations/<uuid:location_id>/unregister", locations.unregister_location,
         name="location_unregister"),
    path("apis/", apis.apis, name="apis"),
    path(ENTITY, entity.overview, name="entity"),
    path(f"{ENTITY}/star", entity.star, name="entity_star"),
    path(f"{ENTITY}/refresh", entity.refresh, name="entity_refresh"),
    path(f"{ENTITY}/unregister", entity.unregister, name="entity_unregister"),
    path(f"{ENTITY}/definition", definition.raw_definition, name="entity_definition"),
    path(f"{ENTITY}/inspect", entity.inspect, name="entity_inspect"),
    path(f"{ENTITY}/<str:tab>", entity.tab, name="entity_tab"),
]
