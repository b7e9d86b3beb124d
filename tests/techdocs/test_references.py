"""Which docs an entity shows and where their source is (Backstage's annotation rules)."""

from __future__ import annotations

import pytest

from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.references import DocsSource, Triplet, docs_source, docs_target, has_docs, owns_docs


def entity(annotations: dict, kind: str = "Component", name: str = "Payments",
           namespace: str | None = None) -> dict:  # fmt: skip
    metadata = {"name": name, "annotations": annotations}
    if namespace:
        metadata["namespace"] = namespace
    return {"kind": kind, "metadata": metadata}


FILE = {"backstage.io/managed-by-location": "file:/srv/repos/payments/catalog-info.yaml"}


@pytest.mark.parametrize(("ref", "source"), [
    ("dir:.", DocsSource("file", "/srv/repos/payments")),
    ("dir:./site", DocsSource("file", "/srv/repos/payments/site")),
    ("dir:docs/../handbook", DocsSource("file", "/srv/repos/payments/handbook")),
])  # fmt: skip
def test_dir_refs_resolve_next_to_the_catalog_file(ref: str, source: DocsSource) -> None:
    assert docs_source(entity({**FILE, "backstage.io/techdocs-ref": ref})) == source


@pytest.mark.parametrize("ref", ["dir:..", "dir:../other", "dir:/etc", "dir:a/../../b",
                                 "dir:..\\x"])  # fmt: skip
def test_dir_refs_may_not_leave_the_catalog_files_folder(ref: str) -> None:
    with pytest.raises(DocsProblem) as caught:
        docs_source(entity({**FILE, "backstage.io/techdocs-ref": ref}))
    assert caught.value.kind == ProblemKind.SOURCE_UNREADABLE
    assert "backstage.io/techdocs-ref" in caught.value.message


def test_source_location_wins_over_the_managing_location() -> None:
    annotations = {
        **FILE,
        "backstage.io/techdocs-ref": "dir:.",
        "backstage.io/source-location": "url:https://github.com/acme/pay/tree/main/",
    }
    assert docs_source(entity(annotations)) == DocsSource(
        "url", "https://github.com/acme/pay/tree/main"
    )


@pytest.mark.parametrize(("location", "ref", "target"), [
    ("url:https://github.com/acme/pay/blob/main/catalog-info.yaml", "dir:.",
     "https://github.com/acme/pay/blob/main"),
    ("url:https://github.com/acme/pay/blob/main/svc/catalog-info.yaml", "dir:docs-site",
     "https://github.com/acme/pay/blob/main/svc/docs-site"),
])  # fmt: skip
def test_dir_refs_resolve_against_url_locations(location: str, ref: str, target: str) -> None:
    annotations = {"backstage.io/managed-by-location": location,
                   "backstage.io/techdocs-ref": ref}  # fmt: skip
    assert docs_source(entity(annotations)) == DocsSource("url", target)


def test_dir_refs_may_not_climb_out_of_a_url_location() -> None:
    annotations = {"backstage.io/managed-by-location":
                   "url:https://github.com/acme/pay/blob/main/svc/catalog-info.yaml",
                   "backstage.io/techdocs-ref": "dir:../../other"}  # fmt: skip
    with pytest.raises(DocsProblem):
        docs_source(entity(annotations))


@pytest.mark.parametrize(("location", "ref", "target"), [
    ("git:file:///srv/git/pay.git#main:catalog-info.yaml", "dir:.",
     "file:///srv/git/pay.git#main:."),
    ("git:file:///srv/git/pay.git#main:svc/catalog-info.yaml", "dir:./docs",
     "file:///srv/git/pay.git#main:svc/docs"),
])  # fmt: skip
def test_dir_refs_resolve_inside_git_locations(location: str, ref: str, target: str) -> None:
    annotations = {"backstage.io/managed-by-location": location,
                   "backstage.io/techdocs-ref": ref}  # fmt: skip
    assert docs_source(entity(annotations)) == DocsSource("git", target)


def test_url_refs_are_read_as_given() -> None:
    ref = "url:https://github.com/acme/handbook/tree/main/docs-site"
    assert docs_source(entity({"backstage.io/techdocs-ref": ref})) == DocsSource(
        "url", "https://github.com/acme/handbook/tree/main/docs-site"
    )


@pytest.mark.parametrize("annotations", [
    {"backstage.io/techdocs-ref": "dir:."},  # no location to resolve against
    {**FILE, "backstage.io/techdocs-ref": "github:acme/pay"},
    {**FILE, "backstage.io/techdocs-ref": "  "},
    {"backstage.io/techdocs-ref": "dir:.", "backstage.io/managed-by-location": "mystery:x"},
])  # fmt: skip
def test_unusable_refs_say_what_to_write(annotations: dict) -> None:
    with pytest.raises(DocsProblem) as caught:
        docs_source(entity(annotations))
    assert "techdocs-ref" in caught.value.message


def test_docs_of_another_entity_and_a_deep_link() -> None:
    shared = entity({"backstage.io/techdocs-entity": "component:platform/Handbook",
                     "backstage.io/techdocs-entity-path": "/guides/payments/"})  # fmt: skip
    assert docs_target(shared) == (Triplet("platform", "component", "handbook"), "guides/payments/")
    assert has_docs(shared) and not owns_docs(shared)


def test_own_docs_live_at_the_lower_cased_triplet() -> None:
    own = entity({**FILE, "backstage.io/techdocs-ref": "dir:."}, namespace="Finance")
    assert docs_target(own) == (Triplet("finance", "component", "payments"), "")
    assert has_docs(own) and owns_docs(own)
    assert not has_docs(entity({}))


def test_a_bad_techdocs_entity_reference_is_explained() -> None:
    with pytest.raises(DocsProblem) as caught:
        docs_target(entity({"backstage.io/techdocs-entity": "handbook"}))
    assert "kind:namespace/name" in caught.value.message


def test_triplets_parse_the_cli_form() -> None:
    assert Triplet.parse("default/Component/Pay").path == "default/component/pay"
    for bad in ("default/component", "a/b/c/d", "//x"):
        with pytest.raises(ValueError):
            Triplet.parse(bad)
