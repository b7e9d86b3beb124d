"""Find the service binaries the suite starts, or skip with how to install them.

In CI (``GREENROOM_REQUIRE_SERVICES=1``) a missing binary fails the test instead, so
a green CI run never hides a skipped PostgreSQL or Redis test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)

NODE_HINT = "install Node.js 20+ with npm: apt-get install nodejs npm (or brew install node)"
INSTALL_HINTS = {
    "initdb": "install PostgreSQL: apt-get install postgresql (or brew install postgresql)",
    "redis-server": "install Redis: apt-get install redis-server (or brew install redis)",
    "node": NODE_HINT,
    "npm": NODE_HINT,
    "chromium": "install Chromium: apt-get install chromium",
}


def require_binary(name: str) -> str:
    """Return the path of ``name``, skipping (or failing in CI) when it is absent."""
    found = shutil.which(name)
    if name == "initdb" or name == "pg_ctl":
        for directory in POSTGRES_BIN_DIRS:
            candidate = directory / name
            if candidate.exists():
                found = str(candidate)
                break
    if found:
        return found
    message = f"{name} not found; {INSTALL_HINTS.get(name, 'install it')} to run this test"
    if os.environ.get("GREENROOM_REQUIRE_SERVICES", "") not in ("", "0"):
        pytest.fail(message + " (GREENROOM_REQUIRE_SERVICES is set, so this is an error)")
    pytest.skip(message)
