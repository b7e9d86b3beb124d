"""Server time and SQL queries of the portal shell pages, in-process.

Usage: .venv/bin/python benchmarks/shell_pages.py [--requests N]
Uses DATABASE_URL if set (PostgreSQL or SQLite), else a throwaway SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGES = ["/", "/search/?q=checkout", "/catalog/", "/login/", "/healthz", "/readyz"]


def setup_django(var: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("GREENROOM_VAR_DIR", var)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0, interactive=False)


def measure(requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client()
    client.force_login(user)
    print(
        f"{'page':24} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   ({requests} requests each, "
        f"{connection.vendor})"
    )
    for page in PAGES:
        client.get(page)  # warm caches
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (page, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(f"{page:24} {statistics.median(timings):8.2f} {p95:8.2f} {len(queries):8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        setup_django(var)
        measure(args.requests)


if __name__ == "__main__":
    main()
