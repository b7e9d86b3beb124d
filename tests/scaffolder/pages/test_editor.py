"""The template editor ``/create/edit/``: loading a template (from the catalog, an
uploaded folder, pasted), its problems with their lines, the live form, dry runs
(the seed golden path with its skeleton uploaded, a catalog template with its
location's files, a failing one) with their files opened by URL, escaping, limits,
and that a dry run publishes and registers nothing."""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Entity, Location
from scaffolder import editor_views
from scaffolder.editor_store import KEEP_FOR
from scaffolder.models import Task
from tests.catalog.conftest import register
from tests.support.golden_paths import GOLDEN

pytestmark = pytest.mark.django_db

EDITOR = "/create/edit/"
SEED = GOLDEN / "seed-golden-path"
SEED_REF = "template:default/spring-boot-grpc-service"
HTMX = {"HTTP_HX_REQUEST": "true"}
SEED_VALUES = {"serviceName": "order-service", "description": "Takes <orders>",
               "owner": "group:default/platform-team", "system": "system:default/commerce",
               "javaVersion": "21", "database": "postgresql", "namespace": "shop",
               "cluster": "dev"}  # fmt: skip

PASTED = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: pasted
  title: Pasted template
spec:
  type: service
  parameters:
    - title: About
      required: [name]
      properties:
        name:
          title: Name
          type: string
  steps:
    - id: log
      name: Say hello
      action: debug:log
      input:
        message: Hello ${{ parameters.name }}
  output:
    text:
      - title: Greeting
        content: Made **${{ parameters.name }}**
"""


@pytest.fixture(autouse=True)
def storage(settings, tmp_path: Path) -> Path:
    """Editor bundles in a directory of this test's own."""
    location = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location)}}}  # fmt: skip
    return location


@pytest.fixture
def seed(files) -> Path:
    """The seed golden path (template and skeleton) registered from a catalog folder."""
    target = files.root / "seed"
    shutil.copytree(SEED, target)
    register(target / "template.yaml")
    return target


def textarea(page: str) -> str:
    """The YAML the editor holds, as the browser would see it."""
    found = re.search(r'<textarea id="editor-yaml"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no YAML editor on the page"
    return html.unescape(found.group(1))


def form(yaml_text: str, *, template: str = "", upload: str = "", **values: Any) -> dict:
    return {"editor:yaml": yaml_text, "editor:template": template, "editor:upload": upload,
            **values}  # fmt: skip


def folder_files(root: Path, prefix: str) -> list[tuple[str, bytes]]:
    return [(f"{prefix}/{path.relative_to(root).as_posix()}", path.read_bytes())
            for path in sorted(root.rglob("*")) if path.is_file()]  # fmt: skip


def upload(client, files: list[tuple[str, bytes]], fields: dict | None = None,
           **headers: str):  # fmt: skip
    """Post a folder as the page's script does: the files, and their paths in order."""
    data = {"files": [SimpleUploadedFile(path.rsplit("/", 1)[-1], body) for path, body in files],
            "paths": [path for path, _ in files], **(fields or {})}  # fmt: skip
    return client.post(reverse("scaffolder:editor_upload"), data, **headers)


def upload_key(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].split("upload=", 1)[1]


def run_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].startswith("/create/edit/runs/")
    return response["Location"]


