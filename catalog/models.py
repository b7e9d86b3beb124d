"""The catalog's tables: locations, entities, relations and the flattened field index.

The shapes follow Backstage's catalog (see DESIGN "Data model") with two differences
that make Greenroom easier to operate: a location records its last error and the
per-document problems of its last refresh, so bad input is visible where it was
registered; and the served entity is stored pre-serialised (``final_json``) so the API
streams it without decoding and re-encoding JSON on every request.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models

from catalog.model.refs import generated_location_name
from catalog.visibility import current_condition

__all__ = ["Entity", "EntityField", "Location", "LocationSource", "Relation", "Star", "Visit"]


class LocationSource(models.TextChoices):
    """Who registered a location."""

    CONFIG = "config", "app-config"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    CLI = "cli", "Command line"
    SCAFFOLDER = "scaffolder", "Scaffolder"


class Location(models.Model):
    """A registered root location (a file, URL or git path) that entities are read from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=32)
    target = models.TextField()
    source = models.CharField(max_length=16, choices=LocationSource.choices)
    presence = models.CharField(max_length=16, default="required")
    #: Name of the generated Location entity, fixed at registration (Backstage keeps
    #: it when a location is moved with ``PUT /locations/{id}``).
    entity_name = models.CharField(max_length=64, editable=False)
    #: Kinds this location may add (per-location ``rules`` from app-config).
    allow_kinds = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    #: Why the last refresh could not read or parse the location ("" when it could).
    last_error = models.TextField(blank=True)
    #: Problems with single documents/entities in the last refresh:
    #: ``[{"file", "document", "entity", "field", "message"}]``.
    problems = models.JSONField(default=list, blank=True)
    next_refresh_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: Content hash per file of the last read (``type:target`` -> sha256), so files
    #: that did not change are not processed again.
    file_hashes = models.JSONField(default=dict, blank=True)
    #: A refresh holds the location until this time, so two never run at once.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(fields=["type", "target"], name="catalog_location_unique")
        ]

    def __str__(self) -> str:
        return self.ref

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.entity_name:
            self.entity_name = generated_location_name(self.type, self.target)
        super().save(*args, **kwargs)

    @property
    def ref(self) -> str:
        """Backstage's location reference, ``<type>:<target>``."""
        return f"{self.type}:{self.target}"

    @property
    def entity_ref(self) -> str:
        """The ref of the Location entity generated for this registration."""
        return f"location:default/{self.entity_name}"


class EntityQuerySet(models.QuerySet["Entity"]):
    def served(self) -> EntityQuerySet:
        """Entities that have been stitched and can be served. ``etag`` is set together
        with ``final_json``; testing the short etag keeps PostgreSQL from reading
        (and decompressing) every large JSON document just to compare it with "".
        """
        return self.exclude(etag="").visible()

    def visible(self) -> EntityQuerySet:
        """Only the entities the current request may see (``catalog.visibility``)."""
        condition = current_condition()
        return self if condition is None else self.filter(condition)


class Entity(models.Model):
    """One catalog entity, as authored and as served."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    #: Canonical lower-cased ``kind:namespace/name``.
    ref = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=63)
    namespace = models.CharField(max_length=63)
    name = models.CharField(max_length=63)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="entities"
    )
    #: ``<type>:<target>`` of the file the entity was read from (conflict detection).
    location_key = models.TextField()
    #: Ref of the Location entity whose target produced this entity ("" for roots).
    parent_ref = models.CharField(max_length=200, blank=True)
    #: The document as written in its file.
    authored = models.JSONField()
    #: Validated entity with placeholders resolved and catalog annotations, before
    #: relations and status are stitched on.
    processed_json = models.TextField()
    #: What the API serves: processed + relations + status + uid + etag.
    final_json = models.TextField(blank=True)
    etag = models.CharField(max_length=40, blank=True)
    #: Hash of what processing produced; an unchanged hash skips every write.
    content_hash = models.CharField(max_length=64)
    #: Processing errors shown in ``status.items`` (the entity keeps its last good state).
    errors = models.JSONField(default=list, blank=True)
    orphan = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"
        indexes = [
            models.Index(fields=["location", "location_key"]),
            # Lists by kind read ids and etags (the JSON comes from the API's etag
            # cache) from this index alone, in id order.
            models.Index(fields=["kind", "id"], include=["etag"], name="catalog_entity_kind"),
            # Few entities have errors: counting them (home page, admin) reads this
            # small index instead of every entity row.
            models.Index(fields=["id"], condition=~models.Q(errors=[]),
                         name="catalog_entity_with_errors"),
            # Orphans are few as well (the catalog's orphan filter, the home page's
            # count); an index over every entity's flag would serve neither on SQLite.
            models.Index(fields=["id"], condition=models.Q(orphan=True),
                         name="catalog_entity_orphans"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def final(self) -> dict[str, Any]:
        """The served entity as a dict."""
        return json.loads(self.final_json or self.processed_json)


class Relation(models.Model):
    """A directed relation row. Each entity emits both directions of its own relations,
    so the rows of an entity are replaced as a whole when it is processed again."""

    # No database-level constraint on these two index tables: PostgreSQL would run a
    # deferred trigger per row, which dominates writing 100,000s of rows. Rows are
    # only ever deleted through the ORM, which cascades them.
    originating = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    source_ref = models.CharField(max_length=200)
    type = models.CharField(max_length=64)
    target_ref = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(fields=["source_ref", "type"]),
            models.Index(fields=["target_ref"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_ref} {self.type} {self.target_ref}"


class EntityField(models.Model):
    """A flattened, lower-cased key/value of a served entity: what ``filter=``, facets
    and the catalog page filters query, with an index on (key, value)."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="fields", db_constraint=False
    )
    key = models.CharField(max_length=200)
    #: Lower-cased value; NULL when longer than 200 characters (exists-only).
    value = models.CharField(max_length=200, null=True)  # noqa: DJ001 - NULL means "too long"
    #: The value as written, for facet labels.
    original_value = models.CharField(max_length=200, null=True)  # noqa: DJ001

    class Meta:
        indexes = [
            # original_value rides along (PostgreSQL) so that facets are counted
            # from the index alone.
            models.Index(
                fields=["key", "value", "entity"],
                include=["original_value"],
                name="catalog_field_key_value",
            ),
            models.Index(fields=["entity", "key"]),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ServedVersion(models.Model):
    """One row whose token changes whenever what the catalog serves changes (an entity
    stitched differently, added or deleted), so answers derived from many entities,
    such as facet counts, can be cached until it does. A random token, not a counter:
    a database that is emptied and refilled never reuses an old value."""

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return str(self.token)


class Star(models.Model):
    """An entity a user starred. Kept by ref, not by row, so a star survives the entity
    being removed and registered again (a star whose entity is gone shows as such)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="catalog_stars")  # fmt: skip
    entity_ref = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entity_ref"], name="catalog_star_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} \N{BLACK STAR} {self.entity_ref}"


class Visit(models.Model):
    """The last time a user opened an entity's page (one row per user and entity), for
    "recently visited" on the home page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="catalog_visits")  # fmt: skip
    entity_ref = models.CharField(max_length=200)
    visited_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entity_ref"], name="catalog_visit_unique")
        ]
        indexes = [models.Index(fields=["user", "-visited_at"], name="catalog_visit_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} visited {self.entity_ref}"


# The admin's curation proxies (no tables): imported here so Django registers them.
from catalog.admin_models import EntityWithErrors, LocationWithErrors, OrphanEntity  # noqa: E402, F401
from catalog.github_models import DiscoveredRepository, GitHubResponse  # noqa: E402, F401
