"""The fields partial (``scaffolder/forms/_fields.html``) for every built-in widget:
each input is named and labelled so a post reads back what was shown, values are
escaped, and a page posted back as rendered gives the same answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from scaffolder.forms import form_pages, read_page
from tests.scaffolder.forms.conftest import CONTEXT, spec_of

PAGE = {"required": ["name"], "properties": {
    "name": {"type": "string", "title": "Name", "ui:placeholder": "e.g. api", "ui:help": "Short"},
    "notes": {"type": "string", "ui:widget": "textarea", "ui:options": {"rows": 3}},
    "kind": {"type": "string", "ui:widget": "hidden", "default": "service"},
    "size": {"type": "string", "enum": ["s", "l"], "enumNames": ["Small", "Large"],
             "ui:widget": "radio"},
    "tier": {"type": "integer", "enum": [1, 2]},
    "public": {"type": "boolean", "title": "Public"},
    "envs": {"type": "array", "items": {"enum": ["dev", "prod"]}, "uniqueItems": True},
    "zones": {"type": "array", "items": {"enum": ["a", "b"]}, "ui:widget": "select"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "port": {"type": "integer", "minimum": 1, "maximum": 9},
    "load": {"type": "number", "ui:widget": "range", "minimum": 0, "maximum": 1},
    "api": {"type": "string", "const": "v2"},
    "color": {"type": "string", "ui:widget": "color"},
    "logo": {"type": "string", "ui:widget": "file", "ui:options": {"accept": ".png"}},
    "repo": {"type": "object", "title": "Repository", "ui:field": "RepoTree",
             "properties": {"host": {"type": "string"}}},
    "envVars": {"type": "array", "title": "Variables", "items": {
        "type": "object", "title": "Variable",
        "properties": {"key": {"type": "string"}, "value": {"type": "string"}}}},
}}  # fmt: skip
VALUES: dict[str, Any] = {
    "name": 'a"b<c>', "notes": "\nfirst line", "size": "l", "tier": 2, "public": True,
    "envs": ["prod"], "zones": ["b"], "tags": ["x", "y"], "port": 3, "load": 0.5,
    "color": "#00ff00", "logo": "data:image/png;name=logo.png;base64,iVBO",
    "repo": {"host": "github.com"}, "envVars": [{"key": "A", "value": "1"}],
}  # fmt: skip


def rendered(values: dict[str, Any], **options: Any) -> str:
    page = form_pages(spec_of(PAGE), values, CONTEXT, **options)[0]
    return render_to_string("scaffolder/forms/_fields.html",
                            {"page": page, "context": CONTEXT, "refresh_url": "/form?step=1"})


@pytest.fixture(scope="module")
def html() -> str:
    return rendered(VALUES, errors={"name": ["Required"]})


@pytest.mark.parametrize("snippet", [
    '<label class="field-label" for="f-name">Name<span class="required" aria-hidden="true">*',
    'id="f-name" name="name" aria-describedby="f-name-help f-name-error" aria-invalid="true" '
    'aria-required="true" placeholder="e.g. api" value="a&quot;b&lt;c&gt;">',
    '<p class="field-help" id="f-name-help">Short</p>',
    '<ul class="field-errors" id="f-name-error"><li>Required</li></ul>',
    'rows="3" id="f-notes" name="notes">\n\nfirst line</textarea>',
    '<input type="hidden" id="f-kind" name="kind" value="service">',
    '<fieldset class="field-set">',
    '<input type="radio" id="f-size-1" name="size" value="l" checked> Large</label>',
    '<option value="2" selected>2</option>',
    '<input type="hidden" name="public" value="false">',
    'id="f-public" name="public" value="true" checked>',
    '<input type="checkbox" id="f-envs-1" name="envs" value="prod" checked> prod</label>',
    '<select class="input" multiple size="2" id="f-zones" name="zones">',
    '<option value="b" selected>b</option>',
    '<input type="hidden" name="tags.rows" value="">',
    'id="f-tags-1" name="tags" value="y" aria-label="tags 2"',
    'value="remove:tags:1"', 'value="add:tags"',
    'type="number" inputmode="numeric" step="1" min="1" max="9" id="f-port" name="port"',
    'type="range" step="any" min="0" max="1" id="f-load" name="load"',
    '<output id="f-load-output" for="f-load">0.5</output>',
    'type="text" id="f-api" value="v2" readonly>',
    'type="color" id="f-color" name="color"',
    'Attached: <strong>logo.png</strong>', 'type="file" accept=".png" id="f-logo" name="logo"',
    'name="logo.clear"',
    '<legend class="group-label">Repository</legend>',
    "Field extension RepoTree is not installed here; showing a plain input",
    'id="f-repo-host" name="repo.host"',
    '<input type="hidden" name="envVars.rows" value="">',
    '<span class="form-row-label">Variable 1</span>',
    'id="f-envVars-0-key" name="envVars.0.key"', 'value="remove:envVars:0"',
    '>Add variable</button>',
])  # fmt: skip
def test_each_widget_renders_its_inputs(html: str, snippet: str) -> None:
    assert snippet in html


def as_posted(html: str) -> QueryDict:
    """What a browser posts for the rendered inputs (checked boxes, selected options)."""
    data = QueryDict(mutable=True)
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or (kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag):
            continue
        if kind and kind.group(1) == "file":
            continue
        data.appendlist(name.group(1), value.group(1) if value else "")
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        for value in re.findall(r'<option value="([^"]*)" selected>', body):
            data.appendlist(name, value)
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>\n(.*?)</textarea>', html,
                                 re.S):  # fmt: skip
        data.appendlist(name, body)
    return data


def test_a_page_posted_as_rendered_reads_back_the_same_answers() -> None:
    values = {**VALUES, "name": "abc"}
    data = as_posted(rendered(values).replace("&quot;", '"'))
    kept = {"logo": values["logo"]}  # a file input cannot be filled in again: kept as it was
    result = read_page(spec_of(PAGE), 0, data, kept, CONTEXT)
    assert result.values == {**values, "kind": "service", "api": "v2"}  # and the fixed ones
