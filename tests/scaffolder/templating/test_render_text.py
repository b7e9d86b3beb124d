"""Skeleton contents and paths of ``fetch:template`` (anchor §2.1, §2.5, §8.2.13-14).

Rows marked "engine" were checked against nunjitsu 0.7.0 (Backstage 4.3.0).
"""

import pytest

from scaffolder.templating import TemplateRenderError, render_text

VALUES = {"values": {"name": "svc", "docker": False, "items": ["a", "b"], "o": {"k": "v", "n": 2}}}
COOKIE = {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("# ${{ values.name }}\n", "# svc\n"),  # trailing newline kept
        ("a\n\n", "a\n\n"),
        ("helm {{ .Values.x }} ${{ values.name }}", "helm {{ .Values.x }} svc"),  # engine
        ("sha: ${{ github.sha }}\n", "sha: \n"),  # engine (issue #7632)
        ("{% raw %}${{ values.name }}{% endraw %}", "${{ values.name }}"),  # engine
        ("{# note #}x", "x"),
        ("${{ 'ops' if values.docker }}/runbook.md", "/runbook.md"),  # engine: a skipped path
        ("src/${{ values.name }}/App.java", "src/svc/App.java"),
        ("${{ 'Dockerfile' if values.docker }}", ""),
        ("a  {%- if true -%}  b  {%- endif -%}  c", "abc"),  # engine
        ("{% for k, v in values.o %}${{ k }}=${{ v }};{% endfor %}", "k=v;n=2;"),  # engine
        (
            "{% for i in values.items %}${{ loop.index }}:${{ i }}"
            "{% if not loop.last %},{% endif %}{% endfor %}",
            "1:a,2:b",
        ),
        ("{% set x = values.o.n * 2 %}${{ x }}", "4"),
        ("{% macro greet(n) %}hi ${{ n }}{% endmacro %}${{ greet('bob') }}", "hi bob"),
        ("${{ values.name | upper }}\r\nx\r\n", "SVC\r\nx\r\n"),  # engine: CRLF kept
        ("name: ${{ values.name | dump }}", 'name: "svc"'),
    ],
)
def test_skeleton_rendering(template, expected) -> None:
    assert render_text(template, VALUES) == expected


def test_trim_and_lstrip_blocks() -> None:  # engine
    template = "  {% if true %}\nyes\n  {% endif %}\nend"
    assert render_text(template, {}) == "  \nyes\n  \nend"
    assert render_text(template, {}, trim_blocks=True, lstrip_blocks=True) == "yes\nend"
    assert render_text("{% if true %}\nyes\n{% endif %}\n", {}, trim_blocks=True) == "yes\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("echo ${#arr[@]}", "comment"),  # engine: "Unterminated comment tag" in Backstage
        ("${{ values.name | nosuch }}", "nosuch"),
        ("${{ values.missing.call() }}", "call"),
        ("{% if %}", "Template error"),
        ("${{ values.name }", "Template error"),
        ("{% include 'x' %}", "Template error"),
    ],
)
def test_errors_raise_with_a_one_line_message(template, message) -> None:
    with pytest.raises(TemplateRenderError, match=message) as caught:
        render_text(template, VALUES)
    text = str(caught.value)
    assert "\n" not in text
    assert "Traceback" not in text
    assert "jinja2" not in text


def test_only_the_given_context_is_visible() -> None:
    assert render_text("${{ parameters.name }}${{ secrets.x }}", VALUES) == ""


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ cookiecutter.name | jsonify }} {{ cookiecutter.o | jsonify }}", '"svc" {"a":1,"b":2}'),
        ("{% for k, v in cookiecutter.o.items() %}{{ k }}{{ v }}{% endfor %}", "a1b2"),
        ("{% if cookiecutter.flag == True %}T{% endif %}{{ None }}|{{ cookiecutter.n }}|", "T||"),
        ("${{ cookiecutter.name }}", "$svc"),
        ("{{ cookiecutter.o.keys() | list }}", "a,b"),
        (
            "{{ cookiecutter.name | upper }} {{ True }} {{ False }} {{ true }}",
            "SVC true false true",
        ),
        ("{{ cookiecutter.name ~ '-x' }}", "svc-x"),
    ],
)
def test_cookiecutter_mode(template, expected) -> None:  # engine
    assert render_text(template, COOKIE, cookiecutter=True) == expected


def test_cookiecutter_mode_has_no_python_string_methods() -> None:  # engine
    with pytest.raises(TemplateRenderError):
        render_text("{{ cookiecutter.name.upper() }}", COOKIE, cookiecutter=True)


def test_dict_methods_are_cookiecutter_only() -> None:  # engine
    with pytest.raises(TemplateRenderError):
        render_text("${{ values.o.items() }}", VALUES)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        # As Backstage 4.3.0 places them: the column where `{#` or the filter name starts.
        ("echo ${#arr[@]}", "Template error at line 1, column 7: Unterminated comment tag"),
        (
            "${{ x | nosuch }}",
            'Template error at line 1, column 9: Unknown template filter "nosuch"',
        ),
        ("${{ a.b() }}", "Template error: Unable to call `b`, which is undefined"),
        (
            "${{ 'x' | parseEntityRef }}",
            "Template error: Entity reference 'x' had missing or empty kind",
        ),
        (
            "{% for a in values.items %}{% for b in values.items %}{% for c in values.items %}"
            "{% for d in values.items %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
            "Template rendering aborted: template exceeded its loop/call budget",
        ),
    ],
)
def test_error_messages(template, message) -> None:
    context = {"values": {"items": list(range(100))}}
    with pytest.raises(TemplateRenderError) as caught:
        render_text(template, context)
    assert str(caught.value).startswith(message)
    assert caught.value.name == "TemplateRenderError"
