"""The search index tables.

``SearchDocument`` is the row a search scans: what is counted (facets, tags), what
orders candidates (the name's words, health, the title) and the engine's full-text
column (``words``, see :mod:`portal.search.fields`): on PostgreSQL a weighted
``tsvector`` with a GIN index, and a generated one of its name and title words only
for the type-ahead; on SQLite the words as JSON, fed by triggers to an FTS5 table
(migrations ``0003_search``, ``0004_search_narrow``). ``SearchBody`` holds what is
read only for the page of results: the words per field (the shared ranking rules)
and the text snippets come from. A broad query touches tens of thousands of
documents, so the scanned row is kept to what the scan needs. ``SearchTerm`` is the
vocabulary, with a trigram index, for typo correction and "did you mean".
"""

from __future__ import annotations

from django.db import models

from portal.search.fields import FullTextField

__all__ = ["SearchBody", "SearchDocument", "SearchTag", "SearchTerm"]


class SearchDocumentManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("words")


class SearchDocument(models.Model):
    type = models.CharField(max_length=40)
    key = models.CharField(max_length=1000)
    #: Removed together: an entity's document, a docs site's sections.
    group = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=500)
    location = models.CharField(max_length=1200)
    kind = models.CharField(max_length=63, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    lifecycle = models.CharField(max_length=63, blank=True)
    namespace = models.CharField(max_length=63, blank=True)
    #: The words of the name, for the exact and prefix name boosts.
    name_key = models.CharField(max_length=300, blank=True)
    #: Field name -> its words, as the engine indexes them (written, never read).
    words = FullTextField(null=True)
    #: Lower-case tags, counted from the row itself (filters use ``SearchTag``).
    tags = models.JSONField(default=list)
    demoted = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    objects = SearchDocumentManager()

    class Meta:
        base_manager_name = "objects"
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


class SearchBody(models.Model):
    """What a document's result shows and is ordered by, read for a page of results.
    Deleted before its document, as tags are (``portal.search.index``)."""

    document = models.OneToOneField(SearchDocument, primary_key=True, related_name="body",
                                    on_delete=models.DO_NOTHING)  # fmt: skip
    #: Field name -> space-separated words (portal.search.ranking's rules).
    fields = models.JSONField(default=dict)
    #: The text snippets are taken from.
    text = models.TextField(blank=True)
    #: What was stored, fingerprinted: an unchanged document is not written again.
    digest = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return str(self.document_id)


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
