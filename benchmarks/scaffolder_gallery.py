"""Server time and SQL queries of the template gallery (``/create/``) with N templates,
in-process.

Usage: .venv/bin/python benchmarks/scaffolder_gallery.py [--templates 200] [--requests 200]
Uses DATABASE_URL if set (PostgreSQL or SQLite), else a throwaway SQLite file.

The templates (each with a title, description, three tags, an owner, a category and
half of them with docs) are written to one catalog file and registered, as a user
would. Each page is requested a few times to warm up, then R times; the budget is
p95 under 100 ms at 200 templates. Exits with status 1 when a page is over budget.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from shell_pages import setup_django

BUDGET_MS = 100.0
PAGES = {
    "gallery": "/create/",
    "filtered": "/create/?type=service&tag=tag-3&q=template",
    "starred": "/create/?show=starred",
    "page 5": "/create/?page=5",
    "htmx filter": "/create/?tag=tag-1",
}


def templates_yaml(count: int) -> str:
    import yaml

    docs: list[dict] = [{"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
                         "metadata": {"name": f"team-{i}"}, "spec": {"type": "team"}}
                        for i in range(10)]  # fmt: skip
    types = ["service", "website", "library", "documentation"]
    for i in range(count):
        metadata = {
            "name": f"template-{i:04d}",
            "title": f"Golden path template {i}",
            "description": f"Template number {i}: a service with CI, docs and a catalog entry, "
                           "registered in the catalog when it is created.",
            "tags": [f"tag-{i % 7}", f"tag-{i % 11}", "recommended" if i % 5 == 0 else "other"],
        }  # fmt: skip
        if i % 2:
            metadata["annotations"] = {"backstage.io/techdocs-ref": "dir:."}
        docs.append({
            "apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template",
            "metadata": metadata,
            "spec": {"owner": f"team-{i % 10}", "type": types[i % len(types)],
                     "parameters": [{"title": "About", "required": ["name"],
                                     "properties": {"name": {"type": "string"}}}],
                     "steps": [{"id": "log", "action": "debug:log",
                                "input": {"message": "${{ parameters.name }}"}}]},
        })  # fmt: skip
    return yaml.safe_dump_all(docs, sort_keys=False)


def register_templates(var: str, count: int) -> float:
    from django.conf import settings

    from catalog import services

    root = Path(var) / "catalog"
    root.mkdir(exist_ok=True)
    path = root / "templates.yaml"
    path.write_text(templates_yaml(count))
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {"readableDirectories": [str(root)]}}
    started = time.perf_counter()
    services.register_location("file", str(path))
    return time.perf_counter() - started


def measure(requests: int, count: int) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog import stars

    user, _ = get_user_model().objects.get_or_create(username="bench")
    for i in range(0, count, 20):
        stars.toggle_star(user, f"template:default/template-{i:04d}")
    client = Client()
    client.force_login(user)
    print(f"{'page':14} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'cards':>6}   "
          f"({count} templates, {requests} requests each, {connection.vendor})")  # fmt: skip
    within = True
    for name, page in PAGES.items():
        headers = {"HTTP_HX_REQUEST": "true"} if name.startswith("htmx") else {}
        for _ in range(5):
            client.get(page, **headers)  # warm caches
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(page, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        cards = response.content.decode().count('<li class="template-card"')
        with CaptureQueriesContext(connection) as queries:
            client.get(page, **headers)
        p95 = statistics.quantiles(timings, n=20)[18]
        within &= p95 < BUDGET_MS
        print(f"{name:14} {statistics.median(timings):8.2f} {p95:8.2f} {len(queries):8d} "
              f"{cards:6d}")  # fmt: skip
    print(f"budget: p95 under {BUDGET_MS:.0f} ms: {'met' if within else 'MISSED'}")
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        setup_django(var)
        took = register_templates(var, args.templates)
        print(f"registered {args.templates} templates in {took:.1f} s")
        if not measure(args.requests, args.templates):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
