"""Entity pages: header, About card, relation cards per kind, banners, actions, tabs,
and a bounded number of queries whatever the number of relations."""

from __future__ import annotations

import re

import pytest

from catalog import services
from catalog.models import Entity, Star, Visit
from portal.conf.errors import ConfigError
from portal.conf.schema import validate_app_config
from portal.models import Job
from portal.plugins import (
    EntityContent,
    register_entity_card,
    register_entity_tab,
    temporarily_registered,
)
from tests.catalog.conftest import component, register
from tests.catalog.pages.conftest import query_count

CHECKOUT = "/catalog/default/component/checkout"


def test_component_page_shows_header_about_and_relations(signed_in, catalog):
    body = signed_in.get(CHECKOUT).content.decode()
    assert "<h1>checkout</h1>" in body
    assert 'href="/catalog/default/group/team-a">team-a</a>' in body
    assert 'href="/catalog/default/system/shop">shop</a>' in body
    assert "Takes the money" in body and "production" in body
    assert 'href="/catalog/default/api/checkout-api">checkout-api</a>' in body  # Provided APIs
    assert 'href="/catalog/default/resource/orders-db">orders-db</a>' in body  # Depends on
    assert "Consumes no API." in body
    for tab in ("Overview", "Dependencies", "API"):
        assert f">{tab}</a>" in body


def test_addresses_are_case_insensitive_and_unknown_ones_404(signed_in, catalog):
    assert signed_in.get("/catalog/Default/Component/Checkout").status_code == 200
    assert signed_in.get("/catalog/default/component/nope").status_code == 404
    assert signed_in.get(f"{CHECKOUT}/no-such-tab").status_code == 404
    assert signed_in.get("/catalog/default/group/team-a/api").status_code == 404


def test_an_address_with_a_nul_names_nothing(signed_in, catalog):
    """PostgreSQL text cannot hold a NUL: asking it for one was a 500."""
    for url in ("/catalog/default/component/check%00out", "/catalog/default/component/a%00/docs",
                f"{CHECKOUT}/docs?x=%00"):  # fmt: skip
        assert signed_in.get(url).status_code in (200, 404), url
    assert signed_in.get("/catalog/default/component/check%00out/docs").status_code == 404


def test_dangling_relations_are_shown_as_such(signed_in, catalog):
    catalog.write("dangling.yaml", component("lonely", dependsOn="[resource:gone]"))
    register(catalog.root / "dangling.yaml")
    body = signed_in.get("/catalog/default/component/lonely").content.decode()
    assert 'class="dangling"' in body and "resource:gone" in body and "Not in the catalog" in body


def test_entities_with_every_optional_field_absent(signed_in, files):
    files.write("bare.yaml", """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: bare}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Domain
        metadata: {name: empty-domain}
        spec: {owner: bare}
        """)
    location = register(files.root / "bare.yaml")
    for url in ("/catalog/default/group/bare", "/catalog/default/domain/empty-domain",
                f"/catalog/default/location/{location.entity_name}"):  # fmt: skip
        response = signed_in.get(url)
        assert response.status_code == 200, url
    body = signed_in.get("/catalog/default/group/bare").content.decode()
    assert "No description." in body and "Has no members." in body and "Top-level group" in body
    domain = signed_in.get("/catalog/default/domain/empty-domain").content.decode()
    assert "No description." in domain and "Has no systems." in domain


def test_group_page_lists_members_and_what_it_owns_by_kind(signed_in, catalog):
    body = signed_in.get("/catalog/default/group/team-a").content.decode()
    assert 'href="/catalog/default/user/dev">dev</a>' in body
    assert 'href="/catalog/default/user/alice">alice</a>' in body
    assert "?kind=component&amp;owner=group%3Adefault/team-a" in body  # ownership counts
    assert "<strong>1</strong> component" in body


def test_user_page_shows_groups_email_and_picture(signed_in, catalog):
    body = signed_in.get("/catalog/default/user/dev").content.decode()
    assert 'href="/catalog/default/group/team-a">team-a</a>' in body
    assert 'href="mailto:dev@example.com"' in body
    assert 'src="https://img.example.com/dev.png"' in body


def about_card(body: str) -> str:
    """The About card's HTML of an entity page."""
    start = body.index('id="about-heading"')
    return body[start:body.index("</section>", start)]


