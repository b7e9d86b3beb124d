"""The locations pages: the list with each location's health (and only those with
errors), a location's own page with its whole errors and its entities, refresh and
unregister; bounded queries and every untrusted string escaped."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import Entity, Location, LocationSource
from portal.models import Job
from tests.catalog.conftest import ORG, SERVICE, component, register

pytestmark = pytest.mark.django_db

LOCATIONS = "/catalog/locations/"
SCRIPT = "<script>alert(1)</script>"
HTMX = {"HTTP_HX_REQUEST": "true"}
#: A read error longer than the list shows at once, with its line breaks.
LONG_ERROR = "could not parse the file:\n" + "\n".join(f"  line {i}: bad indent" for i in range(40))


def _locations(count: int) -> None:
    Location.objects.bulk_create(
        Location(type="url", target=f"https://example.com/{i}/catalog-info.yaml",
                 source=LocationSource.API, entity_name=f"generated-{i}",
                 problems=[{"file": f"url:https://example.com/{i}", "document": 0,
                            "entity": "", "field": "", "message": f"problem {i}"}])
        for i in range(count)
    )  # fmt: skip


def test_locations_list_counts_entities_in_one_query(
    signed_in, files, django_assert_max_num_queries
) -> None:
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    _locations(29)
    with django_assert_max_num_queries(6):
        response = signed_in.get(LOCATIONS)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="locations-target"') == 25 and "Page 1 of 2" in body
    assert "<td>7</td>" in body  # the file location's entities, not its Location entity
    assert "problem 3" in body and "1 problem" in body
    with django_assert_max_num_queries(6):
        second = signed_in.get(LOCATIONS, {"page": 2}, **HTMX)
    assert second.content.decode().count('class="locations-target"') == 5
    assert "<html" not in second.content.decode() and "HX-Request" in second["Vary"]
    assert signed_in.get(LOCATIONS, {"page": "junk"}).status_code == 200


def test_locations_list_is_empty_at_first(signed_in) -> None:
    body = signed_in.get(LOCATIONS).content.decode()
    assert "No locations yet" in body and "/catalog/register/" in body


def test_refresh_queues_a_job(signed_in, files, monkeypatch) -> None:
    from portal import jobs

    monkeypatch.setattr(jobs, "_send", lambda job: None)
    location = register(files.write("catalog-info.yaml", SERVICE))
    url = f"/catalog/locations/{location.pk}/refresh"
    response = signed_in.post(url, {"page": "2"})
    assert response.status_code == 302 and response["Location"] == "/catalog/locations/?page=2"
    job = Job.objects.get()
    assert job.runner == "catalog.refresh_location"
    assert job.params == {"location_id": str(location.pk)}
    assert "Refresh of" in signed_in.get(LOCATIONS).content.decode()
    htmx = signed_in.post(url, **HTMX).content.decode()
    assert f'id="refresh-{location.pk}"' in htmx and "Refresh queued" in htmx
    assert Job.objects.count() == 1  # the first is still waiting: not queued twice
    assert signed_in.get(url).status_code == 405
    missing = "/catalog/locations/00000000-0000-0000-0000-000000000000/refresh"
    assert signed_in.post(missing).status_code == 404


def test_unregister_asks_first_then_removes_the_entities(signed_in, files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    url = f"/catalog/locations/{location.pk}/unregister"
    confirm = signed_in.get(url).content.decode()
    assert "4 entities will be removed" in confirm
    for ref in ("component:default/checkout", "api:default/checkout-api",
                "system:default/shop", "resource:default/orders-db"):  # fmt: skip
        assert ref in confirm
    assert 'href="/catalog/default/component/checkout"' in confirm
    assert Entity.objects.count() == 5  # nothing removed by looking
    response = signed_in.post(url, follow=True)
    assert response.redirect_chain == [("/catalog/locations/", 302)]
    assert "removed 4 entities" in response.content.decode()
    assert not Location.objects.exists() and not Entity.objects.exists()
    assert signed_in.get(url).status_code == 404


def test_config_locations_cannot_be_unregistered_here(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = Location.objects.create(type="file", target=str(path),
                                       source=LocationSource.CONFIG)  # fmt: skip
    url = f"/catalog/locations/{location.pk}/unregister"
    listing = signed_in.get(LOCATIONS).content.decode()
    assert "from app-config" in listing and url not in listing
    page = signed_in.get(url).content.decode()
    assert "comes from <code>catalog.locations</code> in app-config" in page
    assert 'method="post"' not in page.split('<section class="card')[1]
    refused = signed_in.post(url)
    assert refused.status_code == 403 and Location.objects.filter(pk=location.pk).exists()


def test_location_text_is_escaped_and_never_a_script_link(signed_in) -> None:
    Location.objects.create(
        type="url", target=f"javascript:alert(1)//{SCRIPT}", source=LocationSource.API,
        last_error=f"failed: {SCRIPT}",
        problems=[{"file": SCRIPT, "document": 1, "entity": "", "field": "", "message": SCRIPT},
                  {"not": "the stored shape"}],
    )  # fmt: skip
    body = signed_in.get(LOCATIONS).content.decode()
    assert SCRIPT not in body and 'href="javascript:' not in body
    assert "&lt;script&gt;" in body and "2 problems" in body and "the stored shape" in body
    location = Location.objects.get()
    confirm = signed_in.get(f"/catalog/locations/{location.pk}/unregister").content.decode()
    assert SCRIPT not in confirm and "&lt;script&gt;" in confirm


def test_a_long_read_error_opens_on_demand_and_the_target_links_to_its_page(signed_in) -> None:
    location = Location.objects.create(
        type="url", target="https://example.com/c.yaml", source=LocationSource.API,
        last_error=LONG_ERROR,
    )  # fmt: skip
    body = signed_in.get(LOCATIONS).content.decode()
    assert '<details class="locations-read-error">' in body
    assert f'<pre class="locations-error-text">{LONG_ERROR}</pre>' in body
    assert f'href="/catalog/locations/{location.pk}/"' in body
    assert 'href="https://example.com/c.yaml"' in body


def test_a_read_error_that_is_also_a_problem_is_shown_once(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    path.write_text("kind: [oops\n")
    services.refresh(location)
    body = signed_in.get(LOCATIONS).content.decode()
    assert body.count("malformed YAML") == 1 and "problem" not in body
    page = signed_in.get(f"{LOCATIONS}{location.pk}/").content.decode()
    assert page.count("malformed YAML") == 1 and "Could not be read" in page


def test_only_locations_with_errors(signed_in, files) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    _locations(2)
    everything = signed_in.get(LOCATIONS).content.decode()
    assert everything.count('class="locations-target"') == 3
    assert f'href="{LOCATIONS}?status=errors"' in everything
    troubled = signed_in.get(LOCATIONS, {"status": "errors"}).content.decode()
    assert troubled.count('class="locations-target"') == 2 and "Show every location" in troubled
    Location.objects.filter(type="url").update(problems=[])
    none = signed_in.get(LOCATIONS, {"status": "errors"}, **HTMX).content.decode()
    assert "No locations with errors" in none and "<html" not in none


def test_a_locations_page_shows_its_errors_entities_and_actions(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE + component("Bad Name"))
    location = register(path)
    Location.objects.filter(pk=location.pk).update(last_error=LONG_ERROR)
    Entity.objects.filter(ref="resource:default/orders-db").update(orphan=True)
    response = signed_in.get(f"{LOCATIONS}{location.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<pre class="locations-error-text">{LONG_ERROR}</pre>' in body
    assert "1 problem<" in body and f"file:{path}:4:metadata.name: " in body
    assert "4 (1 orphaned)" in body
    assert 'href="/catalog/default/component/checkout">checkout</a>' in body
    assert '<span class="badge warning">orphan</span>' in body
    assert f'action="{LOCATIONS}{location.pk}/refresh"' in body
    assert 'name="back" value="location"' in body
    assert f'href="{LOCATIONS}{location.pk}/unregister"' in body
    missing = f"{LOCATIONS}00000000-0000-0000-0000-000000000000/"
    assert signed_in.get(missing).status_code == 404


def test_a_locations_entities_are_paged_in_bounded_queries(
    signed_in, files, django_assert_max_num_queries
) -> None:
    path = files.write("many.yaml", "".join(component(f"svc-{i:02}") for i in range(5)))
    location = register(path)
    url = f"{LOCATIONS}{location.pk}/"
    signed_in.get(url)
    with django_assert_max_num_queries(8) as few:
        signed_in.get(url)
    path.write_text("".join(component(f"svc-{i:02}") for i in range(60)))
    services.refresh(location)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = signed_in.get(url).content.decode()
    assert first.count('<tr>\n          <td><a href="/catalog/default/component/') == 50
    assert "Page 1 of 2 · 60 entities" in first
    second = signed_in.get(url, {"page": 2}, **HTMX).content.decode()
    assert second.lstrip().startswith('<div id="location-entity-list"') and "svc-59" in second


def test_refresh_from_a_locations_page_returns_to_it(signed_in, files, monkeypatch) -> None:
    from portal import jobs

    monkeypatch.setattr(jobs, "_send", lambda job: None)
    location = register(files.write("catalog-info.yaml", SERVICE))
    response = signed_in.post(f"{LOCATIONS}{location.pk}/refresh", {"back": "location"})
    assert response.status_code == 302 and response["Location"] == f"{LOCATIONS}{location.pk}/"
    assert Job.objects.count() == 1
