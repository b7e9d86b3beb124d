"""A GitHub stand-in wired in as the catalog's integration, and an organisation on it."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import services
from catalog.models import Location
from tests.support.github_standin import GitHubStandin, github_standin

ORG = "acme-corp"
#: Three nested teams (engineering > backend > payments) and ten members.
TEAMS = {"engineering": (None, ["alice"]), "backend": ("engineering", ["bob", "carol", "judy"]),
         "payments": ("backend", ["dave", "erin", "judy"])}  # fmt: skip
PEOPLE = {"alice": ("Alice Liddell", "alice@acme.test"), "bob": ("Bob", ""),
          "carol": ("Carol", "carol@acme.test"), "dave": ("", ""), "erin": ("Erin", ""),
          "frank": ("Frank", ""), "grace": ("Grace Hopper", "grace@acme.test"),
          "heidi": ("Heidi", ""), "ivan": ("Ivan", ""),
          "judy": ("Judy", "judy@acme.test")}  # fmt: skip


@pytest.fixture
def gh(tmp_path, settings) -> GitHubStandin:
    with github_standin(tmp_path / "github") as standin:
        settings.APP_CONFIG = standin.app_config(settings.APP_CONFIG)
        yield standin


def seed_org(gh: GitHubStandin) -> None:
    for login, (name, email) in PEOPLE.items():
        gh.org.person(ORG, login, name, email)
    for slug, (parent, members) in TEAMS.items():
        gh.org.team(ORG, slug, members, parent=parent, description=f"The {slug} team")


def with_providers(settings, **providers: Any) -> None:
    """app-config with ``catalog.providers`` set (and nothing else of the catalog's)."""
    catalog = {**settings.APP_CONFIG.get("catalog", {}), "providers": providers}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": catalog}


def provider_location(location_type: str) -> Location:
    """Sync the config's locations and return the one of ``location_type``, refreshed."""
    services.sync_config_locations()
    location = Location.objects.get(type=location_type)
    services.refresh(location)
    location.refresh_from_db()
    return location


def api_gets(gh: GitHubStandin) -> list:
    return [r for r in gh.requests if r.method == "GET" and not r.path.endswith(".git")]
