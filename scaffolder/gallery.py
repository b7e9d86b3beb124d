"""The template gallery (``/create/``): Template entities as cards, filtered and paged.

Templates are a small kind (tens, a few hundred), so the page reads all of them in one
query (``catalog.services.entities_of_kind``) and the user's stars in another, then
filters, counts and pages them here, in Python: the cost is the same whatever the
filters, and the filters' counts come for free. Django-free apart from the ``reverse``
the caller passes in, so it is tested as plain functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

__all__ = [
    "FACETS",
    "PAGE_SIZE",
    "Gallery",
    "GalleryQuery",
    "TemplateCard",
    "build_gallery",
    "card_of",
    "owner_label",
    "ref_parts",
]

#: URL parameter -> label of the filters beside the cards, in the order shown.
FACETS = {"type": "Category", "owner": "Owner", "tag": "Tags"}
#: Cards per page (divides evenly into rows of 2, 3 and 4).
PAGE_SIZE = 24
#: Options a filter lists (the most common first); chosen values are always listed.
MAX_OPTIONS = 40
MAX_TEXT = 200
MAX_WORDS = 10
TECHDOCS_REF = "backstage.io/techdocs-ref"


def ref_parts(ref: str, default_kind: str = "") -> tuple[str, str, str]:
    """(kind, namespace, name) of ``[kind:][namespace/]name``, lower-cased kind and
    namespace; missing parts are ``default_kind`` and ``default``."""
    kind, sep, rest = ref.partition(":")
    if not sep or "/" in kind:
        kind, rest = default_kind, ref
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = "default", rest
    return kind.lower(), (namespace or "default").lower(), name


def entity_path(kind: str, namespace: str, name: str) -> str:
    """The catalog page of an entity: ``/catalog/<namespace>/<kind>/<name>``."""
    return "/catalog/" + "/".join(quote(part, safe="") for part in (namespace, kind, name))


def owner_label(ref: str) -> str:
    """An owner as people read it: a group by its name (``team-a``), anything else
    with its kind (``user:guest``), the namespace only when it is not ``default``."""
    kind, namespace, name = ref_parts(ref, "group")
    text = name if namespace == "default" else f"{namespace}/{name}"
    return text if kind == "group" else f"{kind}:{text}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Owner:
    """An owner of a template, with the page it links to."""

    ref: str
    label: str
    path: str


@dataclass(frozen=True)
class TemplateCard:
    """What a gallery card shows of one Template entity."""

    ref: str
    namespace: str
    name: str
    title: str = ""
    description: str = ""
    type: str = ""
    tags: tuple[str, ...] = ()
    owners: tuple[Owner, ...] = ()
    path: str = ""
    docs_path: str = ""
    launch_path: str = ""
    starred: bool = False

    @property
    def label(self) -> str:
        return self.title or self.name

    def matches(self, words: list[str]) -> bool:
        """Whether every word of a text filter is in the name, title, description,
        type or a tag (any order, any case)."""
        haystack = " ".join([self.name, self.title, self.description, self.type,
                             *self.tags]).lower()  # fmt: skip
        return all(word in haystack for word in words)


def _owners(entity: Mapping[str, Any], spec: Mapping[str, Any],
            namespace: str) -> tuple[Owner, ...]:  # fmt: skip
    """The ``ownedBy`` relations (canonical refs), else ``spec.owner`` resolved as the
    catalog resolves it (a group in the template's namespace by default)."""
    refs = [r.get("targetRef") for r in entity.get("relations") or []
            if isinstance(r, Mapping) and r.get("type") == "ownedBy"]  # fmt: skip
    refs = [ref for ref in refs if isinstance(ref, str) and ref]
    if not refs and _text(spec.get("owner")):
        kind, ns, name = ref_parts(spec["owner"], "group")
        if "/" not in spec["owner"]:
            ns = namespace
        refs = [f"{kind}:{ns}/{name}"]
    owners = []
    for ref in dict.fromkeys(r.lower() for r in refs):
        kind, ns, name = ref_parts(ref, "group")
        owners.append(Owner(ref=ref, label=owner_label(ref), path=entity_path(kind, ns, name)))
    return tuple(owners)


def card_of(entity: Mapping[str, Any], starred: set[str] | frozenset[str] = frozenset(),
            launch: Callable[[str, str], str] | None = None) -> TemplateCard:  # fmt: skip
    """The card of a served Template entity; ``launch(namespace, name)`` gives its
    form's URL when the form page exists."""
    metadata, spec = _mapping(entity.get("metadata")), _mapping(entity.get("spec"))
    namespace = (_text(metadata.get("namespace")) or "default").lower()
    name = _text(metadata.get("name"))
    kind = (_text(entity.get("kind")) or "template").lower()
    ref = f"{kind}:{namespace}/{name}".lower()
    annotations = _mapping(metadata.get("annotations"))
    docs = ("/docs/" + "/".join(quote(p, safe="") for p in (namespace, kind, name)) + "/"
            if _text(annotations.get(TECHDOCS_REF)) else "")  # fmt: skip
    return TemplateCard(
        ref=ref,
        namespace=namespace,
        name=name,
        title=_text(metadata.get("title")),
        description=_text(metadata.get("description")),
        type=_text(spec.get("type")),
        tags=tuple(dict.fromkeys(t for t in metadata.get("tags") or [] if isinstance(t, str))),
        owners=_owners(entity, spec, namespace),
        path=entity_path(kind, namespace, name),
        docs_path=docs,
        launch_path=launch(namespace, name) if launch else "",
        starred=ref in starred,
    )


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else ([params[name]] if name in params else [])
    values = (v.strip()[:200] for v in raw if isinstance(v, str) and v.strip())
    return list(dict.fromkeys(values))[:20]


def _page_number(value: Any) -> int:
    try:
        return min(max(int(value), 1), 100_000)
    except (TypeError, ValueError):
        return 1


@dataclass
class GalleryQuery:
    """What the visitor asked for, read from the URL; bad values fall back to defaults
    (these URLs are typed and shared by people)."""

    chosen: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    starred: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> GalleryQuery:
        chosen = {name: _values(params, name) for name in FACETS}
        text = params.get("q") or ""
        return cls(
            chosen={name: values for name, values in chosen.items() if values},
            text=text.strip()[:MAX_TEXT] if isinstance(text, str) else "",
            starred=params.get("show") == "starred",
            page=_page_number(params.get("page")),
        )

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(self.text.lower().split()))[:MAX_WORDS]

    @property
    def filtered(self) -> bool:
        return bool(self.chosen or self.words or self.starred)

    def is_chosen(self, name: str, value: str) -> bool:
        return value.lower() in {v.lower() for v in self.chosen.get(name, [])}

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query as URL parameters, with ``changes`` (a page number) applied."""
        items: list[tuple[str, str]] = []
        if self.starred:
            items.append(("show", "starred"))
        items += [(name, value) for name in FACETS for value in self.chosen.get(name, [])]
        if self.text:
            items.append(("q", self.text))
        page = changes.get("page", 1)
        if page > 1:
            items.append(("page", str(page)))
        return items

    def url(self, **changes: Any) -> str:
        """This query's URL (relative: ``?…``), with ``changes`` applied."""
        return "?" + urlencode(self.params(**changes))


