"""Celery entry points of TechDocs. Thin: the work is in ``techdocs.sites``."""

from __future__ import annotations

from celery import shared_task

from techdocs import sites

__all__ = ["sync_sites"]


@shared_task(name="techdocs.tasks.sync_sites")
def sync_sites() -> dict[str, int]:
    """Keep one site row per entity with docs, so the Docs page lists them all."""
    return sites.sync_sites()
