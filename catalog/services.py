"""The catalog's public functions: what commands, jobs, the API, pages, the scaffolder
and plugins call. Nothing outside the catalog reaches into ingestion internals.

Some are the catalog's own rules, re-exported so other apps apply them exactly as the
catalog does: entity refs (``parse_entity_ref``, ``stringify_entity_ref``), tags
(``is_valid_tag``), a user's ownership refs, and the type-ahead of form fields
(``suggest_entities``, ``suggest_tags``, ``refs_matching``), and Markdown turned into
sanitised HTML (``markdown_html``)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog import health
from catalog.config import CatalogSettings, catalog_settings
from catalog.definitions.markdown import markdown_html
from catalog.health import problem_line
from catalog.ingestion import served_version
from catalog.ingestion.analyze import Analysis, NotAUrl, analyze
from catalog.ingestion.refresh import LocationBusy, refresh_location
from catalog.ingestion.rules import BUILTIN_KINDS, CatalogRules, Rule
from catalog.ingestion.stitcher import stitch_refs
from catalog.ingestion.tree import Problem, TreeResult, read_tree
from catalog.ingestion.writer import ChangeSummary, chunks
from catalog.model.errors import CatalogError, InvalidEntityRef
from catalog.model.formats import is_valid_tag
from catalog.model.refs import parse_entity_ref, stringify_entity_ref
from catalog.models import Entity, Location, LocationSource, Relation
from catalog.people import ownership_refs
from catalog.readers import TreeKind, check_allowed, git_connection_settings, read
from catalog.readers import read_tree as read_location_tree
from catalog.search import remove_entities
from catalog.suggestions import refs_matching, suggest_entities, suggest_tags
from catalog.summaries import EntitySummary
from catalog.visibility import current_condition
from portal import audit

__all__ = [
    "LOCATION_TYPES",
    "Analysis",
    "EntitySummary",
    "InvalidEntityRef",
    "LocationBusy",
    "LocationError",
    "LocationRefused",
    "analyze_location",
    "ancestry",
    "check_registrable",
    "check_url_allowed",
    "checked_target",
    "delete_entities",
    "delete_entity",
    "entities_having",
    "entities_of_kind",
    "export_entities",
    "fetch_tree",
    "find_location",
    "get_entity",
    "git_remote_settings",
    "is_valid_tag",
    "markdown_html",
    "missing_refs",
    "ownership_refs",
    "parse_entity_ref",
    "preview_location",
    "problem_line",
    "processing_errors",
    "provided_by",
    "refresh",
    "refresh_due_locations",
    "refresh_entity",
    "refresh_now",
    "refs_matching",
    "register_location",
    "request_refresh",
    "schedule_location_refresh",
    "starred_refs",
    "stringify_entity_ref",
    "suggest_entities",
    "suggest_tags",
    "sync_config_locations",
    "unregister_location",
    "update_location",
    "validate_files",
]

LOCATION_TYPES = ("file", "url", "git", "github-org", "github-discovery")
logger = logging.getLogger(__name__)


class LocationError(CatalogError):
    """A location cannot be registered or found (bad type, duplicate, unknown)."""

    name = "InputError"


def _check_type(location_type: str) -> None:
    if location_type not in LOCATION_TYPES:
        raise LocationError(f"Unknown location type {location_type!r}; use one of "
                            f"{', '.join(LOCATION_TYPES)}")  # fmt: skip


class LocationRefused(LocationError):
    """Registering would store a location that brings nothing: it cannot be read, or
    no document in it can be imported. The message says why, problem by problem."""


#: Problems a refusal lists; the rest are counted.
_REFUSAL_LINES = 20


def checked_target(location_type: str, target: str, moving: Location | None = None) -> str:
    """``target`` as it is stored, after the checks every new or moved location passes:
    a known type, a target the reading policy allows (LocationRefused) and no other
    location with it (ConflictError). It is stored as given: a file path is not
    resolved, so where its links lead is never stored or shown."""
    _check_type(location_type)
    _check_permitted(location_type, target)
    others = Location.objects.filter(type=location_type, target=target)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    if others.exists():
        error = LocationError(f"Location {location_type}:{target} already exists")
        error.name = "ConflictError"
        raise error
    return target


def _check_permitted(location_type: str, target: str) -> None:
    """LocationRefused if the reading policy forbids ``type:target`` outright: such a
    location could never be read, so it is not stored (the API, the Register page and
    the CLI alike)."""
    try:
        check_allowed(location_type, target, catalog_settings().policy)
    except CatalogError as exc:
        raise LocationRefused(f"Cannot register this {location_type} location: {exc}") from None


def check_url_allowed(url: str) -> None:
    """Raise a CatalogError if the reading policy forbids ``url`` (scheme, credentials,
    allow-list; no network use): the one host rule for apps that reach out, such as
    the scaffolder pushing to a git remote."""
    check_allowed("url", url, catalog_settings().policy)


def git_remote_settings(url: str) -> list[str]:
    """The git ``-c`` settings an app that pushes to the http(s) remote ``url`` must
    use, once the reading policy allowed it: the host pinned to its checked public
    address, no redirects. Raises a CatalogError if the policy forbids ``url``."""
    return git_connection_settings(url, catalog_settings().policy)


def _settings_while_waiting() -> CatalogSettings:
    """The catalog settings for reads someone waits for (registering, analyzing,
    moving a location): together they must end within ``catalog.registrationTimeout``,
    so a slow or silent server never holds a request, and its web worker, for the
    readers' full timeouts over every file and placeholder. What is not read by then
    is a read error; a location stored with it is read again on its schedule, with
    the full timeouts."""
    config = catalog_settings()
    budget = config.registration_timeout
    policy = replace(config.policy, timeout=min(config.policy.timeout, budget),
                     deadline=time.monotonic() + budget)  # fmt: skip
    return replace(config, policy=policy)


def register_location(location_type: str, target: str, *, source: str = LocationSource.API,
                      presence: str = "required", refresh_now: bool = True,
                      vet: bool = False) -> tuple[Location, ChangeSummary | None]:  # fmt: skip
    """Register a root location and (by default) read it right away, within the
    registration timeout. With ``vet`` (the Register page and ``catalog register``) a
    location that check_registrable refuses is not stored."""
    target = checked_target(location_type, target)
    config = _settings_while_waiting()
    if vet:
        check_registrable(location_type, target, config)
    location = Location.objects.create(type=location_type, target=target, source=source,
                                       presence=presence)  # fmt: skip
    audit.record("catalog.location.register", location.ref, source=source)
    return location, (refresh(location, config) if refresh_now else None)


def check_registrable(location_type: str, target: str,
                      config: CatalogSettings | None = None) -> TreeResult:  # fmt: skip
    """Read ``type:target`` as registering would, storing nothing, and raise
    LocationRefused unless it reads and holds at least one entity that can be imported.
    Problems in some documents do not refuse the others: they are shown on the
    location, as after any refresh. One rule for the Register page and the CLI."""
    tree = preview_location(location_type, target, config)
    if tree.root_error:
        raise LocationRefused(f"Could not read {location_type}:{target}: {tree.root_error}")
    if any(emitted.parent_ref for emitted in tree.entities):
        return tree
    if not tree.problems:
        raise LocationRefused(f"Nothing in {location_type}:{target} can be imported: no "
                              "entities found")  # fmt: skip
    lines = [problem.line() for problem in tree.problems[:_REFUSAL_LINES]]
    more = len(tree.problems) - len(lines)
    if more:
        lines.append(f"... and {more} more")
    raise LocationRefused(f"Nothing in {location_type}:{target} can be imported:\n  "
                          + "\n  ".join(lines))  # fmt: skip


def update_location(location: Location, location_type: str, target: str) -> None:
    """Point a registered location at another target and read it (``PUT
    /locations/{id}``). Its id and Location entity stay; entities the new target no
    longer provides become orphans, as after any refresh. If a refresh of the old
    target is running, the new one is queued to run after it."""
    target = checked_target(location_type, target, moving=location)
    audit.record("catalog.location.move", f"{location_type}:{target}", previous=location.ref)
    location.type, location.target, location.file_hashes = location_type, target, {}
    location.save(update_fields=["type", "target", "file_hashes"])
    try:
        refresh(location, _settings_while_waiting())
    except LocationBusy:
        schedule_location_refresh(location)


def analyze_location(location_type: str, target: str, catalog_filename: str = "") -> Analysis:
    """What registering ``type:target`` would add, without storing anything: the
    entities of its catalog file, or a proposed Component for a repository without one.
    Raises LocationError for an unknown type or a ``url`` target that is no URL. Reads
    end within the registration timeout."""
    _check_type(location_type)
    config = _settings_while_waiting()
    try:
        return analyze(location_type, target, catalog_filename, policy=config.policy,
                       rules=config.rules, entity_limits=config.entity_limits)  # fmt: skip
    except NotAUrl as exc:
        raise LocationError(str(exc)) from None


def unregister_location(location: Location) -> list[str]:
    """Remove a location and every entity it provided; return the removed refs."""
    rows = list(location.entities.values_list("id", "ref"))
    audit.record("catalog.location.unregister", location.ref, entities=len(rows))
    _delete_entities(rows, location=location)
    return [ref for _, ref in rows]


def _delete_entities(rows: list[tuple[int, str]], location: Location | None = None,
                     files: Iterable[tuple[Any, str]] = ()) -> None:  # fmt: skip
    """Delete the entities of (id, ref) ``rows`` (and ``location``, in the same
    transaction), forget the content hashes of their ``files`` (location id,
    ``type:target``), mark the served catalog changed, and restitch the entities that
    pointed at them, once for the whole batch."""
    ids, refs = [pk for pk, _ in rows], {ref for _, ref in rows}
    peers: set[str] = set()
    for batch in chunks(ids):
        peers.update(Relation.objects.filter(originating_id__in=batch)
                     .values_list("source_ref", flat=True).distinct())  # fmt: skip
    with transaction.atomic():
        for batch in chunks(ids):
            Entity.objects.filter(pk__in=batch).delete()
        remove_entities(refs)
        if location is not None:
            location.delete()
        _forget_file_hashes(files)
        served_version.changed()
    stitch_refs(peers - refs)


def _forget_file_hashes(files: Iterable[tuple[Any, str]]) -> None:
    """Drop the content hashes of ``files`` (location id, ``type:target``) so that the
    next refresh reads them again rather than skipping them as unchanged: an entity
    deleted while its location still lists it comes back, as in Backstage."""
    keys: dict[Any, set[str]] = {}
    for location_id, key in files:
        keys.setdefault(location_id, set()).add(key)
    for location in Location.objects.filter(pk__in=keys).only("file_hashes"):
        location.file_hashes = {key: digest for key, digest in location.file_hashes.items()
                                if key not in keys[location.pk]}  # fmt: skip
        location.save(update_fields=["file_hashes"])


def refresh(location: Location, config: CatalogSettings | None = None) -> ChangeSummary:
    """Read one location now (raises LocationBusy while another refresh holds it)."""
    return refresh_location(location, config)


def refresh_now(location: Location) -> ChangeSummary:
    """Read one location now because someone asked (the command line, the admin, the
    API's ``onConflict=refresh``): recorded in the audit log, unlike scheduled reads."""
    audit.record("catalog.location.refresh", location.ref)
    return refresh(location)


def refresh_entity(ref: str) -> ChangeSummary:
    """Refresh the location that provides the entity ``ref`` now (audited)."""
    entity = Entity.objects.select_related("location").filter(ref=ref.lower()).first()
    if entity is None or entity.location is None:
        raise LocationError(f"No entity {ref} to refresh")
    audit.record("catalog.entity.refresh", entity.ref, location=entity.location.ref)
    return refresh(entity.location)


def sync_config_locations(config: CatalogSettings | None = None) -> tuple[list[str], list[str]]:
    """Make the registered config locations match ``catalog.locations``.

    Returns (added refs, removed refs). A location removed from the config is
    unregistered with its entities, as Backstage does for a vanished provider.
    """
    config = config or catalog_settings()
    wanted = {(loc["type"], _config_target(loc)): loc for loc in config.locations}
    current = {(loc.type, loc.target): loc
               for loc in Location.objects.filter(source=LocationSource.CONFIG)}  # fmt: skip
    added = []
    with audit.acting("app-config", "config"):
        for key, loc in wanted.items():
            if key not in current:
                Location.objects.create(type=key[0], target=key[1],
                                        source=LocationSource.CONFIG,
                                        presence=loc.get("presence", "required"))  # fmt: skip
                added.append(f"{key[0]}:{key[1]}")
                audit.record("catalog.location.register", added[-1], source="config")
        removed = []
        for key, location in current.items():
            if key not in wanted:
                unregister_location(location)
                removed.append(location.ref)
    return added, removed


def _config_target(location: dict[str, Any]) -> str:
    if location["type"] == "file":
        return str(Path(location["target"]).resolve())
    return location["target"]


def request_refresh(ref: str) -> Location:
    """Queue a refresh of the location providing ``ref`` (for ``POST /refresh``)."""
    entity = Entity.objects.select_related("location").filter(ref=ref.lower()).first()
    if entity is None or entity.location is None:
        raise LocationError(f"Failed to schedule {ref} for refresh")
    schedule_location_refresh(entity.location, entity_ref=entity.ref)
    return entity.location


def refresh_due_locations(config: CatalogSettings | None = None) -> dict[str, str]:
    """Refresh every location whose next refresh time has come; return ref -> outcome.
    Each location is refreshed on its own: one that fails (recorded on it by the
    refresh) never keeps the others from being read."""
    config = config or catalog_settings()
    due = Location.objects.filter(Q(next_refresh_at__isnull=True)
                                  | Q(next_refresh_at__lte=timezone.now()))  # fmt: skip
    outcomes = {}
    for location in due:
        try:
            summary = refresh(location, config)
        except LocationBusy:
            outcomes[location.ref] = "busy"
            continue
        except Exception:
            logger.exception("Refreshing %s failed", location.ref)
            outcomes[location.ref] = location.last_error
            continue
        outcomes[location.ref] = location.last_error or json.dumps(summary.as_dict())
    return outcomes


def missing_refs(refs: list[str] | set[str]) -> set[str]:
    """The refs among ``refs`` that name no entity: dangling relation targets, which
    pages and the API show as such instead of failing."""
    wanted = {ref.lower() for ref in refs}
    found: set[str] = set()
    for batch in chunks(sorted(wanted)):
        found.update(Entity.objects.filter(ref__in=batch).values_list("ref", flat=True))
    return wanted - found


def preview_location(location_type: str, target: str,
                     config: CatalogSettings | None = None) -> TreeResult:  # fmt: skip
    """Read a location without storing anything (``dryRun`` and the register page),
    within the registration timeout unless ``config`` says otherwise."""
    _check_type(location_type)
    config = config or _settings_while_waiting()
    return read_tree(
        location_type, target, presence="required", rules=config.rules,
        read=lambda kind, path: read(kind, path, config.policy).data,
        entity_limits=config.entity_limits,
    )  # fmt: skip


def delete_entity(uid: str) -> bool:
    """Delete one entity by uid (its location brings it back on the next refresh if it
    still lists it)."""
    return bool(delete_entities([uid]))


def ancestry(ref: str) -> list[tuple[dict[str, Any], list[str]]]:
    """The entity and its parents up to the registered root: ``[(entity, [parent])]``."""
    chain: list[tuple[dict[str, Any], list[str]]] = []
    seen: set[str] = set()
    current = ref.lower()
    while current and current not in seen:
        seen.add(current)
        row = Entity.objects.filter(ref=current).values_list("final_json", "parent_ref").first()
        if row is None:
            break
        chain.append((json.loads(row[0]), [row[1]] if row[1] else []))
        current = row[1]
    return chain


def get_entity(ref: str) -> dict[str, Any] | None:
    """The served entity for ``ref`` (any casing), or None."""
    row = Entity.objects.filter(ref=ref.lower()).values_list("final_json", flat=True).first()
    return json.loads(row) if row else None


def export_entities() -> Iterator[str]:
    """Every served entity as a JSON string, ordered by ref (for backups and diffs)."""
    queryset = Entity.objects.order_by("ref").values_list("final_json", flat=True)
    yield from queryset.iterator(chunk_size=2000)


def processing_errors() -> Iterator[str]:
    """One line per thing that needs attention, each error once though it may be
    stored in several places (catalog.health): what ``catalog errors`` prints and
    what the home page and the Locations pages count."""
    return health.processing_errors()


def validate_files(paths: list[Path]) -> tuple[int, list[Problem]]:
    """Check catalog files without storing anything (for CI); returns (entity count,
    problems). Location entities' targets are followed; every kind is allowed. A
    missing file is a problem of its own: the other files are still checked."""
    config = catalog_settings()
    rules = CatalogRules([Rule(tuple((k.lower(), None) for k in BUILTIN_KINDS))])
    count, problems = 0, []
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_file():
            problems.append(Problem(f"file:{resolved}", "no such file"))
            continue
        policy = replace(config.policy, file_roots=(*config.policy.file_roots, resolved.parent))
        tree: TreeResult = read_tree(
            "file", str(resolved), presence="required", rules=rules,
            read=lambda kind, target, policy=policy: read(kind, target, policy).data,
            entity_limits=config.entity_limits,
        )  # fmt: skip
        count += sum(1 for e in tree.entities if e.parent_ref)  # not the generated root
        problems += tree.problems
    return count, problems


def find_location(location_type: str, target: str) -> Location | None:
    """The registered location ``type:target``, or None: lets a page say "already
    registered" before anyone presses Import."""
    if "\0" in target:  # no location has one (and PostgreSQL cannot compare it)
        return None
    return Location.objects.filter(type=location_type, target=target).first()


def provided_by(refs: list[str] | set[str]) -> dict[str, str]:
    """For the refs among ``refs`` that are already in the catalog, the file that
    provides each (``type:target``). The first location to provide a ref keeps it, so
    a preview shows which of its entities would be refused as conflicts."""
    found: dict[str, str] = {}
    for batch in chunks(sorted({ref.lower() for ref in refs})):
        found.update(Entity.objects.filter(ref__in=batch).values_list("ref", "location_key"))
    return found


def schedule_location_refresh(location: Location, user: Any = None,
                              entity_ref: str = "") -> Any:  # fmt: skip
    """Queue a refresh of ``location`` as a job (the locations page and the admin; for
    ``entity_ref``, the API's ``POST /refresh``): the request returns at once and the
    job's log records what the refresh did. A refresh already waiting for a worker is
    not queued twice. Returns the ``portal.models.Job``."""
    from portal.jobs import enqueue_once

    if entity_ref:
        audit.record("catalog.entity.refresh", entity_ref, location=location.ref)
    else:
        audit.record("catalog.location.refresh", location.ref)
    return enqueue_once("catalog.refresh_location", params={"location_id": str(location.pk)},
                        user=user)  # fmt: skip


def delete_entities(uids: list[str]) -> list[str]:
    """Delete many entities by uid and restitch the entities that pointed at them once,
    not once per entity (the admin's bulk actions); return the removed refs. As with
    delete_entity, a location that still lists one brings it back on its next refresh."""
    rows: list[tuple[int, str, Any, str]] = []
    for batch in chunks(uids):
        rows += Entity.objects.filter(uid__in=batch).values_list("id", "ref", "location_id",
                                                                 "location_key")  # fmt: skip
    if rows:
        audit.record_each("catalog.entity.unregister", sorted(ref for _, ref, _, _ in rows))
        _delete_entities([(pk, ref) for pk, ref, _, _ in rows],
                         files={(location, key) for _, _, location, key in rows if location})
    return sorted(ref for _, ref, _, _ in rows)


def fetch_tree(location_type: str, target: str, destination: Path) -> TreeKind:
    """Write the directory or single file ``<location_type>:<target>`` names into the
    new or empty directory ``destination``, under the configured reading policy, so a
    template's skeleton is read by the same rules as any catalog file. Returns
    ``"directory"`` or ``"file"``; raises ReadError."""
    return read_location_tree(location_type, target, catalog_settings().policy, destination)


def entities_of_kind(kind: str) -> list[dict[str, Any]]:
    """Every served entity of ``kind`` (any casing), ordered by ref, read in one query.

    For pages that show all of a kind that stays small, such as the scaffolder's
    template gallery, and filter it themselves: one round trip whatever the filters.
    Not for the large kinds (components, users): those pages page in the database.
    """
    rows = (Entity.objects.served().filter(kind=kind.lower()).order_by("ref")
            .values_list("final_json", flat=True))  # fmt: skip
    return [json.loads(row) for row in rows]


def visible_refs(condition: Q | None = None) -> Any:
    """The refs of the served entities the current request may see that match
    ``condition`` too, as a subquery for another app's list (the docs sites one may
    read); None when that is every entity, so the usual list needs no subquery."""
    if condition is None and current_condition() is None:
        return None
    rows = Entity.objects.served()
    return (rows if condition is None else rows.filter(condition)).values("ref")


def entities_having(key: str) -> list[dict[str, Any]]:
    """Every served entity that has the flattened field ``key`` (any value), e.g.
    ``metadata.annotations.backstage.io/techdocs-ref``, ordered by ref, in one query
    through the field index: how TechDocs finds the entities that have docs."""
    rows = (Entity.objects.served().filter(fields__key=key.lower()).distinct().order_by("ref")
            .values_list("final_json", flat=True))  # fmt: skip
    return [json.loads(row) for row in rows]


def starred_refs(user: Any) -> list[str]:
    """The refs ``user`` starred (canonical, lower case), most recent first, in one
    query; empty for an anonymous user."""
    if not getattr(user, "is_authenticated", False):
        return []
    from catalog.stars import starred_refs as stars_of

    return stars_of(user)
