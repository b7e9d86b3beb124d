"""The entity page's menu (view source, edit, inspect, copy URL, unregister), the
Inspect entity page, and the page of an entity that is not in the catalog."""

from __future__ import annotations

import json
import re

import pytest

from catalog.entity_page import SourceLinks, source_links
from catalog.models import Entity
from tests.catalog.conftest import component, register

CHECKOUT = "/catalog/default/component/checkout"


def menu(body: str) -> str:
    """The header menu's HTML of an entity page."""
    start = body.index('<details class="menu entity-menu"')
    return body[start:body.index("</details>", start)]


def set_annotations(ref: str, **annotations: str) -> None:
    """Change the served entity's annotations, as a refresh of another source would."""
    row = Entity.objects.get(ref=ref)
    entity = json.loads(row.final_json)
    entity["metadata"]["annotations"].update(annotations)
    Entity.objects.filter(pk=row.pk).update(final_json=json.dumps(entity))


# The menu ---------------------------------------------------------------------------


def test_the_menu_offers_inspect_copy_and_unregister(signed_in, catalog):
    row = Entity.objects.get(ref="component:default/checkout")
    items = menu(signed_in.get(CHECKOUT).content.decode())
    assert f'href="{CHECKOUT}/inspect"' in items
    assert f'<a href="{CHECKOUT}" data-copy-href>' in items
    # Unregistering an entity that still comes from a location unregisters the location,
    # on the page that lists everything that goes with it.
    assert f'href="/catalog/locations/{row.location_id}/unregister"' in items
    assert signed_in.get(f"/catalog/locations/{row.location_id}/unregister").status_code == 200


def test_an_orphan_is_unregistered_from_the_menu_after_a_confirmation(signed_in, catalog):
    Entity.objects.filter(ref="component:default/checkout").update(orphan=True)
    body = signed_in.get(CHECKOUT).content.decode()
    assert re.search(rf'<form method="post" action="{CHECKOUT}/unregister"\s+'
                     r'data-confirm="Remove component:default/checkout from the catalog\?">',
                     menu(body))  # fmt: skip
    assert "onsubmit" not in body and "onclick" not in body  # no inline scripts
    assert signed_in.post(f"{CHECKOUT}/unregister").status_code == 302
    assert not Entity.objects.filter(ref="component:default/checkout").exists()


def test_a_file_source_shows_its_path(signed_in, catalog):
    items = menu(signed_in.get(CHECKOUT).content.decode())
    assert f"Read from the file <code>{catalog.root / 'service.yaml'}</code>" in items
    assert "View source" not in items and "Edit" not in items


def test_a_git_source_on_github_links_to_view_and_edit(signed_in, catalog):
    set_annotations("component:default/checkout", **{
        "backstage.io/managed-by-location": "git:https://github.com/acme/shop.git#main:svc/c.yaml"})
    items = menu(signed_in.get(CHECKOUT).content.decode())
    assert 'href="https://github.com/acme/shop/blob/main/svc/c.yaml"' in items
    assert 'href="https://github.com/acme/shop/edit/main/svc/c.yaml"' in items


def test_view_and_edit_annotations_win_and_only_web_links_are_links(signed_in, catalog):
    set_annotations("component:default/checkout", **{
        "backstage.io/view-url": "https://git.example.com/shop/c.yaml",
        "backstage.io/edit-url": "vbscript:run"})  # fmt: skip
    items = menu(signed_in.get(CHECKOUT).content.decode())
    assert 'href="https://git.example.com/shop/c.yaml"' in items and "vbscript" not in items


