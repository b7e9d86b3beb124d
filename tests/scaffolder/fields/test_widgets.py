"""The pickers' widgets as the form renders them (``extension.template`` with
``field``, ``extension`` and ``context``): an accessible combobox whose type-ahead
address names the field by template, page and path (never its options), chips with
one hidden input per value, and the repository location group."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from django.template.loader import render_to_string

from scaffolder.fields import field_extension
from tests.scaffolder.fields.conftest import make_field

pytestmark = pytest.mark.django_db
ARRAY = {"type": "array", "items": {"type": "string"}}


def render(field, context) -> str:
    extension = field_extension(field.ui["ui:field"])
    return render_to_string(extension.template, {"field": field, "extension": extension,
                                                 "context": context})  # fmt: skip


def suggest_query(html: str) -> list[tuple[str, str]]:
    url = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert url.startswith("/create/fields/suggestions/?")
    return parse_qsl(url.split("?", 1)[1])


def test_entity_picker_is_a_combobox_with_a_debounced_type_ahead(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": {"kind": "System"}}, name="system",
                       value='system:default/<"shop">')  # fmt: skip
    field.page, field.description = 3, "The system it belongs to"
    html = render(field, dev_context)
    assert 'css/scaffolder-fields.css' in html and 'js/scaffolder-fields.js' in html
    assert '<label id="f-system-label" for="f-system">System</label>' in html
    assert 'name="system" type="text" value="system:default/&lt;&quot;shop&quot;&gt;"' in html
    for attribute in ('role="combobox"', 'aria-autocomplete="list"', 'aria-expanded="false"',
                      'aria-controls="f-system-listbox"', 'aria-describedby="f-system-help"',
                      'hx-trigger="input changed delay:200ms, picker-open"',
                      'hx-target="#f-system-suggestions"', 'hx-swap="outerHTML"'):  # fmt: skip
        assert attribute in html, attribute
    assert suggest_query(html) == [("_template", "template:default/pickers"), ("_page", "3"),
                                   ("_path", "system"), ("_input", "system")]  # fmt: skip
    assert "catalogFilter" not in html  # options stay on the server
    assert '<div id="f-system-suggestions" class="picker-popup" hidden>' in html
    assert 'data-auto-select="true"' in html


def test_a_fixed_single_match_is_read_only_without_a_type_ahead(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": {"kind": "System"},
                                        "allowArbitraryValues": False}, required=True)
    html = render(field, dev_context)
    assert 'value="system:default/shop" readonly' in html and "hx-get" not in html


def test_errors_describe_the_input(dev_context) -> None:
    field = make_field("OwnerPicker", name="owner")
    field.errors = ["group:default/x is not in the catalog"]
    html = render(field, dev_context)
    assert 'aria-describedby="f-owner-errors"' in html and 'aria-invalid="true"' in html
    assert '<ul id="f-owner-errors" class="field-errors"><li>group:default/x is not in the ' \
           "catalog</li></ul>" in html


def test_malformed_options_show_why_and_no_type_ahead(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": 3})
    html = render(field, dev_context)
    assert "This field&#x27;s template options are invalid" in html and "hx-get" not in html


def test_list_pickers_show_chips_with_hidden_inputs(dev_context) -> None:
    field = make_field("MultiEntityPicker", schema={**ARRAY, "maxItems": 3}, name="deps",
                       value=["component:default/checkout", "group:default/<b>"])  # fmt: skip
    html = render(field, dev_context)
    assert '<ul id="f-deps-chips" class="picker-chips" data-name="deps"' in html
    assert ('<span>component:default/checkout</span><input type="hidden" name="deps" '
            'value="component:default/checkout">') in html
    assert 'value="group:default/&lt;b&gt;"' in html and 'aria-label="Remove group:default' in html
    assert 'name="deps.add"' in html and 'data-max-items="3"' in html
    assert dict(suggest_query(html))["_input"] == "deps.add"
    assert " disabled" not in html


def test_a_full_list_takes_no_more(dev_context) -> None:
    field = make_field("MultiEntityPicker", schema={**ARRAY, "maxItems": 1}, name="deps",
                       value=["component:default/checkout"])  # fmt: skip
    html = render(field, dev_context)
    assert 'name="deps.add" type="text" value="" disabled' in html
    assert "At most 1; remove one to add another" in html


def test_tags_picker_has_its_help_and_an_inline_error_line(dev_context) -> None:
    field = make_field("EntityTagsPicker", {"showCounts": True}, schema=ARRAY, name="tags",
                       value=["python"])  # fmt: skip
    html = render(field, dev_context)
    assert 'data-picker="tags"' in html and 'name="tags" value="python"' in html
    assert "Add any relevant tags, hit &#x27;Enter&#x27; to add new tags." in html
    assert '<p class="field-error picker-input-error" role="alert" hidden></p>' in html


def test_repo_url_picker_renders_host_and_parts(dev_context, settings) -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["github.com", "gitlab.com"],
                                         "allowedOwners": ["acme", "acme-labs"],
                                         "requestUserCredentials": {"secretsKey": "TOKEN"}},
                       name="repoUrl", value="github.com?owner=acme-labs&repo=web",
                       required=True)  # fmt: skip
    html = render(field, dev_context)
    assert '<fieldset id="f-repoUrl-field" class="field repo-url-picker"' in html
    assert '<select id="f-repoUrl-host" name="repoUrl.host" required' in html
    assert 'hx-include="#f-repoUrl-field" hx-target="#f-repoUrl-field"' in html
    assert '<option value="github.com" selected>github.com</option>' in html
    assert '<option value="acme-labs" selected>acme-labs</option>' in html
    assert 'name="repoUrl.repo" type="text" value="web"' in html
    assert 'role="note">This template asks for your own github.com credentials' in html
    # a single host is fixed
    field.ui["ui:options"] = {"allowedHosts": ["gitlab.com"]}
    html = render(field, dev_context)
    assert 'name="repoUrl.host" type="text" value="gitlab.com" readonly' in html
    assert "<select" not in html
