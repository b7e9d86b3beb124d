"""``fetch:template`` and ``fetch:template:file``: copy a skeleton into the workspace,
rendering file names and contents with the step's ``values``.

Backstage's rules: the render context is only ``{values}`` (``{cookiecutter}`` with
``cookiecutterCompat``); every path is rendered and one that renders empty, absolute
or with ``//`` is skipped (that is how optional files work); contents matched by
``copyWithoutTemplating`` (source paths), binary files and symlinks are copied as
they are; existing files are kept unless ``replace``; file modes are kept. A render
error inside a skeleton fails the step (unlike in step inputs).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from wcmatch import glob

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.actions.fs import GLOB_FLAGS
from scaffolder.errors import InputError
from scaffolder.fetching import fetch_contents, fetch_file
from scaffolder.templating import render_text
from scaffolder.workspace import child_path, is_inside

__all__ = ["ACTIONS"]

_DEFAULT_EXTENSION = ".njk"


def _options(ctx: ActionContext) -> dict[str, Any]:
    return {"cookiecutter": bool(ctx.input.get("cookiecutterCompat")),
            "trim_blocks": bool(ctx.input.get("trimBlocks")),
            "lstrip_blocks": bool(ctx.input.get("lstripBlocks"))}  # fmt: skip


def _context(ctx: ActionContext) -> dict[str, Any]:
    values = ctx.input.get("values") or {}
    return {"cookiecutter": values} if ctx.input.get("cookiecutterCompat") else {"values": values}


def _extension(ctx: ActionContext) -> str | None:
    chosen = ctx.input.get("templateFileExtension")
    if not chosen:
        return None
    if ctx.input.get("copyWithoutTemplating") or ctx.input.get("cookiecutterCompat"):
        raise InputError("Fetch action input extension incompatible with copyWithoutTemplating "
                         "and cookiecutterCompat")  # fmt: skip
    extension = _DEFAULT_EXTENSION if chosen is True else str(chosen)
    return extension if extension.startswith(".") else f".{extension}"


def _entries(root: Path) -> list[str]:
    """Every file, directory (with a trailing ``/``) and symlink below ``root``, as
    relative POSIX paths, level by level (parents before children), each level in
    code-unit order, as Backstage lists them."""
    found = []
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        here = Path(directory)
        for name in dirs + files:
            path = here / name
            relative = path.relative_to(root).as_posix()
            found.append(relative + "/" if path.is_dir() and not path.is_symlink() else relative)
    return sorted(found, key=lambda p: (p.rstrip("/").count("/"), p.rstrip("/")))


def _verbatim(entries: list[str], patterns: list[str]) -> set[str]:
    """Source entries ``copyWithoutTemplating`` matches (``!`` patterns exclude); a
    directory is matched by its own name (``raw/**`` matches what is in ``raw``)."""
    if not patterns:
        return set()
    return {e for e in entries if glob.globmatch(e.rstrip("/"), patterns, flags=GLOB_FLAGS)}


def is_binary(data: bytes) -> bool:
    """Text is UTF-8 without a NUL byte near the start (as git decides); anything else
    is copied as it is, and the editor shows it as binary."""
    if b"\0" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _values_json(ctx: ActionContext) -> str:
    """The values as Backstage's logger prints its meta: compact, keys sorted."""
    return json.dumps(ctx.input.get("values") or {}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip


def _write(ctx: ActionContext, source: Path, target: Path, render: bool, shown: str) -> None:
    """Copy ``source`` to ``target`` (logged as ``shown``), rendering it when
    ``render`` and it is text; symlinks and binary files are copied as they are."""
    data = b"" if source.is_symlink() else source.read_bytes()
    if source.is_symlink() or is_binary(data):
        ctx.log(f"Copying file binary or symbolic link at {shown}, to template output path.")
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
        return
    mode = source.stat().st_mode
    ctx.log(f"Writing file {shown} to template output path with mode {mode}.")
    text = data.decode("utf-8")
    if render:
        text = render_text(text, _context(ctx), **_options(ctx))
    target.write_text(text, encoding="utf-8")
    os.chmod(target, stat.S_IMODE(mode))


def _template(ctx: ActionContext) -> None:
    extension = _extension(ctx)
    template_dir = ctx.temporary_directory() / "template"
    ctx.log("Fetching template content from remote URL")
    fetch_contents(ctx.input["url"], ctx.template.base_url, template_dir)
    output_dir = child_path(ctx.workspace, ctx.input.get("targetPath") or "./")
    if is_inside(output_dir, template_dir):
        raise InputError("targetPath must not be within the template directory")
    ctx.log("Listing files and directories in template")
    entries = _entries(template_dir)
    verbatim = _verbatim(entries, list(ctx.input.get("copyWithoutTemplating") or []))
    ctx.log(f"Processing {len(entries)} template files/directories with input values "
            + _values_json(ctx))
    for entry in entries:
        render_contents = entry not in verbatim
        output = entry
        if extension is not None:
            render_contents = entry.endswith(extension)
            if render_contents:
                output = entry[: -len(extension)]
        elif not render_contents:
            ctx.log(f"Copying file/directory {entry} without processing.")
        output = render_text(output, _context(ctx), **_options(ctx))
        if not output or output.startswith("/") or "//" in output:
            continue
        target = child_path(output_dir, output)
        if target == output_dir:  # ".", "a/..": the output directory itself, nothing to write
            continue
        if os.path.lexists(target) and not ctx.input.get("replace"):
            continue
        if entry.endswith("/"):
            ctx.log(f"Writing directory {entry} to template output path.")
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            os.remove(target)
        _write(ctx, template_dir / entry, target, render_contents, entry)
    ctx.log(f"Template result written to {output_dir}")


def _template_file(ctx: ActionContext) -> None:
    target = child_path(ctx.workspace, ctx.input["targetPath"])
    if target == ctx.workspace:
        raise InputError("targetPath must name a file in the workspace, not the workspace")
    if os.path.lexists(target) and not ctx.input.get("replace"):
        ctx.log(f"File {ctx.input['targetPath']} already exists in workspace, not replacing.")
        return
    source = ctx.temporary_directory() / "template"
    ctx.log("Fetching template file content from remote URL")
    fetch_file(ctx.input["url"], ctx.template.base_url, source)
    ctx.log(f"Processing template file with input values {_values_json(ctx)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target):
        os.remove(target)
    if source.is_symlink() or is_binary(source.read_bytes()):
        shutil.copy2(source, target, follow_symlinks=False)
    else:
        text = render_text(source.read_text(encoding="utf-8"), _context(ctx), **_options(ctx))
        target.write_text(text, encoding="utf-8")
        os.chmod(target, stat.S_IMODE(source.stat().st_mode))
    ctx.log(f"Template file has been written to {target}")


ACTIONS = [
    backstage_action("fetch:template", _template),
    backstage_action("fetch:template:file", _template_file),
]
