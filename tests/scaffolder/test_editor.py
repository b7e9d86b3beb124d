"""The template editor's Django-free logic: problems of a pasted template with their
lines, which folder an upload holds and its limits, the dry-run request built from
them, and a dry run's answer as steps, log, outcome and a file tree."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml

from scaffolder import editor_results
from scaffolder.editor import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    MAX_YAML_BYTES,
    UploadError,
    dry_run_body,
    entity_yaml,
    parse_template,
    pointer,
    template_directory,
)
from scaffolder.editor_results import (
    MAX_SHOWN_BYTES,
    default_file,
    file_tree,
    file_view,
    is_binary,
    run_record,
    run_view,
)
from tests.support.golden_paths import GOLDEN

SEED = GOLDEN / "seed-golden-path" / "template.yaml"
BACKSTAGE = sorted((GOLDEN / "backstage-templates").glob("*/template.yaml"))
ACTIONS = {"fetch:template", "publish:github", "catalog:register", "argocd:create-resources",
           "debug:log"}  # fmt: skip

TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: demo
spec:
  type: service
  parameters:
    - title: About
      required: [name]
      properties:
        name:
          type: string
  steps:
    - id: log
      action: debug:log
      input:
        message: hi
"""


def problems(text: str, known=ACTIONS) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.where, p.message) for p in parse_template(text, known).problems]


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of ``text`` that holds ``fragment`` (exactly once)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


@pytest.mark.parametrize("path", [SEED, *BACKSTAGE], ids=lambda p: p.parent.name)
def test_real_templates_have_no_problems(path: Path) -> None:
    parsed = parse_template(path.read_text())
    assert parsed.problems == ()
    assert parsed.runnable and parsed.form_ready
    assert parsed.entity["kind"] == "Template"


def test_a_clean_template_is_runnable_with_known_actions() -> None:
    parsed = parse_template(TEMPLATE, ACTIONS)
    assert parsed.runnable and parsed.form_ready and parsed.lines == []
    assert parsed.spec["steps"][0]["action"] == "debug:log"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: 'open\nb: 2\n", 1, "quoted scalar"),
    ("a:\n  b: 1\n c: 2\n", 3, "malformed YAML"),
    ("a: 1\nb: [1, 2\nc: 3\n", 2, "flow sequence"),
    ("a: 1\nb: 2\na: 3\n", 3, "Map keys must be unique"),
    ("a: !!python/object:os.system x\n", 1, "not allowed"),
])  # fmt: skip
def test_yaml_syntax_errors_carry_the_line(text: str, line: int, words: str) -> None:
    [(found_line, where, message)] = problems(text)
    assert found_line == line and where == ""
    assert message.startswith("YAML syntax: ") and words in message


def test_too_large_and_alias_bombs_are_refused_before_work() -> None:
    [(_, _, message)] = problems("a: " + "x" * MAX_YAML_BYTES + "\n")
    assert "larger than" in message
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    [(line, _, message)] = problems(bomb)
    assert line is not None and "alias" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("", "The editor is empty"),
    ("   \n", "The editor is empty"),
    ("# just a comment\n", "no document"),
    ("- a\n- b\n", "this is a list"),
    ("just text\n", "this is a string"),
    ("true\n", "this is a boolean"),
])  # fmt: skip
def test_text_that_is_no_mapping(text: str, expected: str) -> None:
    parsed = parse_template(text)
    assert parsed.entity is None and not parsed.runnable and not parsed.form_ready
    assert expected in parsed.problems[0].message


def test_several_documents_point_at_the_second() -> None:
    text = TEMPLATE + "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n"
    [(line, _, message)] = problems(text)
    assert line == line_of(text, "backstage.io/v1alpha1")
    assert "2 documents" in message


def test_not_a_template_stops_at_the_envelope() -> None:
    text = ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n"
            "spec:\n  type: service\n")  # fmt: skip
    assert problems(text) == [
        (1, "/apiVersion", "apiVersion must be scaffolder.backstage.io/v1beta3, not "
                           "'backstage.io/v1alpha1'"),
        (2, "/kind", "kind must be Template, not 'Component'"),
    ]  # fmt: skip
    assert not parse_template(text).form_ready


