"""Django admin for the catalog: locations (add, refresh, unregister), entities, and the
curation lists (processing errors, orphans).

Every change goes through ``catalog.services``, the same code the command line, the
API and the workers use. Django's own deletes (the ``delete_selected`` action, the
delete view) would remove rows without restitching the entities that point at them
or marking the served catalog changed, so the bulk action is removed and the delete
view is routed through the services too.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from catalog import services
from catalog.admin_models import EntityWithErrors, LocationWithErrors, OrphanEntity
from catalog.models import Entity, Location, LocationSource

#: Messages listed per row; the change page shows them all.
SHOWN_MESSAGES = 5


class _MessageListMedia:
    """The style of ``message_list.html``: a stylesheet, as the CSP allows no inline
    styles."""

    css = {"all": ("css/catalog-admin.css",)}


def _without_delete_selected(actions: dict[str, Any]) -> dict[str, Any]:
    actions.pop("delete_selected", None)
    return actions


def _message_list(lines: list[str], total: int) -> SafeString:
    """``lines`` as an escaped list, noting how many more there are."""
    context = {"lines": lines, "total": total, "more": total > len(lines)}
    return render_to_string("admin/catalog/message_list.html", context)


def _json(value: Any) -> SafeString:
    """``value`` as indented JSON in a ``<pre>``, escaped by the template."""
    text = json.dumps(value, indent=2)
    return render_to_string("admin/catalog/json.html", {"text": text})


def _location_problems(location: Location, limit: int | None = SHOWN_MESSAGES) -> SafeString:
    lines = [f"{location.ref}: {location.last_error}"] if location.last_error else []
    lines += [services.problem_line(p) for p in location.problems[:limit]]
    total = len(location.problems) + bool(location.last_error)
    return _message_list(lines[:limit] if limit else lines, total)


def _entity_errors(entity: Entity, limit: int | None = SHOWN_MESSAGES) -> SafeString:
    errors = entity.errors[:limit] if limit else entity.errors
    lines = [f"{e.get('name', 'Error')}: {e.get('message', '')}" for e in errors]
    return _message_list(lines, len(entity.errors))


class HasProblemsFilter(admin.SimpleListFilter):
    """Locations whose last refresh failed or found bad documents."""

    title = "problems"
    parameter_name = "problems"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "With problems"), ("no", "Without problems")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Location]) -> QuerySet[Location]:
        failing = ~Q(last_error="") | ~Q(problems=[])
        if self.value() == "yes":
            return queryset.filter(failing)
        if self.value() == "no":
            return queryset.exclude(failing)
        return queryset


class LocationActions(admin.ModelAdmin):
    """Refresh and unregister, shared by the locations list and its errors list."""

    actions = ["refresh_locations", "queue_refresh", "unregister_locations"]
    Media = _MessageListMedia

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return _without_delete_selected(super().get_actions(request))

    def has_delete_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        """Config locations come back on the next sync: remove them from app-config."""
        if obj is not None and obj.source == LocationSource.CONFIG:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Location) -> None:
        services.unregister_location(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        for location in queryset.exclude(source=LocationSource.CONFIG):
            services.unregister_location(location)

    @admin.action(description="Refresh selected locations now")
    def refresh_locations(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        for location in queryset:
            try:
                summary = services.refresh_now(location)
            except services.LocationBusy as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(request, f"{location.ref}: {summary.as_dict()}")

    @admin.action(description="Queue a refresh of selected locations (background job)")
    def queue_refresh(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        count = 0
        for location in queryset:
            services.schedule_location_refresh(location, user=request.user)
            count += 1
        self.message_user(request, f"Queued a refresh of {count} location(s).")

    @admin.action(description="Unregister selected locations (removes their entities)",
                  permissions=["delete"])  # fmt: skip
    def unregister_locations(self, request: HttpRequest, queryset: QuerySet[Location]) -> None:
        for location in queryset:
            if location.source == LocationSource.CONFIG:
                self.message_user(request, f"{location.ref} comes from app-config; remove it "
                                           "there to unregister it.", messages.WARNING)  # fmt: skip
                continue
            refs = services.unregister_location(location)
            self.message_user(request, f"Unregistered {location.ref}: {len(refs)} entities")


class NewLocationForm(forms.ModelForm):
    """A location to add: refused (with the reason) where the API would refuse it."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("type") and data.get("target"):
            try:
                services.checked_target(data["type"], data["target"])
            except services.LocationError as exc:
                self.add_error("target", str(exc))
        return data


