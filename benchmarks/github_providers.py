"""The GitHub providers against the GitHub stand-in at organisation scale: what a
first read and an unchanged refresh cost in time, requests and rate limit.

Usage:
    .venv/bin/python benchmarks/github_providers.py                  # 2,000 repos, 2,000 members
    .venv/bin/python benchmarks/github_providers.py --repos 200 --members 200

1. A SQLite catalog and the GitHub stand-in of the test suite (real git repositories
   behind its REST API, ETag/304 and rate-limit headers as GitHub sends them).
2. Discovery (``catalog.providers.github``): ``--repos`` repositories, four in five
   with a ``catalog-info.yaml`` holding one Component, the rest without one; read
   once (every tree and file fetched), then refreshed unchanged.
3. Org (``catalog.providers.githubOrg``): ``--members`` members in ``--teams`` teams
   (nested three deep); read once, then refreshed unchanged.

For each refresh: wall time, requests sent, how many were answered 304, and how many
counted against the rate limit. Budget (exit status 1 when missed): an unchanged
refresh counts no request against the rate limit. Writes
benchmarks/results/github-providers.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_ingest import setup_django  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
ORG = "bench-org"


def component(name: str) -> str:
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, "
            "owner: team-0}\n")  # fmt: skip


def seed(gh: Any, repos: int, members: int, teams: int) -> None:
    for number in range(repos):
        name = f"repo-{number:05d}"
        files = {"README.md": name}
        if number % 5:
            files["catalog-info.yaml"] = component(name)
        gh.seed(ORG, name, files)
    for number in range(members):
        gh.org.person(ORG, f"user-{number:05d}", f"User {number}", f"user{number}@bench.test")
    for number in range(teams):
        parent = f"team-{(number - 1) // 3}" if number else None
        logins = [f"user-{m:05d}" for m in range(number, members, teams)]
        gh.org.team(ORG, f"team-{number}", logins, parent=parent)


def measure(gh: Any, location: Any) -> dict[str, Any]:
    from catalog import services

    gh.requests.clear()
    counted, not_modified = gh.org.counted, gh.org.not_modified
    started = time.perf_counter()
    summary = services.refresh(location)
    elapsed = time.perf_counter() - started
    location.refresh_from_db()
    if location.last_error:
        raise SystemExit(f"{location.ref}: {location.last_error}")
    return {"seconds": round(elapsed, 2), "requests": len(gh.requests),
            "not_modified": gh.org.not_modified - not_modified,
            "rate_limit_cost": gh.org.counted - counted, "added": len(summary.added)}  # fmt: skip


def run(type_: str, gh: Any, settings: Any, providers: dict[str, Any]) -> dict[str, Any]:
    from catalog import services
    from catalog.models import Location
    from tests.support.github_standin_org import RATE_LIMIT

    gh.org.rate_remaining = RATE_LIMIT  # each provider starts with a fresh hour's limit
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {
        **settings.APP_CONFIG["catalog"], "providers": providers}}  # fmt: skip
    services.sync_config_locations()
    location = Location.objects.get(type=type_)
    return {"first": measure(gh, location), "unchanged": measure(gh, location)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        var = Path(scratch)
        setup_django(var, None)
        from django.conf import settings

        from tests.support.github_standin import github_standin

        with github_standin(var / "github", orgs={ORG}) as gh:
            settings.APP_CONFIG = gh.app_config(settings.APP_CONFIG)
            started = time.perf_counter()
            seed(gh, args.repos, args.members, args.teams)
            print(f"seeded {args.repos} repositories in {time.perf_counter() - started:.0f} s")
            results = {
                "repos": args.repos, "members": args.members, "teams": args.teams,
                "discovery": run("github-discovery", gh, settings, {"github": {
                    "organization": ORG, "host": gh.host}}),
                "org": run("github-org", gh, settings, {"githubOrg": {
                    "githubUrl": gh.url, "orgs": [ORG]}}),
            }  # fmt: skip
    print(json.dumps(results, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "github-providers.json").write_text(json.dumps(results, indent=2) + "\n")
    costs = [results[kind]["unchanged"]["rate_limit_cost"] for kind in ("discovery", "org")]
    return 1 if any(costs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