def test_missing_envelope_keys_point_at_the_document() -> None:
    text = "metadata:\n  title: No name\nspec:\n  type: x\n  steps: []\n"
    found = problems(text)
    assert (1, "", "apiVersion is missing: it must be scaffolder.backstage.io/v1beta3") in found
    assert (1, "", "kind is missing: it must be Template") in found


def test_metadata_name_is_required_but_the_form_still_shows() -> None:
    text = TEMPLATE.replace("  name: demo\n", "  title: Demo\n")
    parsed = parse_template(text, ACTIONS)
    assert [(p.line, p.where) for p in parsed.problems] == [(3, "/metadata")]
    assert "metadata.name is required" in parsed.problems[0].message
    assert parsed.form_ready and not parsed.runnable


def test_a_bad_step_is_placed_on_its_line() -> None:
    text = TEMPLATE.replace("    - id: log\n", "    - id: log\n      name: 7\n") + (
        "    - id: second\n      input: {}\n"
    )
    assert problems(text) == [
        (line_of(text, "name: 7"), "/spec/steps/0/name", "must be string - type: string"),
        (line_of(text, "- id: second"), "/spec/steps/1",
         "must have required property 'action' - missingProperty: action"),
    ]  # fmt: skip
    parsed = parse_template(text)
    assert parsed.form_ready and not parsed.runnable  # the form does not need the steps


def test_an_unknown_action_is_named_on_its_line() -> None:
    text = TEMPLATE.replace("action: debug:log", "action: debug:logg")
    [(line, where, message)] = problems(text)
    assert (line, where) == (line_of(text, "debug:logg"), "/spec/steps/0/action")
    assert "'debug:logg'" in message
    assert problems(text, known=None) == []  # without the list of actions, no opinion


def test_missing_steps_point_at_spec() -> None:
    text = TEMPLATE[: TEMPLATE.index("  steps:")]
    [(line, where, message)] = problems(text)
    assert (line, where) == (line_of(text, "spec:"), "/spec")
    assert "steps" in message


@pytest.mark.parametrize(("change", "fragment", "where", "words"), [
    (("type: string", "type: strng"), "type: strng", "/spec/parameters/0/properties/name/type",
     "not a JSON Schema type"),
    (("required: [name]", "required: name"), "required: name", "/spec/parameters/0/required",
     "is not of type 'array'"),
    (("type: string", "type: string\n          pattern: '[a-z'"), "pattern:",
     "/spec/parameters/0/properties/name/pattern", "not a valid regular expression"),
    (("properties:\n        name:", "properties:\n        name: 5\n        other:"), "name: 5",
     "/spec/parameters/0/properties/name", "is not of type 'object', 'boolean'"),
])  # fmt: skip
def test_bad_parameter_schemas_are_placed_on_their_line(change, fragment, where, words) -> None:
    text = TEMPLATE.replace(*change)
    parsed = parse_template(text, ACTIONS)
    [problem] = parsed.problems
    assert problem.line == line_of(text, fragment)
    assert problem.where == where and words in problem.message
    assert not parsed.form_ready and not parsed.runnable


def test_parameters_must_be_pages() -> None:
    text = TEMPLATE.replace("  parameters:\n", "  parameters: 3\n  unused:\n")
    [(line, where, message)] = problems(text)
    assert (line, where) == (line_of(text, "parameters: 3"), "/spec/parameters")
    assert "a list of pages" in message
    listed = TEMPLATE.replace("    - title: About\n", "    - just a string\n    - title: About\n")
    [(line, where, message)] = problems(listed)
    assert (line, where) == (line_of(listed, "just a string"), "/spec/parameters/0")
    one_page = TEMPLATE.replace("    - title: About\n      required: [name]", "    title: About\n"
                                "    required: [name]").replace("      properties:\n        name:"
                                "\n          type: string", "    properties:\n      name:\n"
                                "        type: strin")  # fmt: skip
    [(line, where, _)] = problems(one_page)
    assert (line, where) == (line_of(one_page, "type: strin"),
                             "/spec/parameters/properties/name/type")  # fmt: skip


