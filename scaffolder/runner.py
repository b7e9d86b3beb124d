"""Run a template's steps in a workspace: Backstage's workflow runner, step by step.

Steps run in order. A step's ``if`` (rendered without secrets) may skip it; ``each``
runs it once per item of a list or object; its ``input`` is rendered with secrets,
validated against the action's schema (every iteration before the first runs) and
handed to the action; what the action outputs becomes ``steps.<id>.output``. After a
failure, only steps whose ``if`` calls ``always()`` or ``failure()`` still run, and
the first error is the run's error. In a dry run, actions that cannot dry-run are
skipped and their outputs faked from their output schema, as Backstage does.

Secrets never reach the log: every secret value, and every rendered input string
that a secret changed (``${{ secrets.token | upper }}``), is replaced by ``***``.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.actions import Action, ActionContext, TemplateInfo, get_action
from scaffolder.errors import InputError, TaskCancelled
from scaffolder.outputs import example_output, rendered_output
from scaffolder.schema_errors import input_errors, npm_message
from scaffolder.templating import UNDEFINED, is_truthy, render_value

__all__ = ["Emit", "Run", "RunSpec", "with_step_defaults"]

REDACTED = "***"
#: How Backstage's task logger (winston, colorised ``simple`` format) prints what the
#: actions and the dry run say; the runner's own step lines carry no prefix.
INFO = "\x1b[32minfo\x1b[39m: "
WARN = "\x1b[33mwarn\x1b[39m: "
Emit = Callable[[dict[str, Any]], None]


def with_step_defaults(steps: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Steps with Backstage's defaults: id ``step-<n>``, name = the action id."""
    return [
        {**step, "id": step.get("id") or f"step-{n}", "name": step.get("name") or step["action"]}
        for n, step in enumerate(steps, start=1)
    ]


