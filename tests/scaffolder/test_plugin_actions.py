"""Plugins add scaffolder actions through ``portal.plugins``: validated input, the run's
context, outputs for later steps, ``/v2/actions``; a built-in id cannot be taken."""

from __future__ import annotations

import pytest

from portal.plugins import ScaffolderAction, register_scaffolder_action, temporarily_registered
from tests.scaffolder.conftest import dry_run_body, messages, post_dry_run, template

pytestmark = pytest.mark.django_db


def _greet(ctx) -> None:
    ctx.log(f"hello {ctx.input['who']}")
    (ctx.workspace / "greeting.txt").write_text(ctx.input["who"])
    ctx.output("greeting", f"hello {ctx.input['who']}")


GREET = ScaffolderAction(
    id="acme:greet", handler=_greet, description="Greets someone",
    input_schema={"type": "object", "required": ["who"], "additionalProperties": False,
                  "properties": {"who": {"type": "string"}}},
    supports_dry_run=True,
)  # fmt: skip


def test_a_plugin_action_runs_with_validated_input_and_its_outputs_are_seen(api) -> None:
    step = {"id": "greet", "action": "acme:greet", "input": {"who": "${{ parameters.n }}"}}
    entity = template([step], output={"said": "${{ steps.greet.output.greeting }}"})
    with temporarily_registered():
        register_scaffolder_action(GREET)
        answer = post_dry_run(api, dry_run_body(entity, {"n": "ada"})).json()
        listed = [a["id"] for a in api.get("/api/scaffolder/v2/actions").json()]
        bad = post_dry_run(api, dry_run_body(template([{"action": "acme:greet", "input": {}}])))
    assert "hello ada" in messages(answer) and answer["output"] == {"said": "hello ada"}
    assert [f["path"] for f in answer["directoryContents"]] == ["greeting.txt"]
    assert "acme:greet" in listed
    assert bad.status_code == 400 and 'requires property "who"' in bad.json()["error"]["message"]


def test_a_plugin_cannot_replace_a_built_in_action(api) -> None:
    with temporarily_registered():
        register_scaffolder_action(ScaffolderAction(id="debug:log", handler=_greet))
        response = post_dry_run(api, dry_run_body(template([{"action": "debug:log"}])))
    assert response.status_code == 409
    assert "already been registered" in response.json()["error"]["message"]


def test_registration_checks_its_input() -> None:
    with temporarily_registered(), pytest.raises(TypeError):
        register_scaffolder_action({"id": "x"})  # type: ignore[arg-type]
