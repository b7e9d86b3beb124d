"""The demo content the search relevance table is checked against, as plain
documents: the demo catalog read the way app-config.yaml lists it (following Location
entities' ``spec.target``/``spec.targets``), the handbook's sections from the
``search/search_index.json`` of a ``manage.py techdocs generate`` build in a child
process, and a plain word matcher for what the table claims about matching (not
ranking)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.support.portal_process import manage, portal_env

REPO = Path(__file__).resolve().parents[2]
TECHDOCS_REF = "backstage.io/techdocs-ref"

TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


# --- the demo content -------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lower-case words, split at everything that is not a letter or digit (so
    ``hello-world`` is ``hello world``, as the table's header requires of the engine)."""
    return re.findall(r"[a-z0-9]+", text.lower())


@dataclass(frozen=True)
class Document:
    """One search document: an entity or template, or one docs section."""

    ref: str
    fields: dict[str, str]
    entity: dict[str, Any] | None = None

    def field_tokens(self, *names: str) -> list[list[str]]:
        chosen = names or tuple(self.fields)
        return [tokens(self.fields[name]) for name in chosen if name in self.fields]

    def words(self, *names: str) -> set[str]:
        return {word for field_words in self.field_tokens(*names) for word in field_words}


@dataclass
class Demo:
    documents: dict[str, Document] = field(default_factory=dict)
    #: every location a built site's search index has, sections and whole pages
    docs_locations: set[str] = field(default_factory=set)

    @property
    def entities(self) -> list[Document]:
        return [doc for doc in self.documents.values() if doc.entity is not None]


