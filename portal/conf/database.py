"""Choose the database from ``DATABASE_URL`` or ``backend.database`` in app-config.

The default is a SQLite file under the var directory, so a new user needs no server.
PostgreSQL goes through psycopg 3 with its connection pool, which keeps connection
set-up off the request path without an external pooler.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url

from portal.conf.environ import env_int, env_str
from portal.conf.errors import ConfigError

__all__ = ["database_settings", "describe_database"]

#: SQLite waits this long (seconds) for a lock instead of failing at once; the web
#: processes and the worker share one file in the embedded mode.
SQLITE_TIMEOUT = 20


def database_settings(
    environ: Mapping[str, str], app_config: Mapping[str, Any], var_dir: Path
) -> dict[str, Any]:
    """Return Django's ``DATABASES['default']`` for this environment."""
    url = env_str(environ, "DATABASE_URL") or _url_from_app_config(app_config, var_dir)
    try:
        settings = dj_database_url.parse(url)
    except ValueError as exc:
        message = f"DATABASE_URL is not a database URL Greenroom understands: {exc}"
        raise ConfigError(message) from None
    engine = settings["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return _sqlite(settings)
    if engine == "django.db.backends.postgresql":
        return _postgresql(settings, environ)
    raise ConfigError(
        f"DATABASE_URL: unsupported database {engine.rsplit('.', 1)[-1]!r}; "
        "use sqlite:///path or postgresql://user:password@host:port/name"
    )


def _url_from_app_config(app_config: Mapping[str, Any], var_dir: Path) -> str:
    database = (app_config.get("backend") or {}).get("database")
    if not database:
        return f"sqlite:///{var_dir / 'greenroom.sqlite3'}"
    connection = database.get("connection") or {}
    if database["client"] != "pg":
        filename = connection.get("filename") if isinstance(connection, dict) else connection
        return f"sqlite:///{Path(filename or var_dir / 'greenroom.sqlite3').resolve()}"
    if isinstance(connection, str):
        return connection
    user = quote(str(connection.get("user", "")), safe="")
    password = quote(str(connection.get("password", "")), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = connection.get("host", "localhost")
    port = connection.get("port", 5432)
    name = connection.get("database", "greenroom")
    return f"postgresql://{credentials}{host}:{port}/{name}"


def _sqlite(settings: dict[str, Any]) -> dict[str, Any]:
    name = settings["NAME"]
    if name and name != ":memory:":
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    settings["OPTIONS"] = {
        "timeout": SQLITE_TIMEOUT,
        # IMMEDIATE takes the write lock when a transaction starts, so two writers
        # queue on the timeout instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    return settings


def _postgresql(settings: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    settings["CONN_MAX_AGE"] = 0  # the pool owns connection reuse
    settings["OPTIONS"] = {
        "pool": {
            "min_size": env_int(environ, "DATABASE_POOL_MIN", 1),
            "max_size": env_int(environ, "DATABASE_POOL_MAX", 10),
            "timeout": env_int(environ, "DATABASE_POOL_TIMEOUT", 10),
        },
        "connect_timeout": env_int(environ, "DATABASE_CONNECT_TIMEOUT", 5),
    }
    return settings


def describe_database(settings: Mapping[str, Any]) -> str:
    """Name the database for an error message, never including the password."""
    engine = str(settings.get("ENGINE", "")).rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite database {settings.get('NAME')}"
    user = settings.get("USER") or ""
    where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
    return f"PostgreSQL database {settings.get('NAME')} at {user + '@' if user else ''}{where}"
