"""Everything an entity page shows, gathered in a fixed number of queries: the entity
and its location (one query), the entities its relation cards list (one query per
thousand), whether the visitor starred it (one query)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import yaml
from django.conf import settings

from catalog import services
from catalog.lookup import summaries_by_ref
from catalog.model.errors import ReadError
from catalog.model.text import unstorable_character
from catalog.models import Entity, Relation
from catalog.readers.git import parse_git_target
from catalog.relation_cards import cards_for, filled, owned_counts, shown_refs
from catalog.summaries import EntitySummary, ref_parts, summarize

__all__ = [
    "BUILTIN_TABS",
    "POINTING_ROWS",
    "AncestryStep",
    "EntityPage",
    "Fact",
    "SourceLinks",
    "about_facts",
    "ancestry_steps",
    "find_entity",
    "load_entity_page",
    "pointing_at",
    "safe_url",
    "source_links",
    "web_url",
]

#: Tabs every entity page may have: (slug, title, kinds it applies to; () = every kind).
BUILTIN_TABS = (
    ("dependencies", "Dependencies", ()),
    ("api", "API", ("component", "api", "system")),
)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_url(value: Any) -> str:
    """``value`` if it is a web or mail link, else "": catalog files are untrusted, and a
    ``javascript:`` link must never become clickable."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    return text if text.lower().startswith(_SAFE_SCHEMES) else ""


@dataclass(frozen=True)
class SourceLinks:
    """Where the file an entity comes from can be read and edited: web links for
    ``url`` and ``git`` sources on known hosts, the path for ``file`` sources."""

    view: str = ""
    edit: str = ""
    path: str = ""


_COMMIT = re.compile(r"[0-9a-f]{40,64}")


def web_url(value: Any) -> str:
    """``value`` if it is an http(s) address (what a browser may fetch), else ""."""
    url = safe_url(value)
    return url if url.lower().startswith(("http://", "https://")) else ""


def _github_hosts() -> set[str]:
    """github.com and the hosts of ``integrations.github``: where a repository's file
    pages are ``/blob/<ref>/<path>`` and its editor ``/edit/<ref>/<path>``."""
    integrations = (settings.APP_CONFIG.get("integrations") or {}).get("github") or []
    return {"github.com"} | {str(i.get("host", "")).lower() for i in integrations
                             if isinstance(i, dict)}  # fmt: skip


def _git_links(target: str) -> SourceLinks:
    """Links into the web view of a ``<repository>#<ref>:<path>`` on a GitHub host;
    other hosts lay out their pages differently, so their files get no link."""
    try:
        repo, ref, path = parse_git_target(target)
    except ReadError:
        return SourceLinks()
    base = web_url(repo).removesuffix("/").removesuffix(".git")
    host = base.split("/")[2].lower() if base.count("/") >= 4 else ""
    if host not in _github_hosts():
        return SourceLinks()
    edit = "" if _COMMIT.fullmatch(ref) else f"{base}/edit/{ref}/{path}"  # a commit is read-only
    return SourceLinks(view=f"{base}/blob/{ref}/{path}", edit=edit)


def source_links(location_key: str) -> SourceLinks:
    """View and edit links (or the path) of the file named by a location key such as
    ``git:https://github.com/o/r#main:catalog-info.yaml`` or ``file:/srv/x.yaml``. Only
    http(s) addresses become links. A ``url`` file's edit link is the
    ``backstage.io/edit-url`` annotation that reading it added."""
    kind, _, target = location_key.partition(":")
    if kind == "file":
        return SourceLinks(path=target)
    if kind == "git":
        return _git_links(target)
    return SourceLinks(view=web_url(target) if kind == "url" else "")


@dataclass(frozen=True)
class Fact:
    """One field of the About card: links to entities, a text value, or ``empty``."""

    label: str
    refs: tuple[str, ...] = ()
    text: str = ""
    empty: str = "—"
    #: Kind left out of the link labels (``team-a``, not ``group:team-a``).
    ref_kind: str = ""


