"""The plugin registry: validation, ordering, visibility and failure isolation."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from portal import plugins
from portal.plugins import EntityContent, NavItem, SearchCollator


@pytest.fixture(autouse=True)
def isolated_registry():
    with plugins.temporarily_registered():
        yield


COMPONENT = {
    "kind": "Component",
    "metadata": {"name": "checkout", "annotations": {"github.com/project-slug": "acme/checkout"}},
}
API = {"kind": "API", "metadata": {"name": "orders"}}


def test_nav_items_are_ordered_by_weight_and_staff_only_items_hidden() -> None:
    plugins.register_nav_item(NavItem("zz", "Last", "home", weight=900))
    plugins.register_nav_item(NavItem("aa", "First", "home", weight=-1))
    plugins.register_nav_item(NavItem("ops", "Ops", "home", weight=5, staff_only=True))

    class Person:
        is_staff = False

    labels = [i.label for i in plugins.nav_items(Person())]
    assert labels[0] == "First" and labels[-1] == "Last" and "Ops" not in labels
    Person.is_staff = True
    assert "Ops" in [i.label for i in plugins.nav_items(Person())]


def test_registration_rejects_wrong_types_and_duplicate_keys() -> None:
    with pytest.raises(TypeError, match="takes a NavItem"):
        plugins.register_nav_item({"label": "x"})  # type: ignore[arg-type]
    plugins.register_nav_item(NavItem("dup", "One", "home"))
    with pytest.raises(ValueError, match="key 'dup' is already registered"):
        plugins.register_nav_item(NavItem("dup", "Two", "home"))
    with pytest.raises(ValueError, match="non-empty string key"):
        plugins.register_entity_tab(EntityContent("", "T", "t.html"))


def test_entity_tabs_apply_only_where_they_should() -> None:
    plugins.register_entity_tab(
        EntityContent(
            "ci",
            "CI",
            "ci.html",
            weight=20,
            applies_to=lambda e: "github.com/project-slug" in e["metadata"].get("annotations", {}),
        )
    )
    plugins.register_entity_tab(EntityContent("everywhere", "Notes", "notes.html", weight=10))
    assert [t.key for t in plugins.entity_tabs(COMPONENT)] == ["everywhere", "ci"]
    assert [t.key for t in plugins.entity_tabs(API)] == ["everywhere"]


def test_failing_plugin_content_renders_an_error_card_not_a_crash(settings) -> None:
    def broken_context(entity, request):
        raise RuntimeError("plugin bug")

    card = EntityContent("broken", "Deployments", "missing.html", get_context=broken_context)
    request = RequestFactory().get("/")
    html = Template("{% load portal_tags %}{% render_entity_content card entity %}").render(
        Context({"card": card, "entity": COMPONENT, "request": request})
    )
    assert "Deployments" in html and "could not be shown (RuntimeError)" in html
    assert "plugin bug" not in html  # internals stay in the server log


def test_plugin_content_renders_its_template_with_its_context(tmp_path, settings) -> None:
    (tmp_path / "card.html").write_text("{{ entity.metadata.name }} has {{ runs }} runs")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    card = EntityContent("runs", "Runs", "card.html", get_context=lambda e, r: {"runs": 3})
    html = Template("{% load portal_tags %}{% render_entity_content card entity %}").render(
        Context({"card": card, "entity": COMPONENT, "request": None})
    )
    assert html == "checkout has 3 runs"


def test_search_collators_are_ordered_by_weight_and_checked() -> None:
    plugins.register_search_collator(SearchCollator("b-type", "B", lambda: [], weight=900))
    plugins.register_search_collator(SearchCollator("a-type", "A", lambda: [], weight=1))
    types = [collator.type for collator in plugins.search_collators()]
    assert types.index("a-type") < types.index("b-type")
    with pytest.raises(TypeError, match="takes a SearchCollator"):
        plugins.register_search_collator(lambda: [])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs a callable collect"):
        plugins.register_search_collator(SearchCollator("c-type", "C", []))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="already registered"):
        plugins.register_search_collator(SearchCollator("a-type", "Other", lambda: []))
    with pytest.raises(TypeError, match="takes a callable"):
        plugins.register_search_filter("nope", None)  # type: ignore[arg-type]


def test_temporarily_registered_restores_the_registry() -> None:
    before = [i.key for i in plugins.nav_items(None)]
    with plugins.temporarily_registered():
        plugins.register_nav_item(NavItem("temp", "Temp", "home"))
    assert [i.key for i in plugins.nav_items(None)] == before
