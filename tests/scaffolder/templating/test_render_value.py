"""Step inputs, ``if``, ``each`` and ``output`` rendering (anchor §2.2, §8.2 points 1-9).

Expectations marked "engine" were checked against nunjitsu 0.7.0, the interpreter of
Backstage scaffolder-backend 4.3.0; the others restate the anchor.
"""

import math

import pytest

from scaffolder.templating import UNDEFINED, TemplateRenderError, is_truthy, render_value

CONTEXT = {
    "parameters": {
        "count": 3,
        "flag": False,
        "price": 85.5,
        "tags": ["metrics", "tracing"],
        "empty": [],
        "zip": "42",
        "version": "3.12",
        "repoUrl": "github.com?owner=acme&repo=payments",
        "owner": "group:default/platform",
        "name": "payments",
    },
    "steps": {"fetch-base": {"output": {"path": "base"}}},
    "user": {"ref": "user:default/jdoe", "entity": {"spec": {"profile": {"email": "j@x.io"}}}},
    "context": {"task": {"id": "t-1"}},
}


def render(template):
    return render_value(template, CONTEXT)


# §8.2.1: a lone expression keeps its JSON type (engine).
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${{ parameters.count }}", 3),
        ("${{ parameters.flag }}", False),
        ("${{ parameters.price }}", 85.5),
        ("${{ parameters.price * 2 }}", 171),
        ("${{ parameters.tags }}", ["metrics", "tracing"]),
        ("${{ parameters.zip }}", "42"),
        ("${{ parameters.version }}", "3.12"),
        ("${{ parameters.tags | length > 0 }}", True),
        (
            "${{ parameters.repoUrl | parseRepoUrl }}",
            {"host": "github.com", "owner": "acme", "repo": "payments"},
        ),
        ("{% if parameters.count > 2 %}true{% else %}false{% endif %}", True),
        ("{% if parameters.flag %}true{% else %}false{% endif %}", False),
        ("{% if true %} 12 {% endif %}", 12),
        ("{% if true %}[1, 2]{% endif %}", [1, 2]),
        ("{% if true %}abc{% endif %}", "abc"),
        ("${{ null }}", None),
        ("${{ {a: 1, b: [true]} }}", {"a": 1, "b": [True]}),
        ("${{ steps['fetch-base'].output.path }}", "base"),
        ("${{ user.entity.spec.profile.email }}", "j@x.io"),
    ],
)
def test_lone_expression_keeps_its_type(template, expected) -> None:
    result = render(template)
    assert result == expected
    assert type(result) is type(expected)


def test_integral_results_are_ints_not_floats() -> None:
    assert repr(render("${{ parameters.price * 2 }}")) == "171"
    assert repr(render("${{ 3 / 2 * 2 }}")) == "3"
    assert render("${{ 1 / 3 }}") == pytest.approx(1 / 3)


# §8.2.2: undefined drops the key; "" and a bare ternary stay "" (engine).
@pytest.mark.parametrize(
    "template",
    [
        "${{ parameters.missing }}",
        "${{ parameters.missing.deep.er }}",
        "{% if false %}x{% endif %}",
        "{% if parameters.flag %}yes{% endif %}",
        "${{ x.y | dump }}",
        "${{ 'x' | int }}",
    ],
)
def test_undefined_result_drops_the_key(template) -> None:
    assert render_value({"keep": 1, "gone": template}, CONTEXT) == {"keep": 1}
    assert render(template) is UNDEFINED


@pytest.mark.parametrize("template", ['${{ "" }}', "${{ 'x' if false }}", "${{ x | default('') }}"])
def test_empty_string_is_kept(template) -> None:
    assert render_value({"k": template}, CONTEXT) == {"k": ""}


@pytest.mark.parametrize("template", ["${{ x + 1 }}", "${{ each.key | int + 1 }}", "${{ 1 / 0 }}"])
def test_nan_and_infinity_become_null(template) -> None:
    assert render_value({"k": template}, CONTEXT) == {"k": None}


