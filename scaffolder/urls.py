"""Scaffolder pages."""

from django.urls import path

from scaffolder import editor_views, form_views, task_views, views
from scaffolder.fields import views as field_views

app_name = "scaffolder"
urlpatterns = [
    path("", views.index, name="index"),
    path("actions/", views.actions, name="actions"),
    path("api-docs/", views.api_docs, name="api_docs"),
    path("templates/<str:namespace>/<str:name>/", form_views.template_form,
         name="template_form"),
    path("fields/suggestions/", field_views.suggestions, name="field_suggestions"),
    path("fields/widget/", field_views.widget, name="field_widget"),
    path("edit/", editor_views.editor, name="editor"),
    path("edit/upload/", editor_views.upload, name="editor_upload"),
    path("edit/dry-run/", editor_views.dry_run, name="editor_dry_run"),
    path("edit/runs/<str:run>/", editor_views.run_page, name="editor_run"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("tasks/<uuid:task_id>/", task_views.task_page, name="task"),
    path("tasks/<uuid:task_id>/log/", task_views.task_log, name="task_log"),
    path("tasks/<uuid:task_id>/cancel/", task_views.cancel, name="task_cancel"),
    path("tasks/<uuid:task_id>/retry/", task_views.retry, name="task_retry"),
]
