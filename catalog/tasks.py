"""Celery entry points of the catalog. Thin: the work is in ``catalog.services``."""

from __future__ import annotations

from celery import shared_task

from catalog import services

__all__ = ["refresh_due"]


@shared_task(name="catalog.tasks.refresh_due")
def refresh_due() -> dict[str, str]:
    """Sync the config locations, then refresh every location that is due.

    Beat calls this every few seconds; each location carries its own next refresh
    time (spread over [interval, 1.5 x interval]), so the work is spread out too.
    Scheduled refreshes record their outcome on the location, not as job rows, so a
    quiet catalog does not fill the job table.
    """
    services.sync_config_locations()
    return services.refresh_due_locations()
