"""The plugin registry: the one module of ``portal`` that plugins import.

Core apps and plugins contribute to the portal through the same functions, called
from their ``AppConfig.ready()``:

- :func:`register_nav_item` adds a sidebar entry (:class:`NavItem`): a label, a URL
  name, an icon and a ``weight`` that orders the sidebar (lower first). Staff-only
  items are hidden from everyone else.
- :func:`register_entity_tab` and :func:`register_entity_card` add a tab or an
  Overview card to entity pages (:class:`EntityContent`). Each names a template and
  may give ``applies_to(entity)`` so it shows only for the entities it understands
  (say, Components annotated ``github.com/project-slug``) and ``get_context(entity,
  request)`` for the data its template needs. Core pages render contributions through
  the ``{% render_entity_content %}`` tag, which isolates a failing plugin: the page
  still loads and shows a small "this plugin failed" card.
- :func:`register_home_card` adds a card to the home page (:class:`HomeCard`): a
  template and ``get_context(request)`` for its data, isolated like entity content.
- :func:`register_search_collator` adds a kind of search document
  (:class:`SearchCollator`): a ``type`` (Backstage's, e.g. ``software-catalog``), a
  title for the search page's filter and ``collect()``, every document of the type as
  :class:`IndexDocument` objects, which ``manage.py search rebuild`` stores. Between
  rebuilds, the code that changes what a document describes keeps the index current
  with :func:`index_search_documents` and :func:`remove_search_documents`, in the same
  transaction as the change.
- :func:`register_search_filter` adds ``fn(user)``, returning a ``Q`` over the search
  index's fields (``type``, ``key``, ``group``, ``kind``, ``owner``, ``lifecycle``,
  ``namespace``) that limits what ``user`` finds, or ``None`` for
  no limit. A result a filter hides is neither shown nor counted.
- :func:`register_scaffolder_action` adds an action templates can call
  (:class:`ScaffolderAction`): an id, a handler, JSON Schemas for its input and
  output, and whether it can run in a dry run. The handler is called with the run's
  context: ``ctx.input`` (validated against the schema), ``ctx.workspace`` (a
  ``Path``), ``ctx.log(message)``, ``ctx.output(name, value)``, ``ctx.secrets``,
  ``ctx.dry_run``, ``ctx.stop`` (a ``threading.Event`` set on cancel) and
  ``ctx.checkpoint(key, fn)`` (run ``fn`` once per task, also across retries).

Registration validates its input and raises ``TypeError``/``ValueError`` with a
precise message at start-up, not when a page is first rendered. Contributions are
ordered by ``weight``, never by install order. :func:`temporarily_registered` undoes
registrations at the end of a ``with`` block, for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from portal.search.documents import IndexDocument

__all__ = [
    "EntityContent",
    "HomeCard",
    "IndexDocument",
    "NavItem",
    "ScaffolderAction",
    "SearchCollator",
    "entity_cards",
    "entity_tabs",
    "home_cards",
    "index_search_documents",
    "nav_items",
    "register_entity_card",
    "register_entity_tab",
    "register_home_card",
    "register_nav_item",
    "register_scaffolder_action",
    "register_search_collator",
    "register_search_filter",
    "remove_search_documents",
    "scaffolder_actions",
    "search_collators",
    "search_filters",
    "temporarily_registered",
]

Entity = Mapping[str, Any]
SearchFilter = Callable[[Any], Any]


def _always(entity: Entity) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    """A sidebar entry."""

    key: str
    label: str
    url_name: str
    icon: str = "dot"
    weight: int = 500
    staff_only: bool = False


@dataclass(frozen=True)
class EntityContent:
    """A tab or card on entity pages."""

    key: str
    title: str
    template_name: str
    weight: int = 500
    applies_to: Callable[[Entity], bool] = _always
    get_context: Callable[[Entity, Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page."""

    key: str
    title: str
    template_name: str
    weight: int = 500
    get_context: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class SearchCollator:
    """A type of search document and how to collect all of them (a full rebuild)."""

    type: str
    title: str
    collect: Callable[[], Iterable[IndexDocument]]
    weight: int = 500


@dataclass(frozen=True)
class ScaffolderAction:
    """An action a plugin adds to the scaffolder (see the module docstring)."""

    id: str
    handler: Callable[[Any], None]
    description: str = ""
    input_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object"})
    output_schema: Mapping[str, Any] | None = None
    supports_dry_run: bool = False
    examples: tuple[Mapping[str, Any], ...] = ()


@dataclass
class _Registry:
    nav_items: dict[str, NavItem] = field(default_factory=dict)
    entity_tabs: dict[str, EntityContent] = field(default_factory=dict)
    entity_cards: dict[str, EntityContent] = field(default_factory=dict)
    search_collators: dict[str, SearchCollator] = field(default_factory=dict)
    search_filters: dict[str, SearchFilter] = field(default_factory=dict)
    home_cards: dict[str, HomeCard] = field(default_factory=dict)
    scaffolder_actions: dict[str, ScaffolderAction] = field(default_factory=dict)


_registry = _Registry()


