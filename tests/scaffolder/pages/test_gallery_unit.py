"""The gallery's plain functions (scaffolder.gallery): cards from served entities,
owners, queries read from the URL, and filter counts."""

from __future__ import annotations

from django.http import QueryDict

from scaffolder.gallery import GalleryQuery, build_gallery, card_of, owner_label, ref_parts


def entity(name: str, **metadata) -> dict:
    spec = metadata.pop("spec", {"type": "service", "owner": "team-a"})
    return {"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template",
            "metadata": {"name": name, **metadata}, "spec": spec}  # fmt: skip


def test_ref_parts_and_owner_labels() -> None:
    assert ref_parts("group:default/team-a") == ("group", "default", "team-a")
    assert ref_parts("team-a", "group") == ("group", "default", "team-a")
    assert ref_parts("ops/team-a", "group") == ("group", "ops", "team-a")
    assert owner_label("group:default/team-a") == "team-a"
    assert owner_label("user:default/guest") == "user:guest"
    assert owner_label("group:ops/sre") == "ops/sre"


def test_a_card_prefers_ownedby_relations_and_tolerates_junk() -> None:
    served = entity("t", title="T", tags=["a", 3, "a"], annotations={
        "backstage.io/techdocs-ref": "dir:."})  # fmt: skip
    served["relations"] = [{"type": "ownedBy", "targetRef": "group:default/Team-A"},
                           "junk", {"type": "partOf", "targetRef": "system:default/s"}]  # fmt: skip
    card = card_of(served, {"template:default/t"}, lambda ns, name: f"/go/{ns}/{name}")
    assert card.label == "T" and card.tags == ("a",) and card.starred
    assert [o.ref for o in card.owners] == ["group:default/team-a"]
    assert card.docs_path == "/docs/default/template/t/" and card.launch_path == "/go/default/t"
    bare = card_of({"kind": "Template", "metadata": "nope", "spec": None})
    assert bare.label == "" and bare.owners == () and not bare.starred and not bare.docs_path


def test_the_query_reads_the_url_and_writes_it_back() -> None:
    query = GalleryQuery.from_params(QueryDict("tag=a&tag=a&tag=&type=x&q=+hi++there+&show=starred"
                                               "&page=zz&unknown=1"))  # fmt: skip
    assert query.chosen == {"tag": ["a"], "type": ["x"]} and query.text == "hi  there"
    assert query.words == ["hi", "there"] and query.starred and query.page == 1
    assert query.url(page=3) == "?show=starred&type=x&tag=a&q=hi++there&page=3"
    assert GalleryQuery.from_params({"page": "-4"}).page == 1
    assert GalleryQuery.from_params({}).url() == "?"


def test_options_are_counted_over_all_templates_not_narrowed() -> None:
    entities = [entity("a", tags=["x", "y"]), entity("b", tags=["y"]),
                entity("c", spec={"type": "website", "owner": "user:bob"})]  # fmt: skip
    gallery = build_gallery(entities, set(), GalleryQuery.from_params(QueryDict("tag=x")))
    assert [c.name for c in gallery.cards] == ["a"] and gallery.total == 1
    assert gallery.available == 3
    tags = {v["value"]: (v["count"], v["selected"]) for v in gallery.options["tag"]["values"]}
    assert tags == {"y": (2, False), "x": (1, True)}
    owners = [(v["label"], v["count"]) for v in gallery.options["owner"]["values"]]
    assert owners == [("team-a", 2), ("user:bob", 1)]
    types = [v["value"] for v in gallery.options["type"]["values"]]
    assert types == ["service", "website"]