def test_the_editor_page_and_its_htmx_fragment(signed_in) -> None:
    page = signed_in.get(EDITOR)
    assert page.status_code == 200 and "HX-Request" in page["Vary"]
    text = page.content.decode()
    assert "<title>Template editor" in text and "css/scaffolder-editor.css" in text
    assert "js/scaffolder-editor.js" in text
    assert "webkitdirectory" in text and 'name="template"' in text
    assert "The form of the template shows here" in text
    assert 'class="button" formaction="/create/edit/dry-run/"' in text and " disabled " in text
    fragment = signed_in.get(EDITOR, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="editor-workspace"') and "<html" not in fragment
    restore = signed_in.get(EDITOR, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in restore.content.decode()  # back to a page htmx had no copy of


def test_a_catalog_template_loads_as_authored(signed_in, seed) -> None:
    page = signed_in.get(EDITOR, {"template": SEED_REF}).content.decode()
    text = textarea(page)
    assert text.startswith("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n")
    assert "name: spring-boot-grpc-service" in text and "uid:" not in text
    assert "relations" not in text and "etag" not in text
    assert f'<option value="{SEED_REF}" selected>Spring Boot gRPC Microservice</option>' in page
    assert "Its skeleton files come from its catalog location" in page
    assert f'name="editor:template" value="{SEED_REF}"' in page
    assert 'id="f-serviceName"' in page and "Service Name" in page  # the form, page one
    assert "K8s Namespace" in page  # ... and the last page
    assert 'data-error-lines=""' in page and "in the YAML</h3>" not in page
    htmx = signed_in.get(EDITOR, {"template": SEED_REF}, **HTMX).content.decode()
    assert htmx.lstrip().startswith('<div id="editor-workspace"')


def test_a_template_no_longer_in_the_catalog_says_so(signed_in) -> None:
    page = signed_in.get(EDITOR, {"template": "template:default/gone"}).content.decode()
    assert "template:default/gone is no longer in the catalog" in page
    assert textarea(page) == ""


def test_problems_are_listed_with_their_lines_and_the_text_is_kept(signed_in) -> None:
    broken = PASTED.replace("type: string", "type: strng").replace(
        "action: debug:log", "action: debug:lg"
    )
    fragment = signed_in.post(EDITOR, form(broken, name="typed"), **HTMX)
    assert fragment.status_code == 200 and "HX-Request" in fragment["Vary"]
    text = fragment.content.decode()
    # no form can be made: only the problems and the button change, the form stays
    assert fragment["HX-Reswap"] == "none" and 'id="editor-fields"' not in text
    assert text.lstrip().startswith('<div id="editor-problems" class="editor-problems" '
                                    'data-error-lines="14,18" hx-swap-oob="true">')  # fmt: skip
    assert '<div id="dry-run-bar" class="dry-run-bar" hx-swap-oob="true">' in text
    assert "the form below stays as it was, with its answers" in text
    assert "2 problems in the YAML" in text
    assert (
        '<a class="line-link" href="#editor-yaml" data-line="14">Line 14</a> '
        "<code>/spec/parameters/0/properties/name/type</code>"
    ) in text
    assert 'data-line="18">Line 18</a> <code>/spec/steps/0/action</code>' in text
    assert "No installed action is called &#x27;debug:lg&#x27;" in text
    page = signed_in.post(EDITOR, form(broken)).content.decode()  # without JavaScript
    assert textarea(page) == broken
    assert '<li class="bad">14</li>' in page and '<li class="bad">18</li>' in page
    assert "<li>13</li>" in page


def test_a_bad_step_leaves_the_form_to_be_redrawn(signed_in) -> None:
    fragment = signed_in.post(EDITOR, form(PASTED.replace("action: debug:log", "action: x"),
                                           name="typed"), **HTMX)  # fmt: skip
    text = fragment.content.decode()
    assert "HX-Reswap" not in fragment and text.lstrip().startswith('<section id="editor-preview"')
    assert 'value="typed"' in text and 'data-line="18">Line 18</a>' in text
    assert 'disabled title="Fix the problems in the YAML first"' in text


def test_a_yaml_syntax_error_is_placed(signed_in) -> None:
    text = signed_in.post(EDITOR, form(PASTED.replace("title: About", "title: 'About")),
                          **HTMX).content.decode()  # fmt: skip
    assert 'data-line="9">Line 9</a>' in text and "YAML syntax: malformed YAML" in text
    assert "Dry run" in text and 'disabled title="Fix the problems in the YAML first"' in text


def test_the_form_follows_the_yaml(signed_in) -> None:
    first = signed_in.post(EDITOR, form(PASTED), **HTMX).content.decode()
    assert 'id="f-name"' in first and "About" in first and 'id="f-team"' not in first
    grown = PASTED.replace("          type: string\n", "          type: string\n        team:\n"
                           "          title: Team\n          type: string\n"
                           "          enum: [red, blue]\n")  # fmt: skip
    second = signed_in.post(EDITOR, form(grown, name="kept"), **HTMX).content.decode()
    assert 'id="f-team"' in second and ">red<" in second
    assert 'value="kept"' in second  # what was typed in the form stays


def test_a_pasted_template_dry_runs_and_shows_its_log_and_output(signed_in) -> None:
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"),
                                 form(PASTED, name="Ada")))  # fmt: skip
    page = signed_in.get(url).content.decode()
    assert "Succeeded" in page and "nothing was published or registered" in page
    assert "Say hello" in page and "Hello Ada" in page
    assert "Made <strong>Ada</strong>" in page  # the output's markdown, sanitised
    assert textarea(page) == PASTED and 'value="Ada"' in page  # the editor as it was
    assert "The run created no files." in page


