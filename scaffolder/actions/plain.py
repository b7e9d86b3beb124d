"""``fetch:plain`` and ``fetch:plain:file``: copy a skeleton without rendering it."""

from __future__ import annotations

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.fetching import fetch_contents, fetch_file
from scaffolder.workspace import child_path

__all__ = ["ACTIONS"]


def _plain(ctx: ActionContext) -> None:
    ctx.log("Fetching plain content from remote URL")
    target = child_path(ctx.workspace, ctx.input.get("targetPath") or "./")
    fetch_contents(ctx.input["url"], ctx.template.base_url, target)


def _plain_file(ctx: ActionContext) -> None:
    ctx.log("Fetching plain content from remote URL")
    target = child_path(ctx.workspace, ctx.input["targetPath"])
    fetch_file(ctx.input["url"], ctx.template.base_url, target)


ACTIONS = [
    backstage_action("fetch:plain", _plain),
    backstage_action("fetch:plain:file", _plain_file),
]
