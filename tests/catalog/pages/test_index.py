"""The catalog index and the APIs explorer: filters, sorting, paging, HTMX, escaping
and a bounded number of queries."""

from __future__ import annotations

import re

import pytest

from catalog import services
from catalog.models import Entity, Location, Star
from tests.catalog.conftest import component, register
from tests.catalog.pages.conftest import query_count
from tests.catalog.test_examples_ingest import demo_catalog  # noqa: F401 - a fixture


def names(response) -> list[str]:
    """Entity names in the table, in order."""
    body = response.content.decode()
    return re.findall(r'<td class="name"><a href="/catalog/[^"]+">([^<]+)</a>', body)


def test_an_empty_catalog_says_how_to_fill_it(signed_in, db):
    response = signed_in.get("/catalog/")
    assert response.status_code == 200
    assert "The catalog is empty" in response.content.decode()


def test_components_are_listed_by_default_and_the_kind_selector_switches(signed_in, catalog):
    assert names(signed_in.get("/catalog/")) == ["checkout"]
    assert names(signed_in.get("/catalog/?kind=api")) == ["checkout-api"]
    every = names(signed_in.get("/catalog/?kind="))
    assert {"checkout", "checkout-api", "shop", "orders-db", "team-a", "dev"} <= set(every)


def test_facet_filters_combine_and_show_counts(signed_in, catalog):
    catalog.write("more.yaml", component("billing", owner="team-b", lifecycle="experimental")
                  + component("ledger", owner="team-b"))  # fmt: skip
    register(catalog.root / "more.yaml")
    owner_b = "/catalog/?owner=group:default/team-b"
    assert names(signed_in.get(owner_b)) == ["billing", "ledger"]
    assert names(signed_in.get(owner_b + "&lifecycle=production")) == ["ledger"]
    both = "/catalog/?owner=group:default/team-a&owner=group:default/team-b&lifecycle=production"
    assert names(signed_in.get(both)) == ["checkout", "ledger"]
    body = signed_in.get("/catalog/").content.decode()
    assert re.search(r'value="experimental"[^>]*>\s*<span class="facet-label">experimental'
                     r'</span>\s*<span class="count">1</span>', body)  # fmt: skip


def test_text_filter_searches_names_titles_descriptions_and_tags(signed_in, catalog):
    assert names(signed_in.get("/catalog/?q=MONEY")) == ["checkout"]
    assert names(signed_in.get("/catalog/?q=payments")) == ["checkout"]
    response = signed_in.get("/catalog/?q=nothing-like-this")
    assert "No entities match" in response.content.decode()


def test_owned_by_me_uses_the_users_entity_and_groups(signed_in, catalog):
    assert names(signed_in.get("/catalog/?kind=&show=owned")) == [
        "checkout", "checkout-api", "shop"]  # fmt: skip