def test_htmx_dry_run_answers_the_result_and_the_form_and_follows_the_url(signed_in) -> None:
    response = signed_in.post(reverse("scaffolder:editor_dry_run"), form(PASTED, name="Ada"),
                              **HTMX)  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="dry-run"') and "<html" not in text
    assert 'id="editor-preview"' in text and 'hx-swap-oob="true"' in text
    assert response["HX-Push-Url"].startswith("/create/edit/runs/")
    assert signed_in.get(response["HX-Push-Url"]).status_code == 200


def seed_upload(signed_in) -> str:
    return upload_key(upload(signed_in, folder_files(SEED, "seed-golden-path")))


def test_the_seed_golden_path_uploaded_dry_runs_with_its_skeleton(signed_in) -> None:
    key = seed_upload(signed_in)
    loaded = signed_in.get(EDITOR, {"upload": key}).content.decode()
    yaml_text = textarea(loaded)
    assert yaml_text == (SEED / "template.yaml").read_text()
    assert "the uploaded folder <strong>seed-golden-path</strong>: 13 files" in loaded
    locations, entities = Location.objects.count(), Entity.objects.count()
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"),
                                 form(yaml_text, upload=key, **SEED_VALUES)))  # fmt: skip
    page = signed_in.get(url).content.decode()
    assert "Succeeded" in page
    steps = re.findall(r'<li class="step state-(\w+)[^"]*">\s*<a[^>]*>\s*<span class="step-icon"'
                       r'[^>]*></span>\s*<span class="step-name">([^<]+)</span>', page)  # fmt: skip
    assert steps == [("completed", "Generate Project Code"),
                     ("skipped", "Create GitHub Repository"),
                     ("skipped", "Register in Catalog"),
                     ("skipped", "Configure ArgoCD Deployment")]  # fmt: skip
    assert "Skipping because publish:github does not support dry-run" in page
    for name in ("catalog-info.yaml", "pom.xml", "Dockerfile", "ci.yaml", "Application.java",
                 "service.proto", "Chart.yaml"):  # fmt: skip
        assert f'<span class="tree-name">{name}</span>' in page
    assert '<span class="tree-name">orderservice</span>' in page  # a rendered folder name
    assert '<code class="file-path">Dockerfile</code>' in page  # the first top file is open
    catalog_info = signed_in.get(url, {"file": "catalog-info.yaml"}).content.decode()
    assert "name: order-service" in catalog_info
    assert "owner: group:default/platform-team" in catalog_info
    assert "description: &quot;Takes &lt;orders&gt;&quot;" in catalog_info  # escaped text
    java = "src/main/java/com/acme/orderservice/Application.java"
    fragment = signed_in.get(url, {"file": java}, **HTMX)
    body = fragment.content.decode()
    assert fragment.status_code == 200 and body.lstrip().startswith('<section id="dry-run-files"')
    assert f'<code class="file-path">{java}</code>' in body
    assert "package com.acme.orderservice" in body
    assert f'href="{url}?file=src/main/java/com/acme/orderservice/Application.java"' in body
    assert 'aria-current="true"' in body
    # a dry run publishes and registers nothing
    assert (Location.objects.count(), Entity.objects.count(), Task.objects.count()) == (
        locations,
        entities,
        0,
    )


def test_a_catalog_template_dry_runs_with_its_locations_files_and_edits(signed_in, seed) -> None:
    yaml_text = textarea(signed_in.get(EDITOR, {"template": SEED_REF}).content.decode())
    edited = yaml_text.replace("        url: ./skeleton\n", "        url: ./skeleton\n"
                               "        targetPath: ./service\n")  # fmt: skip
    assert edited != yaml_text
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"),
                                 form(edited, template=SEED_REF, **SEED_VALUES)))  # fmt: skip
    page = signed_in.get(url, {"file": "service/pom.xml"}).content.decode()
    assert "Succeeded" in page and "&lt;artifactId&gt;order-service&lt;/artifactId&gt;" in page
    assert '<span class="tree-name">service</span>' in page
    assert f'<option value="{SEED_REF}" selected>' in page and textarea(page) == edited
    assert Task.objects.count() == 0 and not Entity.objects.filter(kind="component").exists()


