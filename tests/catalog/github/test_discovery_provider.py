"""``catalog.providers.github``: repositories with catalog files become Locations,
the others are recorded; refreshes of an unchanged org are conditional."""

from __future__ import annotations

import json

import pytest

from catalog import services
from catalog.models import DiscoveredRepository, Entity
from tests.catalog.github.conftest import ORG, provider_location, with_providers

pytestmark = pytest.mark.django_db


def component(name: str, owner: str = "backend") -> str:
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, "
            f"owner: {owner}}}\n")  # fmt: skip


@pytest.fixture
def fleet(gh, settings):
    """50 repositories: 42 with a catalog file, 5 without, one archived (with a file),
    one empty, one monorepo with two catalog files below its root."""
    gh.page_size = 20  # three pages of repositories
    for number in range(42):
        name = f"service-{number:02d}"
        gh.seed(ORG, name, {"catalog-info.yaml": component(name), "README.md": "hi"},
                topics=["team-a"] if number % 2 else [])  # fmt: skip
    for number in range(5):
        gh.seed(ORG, f"no-catalog-{number}", {"README.md": "nothing here"})
    gh.seed(ORG, "old-service", {"catalog-info.yaml": component("old-service")}, archived=True)
    gh.create(ORG, "empty-repo")
    gh.seed(ORG, "monorepo", {"services/cart/catalog-info.yaml": component("cart"),
                              "services/pay/catalog-info.yaml": component("pay"),
                              "README.md": "two services"})  # fmt: skip
    with_providers(settings, github={"production": {
        "organization": ORG, "host": gh.host, "catalogPath": "/**/catalog-info.yaml"}})
    return gh


def test_exactly_the_repositories_with_catalog_files_become_locations(fleet) -> None:
    location = provider_location("github-discovery")
    assert location.last_error == "" and location.problems == []
    components = set(Entity.objects.filter(kind="component").values_list("name", flat=True))
    assert components == {f"service-{n:02d}" for n in range(42)} | {"cart", "pay"}
    children = Entity.objects.filter(kind="location", location=location).exclude(parent_ref="")
    assert children.count() == 43
    mono = next(json.loads(e.final_json) for e in children if "/monorepo/" in e.final_json)
    blob = f"{fleet.url}/{ORG}/monorepo/blob/main/services"
    assert mono["spec"]["targets"] == [f"{blob}/cart/catalog-info.yaml",
                                       f"{blob}/pay/catalog-info.yaml"]
    assert mono["metadata"]["annotations"]["github.com/project-slug"] == f"{ORG}/monorepo"
    statuses = dict(DiscoveredRepository.objects.values_list("full_name", "status"))
    assert len(statuses) == 50
    assert [n for n, s in statuses.items() if s == "no-catalog-file"] == sorted(
        [f"{ORG}/empty-repo"] + [f"{ORG}/no-catalog-{n}" for n in range(5)])
    assert statuses[f"{ORG}/old-service"] == "excluded"
    assert len(fleet.calls("GET", rf"/orgs/{ORG}/repos")) == 3


def test_a_second_refresh_of_the_unchanged_org_makes_only_conditional_requests(fleet) -> None:
    location = provider_location("github-discovery")
    fleet.requests.clear()
    counted = fleet.org.counted
    summary = services.refresh(location)
    api = [r for r in fleet.requests if r.method == "GET"]
    assert len(api) == 1 + 3 + 44  # the owner, three pages of repositories, each file
    # No repository was pushed to: its tree is not asked for again.
    assert not fleet.calls("GET", r"/repos/.*/git/trees/.*")
    assert all(r.headers.get("If-None-Match") and r.status == 304 for r in api), [
        (r.path, r.status) for r in api if r.status != 304][:5]
    assert fleet.org.counted == counted
    assert summary.added == summary.updated == []


def test_a_new_repository_is_found_and_a_removed_file_orphans_its_entities(fleet) -> None:
    location = provider_location("github-discovery")
    fleet.seed(ORG, "brand-new", {"catalog-info.yaml": component("brand-new")})
    fleet.commit(ORG, "service-00", {"catalog-info.yaml": None})
    services.refresh(location)
    assert Entity.objects.filter(ref="component:default/brand-new").exists()
    assert Entity.objects.get(ref="component:default/service-00").orphan
    statuses = dict(DiscoveredRepository.objects.values_list("full_name", "status"))
    assert statuses[f"{ORG}/service-00"] == "no-catalog-file"
    assert statuses[f"{ORG}/brand-new"] == "cataloged"


@pytest.mark.parametrize(("filters", "expected"), [
    ({"repository": "service-0[0-4]"}, {f"service-0{n}" for n in range(5)}),
    ({"topic": {"include": ["team-a"]}, "repository": "service-0.*"}, {"service-01", "service-03",
                                                                       "service-05", "service-07",
                                                                       "service-09"}),
    ({"topic": {"exclude": ["team-a"]}, "repository": "service-0[0-3]"}, {"service-00",
                                                                          "service-02"}),
    ({"visibility": ["private"]}, set()),
])  # fmt: skip
def test_filters_choose_the_repositories(fleet, settings, filters, expected) -> None:
    with_providers(settings, github={"organization": ORG, "host": fleet.host,
                                     "filters": filters})  # fmt: skip
    location = provider_location("github-discovery")
    assert location.last_error == ""
    assert set(Entity.objects.filter(kind="component").values_list("name", flat=True)) == expected
    excluded = DiscoveredRepository.objects.filter(status="excluded")
    assert excluded.count() == 50 - len(expected) - (7 if filters.get("visibility") is None
                                                     and not filters.get("repository") else 0)


def test_the_default_catalog_path_finds_only_root_files(fleet, settings) -> None:
    with_providers(settings, github={"organization": ORG, "host": fleet.host})
    provider_location("github-discovery")
    names = set(Entity.objects.filter(kind="component").values_list("name", flat=True))
    assert names == {f"service-{n:02d}" for n in range(42)}
    assert DiscoveredRepository.objects.get(full_name=f"{ORG}/monorepo").status == "no-catalog-file"


def test_removing_the_provider_from_the_config_unregisters_what_it_found(fleet, settings) -> None:
    provider_location("github-discovery")
    with_providers(settings)
    services.sync_config_locations()
    assert not Entity.objects.filter(kind="component").exists()
    assert not DiscoveredRepository.objects.exists()


def test_the_location_page_counts_and_lists_the_repositories_without_catalog_file(
        fleet, client, admin_user, django_assert_max_num_queries) -> None:  # fmt: skip
    location = provider_location("github-discovery")
    client.force_login(admin_user)
    with django_assert_max_num_queries(25):
        page = client.get(f"/catalog/locations/{location.pk}/")
    text = page.content.decode()
    assert "In the catalog</dt><dd>43" in text and "No catalog file</dt><dd>6" in text
    assert f'href="{fleet.url}/{ORG}/no-catalog-3"' in text
    assert f'{ORG}/service-01</a>' not in text  # catalogued: not in the list