#: Kinds whose schema has no ``spec.owner`` (Backstage's kind schemas).
_UNOWNED = ("group", "user", "location")
#: Kinds whose schema has ``spec.type``; other kinds show it only when it is set.
_TYPED = ("component", "api", "resource", "template", "group", "location")


def about_facts(summary: EntitySummary) -> list[Fact]:
    """The About card's fields for the entity's kind, as Backstage's About card picks
    them: a System has a domain but no system, a Group a parent but no owner, and an
    optional field of another kind is shown only when it is set."""
    kind = summary.kind.lower()

    def part_of(parent_kind: str) -> tuple[str, ...]:
        return tuple(r for r in summary.relations.get("partOf", ())
                     if ref_parts(r)[0] == parent_kind)  # fmt: skip

    facts = []
    if kind not in _UNOWNED:
        facts.append(Fact("Owner", summary.owners, empty="No owner", ref_kind="group"))
    if kind == "system" or (kind != "domain" and part_of("domain")):
        facts.append(Fact("Domain", part_of("domain"), empty="No domain", ref_kind="domain"))
    if kind == "domain" and part_of("domain"):
        facts.append(Fact("Parent domain", part_of("domain"), ref_kind="domain"))
    if kind in ("component", "api", "resource") or part_of("system"):
        facts.append(Fact("System", part_of("system"), empty="No system", ref_kind="system"))
    if kind == "component" and part_of("component"):
        facts.append(Fact("Parent component", part_of("component"), ref_kind="component"))
    if kind == "group":
        facts.append(Fact("Parent group", summary.relations.get("childOf", ()),
                          empty="Top-level group", ref_kind="group"))  # fmt: skip
    if kind in _TYPED or summary.type:
        facts.append(Fact("Type", text=summary.type))
    if kind in ("component", "api") or summary.lifecycle:
        facts.append(Fact("Lifecycle", text=summary.lifecycle))
    return facts


