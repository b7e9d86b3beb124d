"""Background jobs of the catalog, run by workers through ``portal.jobs``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from catalog import services
from catalog.models import Location
from portal.jobs import JobFailed, JobRunner

__all__ = ["RefreshLocationJob"]


class RefreshLocationJob(JobRunner):
    """Read one location again now (a manual refresh from a page, the API or admin)."""

    name = "catalog.refresh_location"
    description = "Read a catalog location again and apply what changed."

    def run(self) -> dict[str, Any]:
        try:
            location = Location.objects.filter(pk=self.job.params.get("location_id")).first()
        except ValidationError:  # not a UUID
            location = None
        if location is None:
            raise JobFailed(f"no location {self.job.params.get('location_id')}")
        try:
            summary = services.refresh(location)
        except services.LocationBusy as exc:
            raise JobFailed(str(exc)) from None
        location.refresh_from_db()
        if location.last_error:
            self.logger.error("%s: %s", location.ref, location.last_error)
        for problem in summary.problems:
            self.logger.warning("%s", problem.line())
        self.logger.info("%s: %s", location.ref, summary.as_dict())
        return summary.as_dict()
