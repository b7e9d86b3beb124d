"""Limits on the work one caller or one document can cause: one queued refresh per
location however often it is asked for; entities bounded in size and relations
(``catalog.maxEntityBytes``, ``catalog.maxRelationsPerEntity``); and reads made while
someone waits (registering, analyzing) bounded as a whole by
``catalog.registrationTimeout``, while scheduled refreshes keep the full timeouts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from catalog import services
from catalog.config import catalog_settings
from catalog.models import Entity, Location
from portal.conf import ConfigError
from portal.conf.schema import validate_app_config
from portal.models import Job, JobStatus
from tests.catalog.conftest import SERVICE, component, register
from tests.catalog.conftest import post_json as post
from tests.support.standin_http import JsonHandler, serving

pytestmark = pytest.mark.django_db


def test_one_queued_refresh_per_location(token_api, files) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    register(files.write("other.yaml", component("other")))
    for _ in range(50):
        answer = post(token_api, "/refresh", {"entityRef": "component:default/checkout"})
        assert answer.status_code == 200
    assert Job.objects.filter(runner="catalog.refresh_location").count() == 1
    post(token_api, "/refresh", {"entityRef": "component:default/other"})
    assert Job.objects.filter(runner="catalog.refresh_location").count() == 2
    # Once the queued one runs, the next request queues a new one: it may see changes
    # the running refresh read too early for.
    Job.objects.filter(runner="catalog.refresh_location").update(status=JobStatus.RUNNING)
    post(token_api, "/refresh", {"entityRef": "component:default/checkout"})
    assert Job.objects.filter(status=JobStatus.PENDING).count() == 1


def _with_config(settings, **catalog) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG,
                           "catalog": {**settings.APP_CONFIG["catalog"], **catalog}}  # fmt: skip


def test_limits_have_defaults(settings) -> None:
    settings.APP_CONFIG = {}
    config = catalog_settings()
    assert config.entity_limits.max_bytes == 4 * 1024 * 1024
    assert config.entity_limits.max_relations == 10_000
    assert config.registration_timeout == 10


def test_an_entity_larger_than_the_limit_is_a_problem_of_its_document(files, settings) -> None:
    _with_config(settings, maxEntityBytes=4000)
    files.write("big.txt", "x" * 5000)
    text = component("big") + "  notes: {$text: ./big.txt}\n" + component("small")
    location = register(files.write("catalog-info.yaml", text))
    assert Entity.objects.filter(ref="component:default/small").exists()
    assert not Entity.objects.filter(ref="component:default/big").exists()
    (problem,) = location.problems
    assert problem["entity"] == "component:default/big"
    assert "4,000 bytes" in problem["message"] and "catalog.maxEntityBytes" in problem["message"]


def test_an_entity_with_too_many_relations_is_a_problem_of_its_document(files, settings) -> None:
    _with_config(settings, maxRelationsPerEntity=10)
    members = ", ".join(f"user-{i}" for i in range(20))
    group = ("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: everyone}\n"
             f"spec: {{type: team, children: [], members: [{members}]}}\n")  # fmt: skip
    location = register(files.write("catalog-info.yaml", group + component("fine")))
    assert not Entity.objects.filter(ref="group:default/everyone").exists()
    assert Entity.objects.filter(ref="component:default/fine").exists()
    (problem,) = location.problems
    assert "more than 10 relations" in problem["message"]
    assert "catalog.maxRelationsPerEntity" in problem["message"]


class _Slow(JsonHandler):
    """Answers every request after three seconds."""

    def do_GET(self) -> None:
        time.sleep(3)
        self._answer(200, raw=SERVICE.encode(), headers={"Content-Type": "text/yaml"})


@pytest.fixture
def slow_url(settings, files) -> Iterator[str]:
    with serving(_Slow) as base:
        host = base.removeprefix("http://")
        reading = {"allow": [{"host": host}], "allowPrivateHosts": [host]}
        backend = {**settings.APP_CONFIG.get("backend", {}), "reading": reading}
        settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": backend}
        _with_config(settings, registrationTimeout=1)
        yield f"{base}/acme/shop/blob/main/catalog-info.yaml"


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_analyzing_a_slow_location_answers_within_the_registration_timeout(
    token_api, slow_url
) -> None:
    response, took = _timed(lambda: post(token_api, "/analyze-location",
                                         {"location": {"type": "url", "target": slow_url}}))
    assert took < 2.5
    assert response.status_code == 400 and "timed out after 1 s" in response.json()[
        "error"]["message"]  # fmt: skip


def test_the_register_page_does_not_wait_for_a_slow_location(signed_in, slow_url) -> None:
    for step in ({"step": "analyze", "target": slow_url},
                 {"step": "import", "type": "url", "target": slow_url}):  # fmt: skip
        response, took = _timed(lambda step=step: signed_in.post("/catalog/register/", step))
        assert took < 2.5 and "timed out after 1 s" in response.content.decode()
    assert not Location.objects.exists()


def test_registering_through_the_api_stores_the_location_with_the_error(
    token_api, slow_url
) -> None:
    response, took = _timed(lambda: post(token_api, "/locations",
                                         {"type": "url", "target": slow_url}))
    assert took < 2.5 and response.status_code == 201
    location = Location.objects.get()
    assert "timed out after 1 s" in location.last_error
    services.refresh(location)  # scheduled refreshes wait as long as reads normally may
    assert Entity.objects.filter(ref="component:default/checkout").exists()


def test_the_limits_are_checked_at_start_up() -> None:
    validate_app_config({"catalog": {"maxEntityBytes": 1000, "maxRelationsPerEntity": 50,
                                     "registrationTimeout": 2.5}})  # fmt: skip
    for key, value in (("maxEntityBytes", "big"), ("maxRelationsPerEntity", 0),
                       ("registrationTimeout", 0)):  # fmt: skip
        with pytest.raises(ConfigError, match=rf"catalog\.{key}"):
            validate_app_config({"catalog": {key: value}})
