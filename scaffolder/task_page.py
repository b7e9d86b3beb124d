"""What a task page shows, worked out from the task's spec and its events: the steps
with their state and duration, the log as readable lines, and how the run ended.

Django-free: it reads any objects with ``id``, ``event_type``, ``body`` and
``created_at`` (TaskEvent rows in the portal, plain records in tests), so a finished
task looks exactly the same whenever it is drawn from its stored events.

Steps follow Backstage's step states (from log events' ``status``: ``processing``,
``completed``, ``failed``, ``skipped``, ``cancelled``). A ``recovered`` event starts
a new attempt (a retry): every step is pending again, and a step the retry reuses
("completed in an earlier attempt") keeps the duration it had. Steps the run never
reached are "not run" once the task has ended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from scaffolder.gallery import entity_path, ref_parts
from scaffolder.parameters import pages

__all__ = [
    "Line",
    "Outcome",
    "OutputLink",
    "OutputText",
    "Step",
    "build_steps",
    "duration_text",
    "line_of",
    "outcome_of",
    "output_refs",
    "start_over_values",
]

#: Backstage's step ``status`` values → the state a page shows.
STEP_STATES = {"processing": "running", "completed": "completed", "failed": "failed",
               "skipped": "skipped", "cancelled": "cancelled"}  # fmt: skip
STATE_LABELS = {"pending": "Pending", "running": "Running", "completed": "Completed",
                "failed": "Failed", "skipped": "Skipped", "cancelled": "Cancelled"}  # fmt: skip
#: Colour and cursor escapes in action output (winston's colourised ``simple`` format).
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
#: The level winston puts before an action's message: ``info: Fetching …``.
_LEVEL = re.compile(r"^(info|warn|error|debug|verbose): ")
_WEB_SCHEMES = ("http://", "https://")
RETRIED = "Retried: a new attempt starts, resuming at the step that failed"


class Event(Protocol):
    id: int
    event_type: str
    body: Any
    created_at: datetime


def plain(text: Any) -> str:
    """``text`` without terminal escapes (what a log shows of an action's output)."""
    return _ANSI.sub("", text if isinstance(text, str) else str(text))


def duration_text(seconds: float | None) -> str:
    """A duration as people read it: ``0.4 s``, ``12 s``, ``3 min 04 s``, ``2 h 05 min``."""
    if seconds is None:
        return ""
    seconds = max(seconds, 0.0)
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@dataclass
class Step:
    """One step of the run as the page shows it."""

    id: str
    name: str
    action: str
    state: str = "pending"
    started: datetime | None = None
    ended: datetime | None = None
    #: Why the step failed (or was cancelled): the message of its last status line.
    error: str = ""
    #: A retry reused this step's output from an earlier attempt.
    reused: bool = False
    #: The task ended before this step began.
    not_run: bool = False

    @property
    def label(self) -> str:
        if self.not_run:
            return "Not run"
        return STATE_LABELS[self.state]

    def seconds(self, now: datetime) -> float | None:
        """How long the step ran (so far, while it runs)."""
        if self.started is None:
            return None
        return ((self.ended or now) - self.started).total_seconds()


def _status_line(step: Step, status: str, at: datetime, message: str,
                 earlier: Step | None) -> Step:  # fmt: skip
    """``step`` after a status line of the current attempt."""
    state = STEP_STATES[status]
    if state == "running":
        return replace(step, state=state, started=at, ended=None, error="", reused=False)
    if state == "completed" and step.started is None:  # reused from an earlier attempt
        started, ended = (earlier.started, earlier.ended) if earlier else (at, at)
        return replace(step, state=state, started=started, ended=ended, reused=True)
    error = message if state in ("failed", "cancelled") else ""
    return replace(step, state=state, started=step.started or at, ended=at, error=error)


def build_steps(spec_steps: Iterable[Mapping[str, Any]], events: Iterable[Event],
                task_status: str, ended_at: datetime | None = None) -> list[Step]:  # fmt: skip
    """The steps of ``spec_steps`` in order, with their state after ``events`` (the
    task's state-changing events, in order). Once the task has ended (``task_status``
    not open or processing), a step still running ends with the task and the steps
    it never reached are "not run"."""
    fresh = {s["id"]: Step(id=str(s["id"]), name=str(s.get("name") or s["id"]),
                           action=str(s.get("action") or ""))
             for s in spec_steps if isinstance(s, Mapping) and s.get("id")}  # fmt: skip
    steps, earlier = dict(fresh), {}
    for event in events:
        body = event.body if isinstance(event.body, Mapping) else {}
        if event.event_type == "recovered":
            earlier, steps = {k: v for k, v in steps.items() if v.state == "completed"}, dict(fresh)
            continue
        step_id, status = body.get("stepId"), body.get("status")
        if event.event_type == "log" and step_id in steps and status in STEP_STATES:
            message = plain(body.get("message", ""))
            steps[step_id] = _status_line(steps[step_id], status, event.created_at, message,
                                          earlier.get(step_id))  # fmt: skip
    if task_status not in ("open", "processing"):
        return [_ended(step, task_status, ended_at) for step in steps.values()]
    return list(steps.values())


def _ended(step: Step, task_status: str, ended_at: datetime | None) -> Step:
    """A step as it stands once the task ended."""
    if step.state == "pending":
        return replace(step, not_run=True)
    if step.state != "running":
        return step
    if task_status == "cancelled":
        return replace(step, state="cancelled", ended=ended_at, error="Cancelled while running")
    return replace(step, state="failed", ended=ended_at,
                   error="The run ended while this step was running")  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One line of the log."""

    id: int
    at: datetime
    step_id: str
    text: str
    #: ``info``, ``warn``, ``error`` or "" (the runner's own lines carry no level).
    level: str = ""
    #: The event type: ``log``, ``completion``, ``cancelled`` or ``recovered``.
    kind: str = "log"


def line_of(event: Event) -> Line | None:
    """The log line ``event`` shows as, or None for an event with nothing to say."""
    body = event.body if isinstance(event.body, Mapping) else {}
    step_id = str(body.get("stepId") or "")
    if event.event_type == "recovered":
        return Line(event.id, event.created_at, step_id, RETRIED, kind="recovered")
    message = body.get("message")
    if not isinstance(message, str) or not message:
        return None
    text = plain(message)
    level = ""
    found = _LEVEL.match(text)
    if found:
        level, text = found.group(1), text[found.end() :]
    if body.get("status") == "failed" or (event.event_type == "completion" and body.get("error")):
        level = "error"
    return Line(event.id, event.created_at, step_id, text, level, event.event_type)


@dataclass(frozen=True)
class OutputLink:
    """A link of ``spec.output.links``: to a web page, to an entity's page, or (for a
    URL a browser cannot open, such as a git remote on disk) shown as text."""

    title: str
    icon: str = "link"
    href: str = ""
    #: A URL that is not a web address, shown as text to copy.
    text: str = ""
    entity_ref: str = ""


@dataclass(frozen=True)
class OutputText:
    """A text of ``spec.output.text``: Markdown, shown after sanitising."""

    title: str
    content: str
    open: bool = False


@dataclass
class Outcome:
    """How the run ended: its error (and the step that failed), or its output."""

    error_name: str = ""
    error_message: str = ""
    failed_step: Step | None = None
    links: list[OutputLink] = field(default_factory=list)
    texts: list[OutputText] = field(default_factory=list)


#: Icons the portal draws; any other icon a template names is shown as a plain link.
ICONS = {"catalog", "dashboard", "docs", "github", "group", "user", "web", "email", "chat",
         "help", "api", "link", "external"}  # fmt: skip


def _link(item: Mapping[str, Any], present: set[str]) -> OutputLink | None:
    url, ref = item.get("url"), item.get("entityRef")
    url = url.strip() if isinstance(url, str) else ""
    ref = ref.strip() if isinstance(ref, str) else ""
    if not url and not ref:  # Backstage hides links whose producing step was skipped
        return None
    icon = item.get("icon") if item.get("icon") in ICONS else ("catalog" if ref else "link")
    title = str(item.get("title") or url or ref)
    if url:
        web = url.lower().startswith(_WEB_SCHEMES)
        return OutputLink(title, icon, href=url if web else "", text="" if web else url)
    kind, namespace, name = ref_parts(ref, "component")
    canonical = f"{kind}:{namespace}/{name}"
    href = entity_path(kind, namespace, name) if canonical.lower() in present else ""
    return OutputLink(title, icon, href=href, entity_ref=canonical)


def output_refs(output: Mapping[str, Any]) -> list[str]:
    """The entity refs the output links name (to ask the catalog which exist)."""
    refs = []
    for item in output.get("links") or []:
        ref = item.get("entityRef") if isinstance(item, Mapping) else None
        if isinstance(ref, str) and ref.strip() and not item.get("url"):
            kind, namespace, name = ref_parts(ref.strip(), "component")
            refs.append(f"{kind}:{namespace}/{name}".lower())
    return refs


def _texts(items: Any) -> list[OutputText]:
    """The output's texts; the one marked ``default`` (else the first) opens first."""
    usable = [t for t in items if isinstance(t, Mapping) and isinstance(t.get("content"), str)
              ] if isinstance(items, list) else []  # fmt: skip
    texts = [OutputText(str(t.get("title") or "Output"), t["content"], bool(t.get("default")))
             for t in usable]  # fmt: skip
    if texts and not any(t.open for t in texts):
        texts[0] = replace(texts[0], open=True)
    return texts


