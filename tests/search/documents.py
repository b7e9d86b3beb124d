"""Search documents shaped as the catalog's and the docs' collators shape them, for
tests that need precise control over what is indexed."""

from __future__ import annotations

from portal.search.documents import IndexDocument

CATALOG, DOCS = "software-catalog", "techdocs"


def entity(name: str, text: str = "", *, kind: str = "Component", owner: str = "team-a",
           lifecycle: str = "production", namespace: str = "default", tags: tuple = (),
           title: str = "") -> IndexDocument:  # fmt: skip
    """A catalog document shaped as the catalog's collator shapes one."""
    ref = f"{kind.lower()}:{namespace}/{name}"
    return IndexDocument(
        type=CATALOG, key=ref, group=ref, title=title or name,
        location=f"/catalog/{namespace}/{kind.lower()}/{name}", text=text,
        fields={"name": name, "title": title, "text": text, "kind": kind, "owner": owner,
                "lifecycle": lifecycle, "tags": " ".join(tags)},
        kind=kind, owner=owner, lifecycle=lifecycle, namespace=namespace,
        tags=list(tags))  # fmt: skip


def page(key: str, title: str, text: str, *, owner: str = "team-a") -> IndexDocument:
    """A docs section shaped as the docs' collator shapes one (no kind, no lifecycle)."""
    return IndexDocument(
        type=DOCS, key=f"default/component/handbook/{key}", group="default/component/handbook",
        title=title, location=f"/docs/default/component/handbook/{key}", text=text,
        fields={"title": title, "text": text}, owner=owner, namespace="default")  # fmt: skip