@dataclass
class EntityPage:
    """The entity, its summary, and what the header, banners and cards show."""

    row: Entity
    entity: dict[str, Any]
    summary: EntitySummary
    cards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def annotations(self) -> dict[str, Any]:
        annotations = (self.entity.get("metadata") or {}).get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    @cached_property
    def source(self) -> SourceLinks:
        """The entity's file: the author's view/edit annotations win over the links
        derived from the location it was read from."""
        derived = source_links(self.managed_by)
        return SourceLinks(
            view=web_url(self.annotations.get("backstage.io/view-url")) or derived.view,
            edit=web_url(self.annotations.get("backstage.io/edit-url")) or derived.edit,
            path=derived.path,
        )

    @property
    def managed_by(self) -> str:
        """The location key of the file the entity was read from."""
        value = self.annotations.get("backstage.io/managed-by-location")
        return value if isinstance(value, str) else ""

    @property
    def about(self) -> list[Fact]:
        """The About card's fields for this kind (about_facts)."""
        return about_facts(self.summary)

    @property
    def links(self) -> list[dict[str, str]]:
        """``metadata.links`` with only safe URLs clickable (others shown as text)."""
        links = (self.entity.get("metadata") or {}).get("links")
        result = []
        for link in links if isinstance(links, list) else []:
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                title = link.get("title") if isinstance(link.get("title"), str) else ""
                icon = link.get("icon") if isinstance(link.get("icon"), str) else ""
                result.append({"url": link["url"], "href": safe_url(link["url"]),
                               "title": title or link["url"], "icon": icon})  # fmt: skip
        return result

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Processing errors: the entity keeps its last good state while they last."""
        return [e for e in self.row.errors if isinstance(e, dict)]

    @property
    def last_refreshed(self) -> datetime | None:
        location = self.row.location
        return location.last_success_at if location else None

    @property
    def owned(self) -> list[tuple[str, int]]:
        return owned_counts(self.summary)

    @property
    def has_profile(self) -> bool:
        """Users and groups show an avatar: their picture, or their initials."""
        return self.summary.kind.lower() in ("user", "group")

    @property
    def picture(self) -> str:
        profile = (self.entity.get("spec") or {}).get("profile")
        return web_url(profile.get("picture")) if isinstance(profile, dict) else ""

    @property
    def initials(self) -> str:
        """What the avatar shows without a picture: ``Janelle Dawe`` -> ``JD``,
        ``team-a`` -> ``TA``."""
        words = re.split(r"[\s._-]+", self.summary.label.strip())
        return "".join(word[0] for word in words if word)[:2].upper() or "?"

    @property
    def email(self) -> str:
        profile = (self.entity.get("spec") or {}).get("profile")
        email = profile.get("email") if isinstance(profile, dict) else ""
        return email if isinstance(email, str) else ""

    @property
    def served_json(self) -> str:
        """The entity as the API serves it, indented for reading."""
        return json.dumps(self.entity, indent=2, ensure_ascii=False)

    @property
    def served_yaml(self) -> str:
        """The served entity as YAML, keys in the served order."""
        return yaml.safe_dump(self.entity, sort_keys=False, allow_unicode=True, width=100)

    @property
    def domain(self) -> str:
        if self.summary.kind.lower() != "system":
            return ""
        domains = [r for r in self.summary.relations.get("partOf", ()) if r.startswith("domain:")]
        return domains[0] if domains else ""


def find_entity(namespace: str, kind: str, name: str) -> Entity | None:
    """The served entity row (with its location) at this address, any casing; an
    address no entity can have (a NUL: PostgreSQL cannot even be asked) names none."""
    ref = f"{kind}:{namespace}/{name}".lower()
    if unstorable_character(ref):
        return None
    # The authored and processed copies are large and only refreshes read them.
    rows = Entity.objects.served().select_related("location").defer(
        "authored", "processed_json", "location__file_hashes", "location__problems"
    )
    return rows.filter(ref=ref).first()


def load_entity_page(row: Entity, *, with_cards: bool = True) -> EntityPage:
    """The page data of ``row``; the relation cards (one more query) only when shown."""
    entity = json.loads(row.final_json)
    page = EntityPage(row=row, entity=entity, summary=summarize(entity))
    if with_cards:
        cards = cards_for(page.summary.kind)
        page.cards = filled(page.summary, cards, summaries_by_ref(shown_refs(page.summary, cards)))
    return page


#: Entities the missing-entity page lists as pointing at the ref.
POINTING_ROWS = 50


def pointing_at(ref: str) -> list[tuple[str, str]]:
    """``(source ref, relation type)`` of the relations whose target is ``ref`` (the
    first POINTING_ROWS, one indexed query): who links to an entity that is missing.
    Nothing can point at a ref no entity can have (a NUL)."""
    if unstorable_character(ref):
        return []
    rows = Relation.objects.filter(target_ref=ref.lower()).order_by("source_ref", "type")
    return list(rows.values_list("source_ref", "type").distinct()[:POINTING_ROWS])


@dataclass(frozen=True)
class AncestryStep:
    """One entity on the way from an entity up to its registered location."""

    summary: EntitySummary
    parents: tuple[str, ...]
    #: The file it was read from (``backstage.io/managed-by-location``).
    managed_by: str


def ancestry_steps(ref: str) -> list[AncestryStep]:
    """The entity, the Location entity that listed it, and so on up to the registered
    root (one query per step), as the Inspect page's Ancestry section shows them."""
    steps = []
    for entity, parents in services.ancestry(ref):
        annotations = (entity.get("metadata") or {}).get("annotations") or {}
        managed_by = annotations.get("backstage.io/managed-by-location")
        steps.append(AncestryStep(summarize(entity), tuple(parents),
                                  managed_by if isinstance(managed_by, str) else ""))  # fmt: skip
    return steps
