"""/healthz and /readyz: JSON, no sign-in, and a broken database reported as 503."""

from __future__ import annotations

import httpx
import pytest

from tests.support.portal_process import portal_env, web_server


@pytest.mark.django_db
def test_healthz_answers_without_sign_in(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_and_broker(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": {"ok": True}, "broker": {"ok": True}}}


def test_readyz_reports_an_unreachable_database_as_503_without_crashing(tmp_path) -> None:
    env = portal_env(
        tmp_path,
        DATABASE_URL="postgresql://greenroom@127.0.0.1:1/greenroom",
        DATABASE_POOL_TIMEOUT="2",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    with web_server(env) as base_url:
        response = httpx.get(f"{base_url}/readyz", timeout=30)
        assert httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]
    assert body["checks"]["broker"] == {"ok": True}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_broker_as_503(client) -> None:
    from portal.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_health_endpoints_refuse_writes(client) -> None:
    assert client.post("/healthz").status_code == 405
