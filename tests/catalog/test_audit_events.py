"""Every change to the catalog is in the audit log with who, how and from where, from
pages, the API (with its token's name), the command line and app-config; reads are
not."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from catalog import services
from catalog.models import Entity, Location
from portal.models import ApiToken, AuditEvent
from tests.catalog.conftest import SERVICE, register

pytestmark = pytest.mark.django_db


def events(**filters) -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.filter(**filters).order_by("id")
                .values_list("action", "target", "via"))  # fmt: skip


def test_page_actions_name_the_user_their_address_and_browser(signed_in, files, user) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    AuditEvent.objects.filter().expire()
    page = {"HTTP_USER_AGENT": "Firefox/140", "REMOTE_ADDR": "10.1.2.3"}
    signed_in.post(f"/catalog/locations/{location.pk}/refresh", **page)
    signed_in.post("/catalog/default/component/checkout/refresh", **page)
    signed_in.post("/catalog/default/api/checkout-api/unregister", **page)  # refused: listed
    signed_in.post(f"/catalog/locations/{location.pk}/unregister", **page)
    assert events() == [
        ("catalog.location.refresh", location.ref, "page"),
        ("catalog.entity.refresh", "component:default/checkout", "page"),
        ("catalog.location.unregister", location.ref, "page"),
    ]
    assert set(AuditEvent.objects.values_list("actor", "ip", "user_agent")) == {
        (user.username, "10.1.2.3", "Firefox/140")}


def test_api_changes_name_the_token(client, files, user) -> None:
    _, token = ApiToken.issue("ci-sync", user)
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    path = files.write("catalog-info.yaml", SERVICE)
    client.post("/api/catalog/locations", json.dumps({"type": "file", "target": str(path)}),
                **api)  # fmt: skip
    client.post("/api/catalog/refresh", json.dumps({"entityRef": "component:default/checkout"}),
                **api)  # fmt: skip
    uid = Entity.objects.get(ref="resource:default/orders-db").uid
    client.delete(f"/api/catalog/entities/by-uid/{uid}", **api)
    client.get("/api/catalog/entities", **api)  # a read: not logged
    location = Location.objects.get()
    assert events() == [("catalog.location.register", location.ref, "api"),
                        ("catalog.entity.refresh", "component:default/checkout", "api"),
                        ("catalog.entity.unregister", "resource:default/orders-db", "api")]
    assert set(AuditEvent.objects.values_list("actor", "token", "ip")) == {
        (user.username, "ci-sync", "127.0.0.1")}


def test_the_command_line_and_app_config_are_named_as_such(files, settings) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    call_command("catalog", "register", str(path), stdout=open("/dev/null", "w"))
    assert events() == [("catalog.location.register", f"file:{path}", "cli")]
    assert AuditEvent.objects.get().actor  # the operating-system account
    other = files.write("more.yaml", SERVICE.replace("checkout", "basket"))
    catalog = {**settings.APP_CONFIG["catalog"], "locations": [{"type": "file",
                                                               "target": str(other)}]}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": catalog}
    services.sync_config_locations()
    assert events(via="config") == [("catalog.location.register", f"file:{other.resolve()}",
                                     "config")]  # fmt: skip
    assert AuditEvent.objects.get(via="config").actor == "app-config"


def test_a_scheduled_refresh_is_not_a_change_anyone_made(files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    before = AuditEvent.objects.count()
    services.refresh_due_locations()
    services.refresh(location)
    assert AuditEvent.objects.count() == before
