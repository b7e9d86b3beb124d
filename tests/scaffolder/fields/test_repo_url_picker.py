"""RepoUrlPicker against the anchor's table: the stored ``host?owner=…&repo=…`` string
exactly as Backstage serialises it, hosts from ``allowedHosts`` that have an
integration, owner/repo selects from the allowed lists (first preselected), the parts
each provider requires, values outside the allowed lists refused, and what happens
to ``requestUserCredentials``."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from scaffolder.fields import MISSING, field_extension
from scaffolder.fields.base import FieldContext
from scaffolder.fields.repo_location import parse_location, serialize_location
from scaffolder.templating.backstage import parse_repo_url
from tests.scaffolder.fields.conftest import DEV, TEMPLATE_REF, make_field, posted

PICKER = field_extension("RepoUrlPicker")
CONTEXT = FieldContext(None, DEV, template_ref=TEMPLATE_REF)
INTEGRATIONS = {
    "github": [{"host": "ghe.example.com", "token": "t"}],
    "gitlab": [{"host": "gitlab.example.com"}],
    "bitbucketServer": [{"host": "bitbucket.example.com"}],
    "gerrit": [{"host": "gerrit.example.com"}],
    "gitea": [{"host": "gitea.example.com"}],
}


@pytest.fixture(autouse=True)
def integrations(settings) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "integrations": INTEGRATIONS}


def parts(**values: str):
    return [(f"f.{name}", value) for name, value in values.items()]


# Stored value ----------------------------------------------------------------------------
def test_the_value_is_serialised_as_serialize_repo_picker_url() -> None:
    field = make_field("RepoUrlPicker")
    data = posted(*parts(host="github.com", repo="web", owner="acme", project=""))
    assert PICKER.read(data, field) == "github.com?owner=acme&repo=web"
    data = posted(*parts(host="dev.azure.com", project="Core", organization="org", repo="r"))
    assert PICKER.read(data, field) == "dev.azure.com?repo=r&organization=org&project=Core"


def test_parts_are_encoded_as_url_search_params_encodes_them() -> None:
    assert serialize_location("h", {"owner": "a b/c~d*e.f-g_h", "repo": "é&="}) == (
        "h?owner=a+b%2Fc%7Ed*e.f-g_h&repo=%C3%A9%26%3D")
    location = parse_location("h?owner=a+b%2Fc%7Ed*e.f-g_h&repo=%C3%A9%26%3D&owner=second")
    assert (location.part("owner"), location.part("repo")) == ("a b/c~d*e.f-g_h", "é&=")


def test_the_stored_value_reads_back_with_parse_repo_url() -> None:
    value = PICKER.read(posted(*parts(host="github.com", owner="acme", repo="my web")),
                        make_field("RepoUrlPicker"))  # fmt: skip
    assert parse_repo_url(value) == {"host": "github.com", "owner": "acme", "repo": "my web"}


def test_no_host_is_an_empty_answer() -> None:
    field = make_field("RepoUrlPicker")
    assert PICKER.read(posted(*parts(host="", owner="acme")), field) == ""
    assert PICKER.read(posted(("f", "x")), field) is MISSING


# Hosts ---------------------------------------------------------------------------------
def test_hosts_are_the_allowed_ones_with_an_integration_in_order() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["nowhere.example", "gitlab.com",
                                                         "github.com"]})  # fmt: skip
    view = PICKER.picker_view(field, CONTEXT)
    assert (view.hosts, view.host) == (("gitlab.com", "github.com"), "gitlab.com")


def test_without_allowed_hosts_every_integration_is_offered() -> None:
    view = PICKER.picker_view(make_field("RepoUrlPicker"), CONTEXT)
    assert {"github.com", "gitlab.com", "bitbucket.org", "dev.azure.com", "ghe.example.com",
            "gerrit.example.com"} <= set(view.hosts)  # fmt: skip


def test_a_host_outside_the_allowed_ones_is_refused() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["github.com"]})
    assert PICKER.check("evil.example?owner=a&repo=b", field, CONTEXT) == [
        'Host "evil.example" is not allowed here; choose one of: github.com']
    assert PICKER.check("ghe.example.com?owner=a&repo=b", field, CONTEXT) != []
    field = make_field("RepoUrlPicker", {"allowedHosts": ["nowhere.example"]})
    assert PICKER.check("nowhere.example?owner=a&repo=b", field, CONTEXT) == [
        "No integration is configured for nowhere.example"]
    assert PICKER.picker_view(field, CONTEXT).error == (
        "None of this field's allowed hosts has an integration configured under integrations "
        "in app-config")


# Required parts per provider ---------------------------------------------------------
@pytest.mark.parametrize(("value", "missing"), [
    ("github.com?owner=acme&repo=web", []),
    ("github.com?repo=web", ["owner"]),
    ("github.com?owner=acme", ["repo"]),
    ("gitlab.com?owner=&repo=", ["owner", "repo"]),
    ("gitea.example.com?repo=r", ["owner"]),
    ("bitbucket.org?repo=r&workspace=w&project=p", []),
    ("bitbucket.org?owner=o&repo=r", ["workspace", "project"]),
    ("bitbucket.example.com?repo=r&project=p", []),
    ("bitbucket.example.com?owner=o&repo=r", ["project"]),
    ("dev.azure.com?repo=r&organization=o&project=p", []),
    ("dev.azure.com?repo=r&owner=o", ["project"]),
    ("gerrit.example.com?repo=r", []),
    ("gerrit.example.com?owner=o", ["repo"]),
])  # fmt: skip
def test_each_provider_requires_its_parts(value, missing) -> None:
    assert PICKER.check(value, make_field("RepoUrlPicker"), CONTEXT) == [
        f"Incomplete repository location provided, {name} not provided" for name in missing]


@pytest.mark.parametrize(("value", "message"), [
    ("?owner=a&repo=b", "Incomplete repository location provided, host not provided"),
    ("github.com:99999?owner=a&repo=b", "Unable to parse the Repository URL: Port out of "
                                        "range 0-65535"),
    ("git hub.com?owner=a&repo=b", "Unable to parse the Repository URL"),
    (["github.com"], "Must be a repository location such as github.com?owner=acme&repo=web"),
])  # fmt: skip
def test_unreadable_values_are_explained(value, message) -> None:
    assert PICKER.check(value, make_field("RepoUrlPicker"), CONTEXT) == [message]


# Allowed lists ---------------------------------------------------------------------------
def test_allowed_owners_is_a_select_with_the_first_preselected() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["github.com"],
                                         "allowedOwners": ["acme", "acme-labs"]})  # fmt: skip
    owner, repo = PICKER.picker_view(field, CONTEXT).inputs
    assert (owner.name, owner.choices, owner.value, owner.required) == (
        "owner", ("acme", "acme-labs"), "acme", True)
    assert (repo.name, repo.choices, repo.value) == ("repo", (), "")
    assert PICKER.check("github.com?owner=evil&repo=web", field, CONTEXT) == [
        'Owner "evil" is not allowed here; choose one of: acme, acme-labs']


def test_allowed_repos_organizations_and_projects() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["dev.azure.com"],
                                         "allowedOrganizations": ["org-a"],
                                         "allowedProjects": ["core", "edge"],
                                         "allowedRepos": ["api", "web"]})  # fmt: skip
    inputs = PICKER.picker_view(field, CONTEXT).inputs
    assert [(i.name, i.choices, i.value) for i in inputs] == [
        ("organization", ("org-a",), "org-a"), ("project", ("core", "edge"), "core"),
        ("repo", ("api", "web"), "api")]  # fmt: skip
    value = "dev.azure.com?repo=cli&organization=org-b&project=edge"
    assert PICKER.check(value, field, CONTEXT) == [
        'Repository "cli" is not allowed here; choose one of: api, web',
        'Organization "org-b" is not allowed here; choose one of: org-a']


def test_on_bitbucket_cloud_allowed_owners_are_the_workspaces() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["bitbucket.org"],
                                         "allowedOwners": ["team-ws"]})  # fmt: skip
    inputs = PICKER.picker_view(field, CONTEXT).inputs
    assert [(i.name, i.label, i.choices) for i in inputs] == [
        ("workspace", "Workspace", ("team-ws",)), ("project", "Project", ()),
        ("repo", "Repository", ())]  # fmt: skip
    assert PICKER.check("bitbucket.org?repo=r&workspace=other&project=p", field, CONTEXT) == [
        'Workspace "other" is not allowed here; choose one of: team-ws']


def test_gerrit_asks_for_an_optional_owner_and_the_parent() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["gerrit.example.com"]})
    inputs = PICKER.picker_view(field, CONTEXT).inputs
    assert [(i.name, i.label, i.required) for i in inputs] == [
        ("owner", "Owner", False), ("workspace", "Parent", False), ("repo", "Repository", True)]


def test_labels_and_descriptions_can_be_replaced() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["gitlab.com"], "ownerLabel": "Group",
                                         "ownerDescription": "Your GitLab group",
                                         "repoLabel": "Project name"})  # fmt: skip
    owner, repo = PICKER.picker_view(field, CONTEXT).inputs
    assert (owner.label, owner.help) == ("Group", "Your GitLab group")
    assert (repo.label, repo.help) == ("Project name", "The name of the repository")


def test_the_value_fills_the_inputs() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["github.com", "gitlab.com"]},
                       value="gitlab.com?owner=grp&repo=svc")  # fmt: skip
    view = PICKER.picker_view(field, CONTEXT)
    assert view.host == "gitlab.com"
    assert [(i.html_name, i.value) for i in view.inputs] == [("f.owner", "grp"),
                                                            ("f.repo", "svc")]
    assert dict(parse_qsl(view.widget_url.split("?", 1)[1]))["_name"] == "f"


@pytest.mark.parametrize(("options", "message"), [
    ({"allowedHosts": "github.com"}, "ui:options.allowedHosts must be a list of names"),
    ({"allowedOwners": [""]}, "ui:options.allowedOwners must be a list of names"),
    ({"requestUserCredentials": {"additionalScopes": {}}},
     "ui:options.requestUserCredentials needs a secretsKey, e.g. {secretsKey: USER_OAUTH_TOKEN}"),
])  # fmt: skip
def test_malformed_options_are_explained(options, message) -> None:
    field = make_field("RepoUrlPicker", options)
    expected = f"This field's template options are invalid: {message}"
    assert PICKER.check("github.com?owner=a&repo=b", field, CONTEXT) == [expected]
    assert PICKER.picker_view(field, CONTEXT).error == expected


# requestUserCredentials ------------------------------------------------------------------
def test_request_user_credentials_says_the_integration_token_is_used() -> None:
    field = make_field("RepoUrlPicker", {"allowedHosts": ["ghe.example.com"],
                                         "requestUserCredentials": {"secretsKey": "TOKEN"}})
    note = PICKER.picker_view(field, CONTEXT).credentials_note
    assert note == (
        "This template asks for your own ghe.example.com credentials (the secret TOKEN). "
        "Signing in to Greenroom does not give it a token that may write repositories, so "
        "none is sent: the template's steps use the token configured for ghe.example.com "
        "under integrations in app-config.")
    field = make_field("RepoUrlPicker", {"allowedHosts": ["gitlab.com"],
                                         "requestUserCredentials": {"secretsKey": "TOKEN"}})
    assert PICKER.picker_view(field, CONTEXT).credentials_note.endswith(
        "No token is configured for gitlab.com, so creating the repository will fail.")
    assert PICKER.picker_view(make_field("RepoUrlPicker"), CONTEXT).credentials_note == ""
