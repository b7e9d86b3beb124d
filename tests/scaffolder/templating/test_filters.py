"""nunjucks' built-in filters and Backstage's own (anchor §2.1, §2.4).

Rows marked "engine" were checked against nunjitsu 0.7.0 with Backstage 4.3.0's
default filters and an integrations config with the hosts of INTEGRATIONS below.
"""

import pytest

from scaffolder.templating import UNDEFINED, TemplateRenderError, render_text, render_value

INTEGRATIONS = [
    {"host": "github.com", "type": "github"},
    {"host": "gitlab.com", "type": "gitlab"},
    {"host": "bitbucket.org", "type": "bitbucketCloud"},
    {"host": "bitbucket.example.com", "type": "bitbucketServer"},
    {"host": "dev.azure.com", "type": "azure"},
    {"host": "gitea.example.com", "type": "gitea"},
    {"host": "gerrit.example.com", "type": "gerrit"},
]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${{ 'aaa' | replace('a', 'b') }}", "bbb"),
        ("${{ 'aaa' | replace('a', 'b', 2) }}", "bba"),
        ("${{ 'abc' | replace('', '-') }}", "-a-b-c-"),
        ("${{ 'aXa' | replace(r/a/g, 'b') }}", "bXb"),
        ("${{ {z: 1, a: 2} | length }}", 2),
        ("${{ x | length }}", 0),
        ("${{ '' | default('d', true) }}", "d"),
        ("${{ null | default('d') }}", None),
        ("${{ '42' | int }}", 42),
        ("${{ '4.7' | int }}", 4),
        ("${{ 'x' | int(5) }}", 5),
        ("${{ '4.5' | float }}", 4.5),
        ("${{ 'a' | float }}", UNDEFINED),
        ("${{ ['b', 'a'] | sort }}", ["a", "b"]),
        ("${{ ['b', 'a'] | reverse }}", ["a", "b"]),
        ("${{ 'abc' | reverse }}", "cba"),
        ("${{ ['b', 'a'] | first }}", "b"),
        ("${{ ['b', 'a'] | last }}", "a"),
        ("${{ ['b', 'a'] | join('-') }}", "b-a"),
        ("${{ 'abcdefghij' | truncate(5) }}", "abcde..."),
        ("${{ 'hello world foo' | truncate(9) }}", "hello..."),
        ("${{ 'hello world foo' | truncate(9, true) }}", "hello wor..."),
        ("${{ 'hello world foo' | truncate(9, false, '!') }}", "hello!"),
        ("${{ 'a b c' | wordcount }}", 3),
        ("${{ 'a&b c' | urlencode }}", "a%26b%20c"),
        ("${{ {a: 'x y', b: 1} | urlencode }}", "a=x%20y&b=1"),
        ("${{ 'a\\nb' | indent(2) }}", "a\n  b"),
        ("${{ 'a\\nb' | indent(2, true) }}", "  a\n  b"),
        ("${{ 'abc' | list }}", ["a", "b", "c"]),
        ("${{ [1, 0, 2] | select }}", [1, 2]),
        ("${{ [1, 0, 2] | reject }}", [0]),
        ("${{ [1, 2, 3] | select('odd') }}", [1, 3]),
        ("${{ [{a: 1}, {a: 0}] | selectattr('a') }}", [{"a": 1}]),
        ("${{ [{a: 1}, {a: 0}] | rejectattr('a') }}", [{"a": 0}]),
        ("${{ 'aBC dEF' | capitalize }}", "Abc def"),
        ("${{ 'a-b_c d' | title }}", "A-b_c D"),
        ("${{ 'AB' | lower }}", "ab"),
        ("${{ 'x' | upper }}", "X"),
        ("${{ ' x ' | trim }}", "x"),
        ("${{ [1, 2] | sum }}", 3),
        ("${{ 'abc' | center(7) }}", "  abc  "),
        ("${{ 1.555 | round(2) }}", 1.56),
        ("${{ -3 | abs }}", 3),
        ("${{ {b: 1, a: 2} | dictsort }}", [["a", 2], ["b", 1]]),
        ("${{ [1, 2, 3, 4] | batch(3) }}", [[1, 2, 3], [4]]),
        (
            "${{ [{a: 1}, {a: 1}, {a: 2}] | groupby('a') }}",
            {"1": [{"a": 1}, {"a": 1}], "2": [{"a": 2}]},
        ),
        ("${{ '<a>' | escape }}", "&lt;a&gt;"),
        ("${{ 1 | string }}", "1"),
        ("${{ 'a <b>' | striptags }}", "a"),
    ],
)
def test_nunjucks_filters(template, expected) -> None:  # engine
    assert render_value(template, {}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"z": 1, "a": [1, "é"]}, '{"z":1,"a":[1,"é"]}'),
        ("é", '"é"'),
        ("<b>&", '"<b>&"'),  # not Jinja's HTML-escaping tojson
        (171.0, "171"),
        ([None, True], "[null,true]"),
    ],
)
def test_dump_is_compact_json_stringify(value, expected) -> None:
    assert render_text("${{ v | dump }}", {"v": value}) == expected


