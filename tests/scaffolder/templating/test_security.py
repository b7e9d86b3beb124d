"""Untrusted templates cannot reach Python objects or exhaust the worker (anchor §2.6).

Each case must end as an error (unrendered in step inputs, TemplateRenderError in
skeletons) or as harmless empty output, and quickly.
"""

import time

import pytest

from scaffolder.templating import UNDEFINED, TemplateRenderError, render_text, render_value

CONTEXT = {
    "values": {"name": "x", "list": list(range(1000))},
    "always": lambda: True,
    "failure": lambda: False,
}

ESCAPES = [
    "${{ ''.__class__.__mro__ }}",
    "${{ ''.__class__.__mro__[1].__subclasses__() }}",
    "${{ cycler.__init__.__globals__ }}",
    "${{ joiner.__init__.__globals__.os }}",
    "${{ lipsum.__globals__['os'].popen('id').read() }}",
    "${{ namespace.__init__.__globals__ }}",
    "${{ self }}",
    "${{ self.__init__.__globals__ }}",
    "${{ self._TemplateReference__context }}",
    "${{ always.__globals__ }}",
    "${{ always.__code__ }}",
    "${{ always.__call__ }}",
    "${{ always.__closure__ }}",
    "${{ failure.__self__ }}",
    "${{ config }}",
    "${{ request.application }}",
    "${{ environment }}",
    "${{ context }}",
    "${{ __builtins__ }}",
    "${{ values.__dict__ }}",
    "${{ values['__class__'] }}",
    "${{ values.list.__class__.__base__ }}",
    "${{ values.name.format }}",
    "${{ '{0.__class__}'.format(values) }}",
    "${{ values.name.upper() }}",
    "${{ values.list.pop() }}",
    "${{ values.list.append(1) }}",
    "${{ {}.update }}",
    "${{ 'abc'.slice.__self__ }}",
    "${{ 'abc'.slice.receiver }}",
    "${{ 'abc'.slice.function }}",
    "${{ 'x'.concat('y').constructor }}",
    "${{ r/a/.pattern }}",
    "{% for x in [1] %}${{ loop.__class__ }}${{ loop._iterable }}{% endfor %}",
    "${{ 'x' | attr('__class__') }}",
    "${{ '%s' | format(values) }}",
    "${{ values | map('upper') }}",
    "${{ range(10) }}",
    "${{ dict(a=1) }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends '/etc/passwd' %}",
    "{% from 'os' import system %}",
]


def _no_python_objects(value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            _no_python_objects(item)
    elif isinstance(value, list):
        for item in value:
            _no_python_objects(item)
    else:
        assert value is UNDEFINED or value is None or isinstance(value, bool | int | float | str)


@pytest.mark.parametrize("template", ESCAPES)
def test_sandbox_escapes_reach_nothing(template) -> None:
    result = render_value({"k": template}, CONTEXT)
    _no_python_objects(result)
    assert result in ({}, {"k": template}, {"k": ""})
    try:
        text = render_text(template, CONTEXT)
    except TemplateRenderError as error:
        assert "\n" not in str(error)
    else:
        assert text == ""


def test_functions_expose_no_attributes() -> None:
    assert render_text("${{ always.name }}${{ always.__name__ }}", CONTEXT) == ""
    assert render_value("${{ always }}", CONTEXT) is UNDEFINED  # functions are not JSON


BOMBS = [
    "${{ 'a' * 10**10 }}",
    "${{ [1] * 10**9 }}",
    "${{ 2 ** 100000000 }}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for a in values.list %}{% for b in values.list %}{% for c in values.list %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in values.list %}{% for b in values.list %}{% for c in values.list %}"
    "x{% endfor %}{% endfor %}{% endfor %}",
    "{% set y %}{% for a in values.list %}{% for b in values.list %}"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy{% endfor %}{% endfor %}"
    "{% endset %}${{ y | length }}",
    "{% macro f(n) %}${{ f(n) }}${{ f(n) }}{% endmacro %}${{ f(1) }}",
    "{% set s = 'aaaaaaaaaa' %}"
    + "{% set s = s + s + s + s + s + s + s + s + s + s %}" * 8
    + "${{ s | length }}",
    "{% set s = 'aaaaaaaaaa' %}" + "{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}" * 8,
    "{% set s = values.list | join('') %}" + "{% set s = [s, s, s, s, s, s, s, s].join('') %}" * 6,
    "${{ 'x' | center(100000000000) }}",
    "${{ 'x' | indent(100000000000, true) }}",
    "{% set s = values.list | join('') %}${{ s | replace('', s) }}",
    "{% set s = values.list | join('') %}${{ s.replace(r/()/g, s) }}",
    "${{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
]


@pytest.mark.parametrize("template", BOMBS)
def test_resource_bombs_fail_fast(template) -> None:
    started = time.monotonic()
    result = render_value({"k": template}, CONTEXT)
    assert len(str(result.get("k", ""))) <= 10_000_000
    assert time.monotonic() - started < 1.0
    started = time.monotonic()
    try:
        text = render_text(template, CONTEXT)
    except TemplateRenderError:
        pass
    else:
        assert len(text) <= 10_000_000
    assert time.monotonic() - started < 1.0


def test_large_but_legitimate_output_still_renders() -> None:
    context = {"values": {"rows": [f"row {i}" for i in range(20_000)]}}
    text = render_text("{% for r in values.rows %}${{ r }}\n{% endfor %}", context)
    assert text.count("\n") == 20_000
