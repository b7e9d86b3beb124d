"""An entity's relations N hops out, as data: nodes, merged edges, what was left out.

Each entity stores both directions of its relations, so the rows whose ``source_ref``
is in the frontier name every neighbour: one query per hop (the whole frontier at
once, per thousand refs) and one to learn which of the found refs are entities. The
two directions of a pair (``ownedBy`` / ``ownerOf``) are merged into one edge that
always points the same way, so a graph never shows the same link twice with two
labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import FilteredRelation, Q

from catalog.ingestion.writer import chunks
from catalog.model import relations as rel
from catalog.models import Entity, Relation
from catalog.summaries import entity_path

__all__ = [
    "DEFAULT_HOPS",
    "DEFAULT_RELATIONS",
    "HOP_CHOICES",
    "MAX_HOPS",
    "PAIRS",
    "Edge",
    "Graph",
    "Node",
    "neighbourhood",
    "parse_options",
]

#: (type the edge is drawn as, its inverse, edge label, checkbox label): the edge points
#: from the entity that declares the link to what it belongs to or uses.
PAIRS: tuple[tuple[str, str, str, str], ...] = (
    (rel.RELATION_OWNED_BY, rel.RELATION_OWNER_OF, "owned by", "Owned by / owner of"),
    (rel.RELATION_PART_OF, rel.RELATION_HAS_PART, "part of", "Part of / has part"),
    (rel.RELATION_DEPENDS_ON, rel.RELATION_DEPENDENCY_OF, "depends on",
     "Depends on / dependency of"),
    (rel.RELATION_PROVIDES_API, rel.RELATION_API_PROVIDED_BY, "provides API",
     "Provides API / provided by"),
    (rel.RELATION_CONSUMES_API, rel.RELATION_API_CONSUMED_BY, "consumes API",
     "Consumes API / consumed by"),
    (rel.RELATION_MEMBER_OF, rel.RELATION_HAS_MEMBER, "member of", "Member of / has member"),
    (rel.RELATION_CHILD_OF, rel.RELATION_PARENT_OF, "child of", "Child of / parent of"),
)  # fmt: skip
DEFAULT_RELATIONS = frozenset(pair[0] for pair in PAIRS)
_FORWARD = {pair[0]: pair[0] for pair in PAIRS} | {pair[1]: pair[0] for pair in PAIRS}
_INVERSE = {pair[0]: pair[1] for pair in PAIRS}
_LABELS = {pair[0]: pair[2] for pair in PAIRS}
#: Relation names as people type them in a URL, any casing -> the drawn type.
_BY_LOWER = {name.lower(): forward for name, forward in _FORWARD.items()}

DEFAULT_HOPS = 1
MAX_HOPS = 4
DEFAULT_MAX_NODES = 120
#: Refs per ``IN (...)`` list; SQLite and PostgreSQL both take this many comfortably.
BATCH = 1000
#: Kinds with their own colour; others (and dangling refs of odd kinds) share one.
KNOWN_KINDS = frozenset(
    {"component", "api", "system", "domain", "resource", "group", "user", "location",
     "template"}
)  # fmt: skip


def _split(ref: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a canonical ref. Split at the first ``:`` and ``/``:
    a dangling target's name may itself hold them (``resource:default/a:b``)."""
    kind, _, rest = ref.partition(":")
    namespace, _, name = rest.partition("/")
    return kind, namespace, name


@dataclass(frozen=True)
class Node:
    """One entity in the graph; ``exists`` is False for a dangling ref."""

    ref: str
    distance: int
    exists: bool = True
    title: str = ""

    @property
    def kind(self) -> str:
        return _split(self.ref)[0]

    @property
    def name(self) -> str:
        """The name as people read it: the namespace only when it is not ``default``."""
        _, namespace, name = _split(self.ref)
        return name if namespace == "default" else f"{namespace}/{name}"

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def kind_label(self) -> str:
        return "API" if self.kind == "api" else self.kind.capitalize()

    @property
    def kind_class(self) -> str:
        """A CSS class from a fixed set: kinds come from untrusted files."""
        return f"kind-{self.kind}" if self.kind in KNOWN_KINDS else "kind-other"

    @property
    def path(self) -> str:
        return entity_path(self.ref)


@dataclass(frozen=True)
class Edge:
    """A merged relation pair, drawn from ``source`` to ``target`` as ``type``."""

    source: str
    type: str
    target: str

    @property
    def label(self) -> str:
        return _LABELS[self.type]


