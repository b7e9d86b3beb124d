"""app-config loading: files, merge order, ${VAR} substitution and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.conf import ConfigError, config_files, load_app_config
from portal.conf.appconfig import merge


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_substitutes_environment_variables_in_nested_values(tmp_path: Path) -> None:
    config = write(
        tmp_path / "a.yaml",
        """
app:
  title: ${TITLE} portal
integrations:
  github:
    - host: github.com
      token: ${GITHUB_TOKEN}
""",
    )
    loaded = load_app_config([config], {"TITLE": "Acme", "GITHUB_TOKEN": "ghp_x"})
    assert loaded["app"]["title"] == "Acme portal"
    assert loaded["integrations"]["github"][0]["token"] == "ghp_x"


def test_missing_variable_names_the_variable_the_file_and_the_key(tmp_path: Path) -> None:
    config = write(
        tmp_path / "app-config.yaml",
        """
auth:
  providers:
    github:
      development:
        clientId: abc
        clientSecret: ${AUTH_GITHUB_CLIENT_SECRET}
""",
    )
    with pytest.raises(ConfigError) as raised:
        load_app_config([config], {})
    message = str(raised.value)
    assert "AUTH_GITHUB_CLIENT_SECRET" in message
    assert "auth.providers.github.development.clientSecret" in message
    assert str(config) in message
    assert "\n" not in message


def test_double_dollar_escapes_a_literal_placeholder(tmp_path: Path) -> None:
    config = write(tmp_path / "a.yaml", "app:\n  title: Cost $${NOT_A_VAR}\n")
    assert load_app_config([config], {})["app"]["title"] == "Cost ${NOT_A_VAR}"


def test_later_files_override_earlier_ones_mappings_merge_lists_replace(tmp_path: Path) -> None:
    base = write(
        tmp_path / "app-config.yaml",
        """
app: {title: Base, baseUrl: "http://localhost:8000"}
catalog:
  locations:
    - {type: file, target: a.yaml}
    - {type: file, target: b.yaml}
""",
    )
    production = write(
        tmp_path / "app-config.production.yaml",
        """
app: {baseUrl: "https://portal.example.com"}
catalog:
  locations:
    - {type: url, target: "https://example.com/c.yaml"}
