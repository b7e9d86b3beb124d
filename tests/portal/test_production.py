"""Production mode: `check --deploy` is clean, gunicorn serves static files through
WhiteNoise after collectstatic, artefacts go to S3, and PostgreSQL uses a pool."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from portal.conf import storage_settings
from tests.support.portal_process import manage, portal_env, web_server
from tests.support.servers import s3_client

PRODUCTION_SECRET = "prod-" + "x7Qm2vLp9RtZ" * 5


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    config = tmp_path / "app-config.production.yaml"
    config.write_text("app:\n  title: Acme Portal\n  baseUrl: https://portal.acme.example\n")
    return portal_env(
        tmp_path,
        GREENROOM_CONFIG=f"{Path('app-config.yaml').resolve()}:{config}",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="portal.acme.example,127.0.0.1",
        GREENROOM_BEHIND_PROXY="true",
        DEBUG="false",
        **extra,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_gunicorn_serves_pages_and_compressed_static_files(tmp_path: Path) -> None:
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false")
    assert manage("collectstatic", "--noinput", env=env).returncode == 0
    assert manage("migrate", "--noinput", env=env).returncode == 0
    with web_server(env) as base:
        headers = {"Host": "portal.acme.example", "X-Forwarded-Proto": "https"}
        login = httpx.get(f"{base}/login/", headers=headers)
        assert login.status_code == 200 and "Acme Portal" in login.text
        assert "Strict-Transport-Security" in login.headers
        css_path = login.text.split('rel="stylesheet" href="')[1].split('"')[0]
        css = httpx.get(f"{base}{css_path}", headers={**headers, "Accept-Encoding": "gzip"})
        assert css.status_code == 200
        assert css.headers.get("content-encoding") == "gzip"
        assert "immutable" in css.headers["cache-control"]


@pytest.mark.services
def test_artefacts_are_stored_in_s3(s3_endpoint: str, settings, monkeypatch) -> None:
    s3_client(s3_endpoint).create_bucket(Bucket="greenroom-artefacts")
    env = {
        "S3_BUCKET": "greenroom-artefacts",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_PREFIX": "portal",
    }
    # Credentials reach boto3 through its own chain, as in production.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(env, Path("."))["default"],
    }
    storage = storages["default"]
    name = storage.save(
        "techdocs/default/component/checkout/index.html", ContentFile(b"<h1>hi</h1>")
    )
    assert storage.exists(name)
    with storage.open(name) as handle:
        assert handle.read() == b"<h1>hi</h1>"
    objects = s3_client(s3_endpoint).list_objects_v2(Bucket="greenroom-artefacts")
    assert [o["Key"] for o in objects["Contents"]] == [f"portal/{name}"]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_connections_come_from_the_pool() -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert connection.pool is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