def about_labels(client, url: str) -> list[str]:
    return re.findall(r"<dt>([^<]+)</dt>", about_card(client.get(url).content.decode()))


def test_the_about_card_shows_the_fields_of_the_kind(signed_in, catalog):
    catalog.write("more.yaml", """\
        apiVersion: backstage.io/v1alpha1
        kind: Domain
        metadata: {name: commerce}
        spec: {owner: team-a}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Domain
        metadata: {name: payments}
        spec: {owner: team-a, subdomainOf: commerce}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: till}
        spec: {owner: team-a, domain: payments}
        """)
    register(catalog.root / "more.yaml")
    every = ["Tags", "Source", "Last refreshed"]
    expected = {
        CHECKOUT: ["Owner", "System", "Type", "Lifecycle"],
        "/catalog/default/resource/orders-db": ["Owner", "System", "Type"],
        "/catalog/default/system/shop": ["Owner", "Domain"],
        "/catalog/default/domain/commerce": ["Owner"],
        "/catalog/default/domain/payments": ["Owner", "Parent domain"],
        "/catalog/default/group/team-a": ["Parent group", "Type"],
        "/catalog/default/user/dev": ["Email"],
    }
    for url, labels in expected.items():
        assert about_labels(signed_in, url) == [*labels, *every], url
    system = about_card(signed_in.get("/catalog/default/system/till").content.decode())
    assert 'href="/catalog/default/domain/payments">payments</a>' in system
    assert "No domain" in about_card(signed_in.get("/catalog/default/system/shop").content.decode())


def test_avatars_fall_back_to_initials_and_stay_offline_when_configured(signed_in, catalog,
                                                                        settings):  # fmt: skip
    card = about_card(signed_in.get("/catalog/default/user/dev").content.decode())
    assert '<span class="initials">D</span>' in card
    assert re.search(r'<img src="https://img.example.com/dev.png"[^>]* data-fallback>', card)
    assert "onerror" not in card  # the fallback is static/js/portal.js, no inline handler
    settings.APP_CONFIG = {**settings.APP_CONFIG, "app": {"externalImages": False}}
    offline = signed_in.get("/catalog/default/user/dev").content.decode()
    assert "img.example.com" not in offline and '<span class="initials">D</span>' in offline
    group = about_card(signed_in.get("/catalog/default/group/team-a").content.decode())
    assert '<span class="initials">TA</span>' in group and "<img" not in group


def test_app_external_images_must_be_a_boolean():
    validate_app_config({"app": {"externalImages": False}})
    with pytest.raises(ConfigError, match=r"app\.externalImages: must be of type boolean"):
        validate_app_config({"app": {"externalImages": "no"}})


def test_relation_tables_scroll_inside_their_cards(signed_in, catalog):
    body = signed_in.get(CHECKOUT).content.decode()
    assert re.search(r'<div class="relation-table">\s*<table class="entity-table compact">', body)


def test_system_and_domain_pages_list_their_parts(signed_in, catalog):
    body = signed_in.get("/catalog/default/system/shop").content.decode()
    assert 'href="/catalog/default/component/checkout">checkout</a>' in body
    assert "Has no resources." in body