def test_dump_with_indent_and_undefined_members() -> None:
    assert render_text("${{ {a: 1, b: x} | dump(2) }}", {}) == '{\n  "a": 1\n}'
    assert render_text("${{ [x] | dump }}", {}) == "[null]"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("github.com?owner=o&repo=r", {"host": "github.com", "owner": "o", "repo": "r"}),
        ("github.com?owner=/o/&repo=r/", {"host": "github.com", "owner": "o", "repo": "r"}),
        ("gitlab.com?owner=o&project=p", {"host": "gitlab.com", "owner": "o", "project": "p"}),
        ("gitlab.com?project=p", {"host": "gitlab.com", "project": "p"}),
        (
            "bitbucket.org?workspace=w&project=p&repo=r",
            {"host": "bitbucket.org", "repo": "r", "workspace": "w", "project": "p"},
        ),
        (
            "bitbucket.example.com?project=p&repo=r",
            {"host": "bitbucket.example.com", "repo": "r", "project": "p"},
        ),
        (
            "dev.azure.com?organization=org&project=p&repo=r&owner=x",
            {
                "host": "dev.azure.com",
                "owner": "x",
                "repo": "r",
                "organization": "org",
                "project": "p",
            },
        ),
        ("gitea.example.com?repo=r", {"host": "gitea.example.com", "repo": "r"}),
    ],
)
def test_parse_repo_url_with_integrations(url, expected) -> None:  # engine
    context = {"u": url, "__integrations__": INTEGRATIONS}
    result = render_value("${{ u | parseRepoUrl }}", context)
    assert result == expected
    assert list(result) == list(expected)  # same key order as Backstage


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("github.com?repo=r", "missing owner"),
        ("gitlab.com?repo=r", "missing owner"),
        ("bitbucket.org?workspace=w&repo=r", "missing project"),
        ("gitea.example.com?owner=o", "missing repo"),
        (
            "unknown.com?owner=o&repo=r",
            "No matching integration configuration for host unknown.com",
        ),
    ],
)
def test_parse_repo_url_errors(url, message) -> None:  # engine: unrendered in step inputs
    context = {"u": url, "__integrations__": INTEGRATIONS}
    assert render_value("${{ u | parseRepoUrl }}", context) == "${{ u | parseRepoUrl }}"
    with pytest.raises(TemplateRenderError, match=message):
        render_text("${{ u | parseRepoUrl }}", context)


def test_parse_repo_url_without_integrations_accepts_any_host_as_github() -> None:
    assert render_value("${{ 'git.corp?owner=o&repo=r' | parseRepoUrl }}", {}) == {
        "host": "git.corp",
        "owner": "o",
        "repo": "r",
    }
    assert render_value("${{ 'git.corp?project=p' | parseRepoUrl }}", {}) == (
        "${{ 'git.corp?project=p' | parseRepoUrl }}"
    )


def test_integrations_may_be_a_host_to_type_mapping() -> None:
    context = {"__integrations__": {"gitlab.corp": "gitlab"}}
    assert render_value("${{ 'gitlab.corp?project=p' | parseRepoUrl }}", context) == {
        "host": "gitlab.corp",
        "project": "p",
    }


def test_project_slug() -> None:  # engine
    assert render_value("${{ 'github.com?owner=o&repo=r' | projectSlug }}", {}) == "o/r"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "${{ 'user:default/jdoe' | parseEntityRef }}",
            {"kind": "user", "namespace": "default", "name": "jdoe"},
        ),
        (
            "${{ 'jdoe' | parseEntityRef({defaultKind: 'User'}) }}",
            {"kind": "User", "namespace": "default", "name": "jdoe"},
        ),
        (
            "${{ 'System:ns/Platform' | parseEntityRef({defaultKind: 'g', defaultNamespace: 'x'}) }}",  # noqa: E501
            {"kind": "System", "namespace": "ns", "name": "Platform"},
        ),
        (
            "${{ 'team' | parseEntityRef({defaultKind: 'group', defaultNamespace: 'ops'}) }}",
            {"kind": "group", "namespace": "ops", "name": "team"},
        ),
        ("${{ 'system:platform' | parseEntityRef | pick('name') }}", "platform"),
        ("${{ 'jdoe' | parseEntityRef }}", "${{ 'jdoe' | parseEntityRef }}"),
        ("${{ 'a:' | parseEntityRef }}", "${{ 'a:' | parseEntityRef }}"),
        ("${{ '' | parseEntityRef }}", "${{ '' | parseEntityRef }}"),
    ],
)
def test_parse_entity_ref(template, expected) -> None:  # engine for the first, fifth, sixth
    assert render_value(template, {}) == expected


def test_parse_entity_ref_error_message() -> None:
    with pytest.raises(TemplateRenderError, match="missing or empty kind"):
        render_text("${{ 'platform-team' | parseEntityRef }}", {})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.1", "é"),
        ("q", UNDEFINED),
        ("a[0]", 1),
        ("z", 1),
        ("a.5", UNDEFINED),
        ("z.x.y", UNDEFINED),
    ],
)
def test_pick(path, expected) -> None:  # engine for the first two
    context = {"o": {"z": 1, "a": [1, "é"]}, "p": path}
    assert render_value("${{ o | pick(p) }}", context) == expected


def test_jsonify_only_exists_in_cookiecutter_mode() -> None:
    assert (
        render_text(
            "{{ cookiecutter.x | jsonify }}", {"cookiecutter": {"x": "a"}}, cookiecutter=True
        )
        == '"a"'
    )
    with pytest.raises(TemplateRenderError, match="jsonify"):
        render_text("${{ values.x | jsonify }}", {"values": {"x": "a"}})
