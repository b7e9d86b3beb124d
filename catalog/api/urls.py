"""Catalog REST API routes, under ``/api/catalog/`` like Backstage's.

Several paths take more than one method (``GET``/``DELETE /entities/by-uid/{uid}``,
``GET``/``POST /locations``), so each path dispatches on the method to the view that
handles it; the views themselves check authentication, access and their own method.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from catalog.api import openapi, predicate_views, views, write_views
from portal.api.errors import error_response
from portal.http_methods import mark_methods

app_name = "catalog_api"


def by_method(**handlers: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One view for a path, handing each HTTP method to its own view."""

    @login_not_required
    @csrf_exempt
    def dispatch(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            response = error_response(
                request, "MethodNotAllowedError", f"{request.method} is not allowed"
            )
            response.status_code = 405
            response["Allow"] = ", ".join(handlers)
            return response
        return handler(request, *args, **kwargs)

    dispatch.checks_access_itself = True  # type: ignore[attr-defined]  # each handler does
    return mark_methods(dispatch, handlers)


@login_not_required
@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under the API: Backstage's JSON 404, not the portal's page."""
    response = error_response(request, "NotFoundError", f"No such endpoint: {request.path}")
    response.status_code = 404
    return response


ENTITY_NAME = "entities/by-name/<str:kind>/<str:namespace>/<str:name>"

urlpatterns = [
    path("openapi.json", openapi.openapi, name="openapi"),
    path("entities", views.entities, name="entities"),
    path(
        "entities/by-query",
        by_method(GET=views.entities_by_query, POST=predicate_views.query_entities),
        name="entities_by_query",
    ),
    path("entities/by-refs", views.entities_by_refs, name="entities_by_refs"),
    path(
        "entities/by-uid/<str:uid>",
        by_method(GET=views.entity_by_uid, DELETE=write_views.delete_entity),
        name="entity_by_uid",
    ),
    path(ENTITY_NAME, views.entity_by_name, name="entity_by_name"),
    path(f"{ENTITY_NAME}/ancestry", write_views.entity_ancestry, name="entity_ancestry"),
    path(
        "entity-facets",
        by_method(GET=views.entity_facets, POST=predicate_views.query_facets),
        name="entity_facets",
    ),
    path("analyze-location", write_views.analyze_location, name="analyze_location"),
    path("refresh", write_views.refresh, name="refresh"),
    path("validate-entity", write_views.validate, name="validate_entity"),
    path(
        "locations",
        by_method(GET=views.locations, POST=write_views.create_location),
        name="locations",
    ),
    path("locations/by-query", predicate_views.query_locations, name="locations_by_query"),
    path(
        "locations/by-entity/<str:kind>/<str:namespace>/<str:name>",
        write_views.location_by_entity,
        name="location_by_entity",
    ),
    path(
        "locations/<str:location_id>",
        by_method(
            GET=views.location_by_id,
            PUT=write_views.update_location,
            DELETE=write_views.delete_location,
        ),
        name="location_by_id",
    ),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
