"""Django admin for the catalog: locations (add, refresh, unregister) and entities.

Admin actions call ``catalog.services``, the same code the command line, the API and
the workers use, so an admin refresh behaves exactly like any other.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from catalog import services
from catalog.models import Entity, Location, LocationSource


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("ref", "source", "last_refresh_at", "last_success_at", "has_error")
    list_filter = ("source", "type")
    search_fields = ("target",)
    readonly_fields = ("id", "source", "created", "last_refresh_at", "last_success_at",
                       "last_error", "problems", "next_refresh_at", "lease_until")  # fmt: skip
    fields = ("type", "target", "presence", *readonly_fields)
    actions = ["refresh_locations", "unregister_locations"]

    @admin.display(boolean=True, description="error")
    def has_error(self, obj: Location) -> bool:
        return bool(obj.last_error or obj.problems)

    def save_model(self, request: HttpRequest, obj: Location, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        location, _ = services.register_location(obj.type, obj.target, presence=obj.presence,
                                                 source=LocationSource.ADMIN)  # fmt: skip
        obj.pk = location.pk

    @admin.action(description="Refresh selected locations now")
    def refresh_locations(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        for location in queryset:
            try:
                summary = services.refresh(location)
            except services.LocationBusy as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(request, f"{location.ref}: {summary.as_dict()}")

    @admin.action(description="Unregister selected locations (removes their entities)")
    def unregister_locations(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        for location in queryset:
            refs = services.unregister_location(location)
            self.message_user(request, f"Unregistered {location.ref}: {len(refs)} entities")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("ref", "kind", "location", "orphan", "has_errors", "updated")
    list_filter = ("kind", "orphan")
    search_fields = ("ref",)
    list_select_related = ("location",)
    readonly_fields = ("ref", "uid", "location", "location_key", "parent_ref", "orphan",
                       "errors", "authored_pretty", "final_pretty", "etag", "updated")  # fmt: skip
    exclude = ("authored", "processed_json", "final_json", "content_hash", "kind", "namespace",
               "name")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(boolean=True, description="errors")
    def has_errors(self, obj: Entity) -> bool:
        return bool(obj.errors)

    @admin.display(description="as authored")
    def authored_pretty(self, obj: Entity):
        return format_html("<pre>{}</pre>", json.dumps(obj.authored, indent=2))

    @admin.display(description="as served")
    def final_pretty(self, obj: Entity):
        return format_html("<pre>{}</pre>", json.dumps(obj.final, indent=2))
