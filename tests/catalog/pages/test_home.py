"""The catalog's home page cards."""

from __future__ import annotations

import re

from catalog.models import Entity, Location, Star


def test_home_shows_health_starred_recent_and_team(signed_in, catalog, user):
    Star.objects.create(user=user, entity_ref="api:default/checkout-api")
    signed_in.get("/catalog/default/system/shop")
    Entity.objects.filter(ref="resource:default/orders-db").update(orphan=True)
    body = signed_in.get("/").content.decode()
    assert "Catalog at a glance" in body and "<strong>2</strong> <span>Groups</span>" in body
    assert "1 orphan" in body
    starred = body.split('id="home-starred"')[1].split("</section>")[0]
    assert 'href="/catalog/default/api/checkout-api"' in starred
    recent = body.split('id="home-recent"')[1].split("</section>")[0]
    assert 'href="/catalog/default/system/shop"' in recent
    team = body.split('id="home-team"')[1].split("</section>")[0]
    assert 'href="/catalog/default/component/checkout"' in team


def test_home_on_an_empty_catalog_and_without_a_user_entity(signed_in, db):
    body = signed_in.get("/").content.decode()
    assert "The catalog is empty" in body
    assert "There is no User entity for <strong>dev</strong>" in body
    assert "Star services and APIs you use often" in body


def test_a_starred_entity_that_is_gone_is_shown_as_gone(signed_in, db, user):
    Star.objects.create(user=user, entity_ref="component:default/gone")
    body = signed_in.get("/").content.decode()
    assert "component:default/gone (no longer in the catalog)" in body


def test_the_search_box_finds_entities_exact_names_first(signed_in, catalog):
    body = signed_in.get("/search/?q=checkout").content.decode()
    first = body.index('href="/catalog/default/component/checkout"')
    assert first < body.index('href="/catalog/default/api/checkout-api"')
    assert "Takes the money" in body
    assert "No results" in signed_in.get("/search/?q=zzz-nothing").content.decode()


def test_health_badges_link_to_the_entities_and_locations_they_count(signed_in, catalog):
    Entity.objects.filter(ref="component:default/checkout").update(
        errors=[{"name": "InputError", "message": "broken"}])  # fmt: skip
    Entity.objects.filter(ref="resource:default/orders-db").update(orphan=True)
    Location.objects.filter(target__endswith="service.yaml").update(last_error="unreadable")
    body = signed_in.get("/").content.decode()
    badge = r'<a href="([^"]+)"><span class="badge [a-z]+">([^<]+)</span></a>'
    links = dict(re.findall(badge, body))
    assert links == {
        "/catalog/?kind=&amp;status=errors": "1 entity with processing errors",
        "/catalog/locations/?status=errors": "1 location with processing errors",
        "/catalog/?kind=&amp;status=orphan": "1 orphan",
    }
    errors = signed_in.get("/catalog/?kind=&status=errors").content.decode()
    assert 'href="/catalog/default/component/checkout"' in errors
    assert errors.count('<td class="name">') == 1


def test_the_search_box_matches_each_word_in_any_order(signed_in, catalog):
    for query in ("money takes", "payments checkout"):
        body = signed_in.get("/search/", {"q": query}).content.decode()
        assert 'href="/catalog/default/component/checkout"' in body, query
    assert "No results" in signed_in.get("/search/?q=money+zzz").content.decode()
