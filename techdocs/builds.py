"""The docs jobs: build a site from its source and publish it (``techdocs.builder:
local``), or take in what CI published (``external``). Each is a portal Job, so its log
is live on the build page and survives a worker crash.

Failures never take a published version away: the site keeps serving it, records
what went wrong (the Docs tab words advice from the problem's kind) and builds again
when the source changes.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from django.utils import timezone

from catalog import services as catalog
from portal.jobs import JobFailed, JobRunner
from techdocs import config
from techdocs.fetching import fetch_source, fingerprint
from techdocs.generate.pipeline import generate
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.importing import VersionReader, import_version, store_version
from techdocs.models import BuildState, DocsSite
from techdocs.publish import SitePublisher, remove_stale
from techdocs.references import Triplet, docs_source
from techdocs.storage import docs_storage, list_keys, open_site_file, read_metadata, site_prefix

__all__ = ["BuildSiteJob", "ImportSiteJob", "build_site", "import_site"]

#: Problems a retry with the same source can fix; the others wait for a change.
TRANSIENT = {ProblemKind.STORAGE, ProblemKind.TIMEOUT, ProblemKind.SOURCE_UNREADABLE}


def _triplet(site: DocsSite) -> Triplet:
    return Triplet(site.namespace, site.kind, site.name)


def _record(site: DocsSite, state: str, problem: DocsProblem | None = None,
            **fields: Any) -> None:  # fmt: skip
    values = {"state": state, "problem_kind": problem.kind if problem else "",
              "problem_message": problem.message if problem else "",
              "problem_key": problem.key if problem else "", **fields}  # fmt: skip
    DocsSite.objects.filter(pk=site.pk).update(**values)
    for key, value in values.items():
        setattr(site, key, value)


def _unchanged(site: DocsSite, etag: str) -> bool:
    """Same source as last time, and last time's outcome still stands: a published
    version of it, or a failure only a change of the source can fix."""
    if etag != site.source_etag:
        return False
    if site.state == BuildState.FAILED or site.problem_kind:
        return site.problem_kind not in TRANSIENT
    return site.published_id is not None


def build_site(site: DocsSite, log: Any, *, force: bool = False) -> dict[str, Any]:
    """Fetch, build, publish and switch to the new version; raises DocsProblem."""
    entity = catalog.get_entity(site.entity_ref)
    if entity is None:
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{site.entity_ref} is no longer in the catalog")  # fmt: skip
    source = docs_source(entity)
    with tempfile.TemporaryDirectory(prefix="greenroom-docs-") as work:
        tree, out = Path(work, "source"), Path(work, "site")
        log.info("reading %s:%s", source.type, source.target)
        fetch_source(source, tree)
        etag = fingerprint(tree)
        if not force and _unchanged(site, etag):
            log.info("the source is unchanged since the last build; nothing to do")
            _record(site, BuildState.FAILED if site.problem_kind else BuildState.SUCCEEDED,
                    _kept_problem(site))  # fmt: skip
            return {"skipped": True, "etag": etag}
        changed = etag != site.source_etag
        _record(site, BuildState.BUILDING, _kept_problem(site), source_etag=etag,
                **({"source_changed": timezone.now()} if changed else {}))  # fmt: skip
        storage, stamp = docs_storage(), int(time.time() * 1000)
        pages = VersionReader(site, stamp, out)
        with SitePublisher(storage, _triplet(site), out) as publisher:

            def written(name: str) -> None:  # uploaded and processed while mkdocs goes on
                publisher.add(name)
                pages.add(name)

            metadata = generate(tree, out, site_name=site.title or site.name, etag=etag,
                                options=config.generator_options(),
                                limits=config.build_limits(), build_timestamp=stamp,
                                on_file=written,
                                log=lambda level, message: log.log(_level(level), "%s", message))
            processed = pages.finish(metadata, metadata["files"],
                                     lambda name: (out / name).read_bytes())  # fmt: skip
            keys = publisher.finish()
        log.info("published %d files to %s", len(keys), site_prefix(_triplet(site)))
        version = store_version(site, processed, origin="greenroom")
    removed = remove_stale(storage, _triplet(site), keys)
    log.info("%d pages live; %d old files removed", version.pages.count(), removed)
    return {"files": len(keys), "removed": removed, "etag": etag,
            "build_timestamp": version.build_timestamp}  # fmt: skip


def _kept_problem(site: DocsSite) -> DocsProblem | None:
    if not site.problem_kind:
        return None
    return DocsProblem(ProblemKind(site.problem_kind), site.problem_message, key=site.problem_key)


def _level(level: str) -> int:
    return {"debug": logging.DEBUG, "warning": logging.WARNING,
            "error": logging.ERROR}.get(level, logging.INFO)  # fmt: skip


def import_site(site: DocsSite, log: Any, *, force: bool = False) -> dict[str, Any]:
    """Take in the version CI published to storage when it differs from the one shown."""
    storage, triplet = docs_storage(), _triplet(site)
    metadata = read_metadata(storage, triplet)
    if metadata is None:
        raise DocsProblem(ProblemKind.NO_MKDOCS_YML,
                          f"nothing is published at {site_prefix(triplet)}: with "
                          "techdocs.builder 'external' CI publishes the docs (techdocs-cli "
                          "generate, then publish --entity " + triplet.path + ")")  # fmt: skip
    stamp = int(metadata.get("build_timestamp") or 0)
    if not force and site.published and site.published.build_timestamp == stamp:
        log.info("the published version (%s) is already shown", stamp)
        _record(site, BuildState.SUCCEEDED)
        return {"skipped": True}
    _record(site, BuildState.BUILDING)
    files = metadata.get("files")
    names = ([str(name) for name in files] if isinstance(files, list) else
             [key[len(site_prefix(triplet)):] for key in list_keys(storage, site_prefix(triplet))])

    def read(name: str) -> bytes:
        with open_site_file(storage, site_prefix(triplet) + name) as handle:
            return handle.read()

    version = import_version(site, metadata, names, read, origin="external")
    log.info("took in version %s: %d pages", stamp, version.pages.count())
    return {"build_timestamp": stamp, "pages": version.pages.count()}


class _SiteJob(JobRunner):
    work = staticmethod(build_site)

    def run(self) -> dict[str, Any]:
        site = DocsSite.objects.select_related("published").filter(
            pk=self.job.params.get("site")).first()  # fmt: skip
        if site is None:
            raise JobFailed(f"no docs site {self.job.params.get('site')}")
        DocsSite.objects.filter(pk=site.pk).update(last_checked=timezone.now(), last_job=self.job)
        try:
            result = type(self).work(site, self.logger, force=bool(self.job.params.get("force")))
        except DocsProblem as problem:
            _record(site, BuildState.FAILED, problem)
            raise JobFailed(problem.message) from None
        except Exception:  # recorded for the page, then re-raised for the job's log
            _record(site, BuildState.FAILED, DocsProblem(
                ProblemKind.BUILD_FAILED, "the docs build stopped on an unexpected error; "
                "its log has the details"))  # fmt: skip
            raise
        if not result.get("skipped"):
            _record(site, BuildState.SUCCEEDED)
        return result


class BuildSiteJob(_SiteJob):
    name = "techdocs.build_site"
    description = "Build a docs site from its source and publish it."


class ImportSiteJob(_SiteJob):
    name = "techdocs.import_site"
    description = "Show the docs version CI published to storage."
    work = staticmethod(import_site)
