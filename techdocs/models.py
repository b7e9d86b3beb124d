"""TechDocs' tables: one row per docs site, its published versions and their pages.

Pages are stored processed (sanitised, links rewritten, table of contents and search
sections extracted) per published version, so a reader is served from one indexed
row, and switching a site to a new version is one UPDATE: a reader sees the old
version or the new one, never a mix. The files in storage stay in Backstage's layout.
"""

from __future__ import annotations

from django.db import models

from portal.models import Job

__all__ = ["BuildState", "DocsPage", "DocsSite", "DocsVersion"]


class BuildState(models.TextChoices):
    """The site's latest build, independent of whether a version is published."""

    NEVER = "never", "Not built yet"
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    SUCCEEDED = "succeeded", "Up to date"
    FAILED = "failed", "Failed"


class DocsSite(models.Model):
    """The docs of one entity triplet (``namespace/kind/name``, lower-cased)."""

    namespace = models.CharField(max_length=253)
    kind = models.CharField(max_length=253)
    name = models.CharField(max_length=253)
    entity_ref = models.CharField(max_length=800, help_text="The entity whose docs these are.")
    title = models.CharField(max_length=500, blank=True)
    owner = models.CharField(max_length=800, blank=True, db_index=True)
    published = models.ForeignKey("DocsVersion", null=True, blank=True, related_name="+",
                                  on_delete=models.SET_NULL)  # fmt: skip
    state = models.CharField(max_length=16, choices=BuildState.choices, default=BuildState.NEVER,
                             db_index=True)  # fmt: skip
    last_job = models.ForeignKey(Job, null=True, blank=True, related_name="+",
                                 on_delete=models.SET_NULL)  # fmt: skip
    problem_kind = models.CharField(max_length=32, blank=True)
    problem_message = models.TextField(blank=True)
    problem_key = models.CharField(max_length=200, blank=True)
    source_etag = models.CharField(max_length=128, blank=True,
                                   help_text="Hash of the source the published version came from.")
    source_changed = models.DateTimeField(null=True, blank=True,
                                          help_text="When the source last changed.")  # fmt: skip
    last_built = models.DateTimeField(null=True, blank=True, db_index=True)
    last_checked = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["namespace", "kind", "name"],
                                               name="techdocs_site_triplet")]  # fmt: skip
        ordering = ["namespace", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.kind}/{self.name}"


class DocsVersion(models.Model):
    """One published build of a site: what ``techdocs_metadata.json`` said, and the
    site's navigation (the same on every page, so stored once)."""

    site = models.ForeignKey(DocsSite, related_name="versions", on_delete=models.CASCADE)
    build_timestamp = models.BigIntegerField(help_text="Milliseconds since the epoch.")
    etag = models.CharField(max_length=128, blank=True)
    site_name = models.CharField(max_length=500, blank=True)
    site_description = models.TextField(blank=True)
    nav = models.JSONField(default=list)
    files = models.PositiveIntegerField(default=0)
    origin = models.CharField(max_length=16, default="greenroom",
                              help_text="greenroom (built here) or external (published by CI).")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.site} @ {self.build_timestamp}"


class DocsPage(models.Model):
    """One page of a published version, ready to show; ``sections`` are the search
    index entries (``location``, ``title``, ``text``) that belong to this page."""

    version = models.ForeignKey(DocsVersion, related_name="pages", on_delete=models.CASCADE)
    path = models.CharField(max_length=1000, help_text="Page path inside the site, e.g. guide/.")
    title = models.CharField(max_length=500, blank=True)
    html = models.TextField()
    toc = models.JSONField(default=list)
    sections = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "path"],
                                               name="techdocs_page_path")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.version.site}/{self.path}"