def test_a_failing_dry_run_shows_the_failing_step_and_its_error(signed_in) -> None:
    failing = PASTED.replace(
        "  output:",
        """\
    - id: fetch
      name: Fetch the skeleton
      action: fetch:template
      input:
        url: ./skeleton
    - id: after
      name: Never reached
      action: debug:log
      input:
        message: unreachable
  output:""",
    )
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"), form(failing, name="Ada")))
    page = signed_in.get(url).content.decode()
    assert "Failed" in page and "Step “Fetch the skeleton” failed" in page
    assert re.search(r'<pre class="task-error">\w+Error: [^<]*skeleton', page)
    assert 'class="step state-failed"' in page and 'class="step state-pending not-run"' in page
    assert "Hello Ada" in page  # the log up to the failure
    assert '<details class="card run-log" open>' in page
    assert "A failed run has no output." in page


def test_file_contents_and_names_are_shown_as_text(signed_in) -> None:
    template = PASTED.replace(
        "  output:",
        """\
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
  output:""",
    )
    files = [
        ("t/template.yaml", template.encode()),
        ("t/skeleton/<i>bold.html", b"<script>alert('${{ values.name }}')</script>\n"),
        ("t/skeleton/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))),
    ]
    key = upload_key(upload(signed_in, files))
    url = run_url(
        signed_in.post(
            reverse("scaffolder:editor_dry_run"),
            form(template, upload=key, name="<img src=x onerror=alert(1)>"),
        )
    )
    page = signed_in.get(url, {"file": "<i>bold.html"}).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&#x27;&lt;img src=x onerror=alert(1)&gt;&#x27;)&lt;/script&gt;"
    ) in page
    assert '<span class="tree-name">&lt;i&gt;bold.html</span>' in page
    assert "?file=%3Ci%3Ebold.html" in page
    binary = signed_in.get(url, {"file": "logo.png"}).content.decode()
    assert "A binary file of 272\xa0bytes; its contents are not shown." in binary
    assert '<span class="badge neutral">binary</span>' in binary


def test_a_file_the_run_did_not_create_is_not_found(signed_in) -> None:
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"), form(PASTED, name="x")))
    missing = signed_in.get(url, {"file": "../../etc/passwd"})
    assert missing.status_code == 404
    assert "This run created no file <code>../../etc/passwd</code>" in missing.content.decode()
    assert signed_in.get(url, {"file": "nope"}, **HTMX).status_code == 404


def test_runs_are_private_and_short_lived(signed_in, client, django_user_model, storage) -> None:
    url = run_url(signed_in.post(reverse("scaffolder:editor_dry_run"), form(PASTED, name="x")))
    other = django_user_model.objects.create_user("mallory")
    client.force_login(other)
    refused = client.get(url)
    assert refused.status_code == 404 and "Dry run not found" in refused.content.decode()
    for junk in ("/create/edit/runs/..%2F..%2Fsecret/", "/create/edit/runs/not-a-key/"):
        assert client.get(junk).status_code == 404
    client.force_login(django_user_model.objects.get(username="dev"))
    assert client.get(url).status_code == 200
    [stored] = storage.rglob("run-*.zip")
    old = stored.stat().st_mtime - KEEP_FOR.total_seconds() - 60
    os.utime(stored, (old, old))
    assert client.get(url).status_code == 404 and not stored.exists()


def test_a_template_with_problems_is_not_run(signed_in, storage) -> None:
    response = signed_in.post(
        reverse("scaffolder:editor_dry_run"),
        form(PASTED.replace("kind: Template", "kind: Component")),
        **HTMX,
    )
    text = response.content.decode()
    assert response.status_code == 200 and "Not run" in text
    assert "Fix the problems listed under the form first." in text
    assert "kind must be Template" in text  # the preview, swapped beside it
    assert not list(storage.rglob("run-*.zip"))


