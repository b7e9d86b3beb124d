"""Django admin for background jobs: state, parameters, result and the live log."""

from __future__ import annotations

from django.contrib import admin

from portal.models import Job, JobLogEntry


class JobLogEntryInline(admin.TabularInline):
    model = JobLogEntry
    fields = ("created", "level", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "runner", "status", "user", "created", "finished")
    list_filter = ("status", "runner")
    search_fields = ("runner",)
    readonly_fields = (
        "runner",
        "status",
        "user",
        "params",
        "result",
        "error",
        "created",
        "started",
        "finished",
        "celery_task_id",
    )
    list_select_related = ("user",)
    inlines = [JobLogEntryInline]

    def has_add_permission(self, request) -> bool:
        return False
