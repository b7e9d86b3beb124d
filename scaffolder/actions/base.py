"""What an action is, and what it is handed when it runs.

An action is a small module: an id, a handler, its input and output JSON Schemas,
a description, examples and whether it can run in a dry run. Built-in actions take
their schemas and descriptions from Backstage's own (``backstage_schemas.json``, as
``GET /v2/actions`` serves them), so inputs are validated exactly as Backstage
validates them and ``/v2/actions`` answers the same.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Action", "ActionContext", "TemplateInfo", "backstage_action"]

_SCHEMAS = Path(__file__).with_name("backstage_schemas.json")


@dataclass(frozen=True)
class TemplateInfo:
    """The template a run comes from: its ref, the URL relative ``url:``s resolve
    against (``file:///…/template.yaml``, an ``https`` URL, …), and its metadata."""

    entity_ref: str
    base_url: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ActionContext:
    """One run of one action (one iteration of an ``each`` step)."""

    input: dict[str, Any]
    workspace: Path
    template: TemplateInfo
    step_id: str
    log: Callable[[str], None]
    secrets: Mapping[str, str] = field(default_factory=dict)
    user: Mapping[str, Any] = field(default_factory=dict)
    task_id: str = ""
    dry_run: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    checkpoints: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    _temporary: list[tempfile.TemporaryDirectory] = field(default_factory=list)

    def output(self, name: str, value: Any) -> None:
        """Publish ``steps.<id>.output.<name>`` for the steps after this one."""
        self.outputs[name] = value

    def checkpoint(self, key: str, action: Callable[[], Any]) -> Any:
        """Run ``action`` once per task: on a retry its recorded result is returned
        instead, so a side effect (a repository created) is not repeated."""
        name = f"v1.task.checkpoint.{self.step_id}.{key}"
        if name not in self.checkpoints:
            self.checkpoints[name] = action()
        return self.checkpoints[name]

    def temporary_directory(self) -> Path:
        """A directory next to the workspace, removed when the step ends."""
        directory = tempfile.TemporaryDirectory(
            prefix=f"{self.workspace.name}_step-{self.step_id}-", dir=self.workspace.parent
        )
        self._temporary.append(directory)
        return Path(directory.name)

    def cleanup(self) -> None:
        """Remove the step's temporary directories (the runner calls this)."""
        for directory in self._temporary:
            directory.cleanup()
        self._temporary.clear()


@dataclass(frozen=True)
class Action:
    """A scaffolder action as the runner and ``GET /v2/actions`` see it."""

    id: str
    handler: Callable[[ActionContext], None]
    description: str
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any] | None = None
    supports_dry_run: bool = False
    examples: tuple[Mapping[str, Any], ...] = ()

    def describe(self) -> dict[str, Any]:
        """Backstage's ``/v2/actions`` entry."""
        schema: dict[str, Any] = {"input": self.input_schema}
        if self.output_schema is not None:
            schema["output"] = self.output_schema
        return {"id": self.id, "description": self.description,
                "examples": list(self.examples), "schema": schema}  # fmt: skip


@cache
def _backstage_schemas() -> dict[str, Any]:
    return json.loads(_SCHEMAS.read_text())


def backstage_action(action_id: str, handler: Callable[[ActionContext], None],
                     examples: tuple[Mapping[str, Any], ...] = ()) -> Action:  # fmt: skip
    """An action with Backstage's schema, description and dry-run flag for ``action_id``."""
    known = _backstage_schemas()[action_id]
    return Action(
        id=action_id,
        handler=handler,
        description=known.get("description", ""),
        input_schema=known["schema"]["input"],
        output_schema=known["schema"].get("output"),
        supports_dry_run=known["supportsDryRun"],
        examples=examples,
    )