def test_every_problem_is_listed_in_line_order() -> None:
    text = (
        TEMPLATE.replace("type: string", "type: strng")
        .replace("action: debug:log", "action: nope")
        .replace("  name: demo\n", "")
    )
    lines = [line for line, _, _ in problems(text)]
    assert len(lines) == 3 and lines == sorted(lines)
    assert parse_template(text, ACTIONS).lines == lines


def test_pointer_escapes_like_json_pointer() -> None:
    assert pointer(("spec", "parameters", 0, "properties", "a/b~c")) == \
        "/spec/parameters/0/properties/a~1b~0c"  # fmt: skip
    assert pointer(()) == ""


def test_entity_yaml_is_the_authored_template() -> None:
    served = yaml.safe_load(SEED.read_text())
    location = {"backstage.io/managed-by-location": "file:/x"}
    served["metadata"].update(uid="123", etag="abc", generation=2, annotations=location)
    served["relations"] = [{"type": "ownedBy", "targetRef": "group:default/platform-team"}]
    served["status"] = {"items": []}
    text = entity_yaml(served)
    assert "relations" not in text and "status:" not in text and "uid:" not in text
    assert "description: |\n    Creates a Spring Boot" in text  # text blocks stay blocks
    assert "      - id: fetch-template\n" not in text and "    - id: fetch-template\n" in text
    parsed = parse_template(text)
    assert parsed.problems == ()
    expected = {k: v for k, v in served.items() if k not in ("relations", "status")}
    expected["metadata"] = {k: v for k, v in served["metadata"].items()
                            if k not in ("uid", "etag", "generation")}  # fmt: skip
    assert parsed.entity == expected


def folder(prefix: str = "my-template/", **extra: bytes) -> list[tuple[str, bytes]]:
    files = {"template.yaml": TEMPLATE.encode(), "skeleton/README.md": b"# ${{ values.name }}",
             "skeleton/src/app.py": b"print(1)\n", **extra}  # fmt: skip
    return [(prefix + path, data) for path, data in files.items()]


def test_an_uploaded_folder_is_rooted_at_its_template() -> None:
    found = template_directory(folder())
    assert found.name == "my-template"
    assert found.yaml_text == TEMPLATE and found.left_out == 0
    assert [path for path, _ in found.files] == ["skeleton/README.md", "skeleton/src/app.py",
                                                 "template.yaml"]  # fmt: skip


def test_files_outside_the_template_and_tool_folders_are_left_out() -> None:
    uploaded = [*folder("repo/templates/web/"), ("repo/README.md", b"x"),
                ("repo/templates/web/.git/HEAD", b"ref"), ("repo/node_modules/a/b.js", b"x"),
                ("repo/templates/web/skeleton/node_modules/x.js", b"x")]  # fmt: skip
    found = template_directory(uploaded)
    assert found.name == "web" and found.left_out == 4
    assert "skeleton/README.md" in dict(found.files)


def test_the_nearest_template_yaml_wins_and_a_tie_is_refused() -> None:
    nested = [*folder("t/"), ("t/skeleton/examples/template.yaml", b"kind: Template")]
    assert template_directory(nested).name == "t"
    assert dict(template_directory(nested).files)["skeleton/examples/template.yaml"]
    with pytest.raises(UploadError, match=r"2 templates \(all/a/template.yaml, all/b/"):
        template_directory([*folder("all/a/"), *folder("all/b/")])
    assert template_directory([("x/template.yml", TEMPLATE.encode())]).yaml_text == TEMPLATE


def test_files_sent_without_a_folder_have_an_empty_name() -> None:
    found = template_directory(folder(prefix=""))
    assert found.name == "" and len(found.files) == 3


@pytest.mark.parametrize(("uploaded", "words"), [
    ([], "No files were uploaded"),
    ([("t/skeleton/a.txt", b"x")], "no template.yaml"),
    ([("t/../etc/passwd", b"x"), *folder("t/")], "not a path inside"),
    ([("/etc/passwd", b"x")], "not a path inside"),
    ([("t/a\0b", b"x")], "not a path inside"),
    ([*folder("t/"), ("t/skeleton//README.md", b"again")], "uploaded twice"),
    ([("t/template.yaml", b"\xff\xfe")], "not UTF-8"),
])  # fmt: skip
def test_bad_uploads_say_what_is_wrong(uploaded, words) -> None:
    with pytest.raises(UploadError, match=words):
        template_directory(uploaded)


