"""A 200-page docs site through Greenroom's whole TechDocs pipeline next to a bare
``mkdocs build`` of the same site, and the time to serve its pages, in one run.

Usage: .venv/bin/python benchmarks/techdocs_build.py [--pages 200] [--rounds 3]
                                                    [--requests 300]

The site is ``tests/support/docs_sites.write_site`` (nested nav, headings, code,
tables, admonitions, images). Each round runs, one after the other on the same
machine, ``mkdocs build`` of the author's ``mkdocs.yml`` (what a developer runs on
their laptop: no checks, no isolation, nothing published) and the portal's build
job for a component published for the first time: read the source from its catalog
location, check it, build a clean configuration in the confined subprocess, publish
every file to S3 (moto's server, started here) in Backstage's layout, and switch the
portal to the new version. The budget is the job's median at most 1.1x the bare
build's median. The same component is then built again, forced, from the same source
(reported, not budgeted: files whose bytes S3 already holds are not uploaded again).

Then the portal serves pages of the published site in-process (Django test client,
signed in), every page once to warm up and ``--requests`` requests over all pages;
the budget is p95 under 30 ms. Uses DATABASE_URL if set, else a throwaway SQLite
file. Exits with status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from shell_pages import setup_django

BUILD_RATIO_BUDGET = 1.1
PAGE_P95_BUDGET_MS = 30.0
ENTITY = "handbook"


def catalog_file(repo: Path, names: list[str]) -> None:
    """One component per name, all with the repo's docs (``dir:.``)."""
    (repo / "catalog-info.yaml").write_text("".join(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata:\n  name: {name}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n"
        for name in names))  # fmt: skip


def configure(root: Path, endpoint: str, bucket: str) -> None:
    """Local builder, the awsS3 publisher on the moto server, the repo readable."""
    from django.conf import settings

    from tests.support.servers import S3_CREDENTIALS

    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {"readableDirectories": [str(root)]},
        "techdocs": {"builder": "local", "publisher": {"type": "awsS3", "awsS3": {
            "bucketName": bucket, "bucketRootPath": "techdocs", "endpoint": endpoint,
            "region": "us-east-1", "s3ForcePathStyle": True,
            "credentials": {"accessKeyId": S3_CREDENTIALS["aws_access_key_id"],
                            "secretAccessKey": S3_CREDENTIALS["aws_secret_access_key"]}}}},
    }  # fmt: skip


def bare_build(repo: Path, out: Path) -> float:
    """``mkdocs build`` as a developer runs it, with the venv's mkdocs."""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    started = time.perf_counter()
    done = subprocess.run([str(mkdocs), "build", "-q", "-f", str(repo / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True)  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"mkdocs build failed:\n{done.stdout}{done.stderr}")
    return elapsed


def pipeline_build(name: str) -> float:
    """The portal's build job for component ``name``, inline and forced."""
    from portal.jobs import run_now
    from portal.models import JobStatus
    from techdocs.references import Triplet
    from techdocs.sites import BUILD_JOB, site_of

    site = site_of(Triplet("default", "component", name))
    assert site is not None, f"{name} has no docs site"
    started = time.perf_counter()
    job = run_now(BUILD_JOB, params={"site": site.pk, "force": True})
    elapsed = time.perf_counter() - started
    if job.status != JobStatus.COMPLETED:
        raise SystemExit(f"the build job ended {job.status}: {job.error}")
    return elapsed


def page_urls() -> list[str]:
    """Every page of the version the portal shows now."""
    from techdocs.models import DocsPage, DocsSite

    shown = DocsSite.objects.filter(name=ENTITY + "-1").values("published")
    pages = DocsPage.objects.filter(version__in=shown).values_list("path", flat=True)
    return [f"/docs/default/component/{ENTITY}-1/{path}" for path in sorted(pages)]


def serve_pages(requests: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, pages) over ``requests`` GETs cycling through every page."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client()
    client.force_login(user)
    urls = page_urls()
    for url in urls:
        assert client.get(url).status_code == 200, url
    timings = []
    for index in range(requests):
        started = time.perf_counter()
        response = client.get(urls[index % len(urls)])
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, urls[index % len(urls)]
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18], len(urls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with ExitStack() as stack:
        var = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="techdocs-bench-")))
        setup_django(str(var))
        from catalog import services as catalog
        from tests.support.docs_sites import write_site
        from tests.support.servers import s3_client, s3_server

        endpoint = stack.enter_context(s3_server())
        s3_client(endpoint).create_bucket(Bucket="techdocs-bench")
        repo = write_site(var / "repos" / ENTITY, pages=args.pages)
        names = [f"{ENTITY}-{round_}" for round_ in range(args.rounds + 1)]
        catalog_file(repo, names)
        configure(var / "repos", endpoint, "techdocs-bench")
        catalog.register_location("file", str(repo / "catalog-info.yaml"))
        pipeline_build(names[0])  # warm-up: imports, first S3 connection
        bare, whole, rebuild = [], [], []
        for round_ in range(1, args.rounds + 1):
            bare.append(bare_build(repo, var / f"bare-{round_}"))
            whole.append(pipeline_build(names[round_]))  # a first publish: every file new
            rebuild.append(pipeline_build(names[round_]))  # the same again: nothing changed
            print(f"round {round_}: mkdocs build {bare[-1]:.2f} s, pipeline {whole[-1]:.2f} s, "
                  f"rebuild {rebuild[-1]:.2f} s")  # fmt: skip
        ratio = statistics.median(whole) / statistics.median(bare)
        p50, p95, pages = serve_pages(args.requests)
    print(f"\n{args.pages}-page site, median of {args.rounds} rounds ({os.cpu_count()} cores):")
    print(f"  bare mkdocs build              {statistics.median(bare):6.2f} s")
    print(f"  fetch + build + publish to S3  {statistics.median(whole):6.2f} s   "
          f"ratio {ratio:.2f} (budget {BUILD_RATIO_BUDGET})")  # fmt: skip
    print(f"  forced rebuild, same source    {statistics.median(rebuild):6.2f} s   "
          "(unchanged files are not uploaded again)")
    print(f"  docs page served ({pages} pages, {args.requests} requests): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (budget {PAGE_P95_BUDGET_MS:.0f} ms)")
    return 0 if ratio <= BUILD_RATIO_BUDGET and p95 < PAGE_P95_BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
