"""Pure parts of ingestion: search rows, rules, stitching, annotations."""

from __future__ import annotations

from catalog.ingestion.annotate import REJECTED_URL, annotate
from catalog.ingestion.rules import CatalogRules
from catalog.ingestion.search_fields import search_rows
from catalog.ingestion.stitch import stitch

ENTITY = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "Checkout",
        "namespace": "default",
        "tags": ["Java", "pci"],
        "annotations": {"github.com/project-slug": "acme/checkout"},
        "etag": "x",
        "description": "d" * 300,
    },
    "spec": {"type": "service", "owner": "team-a", "ports": [{"port": 80}], "public": True},
    "relations": [{"type": "ownedBy", "targetRef": "group:default/team-a"}],
    "status": {"items": [{"message": "hidden"}]},
}


def test_search_rows_flatten_like_backstage() -> None:
    rows = {(k, v): o for k, v, o in search_rows(ENTITY)}
    assert rows[("metadata.name", "checkout")] == "Checkout"
    assert ("metadata.tags", "java") in rows and ("metadata.tags.java", "true") in rows
    assert ("metadata.annotations.github.com/project-slug", "acme/checkout") in rows
    assert ("spec.ports.port", "80") in rows
    assert ("spec.public", "true") in rows
    assert ("relations.ownedby", "group:default/team-a") in rows
    assert ("metadata.description", None) in rows  # too long: exists-only
    assert not any(k.startswith("status") or k == "metadata.etag" for k, _ in rows)


def test_default_rules_allow_every_builtin_kind_and_nothing_else() -> None:
    rules = CatalogRules.from_config({})
    for kind in (
        "Component",
        "API",
        "Resource",
        "System",
        "Domain",
        "Group",
        "User",
        "Location",
        "Template",
    ):
        assert rules.is_allowed({"kind": kind}, "url", "https://x")
    assert not rules.is_allowed({"kind": "AiResource"}, "url", "https://x")


def test_rules_with_spec_type_and_per_location_allows() -> None:
    rules = CatalogRules.from_config(
        {
            "rules": [{"allow": ["Component", {"kind": "Resource", "spec.type": "database"}]}],
            "locations": [{"type": "file", "target": "/org.yaml", "rules": [{"allow": ["User"]}]}],
        }
    )
    assert rules.is_allowed({"kind": "component"}, "file", "/x.yaml")
    assert rules.is_allowed({"kind": "Resource", "spec": {"type": "Database"}}, "file", "/x")
    assert not rules.is_allowed({"kind": "Resource", "spec": {"type": "queue"}}, "file", "/x")
    assert rules.is_allowed({"kind": "User"}, "file", "/org.yaml")
    assert not rules.is_allowed({"kind": "User"}, "file", "/x.yaml")


def test_stitch_adds_uid_relations_status_and_a_content_etag() -> None:
    processed = {"apiVersion": "v", "kind": "Component", "metadata": {"name": "a"}, "spec": {}}
    relations = [
        ("ownedBy", "group:default/b"),
        ("dependsOn", "resource:default/c"),
        ("ownedBy", "group:default/b"),
    ]
    final, etag = stitch(processed, uid="u-1", relations=relations, errors=[], orphan=False)
    assert final["metadata"]["uid"] == "u-1" and final["metadata"]["etag"] == etag
    assert final["relations"] == [
        {"type": "dependsOn", "targetRef": "resource:default/c"},
        {"type": "ownedBy", "targetRef": "group:default/b"},
    ]
    assert "status" not in final and "uid" not in processed["metadata"]
    _, same = stitch(processed, uid="u-1", relations=relations, errors=[], orphan=False)
    assert same == etag
    errored, other = stitch(
        processed,
        uid="u-1",
        relations=relations,
        orphan=True,
        errors=[{"name": "InputError", "message": "bad"}],
    )
    assert other != etag
    assert errored["status"]["items"][0] == {
        "type": "backstage.io/catalog-processing",
        "level": "error",
        "message": "InputError: bad",
        "error": {"name": "InputError", "message": "bad"},
    }
    assert errored["metadata"]["annotations"]["backstage.io/orphan"] == "true"


def test_annotations_are_forced_and_javascript_links_rejected() -> None:
    entity = {
        "metadata": {
            "name": "a",
            "annotations": {
                "backstage.io/managed-by-location": "url:https://evil.example/",
                "backstage.io/view-url": "JavaScript:alert(1)",
            },
        }
    }
    url = "https://github.com/acme/shop/blob/main/catalog-info.yaml"
    result = annotate(entity, f"url:{url}", "url:https://github.com/acme/shop/blob/main/all.yaml")
    annotations = result["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"] == f"url:{url}"
    assert annotations["backstage.io/view-url"] == REJECTED_URL
    assert annotations["backstage.io/edit-url"] == (
        "https://github.com/acme/shop/edit/main/catalog-info.yaml"
    )
    assert annotations["backstage.io/source-location"] == (
        "url:https://github.com/acme/shop/blob/main/"
    )
    assert entity["metadata"]["annotations"]["backstage.io/view-url"] == "JavaScript:alert(1)"