def _add(store: dict[str, Any], key: str, value: Any, what: str) -> None:
    if not key or not isinstance(key, str):
        raise ValueError(f"a {what} needs a non-empty string key")
    existing = store.get(key)
    if existing is not None and existing != value:
        raise ValueError(f"a {what} with key {key!r} is already registered")
    store[key] = value


def register_nav_item(item: NavItem) -> None:
    """Add ``item`` to the sidebar."""
    if not isinstance(item, NavItem):
        raise TypeError(f"register_nav_item() takes a NavItem, not {type(item).__name__}")
    _add(_registry.nav_items, item.key, item, "navigation item")


def register_entity_tab(tab: EntityContent) -> None:
    """Add ``tab`` to the entity pages it applies to."""
    if not isinstance(tab, EntityContent):
        raise TypeError(f"register_entity_tab() takes an EntityContent, not {type(tab).__name__}")
    _add(_registry.entity_tabs, tab.key, tab, "entity tab")


def register_entity_card(card: EntityContent) -> None:
    """Add ``card`` to the Overview tab of the entity pages it applies to."""
    if not isinstance(card, EntityContent):
        raise TypeError(f"register_entity_card() takes an EntityContent, not {type(card).__name__}")
    _add(_registry.entity_cards, card.key, card, "entity card")


def register_home_card(card: HomeCard) -> None:
    """Add ``card`` to the home page."""
    if not isinstance(card, HomeCard):
        raise TypeError(f"register_home_card() takes a HomeCard, not {type(card).__name__}")
    _add(_registry.home_cards, card.key, card, "home card")


def register_search_collator(collator: SearchCollator) -> None:
    """Add a type of search document (see the module docstring)."""
    if not isinstance(collator, SearchCollator):
        raise TypeError("register_search_collator() takes a SearchCollator, not "
                        f"{type(collator).__name__}")  # fmt: skip
    if not callable(collator.collect):
        raise TypeError(f"search collator {collator.type!r} needs a callable collect")
    _add(_registry.search_collators, collator.type, collator, "search collator")


def register_search_filter(key: str, limit: SearchFilter) -> None:
    """Limit what each user finds with ``limit(user) -> Q | None``."""
    if not callable(limit):
        raise TypeError("register_search_filter() takes a callable")
    _add(_registry.search_filters, key, limit, "search filter")


def search_collators() -> list[SearchCollator]:
    """The registered collators, ordered by weight."""
    return sorted(_registry.search_collators.values(), key=lambda c: (c.weight, c.type))


def search_filters() -> list[SearchFilter]:
    """The registered search filters."""
    return list(_registry.search_filters.values())


def index_search_documents(documents: Iterable[IndexDocument]) -> int:
    """Store ``documents`` in the search index, replacing those with the same type and
    key (call it in the transaction that changed them)."""
    from portal.search import index

    return index.save(documents)


def remove_search_documents(type: str, keys: Iterable[str] = (),
                            groups: Iterable[str] = ()) -> int:  # fmt: skip
    """Remove the documents of ``type`` with these keys, or in these groups."""
    from portal.search import index

    return index.remove(type, keys) + index.remove_groups(type, groups)


def register_scaffolder_action(action: ScaffolderAction) -> None:
    """Let templates call ``action`` by its id."""
    if not isinstance(action, ScaffolderAction):
        raise TypeError("register_scaffolder_action() takes a ScaffolderAction, not "
                        f"{type(action).__name__}")  # fmt: skip
    if not callable(action.handler):
        raise TypeError(f"scaffolder action {action.id!r} needs a callable handler")
    _add(_registry.scaffolder_actions, action.id, action, "scaffolder action")


def scaffolder_actions() -> list[ScaffolderAction]:
    """The actions plugins registered."""
    return list(_registry.scaffolder_actions.values())


def nav_items(user: Any) -> list[NavItem]:
    """The sidebar for ``user``, ordered by weight."""
    is_staff = bool(getattr(user, "is_staff", False))
    items = [i for i in _registry.nav_items.values() if is_staff or not i.staff_only]
    return sorted(items, key=lambda i: (i.weight, i.label))


def entity_tabs(entity: Entity) -> list[EntityContent]:
    """The registered tabs that apply to ``entity``, ordered by weight."""
    return _applicable(_registry.entity_tabs.values(), entity)


def entity_cards(entity: Entity) -> list[EntityContent]:
    """The registered cards that apply to ``entity``, ordered by weight."""
    return _applicable(_registry.entity_cards.values(), entity)


def home_cards() -> list[HomeCard]:
    """The home page's cards, ordered by weight."""
    return sorted(_registry.home_cards.values(), key=lambda c: (c.weight, c.title))


def _applicable(contents: Any, entity: Entity) -> list[EntityContent]:
    return sorted((c for c in contents if c.applies_to(entity)), key=lambda c: c.weight)


@contextmanager
def temporarily_registered() -> Iterator[None]:
    """Undo every registration made inside the ``with`` block (for tests)."""
    saved = {name: dict(store) for name, store in vars(_registry).items()}
    try:
        yield
    finally:
        for name, store in saved.items():
            setattr(_registry, name, store)
