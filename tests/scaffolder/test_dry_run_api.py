"""``POST /api/scaffolder/v2/dry-run`` and ``GET /v2/actions``: Backstage's shapes,
the runner's rules (skeleton rendering, skipped actions, each/if, secrets, errors by
class) through the HTTP API."""

from __future__ import annotations

import json

import pytest

from tests.scaffolder.conftest import dry_run_body, files_of, messages, post_dry_run, template

pytestmark = pytest.mark.django_db

SKELETON_STEP = {"id": "fetch", "action": "fetch:template",
                 "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}",
                                                          "docker": "${{ parameters.docker }}"},
                           "copyWithoutTemplating": [".github/workflows/*"]}}  # fmt: skip
SKELETON = {
    "skeleton/README.md": "# ${{ values.name }}\n{{ not rendered }}\n",
    "skeleton/src/${{ values.name }}/app.py": "NAME = ${{ values.name | dump }}\n",
    "skeleton/${{ 'Dockerfile' if values.docker }}": "FROM python\n",
    "skeleton/.github/workflows/ci.yaml": "sha: ${{ github.sha }}\n",
    "skeleton/logo.png": b"\x89PNG\r\n\x1a\n\0\0binary${{ values.name }}",
}


def test_a_skeleton_is_rendered_into_the_returned_files(api) -> None:
    entity = template([SKELETON_STEP])
    body = dry_run_body(entity, {"name": "shop", "docker": False}, SKELETON)
    response = post_dry_run(api, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    files = files_of(answer)
    assert files["README.md"] == "# shop\n{{ not rendered }}\n"
    assert files["src/shop/app.py"] == 'NAME = "shop"\n'
    assert "Dockerfile" not in files  # the path rendered empty: skipped
    assert files[".github/workflows/ci.yaml"] == "sha: ${{ github.sha }}\n"
    assert files["logo.png"].startswith("\ufffdPNG")  # binary, copied as it is
    assert [f["path"] for f in answer["directoryContents"]] == sorted(files)
    assert answer["steps"] == [{**SKELETON_STEP, "name": "fetch:template"}]
    assert messages(answer)[0] == "Starting up task with 2 steps"
    assert "Finished step fetch:template" in messages(answer)


def test_actions_that_cannot_dry_run_are_skipped_with_faked_outputs(api) -> None:
    entity = template(
        [{"id": "publish", "action": "publish:github",
          "input": {"repoUrl": "github.com?owner=acme&repo=shop", "allowedHosts": ["x"]}},
         {"id": "register", "action": "catalog:register",
          "input": {"repoContentsUrl": "${{ steps.publish.output.repoContentsUrl }}"}}],
        output={"links": [
            {"title": "Repository", "url": "${{ steps.publish.output.remoteUrl }}"},
            {"title": "Open", "entityRef": "${{ steps.register.output.entityRef }}"}]},
    )  # fmt: skip
    answer = post_dry_run(api, dry_run_body(entity)).json()
    assert "Skipping because publish:github does not support dry-run" in messages(answer)
    assert answer["output"] == {"links": [{"title": "Repository", "url": "<example>"},
                                          {"title": "Open"}]}  # fmt: skip


def test_whole_value_expressions_keep_their_type_in_inputs(api) -> None:
    step_input = {"message": "n=${{ parameters.n }}", "listWorkspace": "${{ parameters.list }}"}
    entity = template([{"action": "debug:log", "input": step_input}])
    answer = post_dry_run(api, dry_run_body(entity, {"n": 3, "list": True})).json()
    preview = next(m for m in messages(answer) if m.startswith("Running debug:log"))
    shown = json.loads(preview.split(": ", 1)[1])
    assert shown == {"message": "n=3", "listWorkspace": True}


def test_secrets_never_reach_the_log_even_transformed(api) -> None:
    entity = template([{"action": "debug:log", "input": {
        "message": "token ${{ secrets.token }} / ${{ secrets.token | upper }}"}}])  # fmt: skip
    body = dry_run_body(entity, secrets={"token": "s3cr3t-value"})
    answer = post_dry_run(api, body).json()
    text = json.dumps(answer)
    assert "s3cr3t-value" not in text and "S3CR3T-VALUE" not in text
    assert any("***" in m for m in messages(answer))


def test_each_runs_per_item_and_outputs_become_lists(api, tmp_path) -> None:
    entity = template(
        [{"id": "dirs", "action": "fs:readdir", "each": "${{ parameters.dirs }}",
          "input": {"paths": ["${{ each.value }}"]}}],
        output={"counts": "${{ steps.dirs.output.files | length }}"},
    )  # fmt: skip
    files = {"a/one.txt": "1", "b/two.txt": "2"}
    step = {"id": "copy", "action": "fetch:plain", "input": {"url": "./content"}}
    entity["spec"]["steps"].insert(0, step)
    body = dry_run_body(entity, {"dirs": ["a", "b"]},
                        {f"content/{k}": v for k, v in files.items()})  # fmt: skip
    answer = post_dry_run(api, body).json()
    assert answer["output"] == {"counts": 2}
    assert 'Running step each: {"key":"0","value":"a"}' in messages(answer)


@pytest.mark.parametrize(
    ("step", "status", "name", "says"),
    [
        ({"action": "no:such"}, 404, "NotFoundError", "Template action with ID 'no:such'"),
        (
            {"action": "fetch:template", "input": {"url": "./s", "bogus": 1}},
            400,
            "InputError",
            'instance is not allowed to have the additional property "bogus"',
        ),
        (
            {"action": "fetch:template", "input": {}},
            400,
            "InputError",
            'instance requires property "url"',
        ),
        (
            {"action": "fetch:plain", "input": {"url": "./s", "targetPath": "../x"}},
            403,
            "NotAllowedError",
            "outside its parent",
        ),
        (
            {"action": "fetch:plain", "input": {"url": "../../etc"}},
            403,
            "NotAllowedError",
            "outside its parent",
        ),
        ({"action": "fetch:template", "input": {"url": "./bad"}}, 500, "TemplateRenderError", ""),
    ],
)
def test_failures_answer_backstage_error_classes(api, step, status, name, says) -> None:
    body = dry_run_body(template([step]), files={"s/x.txt": "x", "bad/x.sh": "${#arr[@]}\n"})
    response = post_dry_run(api, body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["name"] == name and says in error["message"]


def test_values_that_fail_a_shown_page_answer_400_errors_and_hidden_pages_are_dropped(api) -> None:
    pages = [{"required": ["name"], "properties": {"name": {"type": "string", "minLength": 3}}},
             {"when": "${{ parameters.cloud === 'aws' }}",
              "properties": {"region": {"type": "string"}}, "required": ["region"]}]  # fmt: skip
    entity = template([{"action": "debug:log", "input": {"message": "${{ parameters | dump }}"}}],
                      parameters=pages)  # fmt: skip
    bad = post_dry_run(api, dry_run_body(entity, {"name": "x"}))
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["stack"] == "instance.name does not meet minimum length of 3"
    ok = post_dry_run(api, dry_run_body(entity, {"name": "shop", "region": "eu", "cloud": "gcp"}))
    assert ok.status_code == 200
    assert '{"name":"shop","cloud":"gcp"}' in messages(ok.json())


def test_the_api_needs_credentials(client) -> None:
    response = client.post("/api/scaffolder/v2/dry-run", "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["name"] == "AuthenticationError"


@pytest.mark.parametrize(
    "body",
    [
        {"template": 1},
        [],
        {"template": {}, "values": []},
        {"template": {"apiVersion": "v1"}, "directoryContents": []},
    ],
)
def test_malformed_requests_answer_400(api, body) -> None:
    response = post_dry_run(api, body)
    assert response.status_code == 400 and response.json()["error"]["name"] == "InputError"


def test_actions_lists_backstage_schemas(api) -> None:
    listed = api.get("/api/scaffolder/v2/actions").json()
    ids = [a["id"] for a in listed]
    assert ids == sorted(ids) and {"fetch:template", "debug:log", "catalog:register"} <= set(ids)
    fetch = next(a for a in listed if a["id"] == "fetch:template")
    assert fetch["schema"]["input"]["required"] == ["url"]
