"""The actions templates can call, by id: the built-in ones and those plugins add.

``get_action`` is what the runner asks; ``all_actions`` is what ``GET /v2/actions``
lists. An id nobody registered fails as Backstage fails it, naming the id.
"""

from __future__ import annotations

from functools import cache

from scaffolder.actions import catalog, debug, fs, github, plain, template
from scaffolder.actions.base import Action, ActionContext, TemplateInfo
from scaffolder.errors import NotFoundError

__all__ = ["Action", "ActionContext", "TemplateInfo", "all_actions", "get_action"]

_BUILT_IN = (catalog, debug, fs, github, plain, template)


@cache
def _registry() -> dict[str, Action]:
    actions: dict[str, Action] = {}
    for module in _BUILT_IN:
        for action in module.ACTIONS:
            actions[action.id] = action
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
