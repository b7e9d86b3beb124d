"""JavaScript value rules: ToString, number printing, operators, members (anchor §2.1).

Rows marked "engine" were checked against nunjitsu 0.7.0 (Backstage 4.3.0).
"""

import math

import pytest

from scaffolder.templating import UNDEFINED, js_string, render_text, render_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (UNDEFINED, ""),
        ("x", "x"),
        (171.0, "171"),
        (171, "171"),
        (85.5, "85.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (1e16, "10000000000000000"),
        (-0.0, "0"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (["a", "b"], "a,b"),
        ([], ""),
        ([1, [2, 3], None], "1,2,3,"),
        ({"a": 1}, "[object Object]"),
    ],
)
def test_js_string(value, expected) -> None:
    assert js_string(value) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # arithmetic and coercion (engine)
        ("${{ '3' + 1 }}", "31"),
        ("${{ '3' - 1 }}", 2),
        ("${{ '3' * '4' }}", 12),
        ("${{ -'3' }}", -3),
        ("${{ null + 1 }}", 1),
        ("${{ true + 1 }}", 2),
        ("${{ [1] + [2] }}", "12"),
        ("${{ {a:1} + 'x' }}", "[object Object]x"),
        ("${{ 7 // 2 }}", 3),
        ("${{ 7 % 3 }}", 1),
        ("${{ 2 ** 10 }}", 1024),
        ("${{ 0.1 + 0.2 }}", 0.30000000000000004),
        ("${{ 'a' ~ true }}", "atrue"),
        # comparisons (engine)
        ("${{ 85.5 == '85.5' }}", True),
        ("${{ 85.5 === '85.5' }}", False),
        ("${{ 1 != '1' }}", False),
        ("${{ 1 !== '1' }}", True),
        ("${{ 0 == '' }}", True),
        ("${{ 1 == true }}", True),
        ("${{ [1] == 1 }}", True),
        ("${{ null == undefined }}", True),
        ("${{ x == null }}", True),
        ("${{ x === null }}", False),
        ("${{ '10' < '9' }}", True),
        ("${{ '10' < 9 }}", False),
        ("${{ 1 < 2 < 3 }}", True),
        ("${{ 'x' in {x: 1} }}", True),
        ("${{ 'b' in 'abc' }}", True),
        ("${{ 2 in [1, 2] }}", True),
        ("${{ 'a' not in ['b'] }}", True),
        # literals and names (engine)
        ("${{ True }}", UNDEFINED),
        ("${{ None }}", UNDEFINED),
        ("${{ true }}", True),
        ("${{ none }}", None),
        ("${{ 'null' }}", "null"),
        ('${{ "a===b" }}', "a===b"),
        ("${{ 'r/x/' }}", "r/x/"),
        ("${{ 'it\\'s' }}", "it's"),
        # logic returns operands, JS truthiness (engine)
        ("${{ [] or 'x' }}", []),
        ("${{ 0 or 'z' }}", "z"),
        ("${{ not [] }}", False),
        ("${{ 'a' if [] else 'b' }}", "a"),
    ],
)
def test_operators(template, expected) -> None:
    result = render_value(template, {})
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${{ 'abc'.toUpperCase() }}", "ABC"),
        ("${{ 'AbC'.toLowerCase() }}", "abc"),
        ("${{ 'abc'.startsWith('a') }}", True),
        ("${{ 'abc'.endsWith('c') }}", True),
        ("${{ 'abc'.includes('b') }}", True),
        ("${{ ' a '.trim() }}", "a"),
        ("${{ 'a,b'.split(',') }}", ["a", "b"]),
        ("${{ 'abc'.split('') }}", ["a", "b", "c"]),
        ("${{ 'a b  c'.split(' ') }}", ["a", "b", "", "c"]),
        ("${{ 'abcdef'.slice(1, -1) }}", "bcde"),
        ("${{ 'abc'.indexOf('c') }}", 2),
        ("${{ 'aXbX'.replace('X', '-') }}", "a-bX"),
        ("${{ 'aXbX'.replace(r/x/gi, '-') }}", "a-b-"),
        ("${{ 'aXbX'.replace(r/(X)/, '[$1]') }}", "a[X]bX"),
        ("${{ r/a/.test('cat') }}", True),
        ("${{ 'a'.concat('b', 1) }}", "ab1"),
        ("${{ 'abc'.substring(1) }}", "bc"),
        ("${{ 'abc'.charAt(1) }}", "b"),
        ("${{ 'abc'.length }}", 3),
        ("${{ 'abc'[0] }}", "a"),
        ("${{ [1, 2].join('-') }}", "1-2"),
        ("${{ [1, [2, 3]].join() }}", "1,2,3"),
        ("${{ [1, 2].includes(2) }}", True),
        ("${{ [1, 2].indexOf(3) }}", -1),
        ("${{ [1, 2].concat([3], 4) }}", [1, 2, 3, 4]),
        ("${{ [1, 2].slice(1) }}", [2]),
        ("${{ [3, 1, 2].sort() }}", [1, 2, 3]),
        ("${{ [1, 2][-1] }}", UNDEFINED),
        ("${{ [1, 2].map }}", UNDEFINED),
        ("${{ {a: 1}.length }}", UNDEFINED),
        ("${{ {items: 'I'}.items }}", "I"),
        ("${{ (3.14159).toFixed(2) }}", "3.14"),
    ],
)
def test_js_members(template, expected) -> None:  # engine, except toFixed
    assert render_value(template, {}) == expected


@pytest.mark.parametrize(
    "template",
    [
        "${{ {a: 1}.keys() }}",
        "${{ {a: 1}.items() }}",
        "${{ 'abc'.upper() }}",
        "${{ 'ab'.repeat(3) }}",
    ],
)
def test_python_methods_are_not_javascript(template) -> None:  # engine: all errors
    assert render_value(template, {}) == template


def test_lenient_undefined_chains_but_calls_fail() -> None:
    assert render_text("[${{ a.b.c }}]", {}) == "[]"
    assert render_value("${{ a.b.c() }}", {}) == "${{ a.b.c() }}"


def test_regex_rewriting_only_happens_outside_strings() -> None:
    assert render_text("${{ 'r/a/g' }} ${{ 'xa'.replace(r/a/g, 'r/b/') }}", {}) == "r/a/g xr/b/"
    assert render_text("r/a/ ${{ 1 }}", {}) == "r/a/ 1"
