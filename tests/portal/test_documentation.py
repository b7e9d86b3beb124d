"""The README documents every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
READS = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(\s*(?:ENV|environ),\s*|environ\.get\(\s*|"""
    r"""os\.environ\.get\(\s*)"([A-Z][A-Z0-9_]+)\"""",
)


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (PROJECT / "portal").rglob("*.py"):
        names.update(READS.findall(path.read_text()))
    return names


def test_every_environment_variable_is_in_the_readme() -> None:
    names = variables_read_by_the_code()
    assert {"DATABASE_URL", "SECRET_KEY", "GREENROOM_CONFIG", "S3_BUCKET"} <= names
    readme = (PROJECT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"README.md does not document: {', '.join(missing)}"
