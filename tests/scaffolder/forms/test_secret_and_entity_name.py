"""Secret and EntityNamePicker as the anchor's field table describes them: the value
each stores, how the server checks it (Backstage's message word for word), and what
the page shows of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string

from scaffolder.fields import field_extension
from scaffolder.fields.entity_name import INVALID_NAME, EntityNamePicker, is_valid_object_name
from scaffolder.fields.secret import Secret
from scaffolder.forms import form_pages, read_page, review_rows
from tests.scaffolder.forms.conftest import CONTEXT, posted, spec_of

NAME_PAGE = {"required": ["name"], "properties": {
    "name": {"type": "string", "ui:field": "EntityNamePicker", "ui:autofocus": True}}}  # fmt: skip
TOKEN_PAGE = {"required": ["token"], "properties": {
    "token": {"type": "string", "title": "Token", "ui:field": "Secret",
              "minLength": 8, "maxLength": 12},
    "note": {"type": "string", "ui:field": "Secret"}}}  # fmt: skip


def render(page: dict[str, Any], values: dict[str, Any], **options: Any) -> str:
    form_page = form_pages(spec_of(page), values, CONTEXT, **options)[0]
    return render_to_string("scaffolder/forms/_fields.html", {"page": form_page,
                                                              "context": CONTEXT})  # fmt: skip


def test_both_are_registered_by_their_ui_field_names() -> None:
    assert isinstance(field_extension("EntityNamePicker"), EntityNamePicker)
    secret = field_extension("Secret")
    assert isinstance(secret, Secret) and secret.secret


@pytest.mark.parametrize("name", ["a", "A", "9", "ab", "my-service", "my_service", "my.service",
                                  "a-_.b", "Payments2", "a" * 63])  # fmt: skip
def test_valid_object_names(name: str) -> None:
    assert is_valid_object_name(name)
    result = read_page(spec_of(NAME_PAGE), 0, posted({"name": name}), {}, CONTEXT)
    assert result.values == {"name": name} and result.ok  # stored as the plain string


@pytest.mark.parametrize("name", ["-a", "a-", "_a", "a_", ".a", "a.", "a b", "a/b", "ä",
                                  "a" * 64, "a\n"])  # fmt: skip
def test_invalid_object_names_get_backstages_message(name: str) -> None:
    assert not is_valid_object_name(name)
    assert EntityNamePicker().check(name, None, CONTEXT) == [INVALID_NAME]  # type: ignore[arg-type]


def test_the_message_is_backstages_word_for_word() -> None:
    result = read_page(spec_of(NAME_PAGE), 0, posted({"name": "my service"}), {}, CONTEXT)
    assert result.errors == {"name": [
        "Must start and end with an alphanumeric character, and contain only alphanumeric "
        "characters, hyphens, underscores, and periods. Maximum length is 63 characters."]}
    assert result.values == {"name": "my service"}  # kept, to be corrected


def test_an_empty_name_is_left_to_required() -> None:
    result = read_page(spec_of(NAME_PAGE), 0, posted({"name": ""}), {}, CONTEXT)
    assert result.errors == {"name": ["Required"]}


def test_the_name_field_has_backstages_label_and_honours_autofocus() -> None:
    field = form_pages(spec_of(NAME_PAGE), {}, CONTEXT)[0].fields[0]
    assert (field.label, field.description) == ("Name", "Unique name of the component")
    html = render(NAME_PAGE, {"name": "svc"})
    assert 'id="f-name" name="name"' in html and ' autofocus' in html and 'value="svc"' in html
    titled = {"properties": {"id": {"type": "string", "title": "Component id",
                                    "description": "Its id",
                                    "ui:field": "EntityNamePicker"}}}  # fmt: skip
    field = form_pages(spec_of(titled), {}, CONTEXT)[0].fields[0]
    assert (field.label, field.description) == ("Component id", "Its id")
    assert " autofocus" not in render(titled, {})


def test_a_secret_answers_with_stars_and_keeps_the_value_among_the_secrets() -> None:
    result = read_page(spec_of(TOKEN_PAGE), 0, posted({"token": "s3cret-token", "note": "n"}),
                       {}, CONTEXT)  # fmt: skip
    assert result.values == {"token": "************", "note": "*"}
    assert result.secrets == {"token": "s3cret-token", "note": "n"}  # under the property name
    assert result.ok


def test_a_secrets_length_rules_apply_to_the_masked_answer() -> None:
    short = read_page(spec_of(TOKEN_PAGE), 0, posted({"token": "short"}), {}, CONTEXT)
    assert short.errors == {"token": ["Must be at least 8 characters"]}
    assert short.values == {"token": "*****"} and short.secrets == {"token": "short"}
    long = read_page(spec_of(TOKEN_PAGE), 0, posted({"token": "x" * 13}), {}, CONTEXT)
    assert long.errors == {"token": ["Must be at most 12 characters"]}


def test_an_empty_secret_input_keeps_the_secret_and_clear_removes_it() -> None:
    kept = {"token": "********"}, {"token": "a-secret"}
    again = read_page(spec_of(TOKEN_PAGE), 0, posted({"token": ""}), kept[0], CONTEXT,
                      secrets=kept[1])  # fmt: skip
    assert (again.values, again.secrets) == kept and again.ok
    cleared = read_page(spec_of(TOKEN_PAGE), 0, posted({"token": "", "token.clear": "1"}),
                        kept[0], CONTEXT, secrets=kept[1])  # fmt: skip
    assert cleared.values == {} and cleared.secrets == {}
    assert cleared.errors == {"token": ["Required"]}


def test_a_secret_is_never_written_into_the_page() -> None:
    html = render(TOKEN_PAGE, {"token": "********"})
    assert 'type="password"' in html and 'value=""' in html
    assert "a-secret" not in html and "********" not in html
    assert "A value is set (8 characters)" in html
    assert 'name="token.clear"' not in html  # required: it cannot be cleared, only replaced
    assert 'name="note.clear"' not in render(TOKEN_PAGE, {})  # nothing set, nothing to clear
    assert 'name="note.clear"' in render(TOKEN_PAGE, {"note": "***"})


def test_a_secret_reviews_as_stars() -> None:
    found = review_rows(spec_of(TOKEN_PAGE), {"token": "********"}, CONTEXT)
    assert [(row.label, row.value) for row in found] == [("Token", "******")]
