"""benchmarks/gen_catalog.py writes the same bytes as the shared benchmark generator,
so catalog ingestion numbers compare with the Backstage measurements."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]
SHARED = PROJECT.parent / "shared/bench/gen_catalog.py"
OURS = PROJECT / "benchmarks" / "gen_catalog.py"


def generate(script: Path, out: Path, *args: str) -> tuple[bytes, bytes]:
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--out",
            str(out / "catalog.yaml"),
            "--manifest",
            str(out / "manifest.json"),
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (out / "catalog.yaml").read_bytes(), (out / "manifest.json").read_bytes()


@pytest.mark.skipif(not SHARED.exists(), reason=f"the shared generator is not at {SHARED}")
@pytest.mark.parametrize("args", [("--n", "300"), ("--n", "1000", "--seed", "7")])
def test_same_bytes_as_the_shared_generator(tmp_path, args):
    (tmp_path / "shared").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = generate(SHARED, tmp_path / "shared", *args)
    ours = generate(OURS, tmp_path / "ours", *args)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


def test_manifest_defaults_next_to_the_output(tmp_path):
    subprocess.run(
        [sys.executable, str(OURS), "--n", "200", "--out", str(tmp_path / "c.yaml")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert (tmp_path / "c.manifest.json").exists()
    assert (tmp_path / "c.yaml").read_bytes().count(b"\n---\n") == 200