@dataclass
class Graph:
    """What :func:`neighbourhood` found: nodes in discovery order (root first)."""

    root: str
    nodes: dict[str, Node]
    edges: list[Edge]
    #: Refs that were reached but left out because the graph had ``max_nodes`` nodes.
    omitted: int = 0


def _both_directions(forward_types: Iterable[str]) -> set[str]:
    """Both directions of each chosen pair (either direction may name the pair)."""
    chosen = {_FORWARD[name] for name in forward_types if name in _FORWARD}
    return chosen | {_INVERSE[name] for name in chosen}


def _merge(source: str, type_: str, target: str) -> Edge:
    forward = _FORWARD[type_]
    if forward == type_:
        return Edge(source, forward, target)
    return Edge(target, forward, source)


def _relation_rows(frontier: list[str], types: set[str]) -> list[tuple[str, str, str]]:
    """The relation rows leaving ``frontier``: one query per ``BATCH`` refs."""
    rows: set[tuple[str, str, str]] = set()
    for batch in chunks(frontier, BATCH):
        query = Relation.objects.filter(source_ref__in=batch, type__in=sorted(types))
        rows.update(query.values_list("source_ref", "type", "target_ref"))
    return sorted(rows)


def _served(refs: list[str]) -> dict[str, str]:
    """Which of ``refs`` are served entities, with their titles ("" when untitled):
    one query per ``BATCH`` refs. A ref missing here is drawn dashed, without a link."""
    found: dict[str, str] = {}
    for batch in chunks(sorted(refs), BATCH):
        query = (
            Entity.objects.served()
            .filter(ref__in=batch)
            .annotate(title=FilteredRelation("fields", condition=Q(fields__key="metadata.title")))
            .values_list("ref", "title__original_value")
        )
        found.update((ref, title or "") for ref, title in query)
    return found


def neighbourhood(
    root_ref: str, hops: int, relation_types: set[str], max_nodes: int = DEFAULT_MAX_NODES
) -> Graph:
    """The entities within ``hops`` relations of ``root_ref`` over the given relation
    types (either direction of a pair selects the pair; other types are ignored).

    Breadth first, so a node's distance is its fewest hops from the root and cycles end
    where they meet known nodes. At ``max_nodes`` no more nodes are added; ``omitted``
    counts the distinct refs that were reached but left out. Self-relations are dropped.
    """
    root = root_ref.lower()
    types = _both_directions(relation_types)
    distance = {root: 0}
    omitted: set[str] = set()
    edges: set[Edge] = set()
    frontier = [root]
    for hop in range(1, hops + 1):
        if not frontier or not types:
            break
        next_frontier: list[str] = []
        for source, type_, target in _relation_rows(frontier, types):
            if source == target:
                continue
            if target not in distance:
                if len(distance) >= max_nodes:
                    omitted.add(target)
                    continue
                distance[target] = hop
                next_frontier.append(target)
            edges.add(_merge(source, type_, target))
        frontier = next_frontier
    served = _served(list(distance))
    nodes = {
        ref: Node(ref, hops_away, exists=ref in served, title=served.get(ref, ""))
        for ref, hops_away in distance.items()
    }
    ordered = sorted(edges, key=lambda e: (e.source, e.type, e.target))
    return Graph(root=root, nodes=nodes, edges=ordered, omitted=len(omitted))


HOP_CHOICES = tuple(range(1, MAX_HOPS + 1))


def parse_options(params: Mapping[str, Any]) -> tuple[int, set[str]]:
    """(hops, drawn relation types) from a query string: ``?hops=2&relation=ownedBy``.
    Anything unusable falls back to the default (1 hop, every pair), never an error."""
    try:
        hops = int(str(params.get("hops", DEFAULT_HOPS)).strip())
    except ValueError:
        hops = DEFAULT_HOPS
    if hops not in HOP_CHOICES:
        hops = DEFAULT_HOPS
    getlist = getattr(params, "getlist", None)
    names = getlist("relation") if getlist else [params.get("relation", "")]
    chosen = {_BY_LOWER[name.strip().lower()] for name in names
              if isinstance(name, str) and name.strip().lower() in _BY_LOWER}  # fmt: skip
    return hops, chosen or set(DEFAULT_RELATIONS)
