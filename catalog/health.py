"""What in the catalog needs attention, defined once for every place that shows it:
``manage.py catalog errors``, the home page's health card, the Locations pages and the
catalog's processing-status filter, so their counts agree.

One failure can be stored in up to three places. A refresh that cannot read a
location's root file keeps the message as the location's ``last_error``, as one of its
``problems`` (with the file) and as an error of the Location entity that lists the
file, which keeps its last good state. A document that became invalid is a problem of
its location and an error of the entity it used to be. Each is listed once: as the
problem, which says where, naming the entity that reports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from catalog.ingestion.tree import Problem
from catalog.models import Entity, Location

__all__ = [
    "LOCATIONS_WITH_ERRORS",
    "ORPHANS",
    "WITH_ERRORS",
    "Health",
    "LocationErrors",
    "catalog_health",
    "location_errors",
    "problem_line",
    "processing_errors",
]

#: Entities whose last processing failed (the partial index of migration 0008).
WITH_ERRORS = ~Q(errors=[])
#: Entities their location no longer provides (the partial index of migration 0010).
ORPHANS = Q(orphan=True)
#: Locations whose last refresh could not read them or found bad documents.
LOCATIONS_WITH_ERRORS = ~Q(last_error="") | ~Q(problems=[])


def _problem(stored: Any) -> Problem | None:
    """A stored problem row, or None for a row not in the stored shape."""
    try:
        return Problem(**stored)
    except TypeError:
        return None


def problem_line(stored: Any) -> str:
    """A problem stored on a location as ``file:document:field: message`` (what
    ``catalog errors`` prints); a row not in the stored shape is shown as it is
    rather than breaking the page that lists it."""
    problem = _problem(stored)
    return problem.line() if problem else str(stored)


@dataclass
class LocationErrors:
    """A location's errors, each once: the read error of its last refresh and its
    other problems (``problems`` as stored, without the one that repeats the read
    error)."""

    read_error: str
    #: The stored problem that says the read error, with its file (None if none does).
    read_problem: Any
    problems: list[Any]


def location_errors(location: Location) -> LocationErrors:
    """The errors of ``location``: a failed read of its root file is stored both as
    ``last_error`` and as a problem of that file; it is kept once."""
    problems = list(location.problems)
    read_problem = None
    if location.last_error:
        for index, stored in enumerate(problems):
            if getattr(_problem(stored), "message", None) == location.last_error:
                read_problem = problems.pop(index)
                break
    return LocationErrors(location.last_error, read_problem, problems)


def _kept_errors() -> dict[tuple[str, str], str]:
    """(ref, message) -> error name of every error kept on a served entity."""
    rows = Entity.objects.served().filter(WITH_ERRORS).values_list("ref", "errors")
    return {(ref, error.get("message", "")): error.get("name", "Error")
            for ref, errors in rows.iterator() for error in errors}  # fmt: skip


def _problem_line(stored: Any, kept: dict[tuple[str, str], str],
                  listed: set[tuple[str, str]]) -> str:  # fmt: skip
    """A stored problem's line, naming the entity that keeps the same error (recorded
    in ``listed``, so that the error is not listed again); "" once listed."""
    problem = _problem(stored)
    key = (problem.entity, problem.message) if problem else None
    if key in listed:
        return ""
    if problem and key in kept:
        listed.add(key)
        return f"{problem.line()} (reported on {problem.entity})"
    return problem_line(stored)


def _location_lines(location: Location, kept: dict[tuple[str, str], str],
                    listed: set[tuple[str, str]]) -> Iterator[str]:  # fmt: skip
    """The location's errors (location_errors), one line each."""
    errors = location_errors(location)
    lines = [_problem_line(p, kept, listed) for p in errors.problems]
    if errors.read_problem is not None:
        lines.insert(0, _problem_line(errors.read_problem, kept, listed))
    elif errors.read_error:
        lines.insert(0, f"{location.ref}: {errors.read_error}")
    yield from filter(None, lines)


def _entity_lines(kept: dict[tuple[str, str], str], listed: set[tuple[str, str]]
                  ) -> Iterator[str]:  # fmt: skip
    """Errors kept on entities that no location problem mentions (e.g. on an entity
    its location no longer provides)."""
    for (ref, message), name in sorted(kept.items()):
        if (ref, message) not in listed:
            yield f"{ref}: {name}: {message}"


def _orphan_lines() -> Iterator[str]:
    """Orphans need someone to decide (remove them, or bring them back), so they are
    listed with the location that used to provide them."""
    orphans = Entity.objects.served().filter(ORPHANS).order_by("ref")
    for ref, location_type, target in orphans.values_list(
        "ref", "location__type", "location__target"
    ).iterator():  # fmt: skip
        source = f"{location_type}:{target}" if location_type else "its location"
        yield f"{ref}: orphan: no longer provided by {source}"


def processing_errors() -> Iterator[str]:
    """One line per thing that needs attention, each once: location read errors and
    document problems (location by location), errors kept on entities that no
    problem mentions, then orphans."""
    kept, listed = _kept_errors(), set()
    locations = Location.objects.filter(LOCATIONS_WITH_ERRORS).order_by("created", "id")
    for location in locations.only("type", "target", "last_error", "problems").iterator():
        yield from _location_lines(location, kept, listed)
    yield from _entity_lines(kept, listed)
    yield from _orphan_lines()


@dataclass(frozen=True)
class Health:
    """How many entities and locations need attention (what processing_errors lists)."""

    entity_errors: int
    location_errors: int
    orphans: int


def catalog_health() -> Health:
    """The counts of the home page's health card, from three small indexed counts."""
    served = Entity.objects.served()
    return Health(
        entity_errors=served.filter(WITH_ERRORS).count(),
        location_errors=Location.objects.filter(LOCATIONS_WITH_ERRORS).count(),
        orphans=served.filter(ORPHANS).count(),
    )
