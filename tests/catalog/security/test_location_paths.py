"""One check for every ``file`` location, whoever registers it: the API (``POST`` and
``PUT /locations``) and the Register page refuse, with a 400 and before anything is
stored, a path that is not absolute or that leads outside
``catalog.readableDirectories``. Refusals name the path as it was given, never where
it resolves to (a symlink's target, the home directory, the working directory, a
process id), and a path that is accepted is stored as it was given."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from catalog.models import Location
from tests.catalog.conftest import SERVICE, register
from tests.catalog.conftest import post_json as post

pytestmark = pytest.mark.django_db

REFUSED = ["/proc/self/fd/5", "/etc/passwd", "~/x", "~nosuchuser/x", "/proc/1/cwd/y",
           "relative/x", "/proc/self/cwd/catalog-info.yaml"]  # fmt: skip


def _reveals_nothing(message: str, submitted: str) -> None:
    assert submitted in message
    rest = message.replace(submitted, "")
    assert not re.search(r"/proc/\d+", rest), message
    for revealing in (str(Path.home()), os.getcwd(), "Errno", "denied", "home directory"):
        assert revealing not in rest, message


@pytest.mark.parametrize("target", REFUSED)
def test_post_locations_refuses_paths_outside_the_readable_directories(
    token_api, files, target
) -> None:
    response = post(token_api, "/locations", {"type": "file", "target": target})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["name"] == "InputError"
    _reveals_nothing(error["message"], target)
    assert not Location.objects.exists()


@pytest.mark.parametrize("target", REFUSED)
def test_put_locations_refuses_them_and_keeps_the_location(token_api, files, target) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    response = post(token_api, f"/locations/{location.pk}", {"type": "file", "target": target},
                    method="put")  # fmt: skip
    assert response.status_code == 400, response.content
    _reveals_nothing(response.json()["error"]["message"], target)
    assert Location.objects.get().target == location.target


def test_an_accepted_path_is_stored_as_given_not_where_its_links_lead(token_api, files) -> None:
    real = files.write("teams/real/catalog-info.yaml", SERVICE)
    link = files.root / "shortcut.yaml"
    link.symlink_to(real)
    response = post(token_api, "/locations", {"type": "file", "target": str(link)})
    assert response.status_code == 201, response.content
    assert response.json()["location"]["target"] == str(link)
    listed = token_api.get("/api/catalog/locations").json()
    assert [item["data"]["target"] for item in listed] == [str(link)]
    moved = post(token_api, f"/locations/{Location.objects.get().pk}",
                 {"type": "file", "target": str(files.root / "teams/../shortcut.yaml")},
                 method="put")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["target"].endswith("teams/../shortcut.yaml")


@pytest.mark.parametrize("target", ["/proc/self/cwd/x.yaml", "~/x.yaml", "/proc/1/cwd/y"])
def test_the_register_page_applies_the_same_check(signed_in, files, target) -> None:
    response = signed_in.post("/catalog/register/", {"step": "analyze", "target": target},
                              HTTP_HX_REQUEST="true")  # fmt: skip
    body = response.content.decode().replace("&#x27;", "'")
    assert "outside the allowed directories" in body or "absolute path" in body
    rest = body.replace(target, "")
    assert not re.search(r"/proc/\d+", rest) and os.getcwd() not in rest
    assert not Location.objects.exists()


def test_the_register_page_imports_a_linked_path_as_given(signed_in, files) -> None:
    real = files.write("teams/real/catalog-info.yaml", SERVICE)
    link = files.root / "shortcut"
    link.symlink_to(real.parent, target_is_directory=True)
    body = signed_in.post("/catalog/register/", {"step": "analyze", "target": str(link)},
                          HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert f"file:{link}/catalog-info.yaml" in body and str(real) not in body
    signed_in.post("/catalog/register/", {"step": "import", "type": "file",
                                          "target": f"{link}/catalog-info.yaml"})  # fmt: skip
    assert Location.objects.get().target == f"{link}/catalog-info.yaml"
