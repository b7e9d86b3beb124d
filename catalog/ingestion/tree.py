"""Read a registered location and everything it points to, and process each document.

Django-free: given a reader, it walks the location's files (following ``Location``
entities' ``target``/``targets``, detecting cycles), parses each file, and turns each
document into either a processed entity (placeholders resolved, validated, allowed by
the rules, annotated, relations derived) or a problem that names the file, the
document index, the field and the rule.

Greenroom is stricter about *where* errors land and more forgiving about their
*reach* than Backstage: one bad document does not stop the valid documents of its
file, and a file that cannot be read or parsed keeps the entities it produced last
time (they are neither updated nor orphaned), while its error is shown on the
location and on the Location entity that points at it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalog.ingestion.annotate import annotate
from catalog.ingestion.rules import CatalogRules
from catalog.ingestion.stitch import dumps
from catalog.model.errors import (
    CatalogError,
    EntityValidationError,
    PlaceholderError,
    ReadError,
    YamlError,
)
from catalog.model.placeholders import resolve_placeholders
from catalog.model.refs import entity_ref, generated_location_name
from catalog.model.relations import derive_relations
from catalog.model.validation import validate_entity
from catalog.model.yaml_docs import DEFAULT_LIMITS, YamlLimits, parse_documents
from catalog.readers.policy import redact_urls
from catalog.readers.targets import check_named_from, resolve_target

__all__ = ["DEFAULT_ENTITY_LIMITS", "Emitted", "EntityLimits", "PreviousRead", "Problem",
           "TreeResult", "generated_location", "read_tree"]  # fmt: skip

#: Reads ``(type, target)`` and returns the bytes; raises ReadError.
ReadBytes = Callable[[str, str], bytes]

MAX_FILES = 2000
_PLACEHOLDER_KEYS = re.compile(rb"\$(text|json|yaml)\b")
MAX_DEPTH = 32


@dataclass(frozen=True)
class EntityLimits:
    """Bounds on one processed entity (Backstage has none), so that one document
    cannot make every write, stitch and API answer that touches it expensive. An
    entity over them is a problem of its document."""

    #: Bytes of the entity as stored (compact JSON, placeholders resolved, with its
    #: relations): ``catalog.maxEntityBytes``.
    max_bytes: int = 4 * 1024 * 1024
    #: Relations the entity emits, both directions counted:
    #: ``catalog.maxRelationsPerEntity``.
    max_relations: int = 10_000

    def problem(self, size: int, relations: int) -> str:
        """Why an entity of ``size`` bytes with ``relations`` is refused, or ""."""
        if relations > self.max_relations:
            return (f"The entity has more than {self.max_relations:,} relations "
                    "(catalog.maxRelationsPerEntity)")  # fmt: skip
        if size > self.max_bytes:
            return (f"The entity is larger than {self.max_bytes:,} bytes "
                    "(catalog.maxEntityBytes)")  # fmt: skip
        return ""


DEFAULT_ENTITY_LIMITS = EntityLimits()


@dataclass
class Emitted:
    """A document that became a valid, processed entity."""

    ref: str
    entity: dict[str, Any]
    authored: dict[str, Any]
    relations: list[tuple[str, str, str]]
    location_key: str
    parent_ref: str
    content_hash: str = ""


@dataclass
class Problem:
    """Something wrong with one file or one document, shown on the location (and on
    its entity) to everyone who may read the catalog: credentials of URLs in the file
    key and the message are removed (a target may carry them; they are refused
    anyway)."""

    file: str
    message: str
    document: int | None = None
    entity: str = ""
    field: str = ""

    def __post_init__(self) -> None:
        self.file, self.message = redact_urls(self.file), redact_urls(self.message)

    def line(self) -> str:
        """``file:document:field: message``, the form ``catalog validate`` prints."""
        where = self.file
        if self.document is not None:
            where += f":{self.document}"
        if self.field:
            where += f":{self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "document": self.document, "entity": self.entity,
                "field": self.field, "message": self.message}  # fmt: skip


@dataclass
class TreeResult:
    """Everything one read of a location produced."""

    entities: list[Emitted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Files read and parsed in this pass (``type:target``).
    read_files: set[str] = field(default_factory=set)
    #: Files that could not be read or parsed: their previous entities are kept.
    failed_files: set[str] = field(default_factory=set)
    #: Processing errors per entity ref, for entities that exist from an earlier read.
    entity_errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    #: Set when the root target itself could not be read or parsed.
    root_error: str = ""
    #: Content hash of every file read in this pass, for the next one.
    file_hashes: dict[str, str] = field(default_factory=dict)
    #: Files whose bytes did not change since the last read: not processed again;
    #: their stored entities stand.
    skipped_files: set[str] = field(default_factory=set)


@dataclass
class PreviousRead:
    """What the last read of the location left behind, so that a file whose bytes did
    not change is not parsed and processed again (most refreshes change nothing)."""

    file_hashes: dict[str, str] = field(default_factory=dict)
    #: Refs each file produced last time.
    refs_by_file: dict[str, list[str]] = field(default_factory=dict)
    #: The Location entities each file produced, whose targets must still be followed.
    locations_by_file: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    #: Changes whenever the processing of unchanged bytes could change (rules, version).
    fingerprint: str = ""


def generated_location(
    location_type: str, target: str, presence: str, name: str = ""
) -> dict[str, Any]:
    """The Location entity Backstage generates for a registered location (named
    ``name``, else after its type and target)."""
    name = name or generated_location_name(location_type, target)
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {"name": name, "namespace": "default"},
        # Like Backstage, ``presence`` is written only when it is not the default.
        "spec": {"type": location_type, "target": target}
        | ({"presence": presence} if presence == "optional" else {}),
    }


class _Walker:
    def __init__(self, origin_type: str, origin_target: str, read: ReadBytes,
                 rules: CatalogRules, previous: PreviousRead, limits: YamlLimits,
                 entity_limits: EntityLimits) -> None:  # fmt: skip
        self.origin_type, self.origin_target = origin_type, origin_target
        self.origin_key = f"{origin_type}:{origin_target}"
        self.read, self.rules, self.previous = read, rules, previous
        self.limits, self.entity_limits = limits, entity_limits
        self.result = TreeResult()
        self.seen_refs: dict[str, str] = {}
        self.visited_files: set[str] = set()

    def fail(self, problem: Problem, error: CatalogError | None = None) -> None:
        self.result.problems.append(problem)
        if problem.entity and error is not None:
            self.result.entity_errors.setdefault(problem.entity, []).append(
                {"name": error.name, "message": problem.message}
            )

    def process(self, raw: Any, file_type: str, file_target: str, index: int | None,
                parent_ref: str) -> Emitted | None:  # fmt: skip
        key = f"{file_type}:{file_target}"
        if not isinstance(raw, dict):
            self.fail(Problem(key, f"Expected object at root, got {_type_name(raw)}", index))
            return None
        guess = _guess_ref(raw)
        try:
            resolved = resolve_placeholders(
                raw, base_type=file_type, base_target=file_target, read=self.read
            )
            entity = validate_entity(resolved)
            ref = entity_ref(entity)
            entity = annotate(_sorted_ref_arrays(entity), key, self.origin_key)
            relations = [tuple(r) for r in derive_relations(entity)]
        except (EntityValidationError, PlaceholderError) as exc:
            self.fail(Problem(key, str(exc), index, guess, exc.field), exc)
            return None
        first = self.seen_refs.get(ref)
        if first is not None:
            self.fail(Problem(key, f"Entity {ref} is also defined in {first}; the first "
                                   "definition is kept", index, ref, "metadata.name"))  # fmt: skip
            return None
        stored = dumps([entity, relations, key, parent_ref]).encode()
        too_big = self.entity_limits.problem(len(stored), len(relations))
        if too_big:
            self.fail(Problem(key, too_big, index, ref), EntityValidationError(too_big))
            return None
        self.seen_refs[ref] = key
        emitted = Emitted(ref, entity, raw, relations, key, parent_ref)
        emitted.content_hash = hashlib.sha256(stored).hexdigest()
        self.result.entities.append(emitted)
        return emitted

    def visit_targets(self, location: Emitted, file_type: str, file_target: str,
                      depth: int) -> None:  # fmt: skip
        """Read every target of ``location``, then process what they hold.

        As in Backstage, a Location whose targets hold an entity of a kind the rules do
        not allow fails as a whole: it keeps its last good state (a new one is not
        served) and none of its files is processed in this pass.
        """
        spec = location.entity.get("spec", {})
        targets = [t for t in [spec.get("target"), *(spec.get("targets") or [])] if t]
        target_type = spec.get("type") or file_type
        optional = spec.get("presence") == "optional"
        loaded = []
        for target in targets:
            try:
                # The root's target is the registered location itself; other targets are
                # relative to the file that lists them, unless they name another type.
                if not location.parent_ref or target_type != file_type:
                    resolved = (target_type, target)
                else:
                    resolved = resolve_target(file_type, file_target, target)
                if location.parent_ref:  # what a file names, not the registration
                    check_named_from(file_type, file_target, *resolved)
            except ReadError as exc:
                self.fail(Problem(location.location_key, str(exc), entity=location.ref,
                                  field="spec.target"), exc)  # fmt: skip
                continue
            documents = self.load_file(*resolved, parent=location, optional=optional,
                                       depth=depth)  # fmt: skip
            if documents is not None:
                loaded.append((*resolved, documents))
        refused = self._refused_kind(loaded)
        if refused:
            self._reject(location, loaded, refused)
            return
        for target_type, target, documents in loaded:
            self.result.read_files.add(f"{target_type}:{target}")
            for index, raw in documents:
                emitted = self.process(raw, target_type, target, index, location.ref)
                if emitted is not None and emitted.entity["kind"] == "Location":
                    self.visit_targets(emitted, target_type, target, depth + 1)

    def load_file(self, file_type: str, file_target: str, *, parent: Emitted, optional: bool,
                  depth: int) -> list[tuple[int, Any]] | None:  # fmt: skip
        """The documents of one target file; None when it is skipped (unchanged bytes,
        an optional file that does not exist) or failed (the failure is recorded)."""
        key = f"{file_type}:{file_target}"
        if key in self.visited_files:
            self.fail(Problem(parent.location_key, f"Location cycle: {key} is already being "
                              "read from this location", entity=parent.ref,
                              field="spec.target"), ReadError("cycle"))  # fmt: skip
            return None
        if depth > MAX_DEPTH or len(self.visited_files) >= MAX_FILES:
            self.fail(
                Problem(
                    key,
                    f"Too many nested locations (more than {MAX_FILES} files or "
                    f"{MAX_DEPTH} levels)",
                    entity=parent.ref,
                ),
                ReadError("limit"),
            )
            return None
        self.visited_files.add(key)
        try:
            data = self.read(file_type, file_target)
            if self._unchanged(key, data, parent, file_type, file_target, depth):
                return None
            return parse_documents(data, source=key, limits=self.limits)
        except ReadError as exc:
            if not (exc.not_found and optional):
                self._file_failed(key, parent, exc)
        except YamlError as exc:
            self._file_failed(key, parent, exc)
        return None

    def _refused_kind(self, loaded: list[tuple[str, str, list[tuple[int, Any]]]]) -> str:
        """Backstage's message for the first document the rules do not allow, or ""."""
        for file_type, file_target, documents in loaded:
            for _, raw in documents:
                if isinstance(raw, dict) and not self.rules.is_allowed(
                    raw, self.origin_type, self.origin_target
                ):
                    ref = _guess_ref(raw) or str(raw.get("kind"))
                    return (f"Entity {ref} at {file_type}:{file_target}, originated at "
                            f"{self.origin_key}, is not of an allowed kind for that "
                            "location")  # fmt: skip
        return ""

    def _reject(self, location: Emitted, loaded: list[tuple[str, str, Any]],
                message: str) -> None:  # fmt: skip
        """Fail ``location`` and keep what its files provided before."""
        for file_type, file_target, _ in loaded:
            self.result.failed_files.add(f"{file_type}:{file_target}")
        self.result.entities = [e for e in self.result.entities if e is not location]
        if not location.parent_ref:
            self.result.root_error = message
        self.fail(Problem(location.location_key, message, entity=location.ref, field="kind"),
                  EntityValidationError(message, field="kind"))  # fmt: skip

    def _unchanged(self, key: str, data: bytes, parent: Emitted, file_type: str,
                   file_target: str, depth: int) -> bool:  # fmt: skip
        """Skip a file whose bytes are as last time, still following its Locations.

        Files with placeholders are always processed: what they pull in may have
        changed although the file did not.
        """
        digest = hashlib.sha256(self.previous.fingerprint.encode() + data).hexdigest()
        self.result.file_hashes[key] = digest
        if self.previous.file_hashes.get(key) != digest or _PLACEHOLDER_KEYS.search(data):
            return False
        self.result.skipped_files.add(key)
        for ref in self.previous.refs_by_file.get(key, []):
            self.seen_refs.setdefault(ref, key)
        for ref, entity in self.previous.locations_by_file.get(key, []):
            location = Emitted(ref, entity, {}, [], key, parent.ref)
            self.visit_targets(location, file_type, file_target, depth + 1)
        return True

    def _file_failed(self, key: str, parent: Emitted, error: CatalogError) -> None:
        self.result.failed_files.add(key)
        # The problem names the file already; a YAML error's own text would repeat it.
        problem = Problem(key, error.located if isinstance(error, YamlError) else str(error),
                          entity=parent.ref)  # fmt: skip
        if not parent.parent_ref:
            self.result.root_error = problem.message
        self.fail(problem, error)


