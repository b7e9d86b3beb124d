"""Portal search: one index over everything the portal shows, two engines behind it.

Collators (registered through :mod:`portal.plugins`) turn catalog entities, docs
sections and plugin content into :class:`~portal.search.documents.IndexDocument`
objects; :mod:`portal.search.index` stores them in the ``SearchDocument`` table (the
narrow row a search scans), ``SearchBody`` (what a page of results reads) and the
engine's full-text index (PostgreSQL ``tsvector`` + GIN, or SQLite FTS5) in the
same transaction as the change; :mod:`portal.search.service` answers queries with the
same matching and ranking rules on both engines.
"""