@dataclass
class RunSpec:
    """What a run needs from its task: steps (defaults applied), output, the form
    values, the template it comes from, who started it and the environment."""

    steps: list[dict[str, Any]]
    parameters: dict[str, Any]
    template: TemplateInfo
    output: dict[str, Any] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    #: ``[{host, type}]`` the ``parseRepoUrl`` filter accepts.
    integrations: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Run:
    """One execution of a RunSpec. ``execute`` returns the rendered ``output`` or
    raises the first step's error (a StepError or whatever the action raised)."""

    spec: RunSpec
    workspace: Path
    emit: Emit
    secrets: Mapping[str, str] = field(default_factory=dict)
    dry_run: bool = False
    lenient: bool = False
    task_id: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    checkpoints: dict[str, Any] = field(default_factory=dict)
    step_outputs: dict[str, Any] = field(default_factory=dict)
    #: Steps an earlier attempt completed (id -> its output): a retry reuses them.
    resume: Mapping[str, Any] = field(default_factory=dict)
    #: Called with a step's id once it completed, so its output can be kept.
    on_step_done: Callable[[str], None] | None = None
    _failed: BaseException | None = None
    #: What secrets put into any step's input or ``each`` so far: hidden in every later
    #: log line and error too, since a step can write it into a file a later one lists.
    _hidden: set[str] = field(default_factory=set)

    # Context -------------------------------------------------------------------------
    def _context(self, secrets: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
        environment = dict(self.spec.environment)
        environment.setdefault("parameters", {})
        if secrets is None or self.dry_run:
            environment.pop("secrets", None)
        context = {
            "parameters": self.spec.parameters,
            "steps": self.step_outputs,
            "user": self.spec.user,
            "context": {"task": {"id": self.task_id}},
            "environment": environment,
            "always": lambda: True,
            "failure": lambda: self._failed is not None,
            "__integrations__": self.spec.integrations,
            **extra,
        }
        if secrets is not None:
            context["secrets"] = dict(secrets)
        return context

    # The run -------------------------------------------------------------------------
    def execute(self) -> dict[str, Any]:
        for step in self.spec.steps:
            if self._failed is not None and not _uses_status_functions(step):
                continue
            if step["id"] in self.resume and self._failed is None:
                self._resumed(step)
                continue
            try:
                self._step(step)
            except Exception as exc:  # any action failure ends the run, reported once
                status = "cancelled" if isinstance(exc, TaskCancelled) else "failed"
                self.emit({"message": self.redacted(str(exc) or type(exc).__name__),
                           "stepId": step["id"], "status": status})  # fmt: skip
                if self._failed is None:
                    self._failed = self._redacted_error(exc)
        if self._failed is not None:
            raise self._failed
        return rendered_output(self.spec.output, self._context())

    def redacted(self, text: str) -> str:
        """``text`` with every secret value, and everything secrets put into an input
        so far, replaced by ``***`` (log lines and error messages can quote them)."""
        hidden = {*filter(None, self._all_secrets().values()), *self._hidden}
        for secret in sorted(hidden, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def _redacted_error(self, exc: BaseException) -> BaseException:
        """``exc`` itself, or a copy whose message hides what ``redacted`` hides, so no
        caller (the dry-run answer, the completion event) can quote a secret."""
        message = str(exc)
        if self.redacted(message) == message:
            return exc
        hidden = copy.copy(exc)
        hidden.args = (self.redacted(message),)
        return hidden

    def _resumed(self, step: dict[str, Any]) -> None:
        """A step an earlier attempt completed: its output is restored, it is not run."""
        self.step_outputs[step["id"]] = self.resume[step["id"]]
        self.emit({"message": f"Step {step['name']} completed in an earlier attempt; "
                              "reusing its output", "stepId": step["id"],
                   "status": "completed"})  # fmt: skip

    def _step(self, step: dict[str, Any]) -> None:
        step_id = step["id"]
        self.emit({"message": f"Beginning step {step['name']}", "stepId": step_id,
                   "status": "processing"})  # fmt: skip
        self._check_cancelled(step)
        if "each" not in step and self._if_false(step, self._context()):
            self.emit({"message": f"Skipping step {step_id} because its if condition was false",
                       "stepId": step_id, "status": "skipped"})  # fmt: skip
            return
        action = get_action(step["action"])
        if self.dry_run:
            self._preview(step, action)
            if not action.supports_dry_run:
                self.emit({"message": f"Skipping because {action.id} does not support dry-run",
                           "stepId": step_id, "status": "skipped"})  # fmt: skip
                fake = example_output(action.output_schema) if action.output_schema else {}
                self.step_outputs[step_id] = {"output": fake}
                return
        iterations = self._iterations(step, action)
        outputs: dict[str, Any] = {}
        for each, rendered in iterations:
            if rendered is None:
                self.emit({"message": self.redacted(f"{INFO}Skipping step each: "
                                                    f"{_each_text(each)}"),
                           "stepId": step_id})  # fmt: skip
                continue
            if each is not None:
                self.emit({"message": self.redacted(f"{INFO}Running step each: "
                                                    f"{_each_text(each)}"),
                           "stepId": step_id})  # fmt: skip
            self._run_action(step, action, rendered, outputs, each is not None)
        self.step_outputs[step_id] = {"output": outputs}
        self._check_cancelled(step)
        if self.on_step_done is not None:
            self.on_step_done(step_id)
        self.emit({"message": f"Finished step {step['name']}", "stepId": step_id,
                   "status": "completed"})  # fmt: skip

    @staticmethod
    def _if_false(step: dict[str, Any], context: dict[str, Any]) -> bool:
        """Backstage's skip rule: ``if: false``, or a string ``if`` that renders falsy
        (any other value runs the step). An ``each`` step asks it per item."""
        condition = step.get("if")
        if condition is False:
            return True
        return isinstance(condition, str) and not is_truthy(render_value(condition, context))

    def _check_cancelled(self, step: dict[str, Any]) -> None:
        if self.stop.is_set():
            raise TaskCancelled(f"Step {step['name']} has been cancelled.")

    def _preview(self, step: dict[str, Any], action: Action) -> None:
        """The dry-run line: inputs rendered with every secret replaced by ``***``."""
        masked = {key: REDACTED for key in self.secrets}
        shown = render_value(step.get("input") or {}, self._context(masked))
        shown = {} if shown is UNDEFINED else shown
        self.emit({"message": f"{INFO}Running {action.id} in dry-run mode with inputs (secrets "
                              f"redacted): {json.dumps(shown, indent=2, ensure_ascii=False)}",
                   "stepId": step["id"]})  # fmt: skip

    def _iterations(self, step: dict[str, Any], action: Action) -> list[tuple[Any, Any]]:
        """(each, rendered input) per iteration, every input validated before any runs
        and what secrets put into it hidden from then on; an iteration whose per-item
        ``if`` is false has no input."""
        if "each" in step:
            items = render_value(step["each"], self._context(self.secrets))
            self._hide(items, lambda: render_value(step["each"], self._context()))
            if items is UNDEFINED:
                raise InputError(f"Invalid value on action {action.id}.each parameter, "
                                 f"\"{step['each']}\" cannot be resolved to a value")  # fmt: skip
            if not isinstance(items, (list, dict)):
                raise InputError(f"Invalid value on action {action.id}.each parameter, must "
                                 "resolve to an array or object")  # fmt: skip
            pairs = items.items() if isinstance(items, dict) else enumerate(items)
            each_items: list[Any] = [{"key": str(k), "value": v} for k, v in pairs]
        else:
            each_items = [None]
        result = []
        for each in each_items:
            extra = {} if each is None else {"each": each}
            if each is not None and self._if_false(step, self._context(self.secrets, **extra)):
                result.append((each, None))
                continue
            rendered = self._render_input(step, extra, self.secrets)
            self._hide(rendered, lambda extra=extra: self._render_input(step, extra, None))
            result.append((each, self._validated(action, rendered, each)))
        return result

    def _hide(self, rendered: Any, plain: Callable[[], Any]) -> None:
        """Remember what secrets changed in ``rendered`` against its secret-free
        rendering ``plain()`` (rendered only when there are secrets)."""
        if self._all_secrets():
            self._hidden |= {text for text in _changed(rendered, plain()) if text}

    def _all_secrets(self) -> dict[str, str]:
        """The task's secrets and, outside a dry run, the environment's."""
        environment = {} if self.dry_run else self.spec.environment.get("secrets") or {}
        return {**{f"environment.{k}": str(v) for k, v in environment.items()}, **self.secrets}

    def _render_input(self, step: dict[str, Any], extra: dict[str, Any],
                      secrets: Mapping[str, str] | None) -> dict[str, Any]:  # fmt: skip
        rendered = render_value(step.get("input") or {}, self._context(secrets, **extra))
        return {} if rendered is UNDEFINED else rendered

    def _validated(self, action: Action, rendered: dict[str, Any], each: Any) -> dict[str, Any]:
        name = action.id if each is None else f"{action.id}[{each['key']}]"
        errors = input_errors(rendered, action.input_schema)
        if errors and self.lenient and all(e.validator == "additionalProperties" for e in errors):
            allowed = set(action.input_schema.get("properties") or {})
            dropped = sorted(set(rendered) - allowed)
            self.emit({"message": f"{WARN}{name} does not take {', '.join(dropped)}; "
                                  "ignored (lenient mode for older templates)"})  # fmt: skip
            rendered = {k: v for k, v in rendered.items() if k in allowed}
            errors = input_errors(rendered, action.input_schema)
        if errors:
            raise InputError(f"Invalid input passed to action {name}, "
                             + ", ".join(npm_message(e) for e in errors))  # fmt: skip
        return rendered

    def _run_action(self, step: dict[str, Any], action: Action, rendered: dict[str, Any],
                    outputs: dict[str, Any], each: bool) -> None:  # fmt: skip
        def log(message: str) -> None:
            self.emit({"message": INFO + self.redacted(message), "stepId": step["id"]})

        ctx = ActionContext(
            input=rendered, workspace=self.workspace, template=self.spec.template,
            step_id=step["id"], log=log, secrets=self.secrets, user=self.spec.user,
            task_id=self.task_id, dry_run=self.dry_run, stop=self.stop,
            checkpoints=self.checkpoints,
        )  # fmt: skip
        try:
            action.handler(ctx)
        finally:
            ctx.cleanup()
        for name, value in ctx.outputs.items():
            if each:
                outputs.setdefault(name, []).append(value)
            else:
                outputs[name] = value


def _uses_status_functions(step: Mapping[str, Any]) -> bool:
    condition = step.get("if")
    return isinstance(condition, str) and ("always()" in condition or "failure()" in condition)


def _each_text(each: dict[str, Any]) -> str:
    value = each["value"]
    shown = "[object Object]" if isinstance(value, (dict, list)) else value
    return json.dumps({"key": each["key"], "value": shown}, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _changed(rendered: Any, plain: Any) -> set[str]:
    """What secrets put into ``rendered`` compared with the secret-free ``plain``:
    changed strings, and for a key that exists only thanks to a secret, the key
    itself and every string under it (as Backstage's collectSecretRedactions)."""
    if isinstance(rendered, str):
        return {rendered} if rendered != plain else set()
    found: set[str] = set()
    if isinstance(rendered, dict):
        plain = plain if isinstance(plain, dict) else {}
        for key, value in rendered.items():
            if key in plain:
                found |= _changed(value, plain[key])
            else:
                found |= {key, *_strings(value)}
    elif isinstance(rendered, list):
        plain = plain if isinstance(plain, list) else []
        for index, value in enumerate(rendered):
            found |= _changed(value, plain[index] if index < len(plain) else None)
    return found
