"""The errors a template run can end with, named as Backstage names them.

The name decides the HTTP status of a dry-run or task API answer (``InputError`` 400,
``NotFoundError`` 404, ``ConflictError`` 409, anything else 500) and is what the task
log and the task's completion event report, so a script written against Backstage
reads Greenroom's failures unchanged.
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "InputError",
    "NotAllowedError",
    "NotFoundError",
    "StepError",
    "TaskCancelled",
]


class StepError(Exception):
    """A step (or the set-up of a run) failed; ``str()`` is the message users see."""

    name = "Error"


class InputError(StepError):
    """The template, its values or a step's input are not acceptable."""

    name = "InputError"


class NotFoundError(StepError):
    """Something a step needs (a skeleton, an entity, a repository) does not exist."""

    name = "NotFoundError"


class ConflictError(StepError):
    """What a step would create already exists."""

    name = "ConflictError"


class NotAllowedError(StepError):
    """The configuration or the caller's rights forbid what a step asks for."""

    name = "NotAllowedError"


class TaskCancelled(StepError):
    """The task was cancelled while this step ran (or before it began)."""
