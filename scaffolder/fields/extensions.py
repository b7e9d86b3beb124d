"""Imports every built-in field extension module so each registers itself."""

from scaffolder.fields import (  # noqa: F401
    entity_name,
    entity_pickers,
    entity_tags,
    multi_entity,
    repo_url,
    secret,
)