def read_tree(
    location_type: str,
    target: str,
    *,
    presence: str,
    read: ReadBytes,
    root_name: str = "",
    rules: CatalogRules,
    previous: PreviousRead | None = None,
    limits: YamlLimits = DEFAULT_LIMITS,
    entity_limits: EntityLimits = DEFAULT_ENTITY_LIMITS,
) -> TreeResult:
    """Read the registered location ``type:target`` and everything it leads to."""
    walker = _Walker(location_type, target, read, rules, previous or PreviousRead(), limits,
                     entity_limits)  # fmt: skip
    # The generated root is the registration itself, not a file's content: rules
    # govern what locations bring in, not the location.
    root = walker.process(generated_location(location_type, target, presence, root_name),
                          location_type, target, None, "")  # fmt: skip
    if root is None:
        return walker.result
    walker.visit_targets(root, location_type, target, depth=0)
    return walker.result


_REF_ARRAYS = ("providesApis", "consumesApis", "dependsOn", "dependencyOf", "memberOf",
               "children", "members")  # fmt: skip


def _sorted_ref_arrays(entity: dict[str, Any]) -> dict[str, Any]:
    """Sort the spec's arrays of refs, as Backstage stores them, so both serve the
    same entity and reordering a list in YAML is not a change."""
    spec = entity.get("spec")
    if isinstance(spec, dict):
        for name in _REF_ARRAYS:
            values = spec.get(name)
            if isinstance(values, list) and all(isinstance(v, str) for v in values):
                spec[name] = sorted(values)
    return entity


def _guess_ref(raw: dict[str, Any]) -> str:
    """Best-effort ref of an invalid document, to attach its errors to a stored entity."""
    try:
        return entity_ref(raw)
    except Exception:
        return ""


def _type_name(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
            type(None): "null"}.get(type(value), type(value).__name__)  # fmt: skip