def test_upload_limits() -> None:
    many = folder("t/") + [(f"t/skeleton/f{n}.txt", b"x") for n in range(MAX_UPLOAD_FILES - 2)]
    with pytest.raises(UploadError, match=f"{MAX_UPLOAD_FILES + 1} files; the editor takes at "
                                          f"most {MAX_UPLOAD_FILES}"):  # fmt: skip
        template_directory(many)
    assert len(template_directory(many[:-1]).files) == MAX_UPLOAD_FILES
    big = folder("t/", **{"skeleton/big.bin": b"\0" * (MAX_UPLOAD_BYTES - 100)})
    with pytest.raises(UploadError, match=r"add up to 10.0 MB; the editor takes at most 10.0 MB"):
        template_directory(big)
    ignored = folder("t/") + [(f"t/.git/objects/{n}", b"x") for n in range(MAX_UPLOAD_FILES)]
    assert template_directory(ignored).left_out == MAX_UPLOAD_FILES


def test_the_dry_run_body_carries_the_edited_template() -> None:
    found = template_directory(folder())
    edited = TEMPLATE.replace("hi", "edited")
    entity = parse_template(edited).entity
    body = dry_run_body(entity, edited, {"name": "x"}, {"token": "s"}, found.files)
    assert body["template"] == entity and body["values"] == {"name": "x"}
    assert body["secrets"] == {"token": "s"}
    paths = [item["path"] for item in body["directoryContents"]]
    assert paths == ["skeleton/README.md", "skeleton/src/app.py", "template.yaml"]
    sent = {item["path"]: base64.b64decode(item["base64Content"])
            for item in body["directoryContents"]}  # fmt: skip
    assert sent["template.yaml"] == edited.encode()
    yml = dry_run_body(entity, edited, {}, {}, [("template.yml", b"old"), ("a", b"1")])
    assert [item["path"] for item in yml["directoryContents"]] == ["a", "template.yaml"]
    assert [item["path"] for item in dry_run_body(entity, edited, {}, {})["directoryContents"]] \
        == ["template.yaml"]  # fmt: skip


def contents(**files: bytes) -> list[dict]:
    return [
        {
            "path": path.replace("__", "/"),
            "executable": path.endswith("sh"),
            "base64Content": base64.b64encode(data).decode(),
        }
        for path, data in files.items()
    ]


def test_binary_files_are_told_apart() -> None:
    assert is_binary(b"\x89PNG\r\n\x1a\n\0\0") and is_binary(b"\xff\xfe\xfa")
    assert not is_binary("héllo ${{ x }}\n".encode()) and not is_binary(b"")


STEPS = [{"id": "fetch", "name": "Fetch", "action": "fetch:template"},
         {"id": "publish", "name": "Publish", "action": "publish:github"},
         {"id": "register", "name": "Register", "action": "catalog:register"}]  # fmt: skip


def entry(message: str, at: str = "2026-01-01T10:00:00+00:00", **body) -> dict:
    return {"body": {"message": message, **body}, "at": at}


def test_a_run_record_keeps_contents_within_the_budget() -> None:
    answer = contents(**{"README.md": b"# hi\n", "src__main.py": b"x" * 60,
                         "logo.png": b"\x89PNG\0\0", "run.sh": b"echo"})  # fmt: skip
    manifest, kept = run_record(STEPS, [], output={"a": 1}, contents=answer, budget=70)
    assert [(f["path"], f["size"], f["binary"], f["executable"], f["kept"])
            for f in manifest["files"]] == [
        ("README.md", 5, False, False, True), ("logo.png", 6, True, False, True),
        ("run.sh", 4, False, True, True), ("src/main.py", 60, False, False, False)]  # fmt: skip
    assert set(kept) == {"README.md", "logo.png", "run.sh"}
    assert manifest["ok"] and manifest["error"] is None and manifest["output"] == {"a": 1}