def test_owned_by_me_without_a_user_entity_explains(client, catalog, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger"))
    body = client.get("/catalog/?show=owned").content.decode()
    assert "No User entity for you yet" in body


def test_starred_filter(signed_in, catalog, user):
    assert "No entities match" in signed_in.get("/catalog/?show=starred").content.decode()
    Star.objects.create(user=user, entity_ref="component:default/checkout")
    assert names(signed_in.get("/catalog/?show=starred")) == ["checkout"]


def test_sorting_by_each_column_puts_entities_without_the_field_last(signed_in, catalog):
    catalog.write("more.yaml", component("aardvark") + component("zebra", system="shop"))
    register(catalog.root / "more.yaml")
    assert names(signed_in.get("/catalog/?sort=-name")) == ["zebra", "checkout", "aardvark"]
    assert names(signed_in.get("/catalog/?sort=system")) == ["checkout", "zebra", "aardvark"]
    for column in ("owner", "type", "lifecycle", "description", "tags", "nonsense"):
        assert len(names(signed_in.get(f"/catalog/?sort={column}"))) == 3


def test_paging_is_done_on_the_server_and_bad_numbers_fall_back(signed_in, catalog):
    catalog.write("many.yaml", "".join(component(f"svc-{i:02}") for i in range(30)))
    register(catalog.root / "many.yaml")
    first = signed_in.get("/catalog/?size=25")
    assert len(names(first)) == 25
    assert "1\N{EN DASH}25 of 31" in first.content.decode()
    assert names(signed_in.get("/catalog/?size=25&page=2")) == [
        "svc-24", "svc-25", "svc-26", "svc-27", "svc-28", "svc-29"]  # fmt: skip
    assert names(signed_in.get("/catalog/?page=999")) == names(signed_in.get("/catalog/?page=2"))
    assert len(names(signed_in.get("/catalog/?page=x&size=-4"))) == 25


def test_htmx_requests_get_the_browser_fragment_only(signed_in, catalog):
    response = signed_in.get("/catalog/?owner=group:default/team-a", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="catalog-browser"')
    assert "<html" not in body
    assert 'hx-push-url="true"' in body


def test_the_index_runs_the_same_queries_for_5_or_60_rows(signed_in, catalog):
    url = "/catalog/?size=100&owner=group:default/team-a&lifecycle=production"
    catalog.write("many.yaml", "".join(component(f"a-{i}") for i in range(4)))
    location = register(catalog.root / "many.yaml")
    few = query_count(signed_in, url)
    catalog.write("many.yaml", "".join(component(f"a-{i}") for i in range(60)))
    services.refresh(location)
    # 4 of them: the layout's identity (accounts, User entity, groups, parent groups)
    assert query_count(signed_in, url) == few <= 14


def test_free_text_is_escaped_and_javascript_links_are_never_links(signed_in, files):
    files.write("evil.yaml", """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: evil
          title: <img src=x onerror=alert(1)>
          description: <script>alert("d")</script>
          links: [{url: "javascript:alert(1)", title: "<b>click</b>"}]
          annotations:
            backstage.io/edit-url: "javascript:alert(2)"
        spec: {type: "<i>t</i>", lifecycle: "<u>l</u>", owner: team-a}
        """)
    register(files.root / "evil.yaml")
    for url in ("/catalog/", "/catalog/default/component/evil", "/catalog/?q=evil"):
        body = signed_in.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "<i>t</i>" not in body and "<u>l</u>" not in body
        assert 'href="javascript:' not in body
    body = signed_in.get("/catalog/default/component/evil").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;b&gt;click&lt;/b&gt;" in body


def test_apis_explorer_lists_providers_and_consumers(signed_in, catalog):
    catalog.write("consumer.yaml", component("storefront", consumesApis="[checkout-api]"))
    register(catalog.root / "consumer.yaml")
    response = signed_in.get("/apis/")
    body = response.content.decode()
    assert names(response) == ["checkout-api"]
    assert 'href="/catalog/default/component/checkout">checkout</a>' in body
    assert 'href="/catalog/default/component/storefront">storefront</a>' in body
    assert names(signed_in.get("/apis/?kind=component")) == ["checkout-api"]
    assert "No APIs match" in signed_in.get("/apis/?type=grpc").content.decode()


def test_apis_explorer_when_there_are_none(signed_in, db):
    assert "No APIs yet" in signed_in.get("/apis/").content.decode()


def test_pages_need_a_signed_in_user(client, catalog):
    for url in ("/catalog/", "/apis/", "/catalog/default/component/checkout"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_trigram_index_covers_the_text_filters_fields():
    from importlib import import_module

    from catalog.listing import TEXT_FIELDS

    migration = import_module("catalog.migrations.0009_text_search_trigram_index")
    assert set(migration.TEXT_KEYS) == set(TEXT_FIELDS)


def test_text_filter_matches_each_word_on_its_own_in_any_order(signed_in, catalog):
    for text in ("takes money", "money takes", "checkout payments", "PAYMENTS  python"):
        assert names(signed_in.get("/catalog/", {"q": text})) == ["checkout"], text
    assert names(signed_in.get("/catalog/", {"q": "money nowhere"})) == []


@pytest.mark.usefixtures("db", "demo_catalog")
def test_word_order_does_not_matter_on_the_demo_catalog(signed_in):
    for words in ("main artist", "archive wayback", "api petstore"):
        found = names(signed_in.get("/catalog/", {"kind": "", "q": words}))
        turned = " ".join(reversed(words.split()))
        assert found and found == names(signed_in.get("/catalog/", {"kind": "", "q": turned}))
    assert names(signed_in.get("/catalog/", {"q": "main artist"})) == ["www-artist"]


def test_the_api_full_text_filter_still_matches_the_whole_term(signed_in, catalog):
    def found(term: str) -> list[str]:
        params = {"fullTextFilterTerm": term, "fullTextFilterFields": "metadata.description"}
        response = signed_in.get("/api/catalog/entities/by-query", params)
        return [item["metadata"]["name"] for item in response.json()["items"]]

    assert found("takes the money") == ["checkout"]
    assert found("money takes") == []


def test_the_text_filter_runs_the_same_queries_for_one_word_or_five(signed_in, catalog):
    one = query_count(signed_in, "/catalog/?q=checkout")
    assert query_count(signed_in, "/catalog/?q=checkout+takes+the+money+payments") == one


def test_the_processing_filter_finds_entities_with_errors_and_orphans(signed_in, catalog):
    services.refresh(Location.objects.get(target=str(catalog.root / "service.yaml")))
    Entity.objects.filter(ref="component:default/checkout").update(
        errors=[{"name": "InputError", "message": "broken"}])  # fmt: skip
    Entity.objects.filter(ref="resource:default/orders-db").update(orphan=True)
    assert names(signed_in.get("/catalog/?kind=&status=errors")) == ["checkout"]
    assert names(signed_in.get("/catalog/?kind=&status=orphan")) == ["orders-db"]
    both = names(signed_in.get("/catalog/?kind=&status=errors&status=orphan&sort=name"))
    assert both == ["checkout", "orders-db"]
    assert names(signed_in.get("/catalog/?kind=api&status=errors")) == []
    body = signed_in.get("/catalog/?kind=&status=orphan").content.decode()
    assert re.search(r'name="status" value="orphan" checked>\s*<span class="facet-label">Orphan'
                     r'</span>\s*<span class="count">1</span>', body)  # fmt: skip
    assert re.search(r'name="status" value="errors">\s*<span class="facet-label">Has errors'
                     r'</span>\s*<span class="count">1</span>', body)  # fmt: skip
    assert 'name="status"' not in signed_in.get("/catalog/?kind=api").content.decode()


def test_the_processing_filter_runs_the_same_queries_for_few_or_many(signed_in, catalog):
    url = "/catalog/?kind=&status=errors&status=orphan&size=100"
    catalog.write("many.yaml", "".join(component(f"a-{i}") for i in range(3)))
    location = register(catalog.root / "many.yaml")
    Entity.objects.filter(ref__startswith="component:default/a-").update(orphan=True)
    few = query_count(signed_in, url)
    catalog.write("many.yaml", "".join(component(f"a-{i}") for i in range(40)))
    services.refresh(location)
    Entity.objects.filter(ref__startswith="component:default/a-").update(orphan=True)
    assert len(names(signed_in.get(url))) == 40
    assert query_count(signed_in, url) == few


def test_every_kind_has_a_kind_column_and_sorts_by_it(signed_in, catalog):
    body = signed_in.get("/catalog/?kind=").content.decode()
    assert ">Kind</a>" in body and '<td class="nowrap">Resource</td>' in body
    assert ">Kind</a>" not in signed_in.get("/catalog/").content.decode()
    body = signed_in.get("/catalog/?kind=&sort=kind&size=50").content.decode()
    kinds = re.findall(r'<td class="nowrap">(API|Component|Group|Resource|System|User)</td>', body)
    assert kinds == sorted(kinds, key=str.lower) and len(set(kinds)) == 6


def test_owners_of_different_kinds_with_one_name_are_told_apart(signed_in, catalog):
    catalog.write("guests.yaml", component("by-group", owner="guest")
                  + component("by-user", owner="user:guest"))  # fmt: skip
    register(catalog.root / "guests.yaml")
    body = signed_in.get("/catalog/").content.decode()
    for kind in ("group", "user"):
        option = (
            rf'value="{kind}:default/guest">\s*<span class="facet-label" '
            rf'title="{kind}:default/guest">guest <span class="facet-kind">\({kind}\)'
        )
        assert re.search(option, body), kind
    assert names(signed_in.get("/catalog/?owner=user:default/guest")) == ["by-user"]
    assert names(signed_in.get("/catalog/?owner=group:default/guest")) == ["by-group"]
