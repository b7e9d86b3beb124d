"""The audit log in the admin: filterable by action, way, actor, target and date,
read-only for everyone (superusers included), and exported as JSON lines with the
filters of the list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path, reverse

from portal.audit.export import export_lines
from portal.audit.models import AuditEvent

__all__ = ["AuditEventAdmin"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target", "via", "ip", "token")
    list_filter = ("action", "via", ("at", admin.DateFieldListFilter))
    search_fields = ("actor", "target", "ip", "token")
    date_hierarchy = "at"
    fields = ("at", "actor", "action", "target", "details", "via", "ip", "user_agent", "token")
    readonly_fields = fields
    show_full_result_count = False
    change_list_template = "admin/portal/auditevent/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        export = path("export.jsonl", self.admin_site.admin_view(self.export),
                      name="portal_auditevent_export")  # fmt: skip
        return [export, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        query = request.GET.urlencode()
        export = reverse("admin:portal_auditevent_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export})

    def export(self, request: HttpRequest) -> HttpResponse:
        """The events the list shows (its filters and search), as JSON lines."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        events = self.get_changelist_instance(request).get_queryset(request)
        response = StreamingHttpResponse(export_lines(events), content_type="application/jsonl")
        response["Content-Disposition"] = 'attachment; filename="audit-log.jsonl"'
        return response