def test_undefined_inside_a_list_becomes_null() -> None:
    # JSON.stringify writes the hole the reviver leaves in an array as null.
    assert render_value(["${{ parameters.missing }}", "a"], CONTEXT) == [None, "a"]
    assert render("${{ [x, 1] }}") == [None, 1]  # engine
    assert render("${{ {a: x, b: 1} }}") == {"b": 1}  # engine


# §8.2.3: mixed strings use JS ToString (engine).
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("n=${{ parameters.count }}", "n=3"),
        (" ${{ parameters.count }} ", " 3 "),
        ("${{ parameters.count }}${{ parameters.count }}", "33"),
        ("${{ parameters.flag }}!", "false!"),
        ("${{ parameters.tags }}!", "metrics,tracing!"),
        ("${{ parameters.empty }}!", "!"),
        ("${{ parameters }}!", "[object Object]!"),
        ("${{ parameters.missing }}!", "!"),
        ("${{ parameters.missing + '-suffix' }}", "undefined-suffix"),
        ("a${{ parameters.missing * 2 }}", "aNaN"),
        ("${{ null }}!", "!"),
        ("false", "false"),
        ("${{ parameters.price * 2 }} items", "171 items"),
    ],
)
def test_mixed_strings_use_js_tostring(template, expected) -> None:
    assert render(template) == expected


# §8.2.4: any error keeps the whole original string (engine).
@pytest.mark.parametrize(
    "template",
    [
        "${{ 'x' | nosuch }}",
        "${{ 'platform-team' | parseEntityRef }}",
        "${{ 'platform-team' | parseEntityRef }} ok ${{ parameters.count }}",
        "${{ parameters.missing.toUpperCase() }}",
        "${{ nothing() }}",
        "${{ parameters.count }",
        "{% if %}",
        "${{ 'github.com?repo=r' | parseRepoUrl }}",
        "echo ${#arr[@]}",
    ],
)
def test_render_errors_leave_the_string_unrendered(template) -> None:
    assert render(template) == template
    assert render_value({"k": [template]}, CONTEXT) == {"k": [template]}


def test_render_value_never_raises_template_errors() -> None:
    try:
        render_value({"a": "${{ ''.__class__.__mro__[1].__subclasses__() }}"}, CONTEXT)
    except TemplateRenderError:  # pragma: no cover - the point of the test
        pytest.fail("render_value raised")


def test_keys_are_not_rendered_and_trees_are_walked() -> None:
    value = {"${{ parameters.name }}": {"list": ["${{ parameters.count }}", 2, None, True]}}
    assert render_value(value, CONTEXT) == {"${{ parameters.name }}": {"list": [3, 2, None, True]}}


def test_non_string_leaves_pass_through() -> None:
    assert render_value(5, CONTEXT) == 5
    assert render_value(None, CONTEXT) is None
    assert render_value([1.5, False], CONTEXT) == [1.5, False]


