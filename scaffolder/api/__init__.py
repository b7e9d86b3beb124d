"""Backstage's scaffolder REST API (``/api/scaffolder/v2/…``), same shapes and status
codes, same callers as the catalog API."""
