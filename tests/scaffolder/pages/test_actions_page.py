"""The installed actions page ``/create/actions/``: every action with its description,
input and output as tables, examples as YAML, a dry-run badge, linkable anchors, a
table of contents and a text filter in the URL."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from portal.plugins import ScaffolderAction, register_scaffolder_action, temporarily_registered
from scaffolder.actions import all_actions

pytestmark = pytest.mark.django_db

URL = "/create/actions/"


def section(html: str, action_id: str) -> str:
    start = html.index(f'<section class="card action" id="action-{action_id}"')
    return html[start : html.index("</section>", start)]


def test_every_installed_action_is_listed_with_an_anchor_and_a_toc_link(signed_in) -> None:
    html = signed_in.get(URL).content.decode()
    ids = [action.id for action in all_actions()]
    assert len(ids) > 10
    for action_id in ids:
        assert f'id="action-{action_id}"' in html
        assert f'<li><a href="#action-{action_id}">{action_id}</a></li>' in html
    assert f"{len(ids)} of {len(ids)} actions" in html
    assert f'href="{reverse("scaffolder:index")}"' in html
    assert f'href="{reverse("scaffolder:api_docs")}"' in html


def test_an_action_shows_its_schema_as_tables_not_json(signed_in) -> None:
    html = signed_in.get(URL).content.decode()
    fetch = section(html, "fetch:template")
    assert "Downloads a skeleton" in fetch
    assert "Supports dry run" in fetch
    assert re.search(
        r'<code>url</code>\s*<span class="required" title="Required">required</span>', fetch
    )
    assert "<code>array of string</code>" in fetch  # copyWithoutRender
    assert "<code>string or boolean</code>" in fetch  # templateFileExtension
    assert '"type"' not in fetch and "&quot;type&quot;" not in fetch  # no raw JSON
    assert "Publishes no output." in fetch
    github = section(html, "publish:github")
    assert "No dry run" in github
    assert '<code class="value">&quot;private&quot;</code>' in github  # repoVisibility enum
    assert '<tr class="depth-1">' in github  # nested properties as sub-rows
    assert "<code>&quot;master&quot;</code>" in github  # a default
    assert "<code>remoteUrl</code>" in github.split("<h3>Output</h3>")[1]


def test_examples_are_yaml_blocks(signed_in) -> None:
    html = signed_in.get(URL).content.decode()
    publish = section(html, "publish:git")
    assert '<pre class="yaml"><code class="language-yaml">steps:' in publish
    assert "<figcaption>Publish the workspace as a local repository</figcaption>" in publish


def test_a_plugin_action_is_listed_and_a_mapping_example_is_dumped_as_yaml(signed_in) -> None:
    action = ScaffolderAction(
        id="acme:greet", handler=lambda ctx: None, description="Greets <someone>",
        input_schema={"type": "object", "required": ["who"],
                      "properties": {"who": {"type": "string", "title": "Who"}}},
        output_schema={"type": "object", "properties": {"greeting": {"type": "string"}}},
        examples=({"description": "Say hi", "example": {"steps": [
            {"action": "acme:greet", "input": {"who": "ada"}}]}},),
    )  # fmt: skip
    with temporarily_registered():
        register_scaffolder_action(action)
        html = signed_in.get(URL).content.decode()
    greet = section(html, "acme:greet")
    assert "Greets &lt;someone&gt;" in greet and "<strong>Who</strong>" in greet
    assert "No dry run" in greet and "<code>greeting</code>" in greet
    assert "steps:\n- action: acme:greet\n  input:\n    who: ada\n" in greet


@pytest.mark.parametrize("htmx", [False, True])
def test_the_text_filter_narrows_the_list(signed_in, htmx: bool) -> None:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = signed_in.get(URL + "?q=github", **headers)
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    shown = re.findall(r'<section class="card action" id="action-([^"]+)"', html)
    assert shown and all("github" in a or "GitHub" in html for a in shown)
    assert "fetch:template" not in shown and "publish:github" in shown
    assert ("<html" in html) is not htmx
    if htmx:
        assert html.lstrip().startswith('<div id="actions"')
    none = signed_in.get(URL + "?q=no-such-action-anywhere").content.decode()
    assert "No action matches" in none


def test_needs_sign_in(client) -> None:
    assert client.get(URL).status_code == 302
