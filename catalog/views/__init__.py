"""Catalog pages, one module per page: the index, entity pages, the APIs explorer,
API definitions, registering and managing locations."""