# §8.2.5: JS semantics and filters as measured (engine).
@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("${{ each.key + 1 }}", {"each": {"key": "0"}}, "01"),
        ("${{ each.value }}", {"each": {"key": "0", "value": {"a": 1}}}, {"a": 1}),
        ("${{ parameters.price == '85.5' }}", CONTEXT, True),
        ("${{ parameters.price === '85.5' }}", CONTEXT, False),
        ("${{ 'metrics' in parameters.tags }}", CONTEXT, True),
        ("${{ parameters.name.toUpperCase() }}", CONTEXT, "PAYMENTS"),
        ("${{ parameters.tags.length }}", CONTEXT, 2),
        ("${{ parameters.name.length }}", CONTEXT, 8),
        ("${{ parameters | length }}", {"parameters": {"a": 1, "b": 2}}, 2),
        ("${{ '' | default('d') }}", {}, ""),
        ("${{ x | default('d') }}", {}, "d"),
        ("${{ {b: 1, a: 'é'} | dump }}", {}, '{"b":1,"a":"é"}'),
        ("${{ 'payments-handbook' | title }}", {}, "Payments-handbook"),
        ("${{ 'payments handbook' | title }}", {}, "Payments Handbook"),
        ("${{ parameters.owner | parseEntityRef | pick('name') }}", CONTEXT, "platform"),
        (
            "${{ 'system:platform' | parseEntityRef }}",
            {},
            {"kind": "system", "namespace": "default", "name": "platform"},
        ),
        (
            "${{ 'platform' | parseEntityRef({defaultKind: 'System'}) }}",
            {},
            {"kind": "System", "namespace": "default", "name": "platform"},
        ),
    ],
)
def test_js_semantics_in_step_inputs(template, context, expected) -> None:
    assert render_value(template, context) == expected


def test_status_globals_come_from_the_context() -> None:
    calls = []

    def always():
        calls.append("always")
        return True

    context = {"always": always, "failure": lambda: False}
    assert render_value("${{ always() }}", context) is True
    assert render_value("${{ failure() }}", context) is False
    assert render_value("${{ always() and not failure() }}", context) is True
    assert calls == ["always", "always"]
    assert render_value("${{ always() }}", {}) == "${{ always() }}"  # no globals of our own


# §8.2.6: `if` truthiness is JS, except [] is false.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("false", True),
        ("", False),
        ("0", True),
        (0, False),
        (0.0, False),
        (1, True),
        (math.nan, False),
        (None, False),
        (UNDEFINED, False),
        ([], False),
        ([0], True),
        ({}, True),
        ({"a": 1}, True),
    ],
)
def test_is_truthy(value, expected) -> None:
    assert is_truthy(value) is expected


def test_if_strings_render_before_the_truthiness_test() -> None:
    assert is_truthy(render_value("${{ parameters.flag }}", CONTEXT)) is False
    assert is_truthy(render_value("${{ parameters.empty }}", CONTEXT)) is False
    assert is_truthy(render_value("false", CONTEXT)) is True  # the literal string runs
    assert is_truthy(render_value("'false'", CONTEXT)) is True
    assert is_truthy(render_value("${{ parameters.tags | length > 0 }}", CONTEXT)) is True


def test_inside_expressions_empty_arrays_are_truthy_as_in_javascript() -> None:
    assert render_value("{% if parameters.empty %}T{% else %}F{% endif %}", CONTEXT) == "T"
    assert render_value("${{ parameters.empty or 'x' }}", CONTEXT) == []
    assert render_value("${{ {} and 'y' }}", CONTEXT) == "y"
    assert render_value("${{ 0 or 'z' }}", CONTEXT) == "z"


# §8.2.7: an output item whose `if` is undefined loses the `if` key and is kept.
def test_output_links_with_undefined_if_keep_the_item() -> None:
    output = {
        "links": [
            {"title": "Repo", "url": "${{ steps.publish.output.remoteUrl }}"},
            {"title": "Maybe", "if": "${{ parameters.missing }}"},
            {"title": "No", "if": "${{ parameters.flag }}"},
        ]
    }
    assert render_value(output, CONTEXT) == {
        "links": [{"title": "Repo"}, {"title": "Maybe"}, {"title": "No", "if": False}]
    }


# §8.2.8: the preview renders with secrets replaced by *** first.
def test_transformed_secrets_render_from_their_redacted_value() -> None:
    assert render_value("${{ secrets.pypiToken | length }}", {"secrets": {"pypiToken": "***"}}) == 3
    assert render_value({"token": "${{ secrets.missing }}"}, {}) == {}


# §8.2.9: nothing is defaulted by rendering.
def test_rendering_adds_no_defaults() -> None:
    assert render_value({"a": "${{ parameters.unset }}"}, {"parameters": {}}) == {}
