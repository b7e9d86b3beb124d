"""The actions templates can call, by id: the built-in ones and those plugins add.

``get_action`` is what the runner asks; ``all_actions`` is what ``GET /v2/actions``
lists. An id nobody registered fails as Backstage fails it, naming the id.
"""

from __future__ import annotations

from functools import cache

from portal import plugins
from scaffolder.actions import (
    argocd,
    catalog,
    debug,
    fs,
    github,
    gitlab,
    plain,
    publish_git,
    template,
)
from scaffolder.actions.base import Action, ActionContext, TemplateInfo
from scaffolder.errors import ConflictError, NotFoundError

__all__ = ["Action", "ActionContext", "TemplateInfo", "all_actions", "get_action"]

_BUILT_IN = (argocd, catalog, debug, fs, github, gitlab, plain, publish_git, template)


@cache
def _built_in() -> dict[str, Action]:
    return {action.id: action for module in _BUILT_IN for action in module.ACTIONS}


def _registry() -> dict[str, Action]:
    """Built-in actions and those plugins registered (asked each time, so a plugin
    registered late or in a test is seen). A plugin may not replace a built-in."""
    actions = dict(_built_in())
    for added in plugins.scaffolder_actions():
        if added.id in actions:
            raise ConflictError(
                f"Template action with ID '{added.id}' has already been registered "
                "(a plugin may not replace a built-in action)"
            )
        actions[added.id] = Action(
            id=added.id, handler=added.handler, description=added.description,
            input_schema=added.input_schema, output_schema=added.output_schema,
            supports_dry_run=added.supports_dry_run, examples=added.examples,
        )  # fmt: skip
    return actions


def get_action(action_id: str) -> Action:
    """The action ``action_id``; NotFoundError if none is registered under it."""
    action = _registry().get(action_id)
    if action is None:
        raise NotFoundError(
            f"Template action with ID '{action_id}' is not registered. See "
            "https://backstage.io/docs/features/software-templates/builtin-actions/ on how "
            "to add a new action module."
        )
    return action


def all_actions() -> list[Action]:
    """Every registered action, sorted by id."""
    return sorted(_registry().values(), key=lambda action: action.id)