def _facet_values(card: TemplateCard, name: str) -> Iterable[tuple[str, str]]:
    """(value, label) of ``card`` for the filter ``name``."""
    if name == "type":
        return [(card.type, card.type)] if card.type else []
    if name == "tag":
        return [(tag, tag) for tag in card.tags]
    return [(owner.ref, owner.label) for owner in card.owners]


def _chosen_match(card: TemplateCard, query: GalleryQuery) -> bool:
    for name, values in query.chosen.items():
        wanted = {v.lower() for v in values}
        if not any(value.lower() in wanted for value, _ in _facet_values(card, name)):
            return False
    return True


@dataclass
class Gallery:
    """One page of cards, the number matching, and each filter's options."""

    cards: list[TemplateCard]
    total: int
    available: int
    starred_count: int
    page: int
    pages: int
    options: dict[str, dict[str, Any]]

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.cards else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.cards)


def _options(cards: list[TemplateCard], query: GalleryQuery) -> dict[str, dict[str, Any]]:
    """Each filter's values with their counts among all templates (not narrowed by the
    other filters, so choosing one never hides the others' options), the most common
    first, the chosen ones marked and always listed (with 0 if no template has them)."""
    options = {}
    for name in FACETS:
        counts: Counter[str] = Counter()
        labels: dict[str, str] = {}
        for card in cards:
            for value, label in dict(_facet_values(card, name)).items():
                key = value.lower()
                counts[key] += 1
                labels.setdefault(key, label)
        for value in query.chosen.get(name, []):
            labels.setdefault(value.lower(), owner_label(value) if name == "owner" else value)
            counts.setdefault(value.lower(), 0)
        ordered = sorted(counts, key=lambda key: (-counts[key], labels[key].lower()))
        values = [{"value": key, "label": labels[key], "count": counts[key],
                   "selected": query.is_chosen(name, key)} for key in ordered]  # fmt: skip
        shown = [v for i, v in enumerate(values) if i < MAX_OPTIONS or v["selected"]]
        options[name] = {"values": shown, "hidden": len(values) - len(shown)}
    return options


def build_gallery(entities: Iterable[Mapping[str, Any]], starred: set[str],
                  query: GalleryQuery, launch: Callable[[str, str], str] | None = None
                  ) -> Gallery:  # fmt: skip
    """The page of cards ``query`` asks for among the Template ``entities`` (sorted by
    title or name), with ``starred`` the refs the visitor starred."""
    cards = sorted((card_of(e, starred, launch) for e in entities),
                   key=lambda c: (c.label.lower(), c.ref))  # fmt: skip
    words = query.words
    matching = [card for card in cards
                if (not query.starred or card.starred) and _chosen_match(card, query)
                and (not words or card.matches(words))]  # fmt: skip
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    return Gallery(
        cards=matching[start : start + PAGE_SIZE],
        total=len(matching),
        available=len(cards),
        starred_count=sum(1 for card in cards if card.starred),
        page=page,
        pages=pages,
        options=_options(cards, query),
    )
