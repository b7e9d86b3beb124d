"""The index rebuild as a background job (``portal.search_rebuild``), run daily by the
scheduler: it heals whatever drifted between the incremental updates (a docs site's
owner changed in the catalog, documents of a plugin removed since)."""

from __future__ import annotations

from typing import Any

from portal.jobs import JobRunner
from portal.search.rebuild import rebuild

__all__ = ["RebuildSearchJob"]


class RebuildSearchJob(JobRunner):
    name = "portal.search_rebuild"
    description = "Rebuild the search index from every collator."

    def run(self) -> dict[str, Any]:
        types = self.job.params.get("types") or None

        def progress(name: str, done: int) -> None:
            self.logger.info("%s: %d documents", name, done)

        counts = rebuild(types, progress=progress)
        self.logger.info("Search index rebuilt: %s", counts)
        return {"documents": counts}