""",
    )
    loaded = load_app_config([base, production], {})
    assert loaded["app"] == {"title": "Base", "baseUrl": "https://portal.example.com"}
    assert loaded["catalog"]["locations"] == [
        {"type": "url", "target": "https://example.com/c.yaml"}
    ]


def test_malformed_yaml_reports_file_line_and_column(tmp_path: Path) -> None:
    config = write(tmp_path / "app-config.yaml", "app:\n  title: ok\n  baseUrl: [unclosed\n")
    with pytest.raises(ConfigError) as raised:
        load_app_config([config], {})
    assert str(raised.value).startswith(f"{config}:")
    assert "malformed YAML" in str(raised.value)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    config = write(tmp_path / "app-config.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_app_config([config], {})


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("app: {baseUrl: 'ftp://x'}", "app.baseUrl: must be an http(s) URL"),
        ("catalog: {locations: [{type: file}]}", "catalog.locations[0]: 'target' is required"),
        ("catalog: {locations: {type: file}}", "catalog.locations: must be of type array"),
        ("backend: {database: {client: mysql}}", "backend.database.client: must be one of"),
        ("techdocs: {builder: cloud}", "techdocs.builder: must be one of"),
        ("scaffolder: {lenientInputs: 'no'}", "scaffolder.lenientInputs: must be of type boolean"),
        ("scaffolder: {taskStaleTimeout: soon}",
         "scaffolder.taskStaleTimeout: must be a duration (seconds, '90s', '5m', or"),
        ("scaffolder: {defaultEnvironment: {secrets: {t: [1]}}}",
         "scaffolder.defaultEnvironment.secrets.t: must be of type string"),
        ("integrations: {gitlab: [{token: t}]}", "integrations.gitlab[0]: 'host' is required"),
        ("argocd: {appLocatorMethods: [{type: config, instances: [{name: main}]}]}",
         "argocd.appLocatorMethods[0].instances[0]: 'url' is required"),
        ("argocd: {appLocatorMethods: [{instances: [{name: m, url: argocd.local}]}]}",
         "argocd.appLocatorMethods[0].instances[0].url: "),
        (
            "auth: {providers: {github: {development: {clientId: x}}}}",
            "auth.providers.github.development: 'clientSecret' is required",
        ),
        ("auth: {signIn: {usersWithoutEntity: maybe}}",
         "auth.signIn.usersWithoutEntity: must be one of 'allow', 'refuse', not 'maybe'"),
        ("catalog: {providers: {githubOrg: {orgs: [a]}}}",
         "catalog.providers.githubOrg: 'githubUrl' is required"),
        ("catalog: {providers: {githubOrg: [{githubUrl: x, orgs: [a]}]}}",
         "catalog.providers.githubOrg[0].githubUrl: must be an http(s) URL"),
        ("catalog: {providers: {github: {prod: {catalogPath: /x.yaml}}}}",
         "catalog.providers.github.prod: 'organization' is required"),
        ("catalog: {providers: {github: {organization: a, filters: {repository: '(['}}}}",
         "catalog.providers.github.filters.repository: must be a valid regex, not '(['"),
        ("catalog: {providers: {github: {o: {organization: a, filters: {visibility: [secret]}}}}}",
         "catalog.providers.github.o.filters.visibility[0]: must be one of"),
        ("integrations: {github: [{host: github.com, apps: [{appId: 1}]}]}",
         "integrations.github[0].apps[0]: 'privateKey' is required"),
        ("permission: {defaultRole: boss}", "permission.defaultRole: must be one of 'viewer'"),
        ("permission: {roles: {admin: [user:x]}}", "permission.roles: must be one of 'viewer'"),
        ("permission: {rules: [{permission: catalog.entity.reed}]}",
         "permission.rules[0].permission: must be one of 'catalog.entity.read'"),
        ("permission: {rules: [{permission: techdocs.read, when: {kinds: [a]}}]}",
         "permission.rules[0].when: Additional properties are not allowed ('kinds'"),
    ],
)
def test_wrong_values_on_known_keys_are_reported_by_dotted_key(
    tmp_path: Path, yaml_text: str, expected: str
) -> None:
    config = write(tmp_path / "app-config.yaml", yaml_text)
    with pytest.raises(ConfigError) as raised:
        load_app_config([config], {})
    assert expected in str(raised.value)


def test_unknown_keys_from_a_backstage_config_are_accepted(tmp_path: Path) -> None:
    config = write(
        tmp_path / "app-config.yaml",
        """
app: {title: Portal, support: {url: "https://x"}}
proxy: {endpoints: {"/pagerduty": {target: "https://api.pagerduty.com"}}}
kubernetes: {clusterLocatorMethods: []}
""",
    )
    assert load_app_config([config], {})["proxy"]["endpoints"]


def test_greenroom_config_lists_files_in_merge_order(tmp_path: Path) -> None:
    first = write(tmp_path / "one.yaml", "app: {title: One}")
    second = write(tmp_path / "two.yaml", "app: {title: Two}")
    paths = config_files({"GREENROOM_CONFIG": f"{first}:{second}"}, tmp_path)
    assert paths == [first, second]
    assert load_app_config(paths, {})["app"]["title"] == "Two"


def test_greenroom_config_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist: .*nope\.yaml"):
        config_files({"GREENROOM_CONFIG": str(tmp_path / "nope.yaml")}, tmp_path)


def test_default_files_are_app_config_then_local_override(tmp_path: Path) -> None:
    assert config_files({}, tmp_path) == []
    main = write(tmp_path / "app-config.yaml", "{}")
    local = write(tmp_path / "app-config.local.yaml", "{}")
    assert config_files({}, tmp_path) == [main, local]


def test_merge_does_not_modify_its_inputs() -> None:
    base = {"a": {"b": 1}}
    merge(base, {"a": {"c": 2}})
    assert base == {"a": {"b": 1}}
