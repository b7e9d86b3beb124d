"""What the GitHub providers keep between refreshes: the answers of conditional
requests, and the repositories a discovery saw (catalog coverage's denominator).

They live apart from ``catalog.models`` (the entity model); ``catalog.models`` imports
them so Django (and migrations) see them.
"""

from __future__ import annotations

from django.db import models

from catalog.models import Location

__all__ = ["DiscoveredRepository", "GitHubResponse"]


class GitHubResponse(models.Model):
    """The last ``200`` answer to one request (URL, accept type and identity hashed
    into ``key``) with its ``ETag``: the next request is sent conditionally, and a
    ``304`` is answered from ``body``."""

    key = models.CharField(max_length=64, primary_key=True)
    etag = models.CharField(max_length=200)
    body = models.BinaryField()
    stored_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.etag}"


class RepositoryStatus(models.TextChoices):
    CATALOGED = "cataloged", "In the catalog"
    NO_CATALOG_FILE = "no-catalog-file", "No catalog file"
    EXCLUDED = "excluded", "Excluded by the filters"


class DiscoveredRepository(models.Model):
    """A repository the last read of a ``github-discovery`` location saw."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="repositories")
    full_name = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=RepositoryStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    catalog_files = models.JSONField(default=list)
    archived = models.BooleanField(default=False)
    visibility = models.CharField(max_length=20, default="public")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["location", "full_name"],
                                               name="catalog_discovered_repo_unique")]  # fmt: skip
        indexes = [models.Index(fields=["status", "full_name"], name="catalog_discovered_status")]
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.status})"