def test_the_file_tree_nests_folders_before_files() -> None:
    manifest, _ = run_record(
        STEPS,
        [],
        contents=contents(
            **{"b.txt": b"", "a__z.txt": b"", "a__b__c.txt": b"", "A.md": b"", "a__y.txt": b""}
        ),
    )
    tree = file_tree(manifest["files"])
    assert [f["name"] for f in tree.files] == ["A.md", "b.txt"]
    [a] = tree.folders
    assert (a.name, a.path, [f["name"] for f in a.files]) == ("a", "a", ["y.txt", "z.txt"])
    assert [(b.path, [f["path"] for f in b.files]) for b in a.folders] == [("a/b", ["a/b/c.txt"])]
    assert default_file(manifest["files"]) == "A.md"
    assert default_file([{"path": "x/y"}]) == "x/y" and default_file([]) == ""


def test_file_views_show_text_and_name_binaries() -> None:
    text = file_view({"path": "a.txt", "size": 3, "binary": False, "executable": False}, b"a\nb")
    assert (text.text, text.line_count, text.truncated, text.kept) == ("a\nb", 2, False, True)
    binary = file_view({"path": "a.png", "size": 4, "binary": True, "executable": False}, b"\0")
    assert binary.binary and binary.text == "" and binary.kept
    missing = file_view({"path": "big", "size": 9, "binary": False, "executable": False}, None)
    assert not missing.kept and missing.text == ""
    huge = b"x\n" * MAX_SHOWN_BYTES
    cut = file_view({"path": "h", "size": len(huge), "binary": False, "executable": False}, huge)
    assert cut.truncated and len(cut.text) == MAX_SHOWN_BYTES


def test_a_successful_run_reads_like_a_task() -> None:
    log = [entry("Starting up task with 4 steps"),
           entry("Beginning step Fetch", stepId="fetch", status="processing"),
           entry("\x1b[32minfo\x1b[39m: Fetching template content", stepId="fetch"),
           entry("Finished step Fetch", "2026-01-01T10:00:02+00:00", stepId="fetch",
                 status="completed"),
           entry("Skipping because publish:github does not support dry-run", stepId="publish",
                 status="skipped"),
           entry("Skipping because catalog:register does not support dry-run",
                 stepId="register", status="skipped")]  # fmt: skip
    output = {"links": [{"title": "Repository", "url": "https://example.com/r"},
                        {"title": "Catalog", "entityRef": "component:default/x"}],
              "text": [{"title": "Next", "content": "**Done**"}], "remoteUrl": "<example>",
              "extra": {"a": [1, 2]}}  # fmt: skip
    manifest, _ = run_record(STEPS, log, output=output)
    view = run_view(manifest, present={"component:default/x"})
    assert view.ok
    assert [(s.id, s.state) for s in view.steps] == [
        ("fetch", "completed"),
        ("publish", "skipped"),
        ("register", "skipped"),
    ]
    assert view.lines[2].text == "Fetching template content" and view.lines[2].level == "info"
    assert [link.title for link in view.outcome.links] == ["Repository", "Catalog"]
    assert view.outcome.links[1].href == "/catalog/default/component/x"
    assert view.outcome.texts[0].content == "**Done**"
    assert view.values == [("remoteUrl", "<example>"), ("extra", '{"a": [1, 2]}')]


def test_a_failed_run_names_its_failing_step() -> None:
    log = [entry("Beginning step Fetch", stepId="fetch", status="processing"),
           entry("Finished step Fetch", stepId="fetch", status="completed"),
           entry("Beginning step Publish", stepId="publish", status="processing"),
           entry("Repository exists", stepId="publish", status="failed")]  # fmt: skip
    manifest, kept = run_record(STEPS, log, error=("ConflictError", "Repository exists"),
                                output={"ignored": 1})  # fmt: skip
    assert not manifest["ok"] and manifest["output"] == {} and kept == {}
    view = run_view(manifest)
    assert view.outcome.error_name == "ConflictError"
    assert view.outcome.failed_step.id == "publish"
    assert [(s.id, s.state, s.not_run) for s in view.steps] == [
        ("fetch", "completed", False), ("publish", "failed", False),
        ("register", "pending", True)]  # fmt: skip
    assert view.lines[-1].level == "error" and view.file_count == 0


def test_run_record_is_json() -> None:
    manifest, _ = run_record(STEPS, [entry("x")], contents=contents(a=b"1"))
    assert json.loads(json.dumps(manifest)) == manifest
    assert editor_results.MAX_KEPT_BYTES > MAX_SHOWN_BYTES
