"""Backstage's example catalog ingests: every entity, with Backstage's relations,
except what cannot work offline or is opt-in in Backstage too."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import services
from catalog.models import Entity
from portal.conf import load_app_config

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "catalog" / "demo" / "backstage"
EXAMPLES = DEMO / "catalog-model-examples"


@pytest.fixture
def examples(settings):
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {"readableDirectories": [str(DEMO)]}}
    for name in ("all.yaml", "acme-corp.yaml"):
        services.register_location("file", str(EXAMPLES / name))
    services.register_location(
        "file", str(DEMO / "create-app-examples" / "template" / "template.yaml")
    )


def test_every_example_ingests_except_offline_and_opt_in_ones(examples) -> None:
    problems = [p for loc in services.Location.objects.all() for p in loc.problems]
    failed_files = {Path(p["file"].split(":", 1)[1]).name for p in problems}
    assert failed_files <= {
        "spotify-api.yaml",
        "wayback-archive-api.yaml",
        "wayback-search-api.yaml",  # github.com
        "all-ai-resources.yaml",  # AiResource is opt-in: its Location fails, as in Backstage
        "backstage-mcp-server-api.yaml",  # model-layer only in Backstage
    }, problems
    refs = set(Entity.objects.values_list("ref", flat=True))
    assert {
        "component:default/petstore",
        "api:default/petstore",
        "group:default/team-a",
        "user:default/breanna.davison",
        "system:default/podcast",
        "domain:default/artists",
        "template:default/example-nodejs-template",
        "api:default/petstore-webhook",
    } <= refs, sorted(refs)
    assert not Entity.objects.exclude(errors=[]).exclude(kind="location").exists()


def test_relative_text_placeholder_of_the_webhook_api_is_resolved(examples) -> None:
    entity = Entity.objects.get(ref="api:default/petstore-webhook").final
    assert "openapi" in entity["spec"]["definition"]


def test_relations_match_backstage_for_representative_entities(examples) -> None:
    def relations(ref: str) -> set[tuple[str, str]]:
        return {(r["type"], r["targetRef"]) for r in Entity.objects.get(ref=ref).final["relations"]}

    assert relations("component:default/petstore") >= {
        ("ownedBy", "group:default/team-c"),
        ("providesApi", "api:default/petstore"),
    }
    assert ("apiProvidedBy", "component:default/petstore") in relations("api:default/petstore")
    assert ("hasMember", "user:default/breanna.davison") in relations("group:default/team-a")
    assert ("memberOf", "group:default/team-a") in relations("user:default/breanna.davison")


@pytest.fixture
def demo_catalog(settings):
    """The catalog ``make run`` loads: the locations of the project's app-config.yaml."""
    config = load_app_config([PROJECT / "app-config.yaml"], {})
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": config["catalog"]}
    services.sync_config_locations()
    for location in services.Location.objects.all():
        services.refresh(location)


def test_the_demo_catalog_loads_without_processing_errors(demo_catalog) -> None:
    assert list(services.processing_errors()) == []
    assert not Entity.objects.filter(orphan=True).exists()
    # The APIs upstream reads from github.com come with local definitions.
    search = Entity.objects.get(ref="api:default/wayback-search").final
    assert search["spec"]["definition"].startswith("openapi:")
    provided = {r["targetRef"] for r in Entity.objects.get(ref="component:default/wayback-search")
                .final["relations"] if r["type"] == "providesApi"}  # fmt: skip
    assert provided == {"api:default/wayback-search"}
    assert Entity.objects.filter(ref__in=provided).count() == 1
