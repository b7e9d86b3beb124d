"""Backstage's own catalog client, unmodified, against a real Greenroom server.

Backstage plugins and scripts reach the catalog through ``@backstage/catalog-client``,
so "compatible" means that package works, not that our reading of the spec does. This
test installs the exact version pinned in ``package-lock.json`` (cached per lockfile
hash, outside git), starts gunicorn and a Celery worker on a fresh database with the
small catalog in ``catalog/``, and runs ``catalog_client_suite.mjs``, which asserts on
what every client call returns.

Without ``node``/``npm`` the test is skipped; with ``GREENROOM_REQUIRE_SERVICES=1``
(CI) that is a failure instead, as for the other service binaries. On ``--db=postgres``
the child server uses the session's PostgreSQL, so the client is checked on both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.support.npm import installed, node_tools
from tests.support.portal_process import celery_worker, manage, portal_env, web_server

COMPAT_DIR = Path(__file__).resolve().parent
SUITE = COMPAT_DIR / "catalog_client_suite.mjs"
TOKEN = "compat-" + "Vq7rT2mZ" * 3
ORIGINAL_DESCRIPTION = "description: Takes the money\n"
REFRESHED_DESCRIPTION = "Takes the money, read again after refreshEntity"
SUITE_TIMEOUT = 240


pytestmark = pytest.mark.services


@pytest.fixture(scope="session")
def node_modules(request: pytest.FixtureRequest) -> Path:
    """The client as ``package-lock.json`` pins it, reused while the lockfile is unchanged."""
    return installed(request, COMPAT_DIR, "@backstage/catalog-client")


def write_catalog(tmp_path: Path) -> Path:
    """A copy of the test catalog that the test may change (and the server may read)."""
    directory = tmp_path / "catalog"
    shutil.copytree(COMPAT_DIR / "catalog", directory)
    return directory


def write_config(tmp_path: Path, catalog_dir: Path) -> Path:
    """App-config for the child: the catalog root, a static token, no scheduled reads
    (the only re-read is the one refreshEntity asks for)."""
    config = {
        "app": {"title": "Catalog client compatibility", "baseUrl": "http://127.0.0.1"},
        "backend": {
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": TOKEN, "subject": "compat"}}
                ]
            }
        },
        "catalog": {
            "readableDirectories": [str(catalog_dir)],
            "processingInterval": False,
            "locations": [{"type": "file", "target": str(catalog_dir / "all.yaml")}],
        },
    }
    path = tmp_path / "app-config.compat.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and read the configured catalog once, as ``manage.py serve`` does."""
    for args in (("migrate", "--noinput"), ("catalog", "refresh", "--pending")):
        result = manage(*args, env=env)
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
        )


def change_checkout_on_disk(catalog_dir: Path) -> None:
    """Edit the file after the first read, so refreshEntity has a change to pick up."""
    path = catalog_dir / "software.yaml"
    text = path.read_text()
    assert ORIGINAL_DESCRIPTION in text
    path.write_text(text.replace(ORIGINAL_DESCRIPTION, f"description: {REFRESHED_DESCRIPTION}\n"))


def run_suite(node: str, node_modules: Path, tmp_path: Path, base_url: str, catalog_dir: Path):
    """Run the Node suite next to a link to the cached node_modules; return the process."""
    workdir = tmp_path / "client"
    workdir.mkdir()
    shutil.copy2(SUITE, workdir / SUITE.name)
    (workdir / "node_modules").symlink_to(node_modules, target_is_directory=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "GREENROOM_BASE_URL": base_url,
        "GREENROOM_TOKEN": TOKEN,
        "COMPAT_EXTRA_LOCATION": str(catalog_dir / "extra.yaml"),
        "COMPAT_REFRESHED_DESCRIPTION": REFRESHED_DESCRIPTION,
    }
    return subprocess.run(
        [node, SUITE.name], cwd=workdir, env=env, capture_output=True, text=True,
        timeout=SUITE_TIMEOUT,
    )  # fmt: skip


def failure_text(report: dict, worker_output: str) -> str:
    """Each failed check with the HTTP exchange behind it, for the assertion message
    (and the worker's output when the refresh, the worker's only job, failed)."""
    lines = [f"{report['failed']} of {report['passed'] + report['failed']} checks failed:"]
    for check in report["checks"]:
        if not check["ok"]:
            lines += [f"- {check['name']}", f"    {check['error']}"]
            lines += [f"    {call}" for call in check["calls"][-3:]]
            lines.append(f"    last exchange: {json.dumps(check.get('lastExchange'))}")
            if check["name"].startswith("refreshEntity"):
                lines.append(f"    worker output:\n{worker_output[-3000:]}")
    return "\n".join(lines)


def test_backstage_catalog_client_works_against_greenroom(
    node_modules: Path, child_database_url: str, tmp_path: Path
) -> None:
    node, _ = node_tools()
    catalog_dir = write_catalog(tmp_path)
    env = portal_env(
        tmp_path / "var",
        GREENROOM_CONFIG=str(write_config(tmp_path, catalog_dir)),
        DATABASE_URL=child_database_url,
    )
    prepare_database(env)
    change_checkout_on_disk(catalog_dir)
    began = time.monotonic()
    with celery_worker(env) as worker_output, web_server(env) as base_url:
        result = run_suite(node, node_modules, tmp_path, base_url, catalog_dir)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"the suite printed no report (exit {result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}")  # fmt: skip
    (tmp_path / "report.json").write_text(result.stdout)
    print(f"catalog-client {report['client']['version']}: {report['passed']} passed, "
          f"{report['failed']} failed in {time.monotonic() - began:.1f}s; "
          f"endpoints used: {report['endpoints']}")  # fmt: skip
    assert result.returncode == 0 and report["failed"] == 0, failure_text(report, worker_output[0])
    assert report["passed"] >= 20, "the suite ran suspiciously few checks"
