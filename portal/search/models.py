"""The search index tables.

``SearchDocument`` holds each document's display data, facets and the words of its
fields (``fields``: field name → space-separated words). The engine's full-text index
is built from those words by the database itself, so no write path can forget it: on
PostgreSQL a generated, weighted ``tsvector`` column with a GIN index, on SQLite an
FTS5 table kept by triggers (migration ``0003_search``). ``SearchTerm`` is the
vocabulary, with a trigram index, for typo correction and "did you mean".
"""

from __future__ import annotations

from django.db import models

__all__ = ["SearchDocument", "SearchTag", "SearchTerm"]


class SearchDocument(models.Model):
    type = models.CharField(max_length=40)
    key = models.CharField(max_length=1000)
    #: Removed together: an entity's document, a docs site's sections.
    group = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=500)
    location = models.CharField(max_length=1200)
    text = models.TextField(blank=True)
    kind = models.CharField(max_length=63, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    lifecycle = models.CharField(max_length=63, blank=True)
    namespace = models.CharField(max_length=63, blank=True)
    #: The words of the name, for the exact and prefix name boosts.
    name_key = models.CharField(max_length=300, blank=True)
    fields = models.JSONField(default=dict)
    #: Lower-case tags, counted from the row itself (filters use ``SearchTag``).
    tags = models.JSONField(default=list)
    demoted = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "key"], name="search_document_key")]
        indexes = [
            models.Index(fields=["type", "group"], name="search_document_group"),
            models.Index(fields=["kind"], name="search_document_kind"),
            models.Index(fields=["owner"], name="search_document_owner"),
            models.Index(fields=["lifecycle"], name="search_document_lifecycle"),
            models.Index(fields=["name_key"], name="search_document_name"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.key}"


class SearchTag(models.Model):
    """A document's tag, a row each so tag filters and counts use an index. Tags are
    deleted before their documents (``portal.search.index``), which lets a document
    delete be one statement instead of Django collecting every row first."""

    document = models.ForeignKey(SearchDocument, related_name="tag_rows",
                                 on_delete=models.DO_NOTHING)  # fmt: skip
    tag = models.CharField(max_length=63)

    class Meta:
        indexes = [models.Index(fields=["tag", "document"], name="search_tag")]

    def __str__(self) -> str:
        return self.tag


class SearchTerm(models.Model):
    """A word some document has (kept until the next full rebuild)."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.word
