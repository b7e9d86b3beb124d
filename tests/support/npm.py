"""Backstage's own npm packages for the compatibility tests, installed exactly as a
directory's ``package-lock.json`` pins them and cached per lockfile hash.

The install goes into the pytest cache (git-ignored, kept between runs), or a temporary
directory when the cache plugin is off; it is made in a staging directory and renamed
into place, so an interrupted ``npm ci`` never leaves a half-installed tree that a
later run would trust. Without node/npm or a registry the test is skipped, or fails
when ``GREENROOM_REQUIRE_SERVICES`` is set, as for the other service binaries.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.binaries import NODE_HINT, require_binary

NPM_FILES = ("package.json", "package-lock.json")
MIN_NODE_MAJOR = 20
NPM_TIMEOUT = 600
#: npm failures that mean "no registry here", not "the lockfile is broken".
OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH")


def skip_or_fail(message: str) -> None:
    """The convention of tests/support/binaries.py for anything else a test needs:
    skip, unless ``GREENROOM_REQUIRE_SERVICES`` says a skip would hide a gap in CI."""
    if os.environ.get("GREENROOM_REQUIRE_SERVICES", "") not in ("", "0"):
        pytest.fail(message + " (GREENROOM_REQUIRE_SERVICES is set, so this is an error)")
    pytest.skip(message)


def node_tools() -> tuple[str, str]:
    """Paths of ``node`` and ``npm``; the pinned packages need Node 20 or newer."""
    node, npm = require_binary("node"), require_binary("npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        skip_or_fail(f"node {version or '?'} is too old; {NODE_HINT}")
    return node, npm


def lockfile_key(package_dir: Path) -> str:
    """Changes whenever the pinned dependencies do, so a stale install is never reused."""
    digest = hashlib.sha256()
    for name in NPM_FILES:
        digest.update((package_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def _npm_ci(npm: str, package_dir: Path, directory: Path) -> None:
    for name in NPM_FILES:
        shutil.copy2(package_dir / name, directory / name)
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    result = subprocess.run(
        command, cwd=directory, capture_output=True, text=True, timeout=NPM_TIMEOUT
    )
    if result.returncode == 0:
        return
    output = (result.stdout + result.stderr).strip()
    if OFFLINE.search(output):
        skip_or_fail(f"npm ci could not reach the npm registry: {output[-500:]}")
    pytest.fail(f"npm ci failed in {directory}:\n{output}")


def _cache_root(request: pytest.FixtureRequest, name: str) -> Path:
    cache = getattr(request.config, "cache", None)
    if cache is None:
        return request.getfixturevalue("tmp_path_factory").mktemp(name)
    return Path(cache.mkdir(name))


def installed(request: pytest.FixtureRequest, package_dir: Path, package: str) -> Path:
    """The ``node_modules`` of ``package_dir``'s lockfile, installed once and reused
    while the lockfile is unchanged; ``package`` is the one whose presence marks a
    complete install. Older installs of the same directory are removed."""
    _, npm = node_tools()
    root = _cache_root(request, f"{package_dir.name}-npm")
    target = root / f"npm-{lockfile_key(package_dir)}"
    if not (target / "node_modules" / package).is_dir():
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=root))
        try:
            _npm_ci(npm, package_dir, staging)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    for old in root.glob("npm-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return target / "node_modules"
