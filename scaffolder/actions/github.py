"""GitHub actions (``publish:github``, ``publish:github:pull-request``,
``github:actions:dispatch``, ``github:webhook``) with Backstage's schemas.

Their schemas are registered so templates validate and dry-run exactly as in
Backstage: a dry run skips ``publish:github`` and ``github:actions:dispatch`` and
fakes their outputs, while the pull request and webhook actions run their own dry-run
branch (they need a token first, as in Backstage). Calling the GitHub API for real
is not built yet: a real run stops at such a step and says so.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.errors import InputError, NotAllowedError
from scaffolder.integrations import token_for

__all__ = ["ACTIONS"]

#: The pull request number Backstage's dry run reports.
DRY_RUN_PULL_REQUEST = 43


def _repository(repo_url: str) -> tuple[str, str, str]:
    """host, owner and repo of a RepoUrlPicker value ``host?owner=o&repo=r``."""
    parts = urlsplit("https://" + repo_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    owner, repo = query.get("owner", "").strip("/"), query.get("repo", "").strip("/")
    if not parts.hostname or not owner or not repo:
        raise InputError(f"Invalid repo URL passed to publisher: {repo_url}, missing owner "
                         "or repo")  # fmt: skip
    return parts.hostname, owner, repo


def _token(ctx: ActionContext) -> str:
    host, owner, repo = _repository(ctx.input["repoUrl"])
    token = ctx.input.get("token") or token_for(host)
    if not token:
        raise InputError(
            f"No token available for host: {host}, with owner {owner}, and repo {repo}. Make "
            "sure GitHub auth is configured correctly. See "
            "https://backstage.io/docs/auth/github/provider for more details."
        )
    return token


def _not_yet(ctx: ActionContext) -> None:
    raise NotAllowedError(f"Step {ctx.step_id}: this Greenroom version cannot call GitHub "
                          "yet; dry runs of this template work")  # fmt: skip


def _pull_request(ctx: ActionContext) -> None:
    _token(ctx)
    if not ctx.dry_run:
        _not_yet(ctx)
    ctx.log("Performing dry run of creating pull request")
    ctx.output("targetBranchName", ctx.input["branchName"])
    ctx.output("remoteUrl", ctx.input["repoUrl"])
    ctx.output("pullRequestNumber", DRY_RUN_PULL_REQUEST)
    ctx.log("Dry run complete")


def _webhook(ctx: ActionContext) -> None:
    _token(ctx)
    if not ctx.dry_run:
        _not_yet(ctx)
    ctx.log(f"Creating webhook {ctx.input['webhookUrl']} for repo {ctx.input['repoUrl']}")
    ctx.log("Dry run complete")


ACTIONS = [
    backstage_action("publish:github", _not_yet),
    backstage_action("publish:github:pull-request", _pull_request),
    backstage_action("github:actions:dispatch", _not_yet),
    backstage_action("github:webhook", _webhook),
]
