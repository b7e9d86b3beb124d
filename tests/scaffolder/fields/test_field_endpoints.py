"""The pickers' endpoints: type-ahead suggestions (filters honoured, prefix matches
first, options read from the stored template whatever the browser sends, titles
escaped, a bounded number of queries) and the re-rendered RepoUrlPicker group; an
unknown template, page or field is a 404."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scaffolder.fields.conftest import TEMPLATE_REF

pytestmark = pytest.mark.django_db

SUGGEST = reverse("scaffolder:field_suggestions")
WIDGET = reverse("scaffolder:field_widget")


def ask(client, path: tuple[str, ...], text: str = "", *, page: int = 1, input_name: str = "",
        extra: tuple[tuple[str, str], ...] = (), htmx: bool = True):  # fmt: skip
    """GET the suggestions of the field at ``path`` for ``text`` typed into its input."""
    name = input_name or ".".join(path)
    query = [("_template", TEMPLATE_REF), ("_page", str(page)), *(("_path", p) for p in path),
             ("_input", name), (name, text), *extra]  # fmt: skip
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(f"{SUGGEST}?{urlencode(query)}", **headers)


def values(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return re.findall(r'role="option" aria-selected="false" data-value="([^"]*)"',
                      response.content.decode())


def test_owner_suggestions_are_groups_prefix_matches_first(signed_in, org) -> None:
    response = ask(signed_in, ("owner",), "te", page=0)
    assert values(response) == ["group:default/team-a", "group:default/team-b"]
    html = response.content.decode()
    assert "<html" not in html and 'id="f-owner-suggestions"' in html
    assert 'id="f-owner-listbox" class="picker-listbox" role="listbox"' in html
    assert 'id="f-owner-listbox-0"' in html
    assert "Team A" in html and "team-a · Group · default" in html and "Builds the shop" in html
    assert "2 suggestions" in html


def test_prefix_matches_come_before_those_containing_the_text(signed_in, org) -> None:
    # the nested OwnerPicker takes groups and users: "infra" starts with "inf",
    # "platform-infra" (and its title) only contains it
    assert values(ask(signed_in, ("nested", "lead"), "inf")) == [
        "group:ops/infra", "group:default/platform-infra"]
    # titles and display names count: "Dev Eloper" is dev's display name
    assert values(ask(signed_in, ("nested", "lead"), "ELOP")) == ["user:default/dev"]


def test_each_group_is_in_the_order_of_the_text_that_matched(signed_in, org) -> None:
    # "Platform Builders" (team-b's display name) sorts before "Platform
    # infrastructure" (platform-infra's title), though the names sort the other way
    assert values(ask(signed_in, ("nested", "lead"), "plat")) == [
        "group:default/team-b", "group:default/platform-infra"]
    # an entity is listed once, at the first of its texts: team-a by its title "Team A"
    assert values(ask(signed_in, ("nested", "lead"), "team")) == [
        "group:default/team-a", "group:default/team-b"]


def test_one_or_two_letters_match_only_at_the_start(signed_in, org) -> None:
    assert values(ask(signed_in, ("nested", "lead"), "al")) == ["user:default/alice"]
    assert values(ask(signed_in, ("nested", "lead"), "ic")) == []
    assert values(ask(signed_in, ("nested", "lead"), "lic")) == ["user:default/alice"]


def test_the_catalog_filter_is_honoured(signed_in, org) -> None:
    assert values(ask(signed_in, ("system",), "", page=0)) == ["system:default/shop"]
    assert values(ask(signed_in, ("service",), "", page=0)) == [
        "component:default/checkout", "component:default/ledger", "resource:default/payments-db"]
    assert values(ask(signed_in, ("service",), "pay", page=0)) == [
        "resource:default/payments-db"]


def test_typed_kind_and_namespace_narrow_the_search(signed_in, org) -> None:
    assert values(ask(signed_in, ("nested", "lead"), "user:al")) == ["user:default/alice"]
    assert values(ask(signed_in, ("nested", "lead"), "ops/")) == ["group:ops/infra"]
    assert values(ask(signed_in, ("nested", "lead"), "group:default/team-a")) == [
        "group:default/team-a"]
    # a kind the field does not offer finds nothing (the owner field takes only groups)
    assert values(ask(signed_in, ("owner",), "user:al", page=0)) == []
    assert "No matches" in ask(signed_in, ("owner",), "user:al", page=0).content.decode()


def test_options_are_read_from_the_stored_template_not_the_request(signed_in, org) -> None:
    sneaky = (("ui:options", '{"catalogFilter": {"kind": "User"}}'),
              ("catalogFilter", "kind=User"), ("filter", "kind=user"))  # fmt: skip
    assert values(ask(signed_in, ("system",), "", page=0, extra=sneaky)) == [
        "system:default/shop"]


def test_owned_and_my_groups_follow_the_signed_in_user(signed_in, org) -> None:
    assert values(ask(signed_in, ("mine",))) == [
        "component:default/infra-tools", "component:default/ledger",
        "component:default/paywall-ui"]  # fmt: skip
    assert values(ask(signed_in, ("group",))) == ["group:ops/infra", "group:default/team-b"]


def test_list_pickers_complete_the_last_typed_item(signed_in, org) -> None:
    assert values(ask(signed_in, ("deps",), "checkout, led", input_name="deps.add")) == [
        "component:default/ledger"]
    html = ask(signed_in, ("tags",), "p", input_name="tags.add").content.decode()
    # tags of components only (the database's "postgres" is a Resource's), by count
    assert re.findall(r'data-value="([^"]*)"', html) == ["payments", "python"]
    assert 'payments <span class="count">2</span>' in html
    # from three letters on, tags that contain the text follow those that start with it
    html = ask(signed_in, ("tags",), "pyt, scr", input_name="tags.add").content.decode()
    assert re.findall(r'data-value="([^"]*)"', html) == ["typescript"]
    html = ask(signed_in, ("tags",), "", input_name="tags.add").content.decode()
    assert re.findall(r'data-value="([^"]*)"', html) == [
        "payments", "python", "c++", "java", "typescript"]


def test_fields_in_objects_and_dependency_branches_are_found(signed_in, org) -> None:
    assert values(ask(signed_in, ("other",), "team")) == [
        "group:default/team-a", "group:default/team-b"]


def test_fields_in_rows_of_an_array_are_found(signed_in, org) -> None:
    for row in ("0", "3", "__index__"):
        assert values(ask(signed_in, ("envs", row, "lead"), "team")) == [
            "group:default/team-a", "group:default/team-b"], row
    assert ask(signed_in, ("envs", "lead"), "team").status_code == 404


def test_titles_and_descriptions_are_escaped(signed_in, org) -> None:
    html = ask(signed_in, ("service",), "check", page=0).content.decode()
    assert "Checkout &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Takes the money &amp; &lt;b&gt;more&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>" not in html


def test_without_htmx_the_same_fragment_is_answered(signed_in, org) -> None:
    assert values(ask(signed_in, ("owner",), "te", page=0, htmx=False)) == [
        "group:default/team-a", "group:default/team-b"]


def test_malformed_template_options_are_shown_in_the_list(signed_in, org) -> None:
    html = ask(signed_in, ("broken",), "x").content.decode()
    assert 'class="picker-status error" role="alert"' in html
    assert "ui:options.catalogFilter: kind must be a string" in html


@pytest.mark.parametrize(("template", "page", "path", "why"), [
    ("template:default/nope", "0", ("owner",), "Template template:default/nope not found"),
    ("component:default/checkout", "0", ("owner",), "is not a template"),
    (TEMPLATE_REF, "7", ("owner",), "has no page 7"),
    (TEMPLATE_REF, "x", ("owner",), "the page must be a number"),
    (TEMPLATE_REF, "0", ("nope",), "the page has no property nope"),
    (TEMPLATE_REF, "0", (), "no property path given"),
    (TEMPLATE_REF, "1", ("nested", "nope"), "the page has no property nested.nope"),
    (TEMPLATE_REF, "0", ("plain",), "has no listbox"),
    (TEMPLATE_REF, "1", ("repoUrl",), "has no listbox"),
])  # fmt: skip
def test_unknown_templates_pages_and_fields_are_404(signed_in, org, settings, template, page,
                                                   path, why) -> None:  # fmt: skip
    settings.DEBUG = True  # the technical 404 page shows why
    query = [("_template", template), ("_page", page), *(("_path", p) for p in path)]
    response = signed_in.get(f"{SUGGEST}?{urlencode(query)}")
    assert response.status_code == 404
    assert why in response.content.decode()


def test_signing_in_is_required(client, org) -> None:
    response = ask(client, ("owner",), "te", page=0)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_suggestion_request_costs_a_fixed_number_of_queries(signed_in, org) -> None:
    ask(signed_in, ("service",), "che", page=0)  # the served-JSON cache holds them now
    with CaptureQueriesContext(connection) as queries:
        assert values(ask(signed_in, ("service",), "che", page=0))
    # session, user, template, the user's entity and groups, the prefix walk, the
    # contains walk; on PostgreSQL also the transaction that turns JIT off
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 7, reads


def test_the_repo_url_group_is_rerendered_for_another_host(signed_in, org) -> None:
    query = [("_template", TEMPLATE_REF), ("_page", "1"), ("_path", "repoUrl"),
             ("_name", "repoUrl"), ("repoUrl.host", "gitlab.com"), ("repoUrl.owner", "acme-labs"),
             ("repoUrl.repo", "web")]  # fmt: skip
    response = signed_in.get(f"{WIDGET}?{urlencode(query)}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="f-repoUrl-field"') and "<link" not in html
    assert '<option value="gitlab.com" selected>gitlab.com</option>' in html
    assert "GitLab namespace where this repository will belong to" in html
    assert '<option value="acme-labs" selected>acme-labs</option>' in html
    assert 'name="repoUrl.repo" type="text" value="web"' in html


def test_the_widget_endpoint_is_only_for_pickers(signed_in, org) -> None:
    query = [("_template", TEMPLATE_REF), ("_page", "0"), ("_path", "plain")]
    assert signed_in.get(f"{WIDGET}?{urlencode(query)}").status_code == 404
