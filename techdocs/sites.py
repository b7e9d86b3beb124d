"""The public functions of TechDocs: which site an entity shows, keeping sites in step
with the catalog, and asking for a build or an import when one is due.

A site is checked at most once a minute (Backstage's throttle), decided by one
conditional UPDATE so that any number of web processes queue one job, not one each
(Backstage keeps that memory per process).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from catalog import services as catalog
from portal import audit
from portal.jobs import enqueue_once
from portal.models import Job
from techdocs import config
from techdocs.models import BuildState, DocsSite
from techdocs.references import DOCS_REF, Triplet, docs_target, owns_docs, triplet_of

__all__ = ["BUILD_JOB", "CHECK_EVERY", "IMPORT_JOB", "check_due", "request_build",
           "site_for_entity", "site_of", "sync_sites"]  # fmt: skip

BUILD_JOB = "techdocs.build_site"
IMPORT_JOB = "techdocs.import_site"
CHECK_EVERY = timedelta(seconds=60)


def _summary(entity: Mapping[str, Any]) -> dict[str, str]:
    metadata = entity.get("metadata") if isinstance(entity.get("metadata"), Mapping) else {}
    spec = entity.get("spec") if isinstance(entity.get("spec"), Mapping) else {}
    owner = spec.get("owner")
    title = metadata.get("title") or metadata.get("name") or ""
    return {"entity_ref": triplet_of(entity).ref, "title": str(title)[:500],
            "owner": str(owner).lower()[:800] if isinstance(owner, str) else ""}  # fmt: skip


def _upsert(triplet: Triplet, entity: Mapping[str, Any]) -> DocsSite:
    site, created = DocsSite.objects.get_or_create(
        namespace=triplet.namespace, kind=triplet.kind, name=triplet.name,
        defaults=_summary(entity))  # fmt: skip
    if not created:
        summary = _summary(entity)
        if any(getattr(site, key) != value for key, value in summary.items()):
            DocsSite.objects.filter(pk=site.pk).update(**summary)
            for key, value in summary.items():
                setattr(site, key, value)
    return site


def site_of(triplet: Triplet) -> DocsSite | None:
    """The site stored at ``triplet``, creating its row when the catalog entity there
    has docs (a first visit before the periodic sync saw it), else None."""
    if "\x00" in triplet.path:  # from an address: no site has it, and PostgreSQL cannot say so
        return None
    site = (DocsSite.objects.select_related("published", "last_job")
            .filter(namespace=triplet.namespace, kind=triplet.kind, name=triplet.name).first())
    if site is not None:
        return site
    entity = catalog.get_entity(triplet.ref)
    if entity is None or not owns_docs(entity):
        return None
    return _upsert(triplet, entity)


def site_for_entity(entity: Mapping[str, Any]) -> tuple[DocsSite | None, str]:
    """The site an entity page shows (its own, or the one ``techdocs-entity`` names)
    and the page path to open in it."""
    triplet, page = docs_target(entity)
    return site_of(triplet), page


def sync_sites() -> dict[str, int]:
    """Create or update one site per entity with ``techdocs-ref`` (title, owner for
    the Docs list), in one catalog query; sites whose entity is gone are kept with
    their published version (docs are not deleted by a catalog hiccup) but flagged."""
    entities = catalog.entities_having(f"metadata.annotations.{DOCS_REF}")
    seen: set[tuple[str, str, str]] = set()
    existing = {(s.namespace, s.kind, s.name): s for s in DocsSite.objects.all()}
    created = updated = 0
    for entity in entities:
        triplet = triplet_of(entity)
        key = (triplet.namespace, triplet.kind, triplet.name)
        seen.add(key)
        summary = _summary(entity)
        site = existing.get(key)
        if site is None:
            DocsSite.objects.create(namespace=key[0], kind=key[1], name=key[2], **summary)
            created += 1
        elif any(getattr(site, field) != value for field, value in summary.items()):
            DocsSite.objects.filter(pk=site.pk).update(**summary)
            updated += 1
    return {"sites": len(seen), "created": created, "updated": updated}


def _job_for_builder() -> str:
    return IMPORT_JOB if config.builder() == config.BUILDER_EXTERNAL else BUILD_JOB


def check_due(site: DocsSite, user: Any = None) -> Job | None:
    """Queue the site's check (a build for ``local``, an import of what CI published
    for ``external``) unless one ran in the last minute or is under way."""
    now = timezone.now()
    claimed = (DocsSite.objects.filter(pk=site.pk)
               .filter(Q(last_checked__isnull=True) | Q(last_checked__lt=now - CHECK_EVERY))
               .exclude(state__in=[BuildState.QUEUED, BuildState.BUILDING])
               .update(last_checked=now, state=BuildState.QUEUED))  # fmt: skip
    if not claimed:
        return None
    return _queue(site, user, force=False)


def request_build(site: DocsSite, user: Any = None) -> Job:
    """Build (or import) now, even if the source looks unchanged: the Rebuild button."""
    audit.record("techdocs.site.rebuild", site.entity_ref)
    DocsSite.objects.filter(pk=site.pk).update(last_checked=timezone.now(),
                                               state=BuildState.QUEUED)  # fmt: skip
    return _queue(site, user, force=True)


def _queue(site: DocsSite, user: Any, *, force: bool) -> Job:
    job = enqueue_once(_job_for_builder(), params={"site": site.pk, "force": force}, user=user)
    DocsSite.objects.filter(pk=site.pk).update(last_job=job)
    site.last_job, site.state = job, BuildState.QUEUED
    return job
