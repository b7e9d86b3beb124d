"""``debug:log`` and ``debug:wait``: see what a run has so far, or pause it."""

from __future__ import annotations

import json
import time

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.errors import InputError
from scaffolder.workspace import files_below

__all__ = ["ACTIONS"]

#: Longest pause ``debug:wait`` allows, as in Backstage.
MAX_WAIT_SECONDS = 600


def _log(ctx: ActionContext) -> None:
    """Logs the input as JSON, the message, and optionally the workspace's files."""
    ctx.log(json.dumps(ctx.input, indent=2, ensure_ascii=False))
    if ctx.input.get("message"):
        ctx.log(ctx.input["message"])
    listing = ctx.input.get("listWorkspace")
    if not listing:
        return
    lines = []
    for path in files_below(ctx.workspace):
        relative = path.relative_to(ctx.workspace).as_posix()
        if listing == "with-contents" and not path.is_symlink():
            lines.append(f" - {relative}:\n\n  {path.read_text(errors='replace')}")
        else:
            lines.append(f"  - {relative}")
    ctx.log("Workspace:\n" + "\n".join(lines))


def _wait(ctx: ActionContext) -> None:
    """Sleeps for the given time, waking at once when the task is cancelled."""
    seconds = (
        float(ctx.input.get("minutes") or 0) * 60
        + float(ctx.input.get("seconds") or 0)
        + float(ctx.input.get("milliseconds") or 0) / 1000
    )
    if seconds > MAX_WAIT_SECONDS:
        raise InputError(f"Waiting duration is longer than the maximum threshold of "
                         f"{MAX_WAIT_SECONDS // 60} minutes")  # fmt: skip
    deadline = time.monotonic() + seconds
    while not ctx.stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        ctx.stop.wait(min(left, 0.2))


ACTIONS = [backstage_action("debug:log", _log), backstage_action("debug:wait", _wait)]