def outcome_of(completion: Mapping[str, Any] | None, steps: list[Step],
               present: set[str]) -> Outcome:  # fmt: skip
    """How the run ended, from its completion event's body (None while it runs):
    the error with the step that failed first, or the output's links (``present``:
    the entity refs that are in the catalog) and texts."""
    if not completion:
        return Outcome()
    failed = next((step for step in steps if step.state == "failed"), None)
    error = completion.get("error")
    if isinstance(error, Mapping):
        message = plain(error.get("message") or "")
        return Outcome(str(error.get("name") or "Error"), message, failed)
    output = completion.get("output") if isinstance(completion.get("output"), Mapping) else {}
    items = [item for item in output.get("links") or [] if isinstance(item, Mapping)]
    links = [_link(item, present) for item in items]
    return Outcome(links=[link for link in links if link], texts=_texts(output.get("text")))


def _secret_field(schema: Any) -> bool:
    return isinstance(schema, Mapping) and (schema.get("ui:field") == "Secret"
                                            or schema.get("ui:widget") == "password")  # fmt: skip


def start_over_values(parameters: Mapping[str, Any],
                      template_spec: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    """A run's form values to fill the template's form again, without any value a
    secret or password field of the template's pages asks for (those are typed
    again; a run's secrets are never kept)."""
    secret = {name for page in pages(template_spec)
              for name, schema in (page.get("properties") or {}).items()
              if _secret_field(schema)}  # fmt: skip
    return {key: value for key, value in parameters.items() if key not in secret}
