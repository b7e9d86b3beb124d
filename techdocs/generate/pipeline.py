"""The whole hardened generate step, source tree in, static site out, no database:
what a worker runs for ``techdocs.builder: local`` and what ``manage.py techdocs
generate`` runs in CI, so both build exactly the same way."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from techdocs.generate.mkdocs_config import GeneratorOptions, clean_config
from techdocs.generate.mkdocs_yaml import load_mkdocs_yaml
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.generate.sandbox import BuildLimits, run_mkdocs
from techdocs.generate.source_tree import (
    check_index,
    check_tree,
    default_mkdocs_yaml,
    find_mkdocs_file,
)

__all__ = ["MAX_SOURCE_BYTES", "MAX_SOURCE_FILES", "METADATA_FILE", "generate", "tree_hash"]

METADATA_FILE = "techdocs_metadata.json"
MAX_SOURCE_FILES = 20_000
MAX_SOURCE_BYTES = 200 * 1024 * 1024
Log = Callable[[str, str], None]


def tree_hash(root: Path) -> str:
    """A fingerprint of every file's path, mode and bytes under ``root`` (symlinks by
    their target), the same whatever the source type: a build whose source hashes the
    same as the published one is skipped."""
    digest = hashlib.sha256()
    for directory, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(files):
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                digest.update(f"L {relative} {os.readlink(path)}\0".encode())
                continue
            digest.update(f"F {relative} {path.stat().st_mode & 0o111:o}\0".encode())
            with path.open("rb") as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


def _authored_config(source: Path, site_name: str, log: Log) -> dict[str, Any]:
    """The author's mkdocs.yml, read safely; Backstage's default when there is none
    but the docs folder is there (``site_name``, ``docs_dir: docs``, techdocs-core)."""
    try:
        path = find_mkdocs_file(source)
    except DocsProblem as problem:
        if not (source / "docs").is_dir():
            raise
        log("warning", f"{problem.message}; building docs/ with a default mkdocs.yml")
        return load_mkdocs_yaml(default_mkdocs_yaml(site_name), "mkdocs.yml")
    return load_mkdocs_yaml(path.read_text(encoding="utf-8", errors="replace"), path.name)


def generate(source: Path, output: Path, *, site_name: str, etag: str = "",
             options: GeneratorOptions | None = None, limits: BuildLimits | None = None,
             log: Log | None = None, build_timestamp: int | None = None,
             on_file: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """Build the docs in ``source`` into ``output`` (empty or new) and write Backstage's
    ``techdocs_metadata.json`` there; return it. ``build_timestamp`` (ms) defaults to
    the end of the build; ``on_file`` hears of each file of the site (relative to
    ``output``) as soon as mkdocs has written it. Raises DocsProblem."""
    log = log or (lambda _level, _message: None)
    check_tree(source, max_files=MAX_SOURCE_FILES, max_bytes=MAX_SOURCE_BYTES)
    clean = clean_config(_authored_config(source, site_name, log), docs_root=source,
                         site_name_default=site_name, options=options)  # fmt: skip
    for warning in clean.warnings:
        log("warning", warning)
    check_index(clean.docs_dir)
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run_mkdocs(clean.config, project_dir=source, site_dir=output, limits=limits or BuildLimits(),
               on_log=log, on_file=on_file)  # fmt: skip
    metadata = _metadata(output, etag, build_timestamp or int(time.time() * 1000))
    log("info", f"built {len(metadata['files'])} files in {time.monotonic() - started:.1f} s")
    return metadata


def _metadata(output: Path, etag: str, build_timestamp: int) -> dict[str, Any]:
    """techdocs-core's ``site_name``/``site_description`` plus what Backstage's
    generator adds: ``build_timestamp`` (ms), ``files``, ``etag`` and ``engine``."""
    path = output / METADATA_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise DocsProblem(ProblemKind.BUILD_FAILED,
                          f"the build wrote no valid {METADATA_FILE} (is the techdocs-core "
                          "plugin enabled?)") from None  # fmt: skip
    files = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
    metadata.update(build_timestamp=build_timestamp, files=files, etag=etag,
                    engine="mkdocs")  # fmt: skip
    path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    return metadata