@admin.register(Location)
class LocationAdmin(LocationActions):
    list_display = ("ref", "source", "entity_count", "last_refresh_at", "last_success_at",
                    "has_error", "problem_count")  # fmt: skip
    list_filter = ("source", "type", HasProblemsFilter)
    search_fields = ("target",)
    readonly_fields = ("id", "source", "created", "last_refresh_at", "last_success_at",
                       "last_error", "problems", "next_refresh_at", "lease_until")  # fmt: skip
    fields = ("type", "target", "presence", *readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        """Entity counts in the list's one query, never one query per row."""
        return super().get_queryset(request).annotate(entity_total=Count("entities"))

    @admin.display(description="entities", ordering="entity_total")
    def entity_count(self, obj: Location) -> int:
        return obj.entity_total

    @admin.display(boolean=True, description="error")
    def has_error(self, obj: Location) -> bool:
        return bool(obj.last_error or obj.problems)

    @admin.display(description="problems")
    def problem_count(self, obj: Location) -> int:
        return len(obj.problems)

    def get_form(self, request: HttpRequest, obj: Location | None = None, **kwargs: Any):
        """Adding checks the target as the API does, so a refusal is a form error."""
        return super().get_form(request, obj, **({"form": NewLocationForm} if obj is None
                                                 else {}), **kwargs)  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Location, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        location, _ = services.register_location(obj.type, obj.target, presence=obj.presence,
                                                 source=LocationSource.ADMIN)  # fmt: skip
        obj.pk = location.pk


@admin.register(LocationWithErrors)
class LocationWithErrorsAdmin(LocationActions):
    """Locations that could not be read, or whose documents have problems."""

    list_display = ("ref", "problem_messages", "last_refresh_at")
    list_filter = ("source", "type")
    search_fields = ("target",)
    readonly_fields = ("ref", "source", "last_refresh_at", "last_success_at", "all_messages")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="messages")
    def problem_messages(self, obj: Location) -> SafeString:
        return _location_problems(obj)

    @admin.display(description="messages")
    def all_messages(self, obj: Location) -> SafeString:
        return _location_problems(obj, limit=None)


class EntityActions(admin.ModelAdmin):
    """Refresh and remove entities through the services (restitching their peers)."""

    actions = ["refresh_entities", "delete_entities"]
    Media = _MessageListMedia
    list_select_related = ("location",)
    search_fields = ("ref",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return _without_delete_selected(super().get_actions(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Entity) -> None:
        services.delete_entity(str(obj.uid))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        services.delete_entities([str(uid) for uid in queryset.values_list("uid", flat=True)])

    @admin.action(description="Refresh the locations of selected entities (background job)")
    def refresh_entities(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        """One job per location, however many of its entities are selected."""
        ids = queryset.exclude(location=None).values_list("location_id", flat=True).distinct()
        located = list(Location.objects.filter(pk__in=list(ids)))
        for location in located:
            services.schedule_location_refresh(location, user=request.user)
        self.message_user(request, f"Queued a refresh of {len(located)} location(s).")

    @admin.action(description="Delete selected entities (their location may bring them back)",
                  permissions=["delete"])  # fmt: skip
    def delete_entities(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        refs = services.delete_entities([str(u) for u in queryset.values_list("uid", flat=True)])
        self.message_user(request, f"Deleted {len(refs)} entities.")


@admin.register(Entity)
class EntityAdmin(EntityActions):
    list_display = ("ref", "kind", "location", "orphan", "has_errors", "updated")
    list_filter = ("kind", "orphan")
    readonly_fields = ("ref", "uid", "location", "location_key", "parent_ref", "orphan",
                       "errors", "authored_pretty", "final_pretty", "etag", "updated")  # fmt: skip
    exclude = ("authored", "processed_json", "final_json", "content_hash", "kind", "namespace",
               "name")  # fmt: skip

    @admin.display(boolean=True, description="errors")
    def has_errors(self, obj: Entity) -> bool:
        return bool(obj.errors)

    @admin.display(description="as authored")
    def authored_pretty(self, obj: Entity):
        return _json(obj.authored)

    @admin.display(description="as served")
    def final_pretty(self, obj: Entity):
        return _json(obj.final)


@admin.register(EntityWithErrors)
class EntityWithErrorsAdmin(EntityActions):
    """Entities whose newer document was refused: they serve their last good state."""

    list_display = ("ref", "error_messages", "updated")
    list_filter = ("kind",)
    readonly_fields = ("ref", "location", "location_key", "all_messages", "updated")
    fields = readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="errors")
    def error_messages(self, obj: Entity) -> SafeString:
        return _entity_errors(obj)

    @admin.display(description="errors")
    def all_messages(self, obj: Entity) -> SafeString:
        return _entity_errors(obj, limit=None)


@admin.register(OrphanEntity)
class OrphanEntityAdmin(EntityActions):
    """Entities their location no longer lists; delete them once nobody needs them."""

    list_display = ("ref", "kind", "location_key", "updated")
    list_filter = ("kind",)
    readonly_fields = ("ref", "location", "location_key", "parent_ref", "updated")
    fields = readonly_fields
    actions = ["delete_entities"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
