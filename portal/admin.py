"""Django admin for background jobs (state, parameters, result, live log), API tokens
and the audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from portal.audit.admin import AuditEventAdmin  # noqa: F401 - registers the audit log
from portal.models import ApiToken, Job, JobLogEntry
from portal.tokens import issue_token, revoke_tokens


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Create (the token is shown once), list and revoke API tokens."""

    list_display = ("name", "user", "created", "last_used", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "user__username")
    fields = ("name", "user", "created", "last_used", "revoked")
    readonly_fields = ("created", "last_used", "revoked")
    list_select_related = ("user",)
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, token = issue_token(obj.name, obj.user)
        obj.pk = issued.pk
        messages.warning(request, f"Copy the token now, it will not be shown again: {token}")

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset) -> None:
        self.message_user(request, f"Revoked {revoke_tokens(queryset)} token(s).")
