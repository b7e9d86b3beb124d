"""Turn configuration and connection problems at start-up into one clear line.

A platform engineer starting Greenroom with a missing variable, malformed YAML or a
database that is down should read what is wrong and where, not a traceback. Every
entry point (``manage.py``, the WSGI app, the Celery app) loads settings through
:func:`load_settings_or_exit`; ``manage.py`` also runs commands through
:func:`run_command_line`, which reports an unreachable database the same way.
Set ``GREENROOM_TRACEBACK=1`` (or pass ``--traceback``) to see the full traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import InterfaceError, OperationalError

__all__ = ["load_settings_or_exit", "run_command_line"]

EXIT_CONFIG = 2


def _fail(message: str) -> None:
    print(f"greenroom: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def _wants_traceback(argv: Sequence[str] = ()) -> bool:
    return "--traceback" in argv or os.environ.get("GREENROOM_TRACEBACK", "") not in ("", "0")


def load_settings_or_exit() -> None:
    """Load Django settings now; on a configuration error print one line and exit 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads the module
    except ImproperlyConfigured as exc:
        if _wants_traceback():
            raise
        _fail(str(exc))


def run_command_line(argv: Sequence[str]) -> None:
    """Run a Django management command, reporting start-up problems in one line."""
    load_settings_or_exit()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(list(argv))
    except (OperationalError, InterfaceError) as exc:
        if _wants_traceback(argv):
            raise
        _fail(_database_problem(exc))
    except ImproperlyConfigured as exc:
        if _wants_traceback(argv):
            raise
        _fail(str(exc))


def _database_problem(exc: Exception) -> str:
    from django.db import connection

    from portal.conf import describe_database

    reason = _one_line(exc)
    if "couldn't get a connection" in reason:  # the pool timed out; ask the server directly
        reason = _direct_connection_error(connection.settings_dict) or reason
    return f"cannot use the {describe_database(connection.settings_dict)}: {reason}"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _direct_connection_error(settings_dict: dict) -> str | None:
    """Connect once without the pool, to report why the pool could not (e.g. refused)."""
    import psycopg

    try:
        psycopg.connect(
            host=settings_dict.get("HOST") or None,
            port=settings_dict.get("PORT") or None,
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
            dbname=settings_dict.get("NAME") or None,
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        return _one_line(exc)
    return None
