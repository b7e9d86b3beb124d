"""``catalog.providers`` in app-config become locations with their own options,
schedules and allowed kinds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.config import catalog_settings
from catalog.models import Entity, Location
from catalog.readers import DiscoveryOptions
from tests.catalog.github.conftest import ORG, provider_location, seed_org, with_providers

pytestmark = pytest.mark.django_db


def test_each_org_of_each_provider_is_a_location_with_the_provider_schedule(settings) -> None:
    with_providers(settings, githubOrg=[
        {"githubUrl": "https://github.com", "orgs": ["a", "b"], "schedule": {
            "frequency": {"minutes": 30}}},
        {"githubUrl": "https://ghe.example.com/", "orgs": ["c"]}])  # fmt: skip
    config = catalog_settings()
    org_locations = [(loc["type"], loc["target"]) for loc in config.locations
                     if loc["type"] == "github-org"]
    assert org_locations == [("github-org", "https://github.com/a"),
                             ("github-org", "https://github.com/b"),
                             ("github-org", "https://ghe.example.com/c")]  # fmt: skip
    assert config.interval_for("github-org", "https://github.com/b") == timedelta(minutes=30)
    assert config.interval_for("github-org", "https://ghe.example.com/c") == config.interval


def test_discovery_providers_carry_their_filters(settings) -> None:
    with_providers(settings, github={
        "main": {"organization": "acme", "catalogPath": "/**/catalog-info.yaml",
                 "filters": {"repository": "svc-.*", "branch": "trunk", "allowForks": False,
                             "topic": {"include": ["backstage"], "exclude": ["wip"]},
                             "visibility": ["Internal"]}},
        "ghe": {"organization": "ops", "host": "ghe.example.com", "filters": {"topic": "x"}}})
    policy = catalog_settings().policy
    assert policy.options_for("github-discovery", "https://github.com/acme") == DiscoveryOptions(
        catalog_path="/**/catalog-info.yaml", repository="svc-.*", branch="trunk",
        topics_include=("backstage",), topics_exclude=("wip",), visibility=("internal",),
        allow_forks=False)  # fmt: skip
    assert policy.options_for("github-discovery", "https://ghe.example.com/ops").topics_include == (
        "x",)


def test_the_org_brings_users_and_groups_whatever_the_catalog_rules_say(gh, settings) -> None:
    seed_org(gh)
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {"rules": [{"allow": ["Component"]}]}}
    with_providers(settings, githubOrg={"githubUrl": gh.url, "orgs": [ORG],
                                        "schedule": {"frequency": {"hours": 2}}})  # fmt: skip
    location = provider_location("github-org")
    assert location.last_error == ""
    assert Entity.objects.filter(kind__in=["user", "group"]).count() == 13
    assert location.next_refresh_at - timezone.now() >= timedelta(hours=2) - timedelta(seconds=5)
    assert Location.objects.count() == 1