@pytest.mark.parametrize(("location", "expected"), [
    ("file:/srv/catalog/c.yaml", SourceLinks(path="/srv/catalog/c.yaml")),
    ("url:https://gitlab.example.com/a/b/-/blob/main/c.yaml",
     SourceLinks(view="https://gitlab.example.com/a/b/-/blob/main/c.yaml")),
    ("url:javascript:alert(1)", SourceLinks()),
    ("git:https://github.com/acme/shop#v1.2:c.yaml",
     SourceLinks("https://github.com/acme/shop/blob/v1.2/c.yaml",
                 "https://github.com/acme/shop/edit/v1.2/c.yaml")),
    ("git:https://github.com/acme/shop#" + "a" * 40 + ":c.yaml",  # a commit cannot be edited
     SourceLinks(view=f"https://github.com/acme/shop/blob/{'a' * 40}/c.yaml")),
    ("git:https://ghe.example.com/acme/shop#main:c.yaml",
     SourceLinks("https://ghe.example.com/acme/shop/blob/main/c.yaml",
                 "https://ghe.example.com/acme/shop/edit/main/c.yaml")),
    ("git:https://git.example.org/acme/shop#main:c.yaml", SourceLinks()),  # unknown layout
    ("git:file:///srv/repos/shop#main:c.yaml", SourceLinks()),
    ("git:not a target", SourceLinks()),
])  # fmt: skip
def test_source_links(location, expected, settings):
    settings.APP_CONFIG = {**settings.APP_CONFIG,
                           "integrations": {"github": [{"host": "ghe.example.com"}]}}
    assert source_links(location) == expected


# Inspect entity ---------------------------------------------------------------------


def test_inspect_shows_the_served_entity_its_ancestry_and_errors(signed_in, catalog):
    error = {"name": "InputError", "message": "<b>spec.owner</b> is bad"}
    Entity.objects.filter(ref="component:default/checkout").update(errors=[error])
    response = signed_in.get(f"{CHECKOUT}/inspect")
    body = response.content.decode()
    assert response.status_code == 200 and "<h1>checkout</h1>" in body
    assert "kind: Component" in body and "&quot;kind&quot;: &quot;Component&quot;" in body
    row = Entity.objects.get(ref="component:default/checkout")
    assert row.etag in body and str(row.uid) in body
    location_ref = f"location:default/{row.location.entity_name}"
    assert f'href="/catalog/default/location/{row.location.entity_name}">{location_ref}</a>' in body
    assert "registered root" in body
    assert "<code>InputError</code> &lt;b&gt;spec.owner&lt;/b&gt; is bad" in body
    assert 'href="/api/catalog/entities/by-name/component/default/checkout"' in body


def test_inspect_over_htmx_returns_the_panel(signed_in, catalog):
    response = signed_in.get(f"{CHECKOUT}/inspect", HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="tab-panel")  # fmt: skip
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="tab-panel"') and "kind: Component" in body


# Entities that are not in the catalog ----------------------------------------------


def test_a_dangling_ref_gets_a_page_that_says_who_refers_to_it(signed_in, catalog):
    catalog.write("dangling.yaml", component("lonely", owner="ghost-team",
                                             dependsOn="[resource:gone]"))  # fmt: skip
    register(catalog.root / "dangling.yaml")
    lonely = signed_in.get("/catalog/default/component/lonely").content.decode()
    assert 'href="/catalog/default/resource/gone"' in lonely  # the dangling row links here
    for url, relation in (("/catalog/default/resource/gone", "dependsOn"),
                          ("/catalog/default/group/ghost-team/dependencies", "ownedBy")):
        response = signed_in.get(url)
        body = response.content.decode()
        assert response.status_code == 404
        assert "is not in the catalog" in body and 'href="/catalog/register/"' in body
        assert re.search(r'href="/catalog/default/component/lonely">component:lonely</a>\s*'
                         rf'<span class="muted">\({relation}\)</span>', body)


def test_an_unknown_address_is_a_404_page_naming_the_ref(signed_in, catalog):
    response = signed_in.get("/catalog/default/component/nope")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<code>component:default/nope</code> is not in the catalog" in body
    assert "No entity in the catalog refers to it." in body
    assert signed_in.post("/catalog/default/component/nope/star").status_code == 404
