"""Greenroom plugins: one Django app per plugin, each importing only ``portal.plugins``
and the catalog's public functions. Enable one by adding its app to
``GREENROOM_PLUGINS`` (e.g. ``plugins.github_actions``)."""
