"""``/api/scaffolder/``: Backstage's scaffolder backend paths."""

from django.urls import path

from scaffolder.api import openapi, tasks, views

app_name = "scaffolder-api"
urlpatterns = [
    path("openapi.json", openapi.openapi, name="openapi"),
    path("v2/actions", views.actions, name="actions"),
    path("v2/dry-run", views.dry_run_view, name="dry-run"),
    path("v2/tasks", tasks.tasks, name="tasks"),
    path("v2/tasks/<str:task_id>", tasks.task, name="task"),
    path("v2/tasks/<str:task_id>/events", tasks.events, name="task-events"),
    path("v2/tasks/<str:task_id>/eventstream", tasks.eventstream, name="task-eventstream"),
    path("v2/tasks/<str:task_id>/cancel", tasks.cancel, name="task-cancel"),
    path("v2/tasks/<str:task_id>/retry", tasks.retry, name="task-retry"),
    path(
        "v2/templates/<str:namespace>/<str:kind>/<str:name>/parameter-schema",
        views.parameter_schema,
        name="parameter-schema",
    ),
]
