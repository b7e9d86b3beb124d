"""One poisoned file must not stop the catalog: text the database cannot store (a NUL
character, a lone UTF-16 surrogate from a JSON escape) is a problem of its document,
found when it is parsed, and a refresh that fails for any other reason is recorded on
its location while the scheduled loop goes on with the others."""

from __future__ import annotations

import time

import pytest

from catalog import services
from catalog.ingestion import refresh as refresh_module
from catalog.models import Entity, Location
from tests.catalog.conftest import component, register
from tests.catalog.conftest import post_json as post

pytestmark = pytest.mark.django_db

LONE_SURROGATE = '{"description": "\\ud800x"}'
NUL_IN_JSON = '{"description": "a\\u0000b"}'


def _with_placeholder(name: str, placeholder: str, target: str) -> str:
    return component(name) + f"  extra: {{{placeholder}: {target}}}\n"


@pytest.mark.parametrize(
    ("data_file", "content", "placeholder"),
    [
        ("surrogate.json", LONE_SURROGATE, "$json"),
        ("nul.json", NUL_IN_JSON, "$json"),
        ("nul.txt", "a\x00b", "$text"),
    ],
)
def test_a_placeholder_with_unstorable_text_is_a_problem_of_its_document(
    token_api, files, data_file, content, placeholder
) -> None:
    files.write(data_file, content)
    path = files.write("catalog-info.yaml", _with_placeholder("poisoned", placeholder,
                                                              data_file) + component("fine"))
    response = post(token_api, "/locations", {"type": "file", "target": str(path)})
    assert response.status_code == 201, response.content
    location = Location.objects.get()
    assert Entity.objects.filter(ref="component:default/fine").exists()
    assert not Entity.objects.filter(ref="component:default/poisoned").exists()
    (problem,) = location.problems
    assert problem["entity"] == "component:default/poisoned"
    assert "cannot be stored" in problem["message"]


def test_a_nul_escape_in_yaml_is_refused_where_it_is_written(files) -> None:
    path = files.write("catalog-info.yaml", component("fine") + '  description: "a\\0b"\n')
    location = register(path)
    assert "line 9" in location.last_error and "NUL" in location.last_error
    assert not Entity.objects.filter(ref="component:default/fine").exists()


def test_a_refresh_that_fails_unexpectedly_is_recorded_and_the_loop_goes_on(
    files, monkeypatch
) -> None:
    broken = files.write("broken.yaml", component("broken"))
    for name in ("one", "two"):
        files.write(f"{name}.yaml", component(name))
        services.register_location("file", str(files.root / f"{name}.yaml"), refresh_now=False)
    services.register_location("file", str(broken), refresh_now=False)
    real = refresh_module.write_tree

    def write_tree(location, tree, **kwargs):
        if location.target == str(broken):
            raise RuntimeError("a bug in one refresh")
        return real(location, tree, **kwargs)

    monkeypatch.setattr(refresh_module, "write_tree", write_tree)
    outcomes = services.refresh_due_locations()
    assert Entity.objects.filter(ref__in=["component:default/one",
                                          "component:default/two"]).count() == 2  # fmt: skip
    failed = Location.objects.get(target=str(broken))
    assert "RuntimeError" in failed.last_error and "a bug" not in failed.last_error
    assert failed.last_refresh_at is not None and failed.next_refresh_at is not None
    assert failed.lease_until is None
    assert outcomes[failed.ref] == failed.last_error


POISONS = {
    "lone surrogate in a $json target": _with_placeholder("service-7", "$json", "poison.json"),
    "NUL escape in the YAML": component("service-7") + '  description: "\\0"\n',
}


@pytest.mark.parametrize("poisoned", POISONS.values(), ids=POISONS.keys())
def test_fifty_locations_with_one_poisoned_file_refresh_the_other_forty_nine(
    files, poisoned
) -> None:
    """The scheduled loop over 50 registered file locations, one of which is poisoned:
    49 are refreshed and the poisoned one carries its error."""
    for number in range(50):
        text = poisoned if number == 7 else component(f"service-{number}")
        path = files.write(f"location-{number}/catalog-info.yaml", text)
        path.parent.joinpath("poison.json").write_text(LONE_SURROGATE)
        services.register_location("file", str(path), refresh_now=False)
    started = time.monotonic()
    outcomes = services.refresh_due_locations()
    elapsed = time.monotonic() - started
    print(f"refresh_due_locations over 50 locations: {elapsed:.2f} s")
    assert elapsed < 60 and len(outcomes) == 50
    assert Location.objects.filter(last_refresh_at__isnull=False).count() == 50
    assert Entity.objects.filter(kind="component").count() == 49
    poisoned_location = Location.objects.get(target__endswith="location-7/catalog-info.yaml")
    (problem,) = poisoned_location.problems
    assert "cannot be stored" in problem["message"]
    assert Location.objects.exclude(problems=[]).get() == poisoned_location
