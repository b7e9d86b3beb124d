"""The task page's core without Django: steps and their states from events in the
shapes the runner writes, log lines, the outcome and the Start over values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scaffolder.task_page import (
    build_steps,
    duration_text,
    line_of,
    outcome_of,
    output_refs,
    start_over_values,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SPEC_STEPS = [
    {"id": "fetch", "name": "Fetch", "action": "fetch:template"},
    {"id": "publish", "name": "Publish", "action": "publish:github"},
    {"id": "register", "name": "Register", "action": "catalog:register"},
]


@dataclass
class Event:
    id: int
    event_type: str
    body: Any
    created_at: datetime


def events(*items: tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], float]) -> list[Event]:
    """Events one second apart (or at the given second)."""
    made = []
    for n, item in enumerate(items, start=1):
        kind, body, *at = item
        made.append(Event(n, kind, body, T0 + timedelta(seconds=at[0] if at else n)))
    return made


def status(step: str, value: str, message: str = "", at: float | None = None):
    body = {"message": message or f"{value} {step}", "stepId": step, "status": value}
    return ("log", body) if at is None else ("log", body, at)


def states(steps) -> list[tuple[str, str]]:
    return [(step.id, step.label) for step in steps]


def test_steps_follow_the_status_lines_of_a_running_task() -> None:
    found = build_steps(SPEC_STEPS, events(
        status("fetch", "processing", at=0), status("fetch", "completed", at=2.5),
        status("publish", "processing", at=3)), "processing")  # fmt: skip
    assert states(found) == [("fetch", "Completed"), ("publish", "Running"),
                             ("register", "Pending")]  # fmt: skip
    assert found[0].seconds(T0) == 2.5
    assert found[1].seconds(T0 + timedelta(seconds=10)) == 7
    assert found[2].seconds(T0) is None


def test_a_failed_run_keeps_the_error_and_marks_what_never_ran() -> None:
    found = build_steps(SPEC_STEPS, events(
        status("fetch", "processing"), status("fetch", "completed"),
        status("publish", "processing"),
        status("publish", "failed", "\x1b[31mRepository acme/x already exists\x1b[39m"),
        ("completion", {"message": "Run completed with status: failed",
                        "error": {"name": "Error", "message": "Repository acme/x already exists"}}),
    ), "failed")  # fmt: skip
    assert states(found) == [("fetch", "Completed"), ("publish", "Failed"),
                             ("register", "Not run")]  # fmt: skip
    assert found[1].error == "Repository acme/x already exists"
    assert found[2].state == "pending" and found[2].not_run


def test_skipped_steps_and_a_step_left_running_when_the_task_ended() -> None:
    run = events(status("fetch", "processing"), status("fetch", "skipped"))
    skipped = build_steps(SPEC_STEPS[:1], run, "completed")
    assert states(skipped) == [("fetch", "Skipped")]
    cancelled = build_steps(SPEC_STEPS[:1], events(status("fetch", "processing")), "cancelled",
                            T0 + timedelta(seconds=4))  # fmt: skip
    assert states(cancelled) == [("fetch", "Cancelled")]
    assert cancelled[0].seconds(T0) == 3
    died = build_steps(SPEC_STEPS[:1], events(status("fetch", "processing")), "failed")
    assert states(died) == [("fetch", "Failed")] and "ended while" in died[0].error


def test_a_retry_starts_a_new_attempt_and_reused_steps_keep_their_time() -> None:
    found = build_steps(SPEC_STEPS[:2], events(
        status("fetch", "processing", at=0), status("fetch", "completed", at=4),
        status("publish", "processing", at=5), status("publish", "failed", "boom", at=6),
        ("recovered", {"recoverStrategy": "startOver"}, 60),
        status("fetch", "completed", "Step Fetch completed in an earlier attempt", at=61),
        status("publish", "processing", at=62),
    ), "processing")  # fmt: skip
    assert states(found) == [("fetch", "Completed"), ("publish", "Running")]
    assert found[0].reused and found[0].seconds(T0) == 4
    assert found[1].error == "" and found[1].started == T0 + timedelta(seconds=62)


def test_status_lines_of_unknown_steps_or_statuses_are_ignored() -> None:
    found = build_steps(SPEC_STEPS[:1], events(
        status("nope", "processing"), status("fetch", "waiting"), ("log", "not a mapping")),
        "processing")  # fmt: skip
    assert states(found) == [("fetch", "Pending")]


def test_log_lines_lose_terminal_escapes_and_carry_their_level() -> None:
    info, warn, failed, completion, recovered, empty = events(
        ("log", {"message": "\x1b[32minfo\x1b[39m: Fetching <b>x</b>", "stepId": "fetch"}),
        ("log", {"message": "\x1b[33mwarn\x1b[39m: old input ignored", "stepId": "fetch"}),
        status("fetch", "failed", "Bad thing"),
        ("completion", {"message": "Run completed with status: failed",
                        "error": {"name": "Error", "message": "Bad thing"}}),
        ("recovered", {"recoverStrategy": "startOver"}),
        ("log", {"message": ""}),
    )  # fmt: skip
    assert line_of(info).text == "Fetching <b>x</b>" and line_of(info).level == "info"
    assert line_of(info).step_id == "fetch"
    assert (line_of(warn).level, line_of(warn).text) == ("warn", "old input ignored")
    assert line_of(failed).level == "error"
    assert line_of(completion).level == "error" and line_of(completion).kind == "completion"
    assert line_of(recovered).kind == "recovered" and "Retried" in line_of(recovered).text
    assert line_of(empty) is None


def test_the_outcome_of_a_completed_run_shows_usable_links_and_texts() -> None:
    output = {
        "links": [
            {"title": "Repository", "url": "https://github.com/acme/orders", "icon": "github"},
            {"title": "Open in catalog", "entityRef": "component:default/orders"},
            {"title": "Docs", "entityRef": "Component:default/orders-docs", "icon": "rocket"},
            {"title": "Skipped", "url": "", "entityRef": ""},
            {"title": "Remote", "url": "file:///srv/git/orders.git"},
            {"title": "Script", "url": "javascript:alert(1)"},
            "not a link",
        ],
        "text": [{"title": "A", "content": "a"}, {"title": "B", "content": "b", "default": True},
                 {"title": "No content"}],
    }  # fmt: skip
    assert output_refs(output) == ["component:default/orders", "component:default/orders-docs"]
    outcome = outcome_of({"message": "done", "output": output}, [], {"component:default/orders"})
    links = {link.title: link for link in outcome.links}
    assert list(links) == ["Repository", "Open in catalog", "Docs", "Remote", "Script"]
    assert links["Repository"].href == "https://github.com/acme/orders"
    assert links["Repository"].icon == "github"
    assert links["Open in catalog"].href == "/catalog/default/component/orders"
    assert links["Docs"].href == "" and links["Docs"].entity_ref == "component:default/orders-docs"
    assert links["Docs"].icon == "catalog"  # an icon the portal does not draw
    assert links["Remote"].href == "" and links["Remote"].text == "file:///srv/git/orders.git"
    assert links["Script"].href == ""
    assert [(t.title, t.open) for t in outcome.texts] == [("A", False), ("B", True)]
    assert outcome_of(None, [], set()).links == []


def test_the_outcome_of_a_failed_run_names_the_step_that_failed() -> None:
    run = events(status("fetch", "processing"), status("fetch", "failed", "no skeleton"))
    steps = build_steps(SPEC_STEPS, run, "failed")
    outcome = outcome_of({"message": "Run completed with status: failed",
                          "error": {"name": "InputError", "message": "no skeleton"}},
                         steps, set())  # fmt: skip
    assert (outcome.error_name, outcome.error_message) == ("InputError", "no skeleton")
    assert outcome.failed_step.id == "fetch" and outcome.links == []


@pytest.mark.parametrize(("seconds", "text"), [
    (None, ""), (0.04, "0.0 s"), (2.34, "2.3 s"), (42.9, "42 s"), (185, "3 min 05 s"),
    (7500, "2 h 05 min"), (-3, "0.0 s")])  # fmt: skip
def test_durations_read_as_people_say_them(seconds, text) -> None:
    assert duration_text(seconds) == text


def test_start_over_leaves_out_what_secret_fields_asked_for() -> None:
    spec = {"parameters": [
        {"properties": {"name": {"type": "string"}, "token": {"ui:field": "Secret"}}},
        {"properties": {"password": {"type": "string", "ui:widget": "password"}}}]}  # fmt: skip
    values = {"name": "orders", "token": "t", "password": "p", "extra": 1}
    assert start_over_values(values, spec) == {"name": "orders", "extra": 1}
    assert start_over_values(values, {}) == values
