"""``/api/scaffolder/``: Backstage's scaffolder backend paths."""

from django.urls import path

from scaffolder.api import views

app_name = "scaffolder-api"
urlpatterns = [
    path("v2/actions", views.actions, name="actions"),
    path("v2/dry-run", views.dry_run_view, name="dry-run"),
    path(
        "v2/templates/<str:namespace>/<str:kind>/<str:name>/parameter-schema",
        views.parameter_schema,
        name="parameter-schema",
    ),
]