def test_star_toggles_with_and_without_htmx(signed_in, catalog, user):
    response = signed_in.post(f"{CHECKOUT}/star", HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.content.decode()
    assert Star.objects.filter(user=user, entity_ref="component:default/checkout").exists()
    response = signed_in.post(f"{CHECKOUT}/star")
    assert response.status_code == 302 and response["Location"] == CHECKOUT
    assert not Star.objects.exists()
    assert signed_in.get(f"{CHECKOUT}/star").status_code == 405


def test_refresh_queues_a_job_for_the_entitys_location(
    signed_in, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = signed_in.post(f"{CHECKOUT}/refresh", follow=True)
    assert "scheduled" in response.content.decode()
    assert Job.objects.filter(runner="catalog.refresh_location").count() == 1


def test_orphans_get_a_banner_and_can_be_unregistered(signed_in, catalog):
    signed_in.get(CHECKOUT)
    assert "This entity is an orphan" not in signed_in.get(CHECKOUT).content.decode()
    refused = signed_in.post(f"{CHECKOUT}/unregister", follow=True)
    assert "unregister its location" in refused.content.decode()
    Entity.objects.filter(ref="component:default/checkout").update(orphan=True)
    assert "This entity is an orphan" in signed_in.get(CHECKOUT).content.decode()
    response = signed_in.post(f"{CHECKOUT}/unregister")
    assert response.status_code == 302
    assert not Entity.objects.filter(ref="component:default/checkout").exists()


def test_processing_errors_are_shown_in_a_banner(signed_in, catalog):
    error = {"name": "InputError", "message": "<b>spec.owner</b> is bad"}
    Entity.objects.filter(ref="component:default/checkout").update(errors=[error])
    body = signed_in.get(CHECKOUT).content.decode()
    assert "Processing errors" in body and "&lt;b&gt;spec.owner&lt;/b&gt; is bad" in body


def test_visits_are_recorded_once_per_entity(signed_in, catalog, user):
    signed_in.get(CHECKOUT)
    signed_in.get(CHECKOUT)
    assert list(Visit.objects.values_list("entity_ref", flat=True)) == [
        "component:default/checkout"]  # fmt: skip


def test_plugin_tabs_show_only_where_they_apply(signed_in, catalog):
    tab = EntityContent("runbook", "Runbook", "components/empty_state.html",
                        applies_to=lambda e: e["kind"] == "Component")  # fmt: skip
    with temporarily_registered():
        register_entity_tab(tab)
        assert ">Runbook</a>" in signed_in.get(CHECKOUT).content.decode()
        assert signed_in.get(f"{CHECKOUT}/runbook").status_code == 200
        assert ">Runbook</a>" not in signed_in.get("/catalog/default/system/shop").content.decode()
        assert signed_in.get("/catalog/default/system/shop/runbook").status_code == 404


def test_tab_requests_from_htmx_get_the_panel_only(signed_in, catalog):
    response = signed_in.get(f"{CHECKOUT}/api", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="tab-panel"') and "<html" not in body


def test_the_entity_page_runs_the_same_queries_for_5_or_50_relations(signed_in, catalog):
    deps = "[" + ", ".join(f"resource:db-{i}" for i in range(50)) + "]"
    some = "[" + ", ".join(f"resource:db-{i}" for i in range(5)) + "]"
    resources = "".join(
        f"---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {{name: db-{i}}}\n"
        "spec: {type: database, owner: team-b}\n" for i in range(50))  # fmt: skip
    catalog.write("resources.yaml", resources)
    register(catalog.root / "resources.yaml")
    catalog.write("big.yaml", component("big", dependsOn=some))
    location = register(catalog.root / "big.yaml")
    few = query_count(signed_in, "/catalog/default/component/big")
    catalog.write("big.yaml", component("big", dependsOn=deps))
    services.refresh(location)
    assert query_count(signed_in, "/catalog/default/component/big") == few <= 12
    body = signed_in.get("/catalog/default/component/big").content.decode()
    assert body.count('href="/catalog/default/resource/db-') == 50


def test_refs_are_split_like_backstage_parses_them():
    from catalog.summaries import entity_path, ref_parts, short_ref

    assert ref_parts("resource:default/a:b") == ("resource", "default", "a:b")
    assert ref_parts("team-a") == ("", "default", "team-a")
    assert ref_parts("other/team-a") == ("", "other", "team-a")
    assert entity_path("resource:default/a:b") == "/catalog/default/resource/a%3Ab"
    assert short_ref("group:default/team-a", "group") == "team-a"
    assert short_ref("group:ops/team-a", "group") == "ops/team-a"
    assert short_ref("user:default/dev", "group") == "user:dev"


def test_plugin_cards_show_on_the_overview_only_where_they_apply(signed_in, catalog):
    def broken(entity, request):
        raise RuntimeError("plugin bug")

    def systems(entity):
        return entity["kind"] == "System"

    card = EntityContent("oncall", "On call", "components/empty_state.html", applies_to=systems,
                         get_context=lambda e, r: {"heading": f"Pager for {e['kind']}"})
    failing = EntityContent("flaky", "Flaky", "components/empty_state.html", applies_to=systems,
                            get_context=broken)  # fmt: skip
    with temporarily_registered():
        register_entity_card(card)
        register_entity_card(failing)
        system = signed_in.get("/catalog/default/system/shop").content.decode()
        assert "Pager for System" in system
        assert "This section could not be shown (RuntimeError)" in system
        assert "Pager for" not in signed_in.get(CHECKOUT).content.decode()