def _inside_repo(path: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(REPO):
        raise AssertionError(f"{path} is outside the repository; the demo must not point there")
    return resolved


def demo_entities() -> list[tuple[Path, dict[str, Any]]]:
    """Every entity the demo catalog locations of app-config.yaml produce, with the file
    it came from, following Location entities (relative targets from their own file)."""
    config = yaml.safe_load((REPO / "app-config.yaml").read_text())
    pending = [
        _inside_repo(REPO / location["target"])
        for location in config["catalog"]["locations"]
        if location.get("type", "file") == "file"
    ]
    seen: set[Path] = set()
    found: list[tuple[Path, dict[str, Any]]] = []
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        for entity in yaml.safe_load_all(path.read_text()):
            if not entity:
                continue
            found.append((path, entity))
            if entity.get("kind") == "Location":
                spec = entity.get("spec") or {}
                targets = list(spec.get("targets") or [])
                if spec.get("target"):
                    targets.append(spec["target"])
                pending.extend(_inside_repo(path.parent / target) for target in targets)
    return found


def entity_ref(entity: dict[str, Any]) -> str:
    metadata = entity["metadata"]
    namespace = metadata.get("namespace") or "default"
    return f"{entity['kind']}:{namespace}/{metadata['name']}".lower()


def entity_fields(entity: dict[str, Any]) -> dict[str, str]:
    """The fields the issue's entity and template collators index."""
    metadata, spec = entity["metadata"], entity.get("spec") or {}
    fields = {
        "name": metadata["name"],
        "title": metadata.get("title") or "",
        "description": metadata.get("description") or "",
        "tags": " ".join(metadata.get("tags") or []),
        "kind": entity["kind"],
        "type": str(spec.get("type") or ""),
        "owner": str(spec.get("owner") or ""),
        "lifecycle": str(spec.get("lifecycle") or ""),
        "system": str(spec.get("system") or ""),
        "annotations": " ".join(f"{k} {v}" for k, v in (metadata.get("annotations") or {}).items()),
        "links": " ".join(
            f"{link.get('title', '')} {link.get('url', '')}" for link in metadata.get("links") or []
        ),
    }
    if entity["kind"] == "Template":
        titles: list[str] = []
        for step in spec.get("parameters") or []:
            titles.append(step.get("title") or "")
            titles += [prop.get("title") or "" for prop in (step.get("properties") or {}).values()]
        fields["parameters"] = " ".join(title for title in titles if title)
    return fields


def build_docs_sites(
    entities: Iterable[tuple[Path, dict[str, Any]]], work: Path
) -> list[tuple[str, dict[str, Any]]]:
    """Build every ``dir:`` TechDocs site of the demo and return (ref prefix, index entry)
    for each entry of its search index."""
    entries: list[tuple[str, dict[str, Any]]] = []
    for number, (path, entity) in enumerate(entities):
        ref = ((entity["metadata"].get("annotations") or {}).get(TECHDOCS_REF) or "").strip()
        if not ref.startswith("dir:"):
            continue
        source = _inside_repo(path.parent / ref.removeprefix("dir:"))
        output = work / f"site-{number}"
        scratch = work / f"tmp-{number}"
        scratch.mkdir()
        env = portal_env(
            work / f"var-{number}",
            GREENROOM_CONFIG=str(REPO / "app-config.yaml"),
            TMPDIR=str(scratch),
        )
        result = manage("techdocs", "generate", "--source-dir", str(source),
                        "--output-dir", str(output), env=env)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        index = json.loads((output / "search" / "search_index.json").read_text())
        kind, namespace_name = entity_ref(entity).split(":")
        namespace, name = namespace_name.split("/")
        prefix = f"docs:{namespace}/{kind}/{name}/"
        entries += [(prefix, entry) for entry in index["docs"]]
    return entries


# --- a plain word matcher: what matching (not ranking) the table's claims rest on --------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool
    quoted: bool
    raw: str
    prefix: bool = False  # the last word of the last positive, unquoted term


def parse_query(query: str) -> list[Term]:
    terms = []
    for match in TERM.finditer(query):
        if match.group(2) is not None:
            negated, raw, quoted = bool(match.group(1)), match.group(2), True
        else:
            negated, raw, quoted = bool(match.group(3)), match.group(4), False
            if raw.startswith("-") and not negated:  # "--x": keep it a word
                raw = raw.lstrip("-")
        words = tuple(tokens(raw))
        if words:
            terms.append(Term(words, negated, quoted, raw))
    positive = [i for i, term in enumerate(terms) if not term.negated]
    if positive and not terms[positive[-1]].quoted:
        last = terms[positive[-1]]
        terms[positive[-1]] = Term(last.words, False, False, last.raw, prefix=True)
    return terms


def _has_sequence(field_words: list[str], words: tuple[str, ...], prefix: bool) -> bool:
    size = len(words)
    for start in range(len(field_words) - size + 1):
        window = field_words[start : start + size]
        if window[:-1] != list(words[:-1]):
            continue
        if window[-1] == words[-1] or (prefix and window[-1].startswith(words[-1])):
            return True
    return False


def term_matches(term: Term, document: Document, *field_names: str) -> bool:
    return any(
        _has_sequence(field_words, term.words, term.prefix and not term.negated)
        for field_words in document.field_tokens(*field_names)
    )


def matches(query: str, document: Document) -> bool:
    """All positive terms (words ANDed, a term's words adjacent, the last word also as a
    prefix) and none of the negated ones occur in one of the document's fields."""
    terms = parse_query(query)
    return any(not t.negated for t in terms) and all(
        term_matches(term, document) != term.negated for term in terms
    )


def matching(query: str, documents: Iterable[Document]) -> list[str]:
    return [doc.ref for doc in documents if matches(query, doc)]


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))  # fmt: skip
        previous = current
    return previous[-1]


def name_words(document: Document) -> set[str]:
    """Words of an entity's name and title, or of a docs section's title."""
    return document.words("name", "title")


def squash(text: str) -> str:
    return " ".join(text.lower().split())


# --- the checks -------------------------------------------------------------------------


def load_demo(docs_dir: Path) -> Demo:
    """Every demo entity and handbook section as a Document (the docs built in
    ``docs_dir``)."""
    found = demo_entities()
    demo = Demo()
    for _path, entity in found:
        ref = entity_ref(entity)
        assert ref not in demo.documents, f"two demo entities are {ref}"
        demo.documents[ref] = Document(ref, entity_fields(entity), entity)
    entries = build_docs_sites(found, docs_dir)
    assert entries, "the demo has no TechDocs site with a search index"
    for prefix, entry in entries:
        ref = prefix + entry["location"]
        demo.docs_locations.add(ref)
        if "#" in entry["location"]:  # a section; the whole-page entries repeat them
            demo.documents[ref] = Document(ref, {"title": entry["title"], "text": entry["text"]})
    return demo
