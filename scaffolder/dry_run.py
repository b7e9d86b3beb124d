"""Dry-run a template sent whole with its files, as Backstage's template editor does
(``POST /v2/dry-run``): nothing is published or registered, and the answer holds the
log, the files the run wrote and its output.

The files are written to a private directory and the template's ``baseUrl`` points
at a ``template.yaml`` there, so ``url: ./skeleton`` finds the files sent under
``skeleton/``. Environment secrets are never visible in a dry run.
"""

from __future__ import annotations

import base64
import binascii
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder import config
from scaffolder.actions import TemplateInfo
from scaffolder.errors import InputError
from scaffolder.integrations import known_integrations
from scaffolder.parameters import checked_values
from scaffolder.runner import Emit, Run, RunSpec, with_step_defaults
from scaffolder.template_entity import check_template
from scaffolder.workspace import child_path, files_below, workspace

__all__ = ["dry_run", "dry_run_template"]

API_VERSION = "scaffolder.backstage.io/v1beta3"


@dataclass(frozen=True)
class DryRunRequest:
    """``{template, values, secrets?, directoryContents}``, checked."""

    template: dict[str, Any]
    values: dict[str, Any]
    secrets: dict[str, str]
    files: list[tuple[str, bytes]]

    @classmethod
    def parse(cls, body: Any) -> DryRunRequest:
        if not isinstance(body, dict):
            raise InputError("Request body must be a JSON object")
        template, values = body.get("template"), body.get("values", {})
        secrets, contents = body.get("secrets") or {}, body.get("directoryContents")
        if not isinstance(template, dict):
            raise InputError("template must be a Template entity")
        if not isinstance(values, dict):
            raise InputError("values must be an object")
        if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
            raise InputError("secrets must be an object of strings")
        if not isinstance(contents, list):
            raise InputError("directoryContents must be a list of {path, base64Content}")
        return cls(template, values, secrets, [_file(item) for item in contents])


def _file(item: Any) -> tuple[str, bytes]:
    if not isinstance(item, dict) or not isinstance(item.get("path"), str) \
            or not isinstance(item.get("base64Content"), str):  # fmt: skip
        raise InputError("directoryContents items must be {path, base64Content}")
    try:
        return item["path"], base64.b64decode(item["base64Content"], validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{item['path']}: base64Content is not base64") from None


def _contents(root: Path) -> list[dict[str, Any]]:
    """The workspace's files (not directories, not symlinks), sorted by path."""
    found = []
    for path in files_below(root):
        if path.is_symlink():
            continue
        executable = bool(path.stat().st_mode & stat.S_IXUSR)
        found.append({"path": path.relative_to(root).as_posix(), "executable": executable,
                      "base64Content": base64.b64encode(path.read_bytes()).decode()})  # fmt: skip
    return found


def dry_run(body: Any, user: Mapping[str, Any] | None = None,
            emit: Emit | None = None) -> dict[str, Any]:  # fmt: skip
    """Run ``body`` (Backstage's dry-run request) and return Backstage's answer;
    ``emit`` also sees each log entry as it happens (the answer of a failed run has no
    log, so the template editor shows what ``emit`` saw).

    Raises InputError (bad request), ValuesInvalid (values fail the pages), or the
    run's first error (a StepError, or what an action raised)."""
    request = DryRunRequest.parse(body)
    template = request.template
    if template.get("apiVersion") != API_VERSION:
        raise InputError("Input template is not a template")
    check_template(template)
    with workspace(config.working_directory(), "dry-run-content-") as content:
        for path, data in request.files:
            target = child_path(content, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        metadata = template.get("metadata") or {}
        info = TemplateInfo(entity_ref="template:default/dry-run",
                            base_url=(content / "template.yaml").as_uri(),
                            metadata={"name": metadata.get("name")})  # fmt: skip
        return dry_run_template(template, info, request.values, request.secrets, user, emit)


def dry_run_template(template: Mapping[str, Any], info: TemplateInfo, values: Mapping[str, Any],
                     secrets: Mapping[str, str], user: Mapping[str, Any] | None = None,
                     emit: Emit | None = None) -> dict[str, Any]:  # fmt: skip
    """Dry-run a checked Template entity whose skeletons ``info.base_url`` locates (the
    uploaded files, or the template's own catalog location); ``emit`` also sees each
    log entry as it happens."""
    spec = template["spec"]
    values = checked_values(spec, values, secrets)
    steps = with_step_defaults(spec["steps"])
    log: list[dict[str, Any]] = []

    def record(entry: dict[str, Any]) -> None:
        log.append({"body": entry})
        if emit is not None:
            emit(entry)

    with workspace(config.working_directory(), "dry-run-") as work:
        run = Run(
            spec=RunSpec(steps=steps, parameters=values, template=info,
                         output=spec.get("output") or {}, user=dict(user or {}),
                         environment=config.default_environment(with_secrets=False),
                         integrations=known_integrations()),
            workspace=work, emit=record, secrets=dict(secrets), dry_run=True,
        )  # fmt: skip
        record({"message": f"Starting up task with {len(steps) + 1} steps"})
        output = run.execute()
        files = _contents(work)
    return {"log": log, "directoryContents": files, "output": output, "steps": steps}
