"""The catalog's Django-free core: pure functions over entity dicts.

- ``refs``: parse and stringify ``[kind:][namespace/]name`` entity references;
- ``validation``: Backstage's envelope, field-format and per-kind rules and messages;
- ``relations``: the relations (both directions) each built-in kind's fields imply;
- ``yaml_docs``: safe, limited, YAML 1.2 parsing of multi-document catalog files;
- ``placeholders``: ``$text``/``$json``/``$yaml`` resolution through a reader;
- ``errors``: the typed errors all of them raise.

Nothing here imports Django, so the same rules run in ingestion, in ``catalog
validate`` for CI, and in tests, with no database.
"""
