"""``manage.py catalog errors``: each error once, though the catalog stores some in
several places, and the same things the portal counts."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from catalog import services
from catalog.models import Entity, Location
from tests.catalog.conftest import ORG, SERVICE, component, register

pytestmark = pytest.mark.django_db

BROKEN_YAML = "kind: [oops\n"
#: SERVICE with checkout's lifecycle gone (invalid: it keeps its last good state) and
#: orders-db gone (an orphan).
SERVICE_BROKEN = SERVICE.replace("  lifecycle: production\n  owner: team-a\n  system: shop",
                                 "  owner: team-a").split("---\napiVersion: backstage.io/v1alpha1\n"
                                                          "kind: Resource")[0]  # fmt: skip
#: A document that never was an entity.
NEW_AND_INVALID = component("Not A Name")


def errors(capsys) -> list[str]:
    call_command("catalog", "errors")
    return capsys.readouterr().out.splitlines()


def test_an_unreadable_location_is_one_line_naming_its_file_and_entity(files, capsys) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    path.write_text(BROKEN_YAML)
    services.refresh(location)
    location.refresh_from_db()
    # Stored three times: the location's read error, its problem, its Location entity.
    assert location.last_error and location.problems
    assert Entity.objects.get(ref=location.entity_ref).errors
    (line,) = errors(capsys)
    assert line.startswith(f"file:{path}: ") and "malformed YAML" in line
    assert line.endswith(f"(reported on {location.entity_ref})")


def test_an_invalid_document_is_one_line_naming_the_entity_that_keeps_its_state(
    files, capsys
) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    path.write_text(SERVICE_BROKEN)
    services.refresh(location)
    (line,) = [line for line in errors(capsys) if "orphan" not in line]
    assert line.startswith(f"file:{path}:0:spec.lifecycle: ")
    assert line.endswith("(reported on component:default/checkout)")


def test_errors_no_location_problem_mentions_are_listed_with_their_entity(files, capsys) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    Entity.objects.filter(ref="system:default/shop").update(
        errors=[{"name": "InputError", "message": "left from an older read"}])  # fmt: skip
    assert errors(capsys) == ["system:default/shop: InputError: left from an older read"]


def test_the_cli_lists_what_the_home_page_and_the_locations_page_count(
    signed_in, files, capsys
) -> None:
    org = files.write("org.yaml", ORG)
    service = files.write("service.yaml", SERVICE)
    other = files.write("other.yaml", component("bee"))
    for path in (org, service, other):
        register(path)
    service.write_text(SERVICE_BROKEN + NEW_AND_INVALID)
    other.write_text(BROKEN_YAML)
    for location in Location.objects.exclude(target=str(org)):
        services.refresh(location)

    lines = errors(capsys)
    assert len(lines) == len(set(lines)) == 4
    reported = {m for line in lines for m in re.findall(r"\(reported on ([^)]+)\)$", line)}
    orphans = {line.split(": orphan: ")[0] for line in lines if ": orphan: " in line}
    with_errors = set(Entity.objects.exclude(errors=[]).values_list("ref", flat=True))
    assert reported == with_errors and len(with_errors) == 2
    assert orphans == {"resource:default/orders-db"}

    home = signed_in.get("/").content.decode()
    assert "2 entities with processing errors" in home
    assert "2 locations with processing errors" in home and "1 orphan<" in home
    troubled = signed_in.get("/catalog/locations/?status=errors").content.decode()
    assert troubled.count('class="locations-target"') == 2
    assert "2 problems" in troubled and ">error<" in troubled
    listed = signed_in.get("/catalog/?kind=&status=errors").content.decode()
    assert listed.count('<td class="name">') == 2
    assert signed_in.get("/catalog/?kind=&status=orphan").content.decode().count(
        '<td class="name">') == 1  # fmt: skip
