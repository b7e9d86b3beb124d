"""Health endpoints for load balancers and orchestrators.

``/healthz`` says the process is alive and answers without touching anything else.
``/readyz`` says whether this process can do its job: the database answers a query
and the task broker accepts a connection. A failed check is reported as 503 with the
reason, never as a crash, so a load balancer takes the instance out of rotation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from portal.http_methods import require_GET

__all__ = ["healthz", "readyz"]

BROKER_TIMEOUT_SECONDS = 2


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the broker are reachable."""
    checks = {"database": _check(_database), "broker": _check(_broker)}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _check(probe: Callable[[], None]) -> dict[str, object]:
    try:
        probe()
    except Exception as exc:
        return {"ok": False, "error": " ".join(str(exc).split()) or type(exc).__name__}
    return {"ok": True}


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    from portal.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
