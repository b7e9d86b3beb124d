"""Suite-wide fixtures: the database backend under test and real service servers.

``pytest`` runs the suite on SQLite; ``pytest --db=postgres`` runs the same suite on a
PostgreSQL cluster that this session starts itself (see tests/support/servers.py).
Tests marked ``postgres_only`` are deselected on SQLite.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from portal.conf import database_settings
from tests.support import servers


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="database backend to run the suite on (postgres starts a local cluster)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: runs only with --db=postgres")


#: Fixtures through which a test reaches a database (directly or in a child process).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "child_database_url",
                     "postgres", "on_postgres"}  # fmt: skip


def uses_database(item: pytest.Item) -> bool:
    """Whether the test touches a database, so its outcome can depend on the backend."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(fixtures & DATABASE_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--db=sqlite`` leaves out the PostgreSQL-only tests; ``--db=postgres`` runs only
    the tests that touch a database (the others ran, identically, in the SQLite pass)."""
    if config.getoption("--db") == "postgres":
        keep = uses_database
    else:
        keep = lambda item: item.get_closest_marker("postgres_only") is None  # noqa: E731
    deselected = [item for item in items if not keep(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if keep(item)]


@pytest.fixture(scope="session")
def on_postgres(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--db") == "postgres"


@pytest.fixture(scope="session")
def postgres(on_postgres: bool) -> Iterator[servers.Postgres | None]:
    """The session's PostgreSQL server (None on a SQLite run)."""
    if not on_postgres:
        yield None
        return
    with servers.postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(postgres: servers.Postgres | None, tmp_path_factory) -> None:
    """Point Django's default database at the session's PostgreSQL on a --db=postgres run."""
    if postgres is None:
        return
    configured = database_settings(
        {"DATABASE_URL": postgres.url("greenroom")}, {}, tmp_path_factory.mktemp("var")
    )
    settings.DATABASES["default"].update(configured)
    connections.close_all()
    for alias in ("default",):
        try:
            del connections[alias]
        except AttributeError:
            pass


@pytest.fixture
def child_database_url(postgres: servers.Postgres | None, tmp_path: Path) -> str:
    """A fresh, empty database for a child Greenroom process, on this run's backend."""
    if postgres is None:
        return f"sqlite:///{tmp_path / 'child.sqlite3'}"
    return postgres.create_database(f"child_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with servers.redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with servers.s3_server() as url:
        yield url


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    """Serve static files without a collectstatic manifest inside the test process.

    Child processes (the serve and deploy tests) run collectstatic and use the real
    manifest storage, as a deployment does.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("dev", password="correct horse battery")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "ops", password="correct horse battery", is_staff=True, is_superuser=True
    )


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client