def test_answers_the_pages_refuse_are_marked_beside_the_fields(signed_in, storage) -> None:
    page = signed_in.post(reverse("scaffolder:editor_dry_run"), form(PASTED)).content.decode()
    assert "Not run" in page and "The form has 1 problem" in page
    assert re.search(r'<ul class="field-errors" id="f-name-error"><li>[^<]+</li></ul>', page)
    assert textarea(page) == PASTED
    assert not list(storage.rglob("run-*.zip"))


def test_upload_errors_keep_the_editor_as_it_was(signed_in) -> None:
    response = upload(signed_in, [("t/skeleton/README.md", b"x")], form(PASTED))
    text = response.content.decode()
    assert response.status_code == 200
    assert "The folder has no template.yaml" in text and textarea(text) == PASTED
    no_paths = signed_in.post(
        reverse("scaffolder:editor_upload"), {"files": [SimpleUploadedFile("template.yaml", b"x")]}
    )
    assert "uploading a folder needs JavaScript" in no_paths.content.decode()
    htmx = signed_in.post(reverse("scaffolder:editor_upload"),
                          {"files": [SimpleUploadedFile("a", b"x")], "paths": ["t/a"],
                           **form(PASTED)}, **HTMX)  # fmt: skip
    assert htmx.content.decode().lstrip().startswith('<div id="editor-workspace"')
    assert "no template.yaml" in htmx.content.decode()


def test_upload_limits_are_explained(signed_in, monkeypatch) -> None:
    files = [(f"t/skeleton/{n}.txt", b"x") for n in range(101)] + [("t/template.yaml", b"a: 1")]
    too_many = upload(signed_in, files)
    assert too_many.status_code == 413
    assert "more than 100 files" in too_many.content.decode()
    swapped = upload(signed_in, files, **HTMX)  # htmx swaps only 2xx answers
    assert swapped.status_code == 200 and swapped["HX-Retarget"] == "#editor-workspace"
    assert swapped.content.decode().lstrip().startswith('<div id="editor-workspace"')
    assert "more than 100 files" in swapped.content.decode()
    monkeypatch.setattr(editor_views, "MAX_UPLOAD_BYTES", 1000)
    too_big = upload(signed_in, [("t/template.yaml", PASTED.encode()),
                                 ("t/skeleton/big.bin", b"\0" * 5000)])  # fmt: skip
    assert too_big.status_code == 200
    assert "add up to more than 1000\xa0bytes, the most the editor takes" in \
        too_big.content.decode()  # fmt: skip


def test_an_upload_over_htmx_opens_the_folder_and_follows_the_url(signed_in) -> None:
    response = upload(signed_in, folder_files(SEED, "seed"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"].startswith("/create/edit/?upload=")
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="editor-workspace"')
    assert textarea(text) == (SEED / "template.yaml").read_text()


def test_an_expired_upload_leaves_a_pasted_template(signed_in, storage) -> None:
    key = seed_upload(signed_in)
    shutil.rmtree(storage)
    page = signed_in.post(EDITOR, form(PASTED, upload=key)).content.decode()
    assert "The uploaded folder has expired; upload it again" in page
    assert textarea(page) == PASTED and 'name="editor:upload" value=""' in page


def test_a_huge_paste_is_refused_with_the_reason(signed_in, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = signed_in.post(EDITOR, form("a: " + "x" * 20_000))
    assert response.status_code == 413
    assert "more than the editor takes" in response.content.decode()


def test_list_rows_are_added_and_removed_in_the_preview(signed_in) -> None:
    listed = PASTED.replace(
        "          type: string\n",
        """\
          type: string
        envs:
          title: Environments
          type: array
          items:
            type: object
            properties:
              region:
                title: Region
                type: string
""",
        1,
    )
    empty = signed_in.post(EDITOR, form(listed, name="x"), **HTMX).content.decode()
    assert "Add" in empty and 'id="f-envs-0"' not in empty
    added = signed_in.post(EDITOR, form(listed, name="x", _action="add:envs",
                                        **{"envs.rows": ""}), **HTMX).content.decode()  # fmt: skip
    assert 'id="f-envs-0"' in added and 'name="envs.0.region"' in added
    kept = {"envs.rows": "", "envs.0.region": "eu", "envs.1.region": "us"}
    removed = signed_in.post(EDITOR, form(listed, name="x", _action="remove:envs:0", **kept),
                             **HTMX).content.decode()  # fmt: skip
    assert 'value="us"' in removed and 'value="eu"' not in removed
