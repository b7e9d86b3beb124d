"""nunjucks' built-in filters and tests, with nunjucks (not Jinja) semantics.

Jinja ships filters of the same names that behave differently (``title`` splits on
``-``, ``default`` replaces ``""``, ``tojson`` escapes HTML, ``length`` of a dict...), and
some of its own (``format``, ``wordwrap``, ``attr``) give a template more reach than
nunjucks does. So the table is built here from scratch; nothing of Jinja's is
registered implicitly. Size-producing arguments are capped so no filter can allocate
more than a render may output.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from jinja2 import pass_environment

from . import backstage
from .js import (
    MAX_STRING,
    NAN,
    JSRegex,
    JSUndefined,
    is_undefined,
    js_binop,
    js_compare,
    js_string,
    js_truthy,
    to_number,
)
from .jsonvalue import dump
from .members import js_replace

__all__ = ["build_filters", "build_tests"]


def _text(value: Any) -> str:
    return "" if value is None or is_undefined(value) else js_string(value)


def _capped(text: str) -> str:
    if len(text) > MAX_STRING:
        raise OverflowError("filter result too large")
    return text


def _width(value: Any, default: int) -> int:
    number = to_number(value) if not is_undefined(value) else default
    if isinstance(number, float) and math.isnan(number):
        return default
    return int(min(max(number, 0), MAX_STRING))


def capitalize(value: Any) -> str:
    text = _text(value)
    return text[:1].upper() + text[1:].lower()


def title(value: Any) -> str:
    """Capitalise space-separated words only, as nunjucks does: ``Payments-handbook``."""
    return " ".join(capitalize(word) for word in _text(value).split(" "))


def replace(value: Any, old: Any, new: Any, max_count: Any = None) -> Any:
    if isinstance(old, JSRegex):
        return js_replace(_text(value), old, new)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = js_string(value)
    if not isinstance(value, str):
        return value
    if isinstance(old, int | float) and not isinstance(old, bool):
        old = js_string(old)
    if not isinstance(old, str):
        return value
    new_text = js_binop("+", "", new)
    count = -1 if max_count is None or is_undefined(max_count) else int(to_number(max_count))
    if old == "":
        if len(new_text) * (len(value) + 1) + len(value) > MAX_STRING:
            raise OverflowError("filter result too large")
        return new_text + new_text.join(value) + new_text
    if value.count(old) * len(new_text) + len(value) > MAX_STRING:
        raise OverflowError("filter result too large")
    return value.replace(old, new_text, count) if count != 0 else value


def default(value: Any, fallback: Any = None, boolean: Any = False) -> Any:
    """Replaces only undefined, unless the second argument asks for falsy values too."""
    if js_truthy(boolean):
        return value if js_truthy(value) else fallback
    return fallback if is_undefined(value) else value


def join(value: Any, separator: Any = "", attribute: Any = None) -> str:
    if isinstance(value, str):
        value = list(value)
    if not isinstance(value, list | tuple):
        return _text(value)
    if attribute is not None and not is_undefined(attribute):
        value = [backstage.pick(item, attribute) for item in value]
    return _capped(_text(separator).join(_text(item) for item in value))


def length(value: Any) -> Any:
    if value is None or is_undefined(value):
        return 0
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    return JSUndefined()


def first(value: Any) -> Any:
    return value[0] if isinstance(value, str | list | tuple) and value else JSUndefined()


def last(value: Any) -> Any:
    return value[-1] if isinstance(value, str | list | tuple) and value else JSUndefined()


_INT = re.compile(r"\s*([+-]?\d+)")
_FLOAT = re.compile(r"\s*([+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?)", re.I)


def to_int(value: Any, fallback: Any = None) -> Any:
    """``parseInt(value, 10)``, or the fallback (undefined by default) for NaN."""
    match = _INT.match(_text(value) if not isinstance(value, float) else js_string(value))
    if match:
        return int(match.group(1))
    return JSUndefined() if fallback is None else fallback


def to_float(value: Any, fallback: Any = None) -> Any:
    match = _FLOAT.match(_text(value))
    if match:
        number = float(match.group(1))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return JSUndefined() if fallback is None else fallback


def truncate(value: Any, size: Any = 255, killwords: Any = False, end: Any = None) -> str:
    text = _text(value)
    limit = _width(size, 255) or 255
    if len(text) <= limit:
        return text
    if js_truthy(killwords):
        text = text[:limit]
    else:
        index = text.rfind(" ", 0, limit + 1)
        text = text[: limit if index == -1 else index]
    return text + ("..." if end is None or is_undefined(end) else js_string(end))


def _sort_key(case_sensitive: bool, attribute: Any) -> Callable[[Any], Any]:
    def pick_value(item: Any) -> Any:
        if attribute is not None and not is_undefined(attribute):
            item = backstage.pick(item, attribute)
        return item.lower() if isinstance(item, str) and not case_sensitive else item

    def compare(a: Any, b: Any) -> int:
        x, y = pick_value(a), pick_value(b)
        return -1 if js_compare("lt", x, y) else (1 if js_compare("gt", x, y) else 0)

    return functools.cmp_to_key(compare)


def sort(
    value: Any, reverse: Any = False, case_sensitive: Any = False, attribute: Any = None
) -> Any:
    items = list(value) if isinstance(value, list | tuple | str) else []
    key = _sort_key(js_truthy(case_sensitive), attribute)
    return sorted(items, key=key, reverse=js_truthy(reverse))


def reverse(value: Any) -> Any:
    if isinstance(value, str):
        return value[::-1]
    return list(reversed(value)) if isinstance(value, list | tuple) else value


def to_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return list(value)
    if isinstance(value, Mapping):
        return [{"key": k, "value": v} for k, v in value.items()]
    if isinstance(value, list | tuple):
        return list(value)
    raise TypeError("list filter: type not iterable")


@pass_environment
def select(environment: Any, value: Any, test: Any = "truthy", *args: Any) -> list[Any]:
    return _select(environment, value, test, args, keep=True)


@pass_environment
def reject(environment: Any, value: Any, test: Any = "truthy", *args: Any) -> list[Any]:
    return _select(environment, value, test, args, keep=False)


def _select(environment: Any, value: Any, test: Any, args: tuple, *, keep: bool) -> list[Any]:
    function = environment.tests.get(js_string(test))
    if function is None:
        raise ValueError(f"No test named {js_string(test)!r}")
    return [item for item in value or [] if bool(function(item, *args)) is keep]


def selectattr(value: Any, attribute: Any, *_ignored: Any) -> list[Any]:
    """nunjucks' selectattr only tests truthiness; extra (Jinja-style) arguments are ignored."""
    return [item for item in value or [] if js_truthy(backstage.pick(item, attribute))]


def rejectattr(value: Any, attribute: Any, *_ignored: Any) -> list[Any]:
    return [item for item in value or [] if not js_truthy(backstage.pick(item, attribute))]


def indent(value: Any, width: Any = 4, first_line: Any = False) -> str:
    text, pad = _text(value), " " * min(_width(width, 4), 1000)
    lines = text.split("\n")
    return _capped(
        "\n".join(
            line if i == 0 and not js_truthy(first_line) else pad + line
            for i, line in enumerate(lines)
        )
    )


def center(value: Any, width: Any = 80) -> str:
    text, size = _text(value), _width(width, 80)
    if len(text) >= size:
        return text
    before = (size - len(text)) // 2
    return _capped(" " * before + text + " " * (size - len(text) - before))


def _uri(value: Any) -> str:
    return quote(_text(value), safe="-_.!~*'()")


def urlencode(value: Any) -> str:
    if isinstance(value, str):
        return _uri(value)
    pairs = value.items() if isinstance(value, Mapping) else value
    return "&".join(f"{_uri(k)}={_uri(v)}" for k, v in pairs)


_TAGS = re.compile(r"<!--[\s\S]*?-->|</?([a-z][a-z0-9]*)\b[^>]*>|<[^>]*$", re.I)


def striptags(value: Any, preserve_linebreaks: Any = False) -> str:
    text = _TAGS.sub("", _text(value))
    if js_truthy(preserve_linebreaks):
        lines = (" ".join(line.split()) for line in re.sub(r"\n\s+\n", "\n\n", text).split("\n"))
        return "\n".join(lines).strip()
    return " ".join(text.split())


def wordcount(value: Any) -> Any:
    words = re.findall(r"\w+", _text(value), re.ASCII)
    return len(words) if words else None


def js_round(value: Any, precision: Any = 0, method: Any = "common") -> Any:
    factor = 10 ** min(_width(precision, 0), 15)
    number = float(to_number(value)) * factor
    if not math.isfinite(number):
        return NAN
    rounder = {"ceil": math.ceil, "floor": math.floor}.get(js_string(method))
    rounded = rounder(number) if rounder else math.floor(number + 0.5)
    result = rounded / factor
    return int(result) if result.is_integer() else result


def js_sum(value: Any, attribute: Any = None, start: Any = 0) -> Any:
    total = start
    for item in value or []:
        item = backstage.pick(item, attribute) if attribute is not None else item
        total = js_binop("+", total, item)
    return total


def dictsort(value: Any, case_sensitive: Any = False, by: Any = "key") -> list[list[Any]]:
    index = 1 if by == "value" else 0
    key = _sort_key(js_truthy(case_sensitive), None)
    return sorted(([k, v] for k, v in value.items()), key=lambda pair: key(pair[index]))


def batch(value: Any, size: Any, fill: Any = None) -> list[list[Any]]:
    items, count = list(value or []), max(_width(size, 1), 1)
    rows = [items[i : i + count] for i in range(0, len(items), count)]
    if rows and fill is not None and len(rows[-1]) < count:
        rows[-1] = rows[-1] + [fill] * (count - len(rows[-1]))
    return rows


def groupby(value: Any, attribute: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in value or []:
        groups.setdefault(js_string(backstage.pick(item, attribute)), []).append(item)
    return groups


def build_filters(*, cookiecutter: bool = False) -> dict[str, Callable[..., Any]]:
    """The complete filter table of one environment."""
    table: dict[str, Callable[..., Any]] = {
        "abs": lambda v: abs(to_number(v)),
        "batch": batch,
        "capitalize": capitalize,
        "center": center,
        "d": default,
        "default": default,
        "dictsort": dictsort,
        "dump": dump,
        "e": lambda v: html.escape(_text(v)),
        "escape": lambda v: html.escape(_text(v)),
        "first": first,
        "float": to_float,
        "groupby": groupby,
        "indent": indent,
        "int": to_int,
        "join": join,
        "last": last,
        "length": length,
        "list": to_list,
        "lower": lambda v: _text(v).lower(),
        "reject": reject,
        "rejectattr": rejectattr,
        "replace": replace,
        "reverse": reverse,
        "round": js_round,
        "safe": lambda v: v,
        "select": select,
        "selectattr": selectattr,
        "sort": sort,
        "string": _text,
        "striptags": striptags,
        "sum": js_sum,
        "title": title,
        "trim": lambda v: _text(v).strip(),
        "truncate": truncate,
        "upper": lambda v: _text(v).upper(),
        "urlencode": urlencode,
        "wordcount": wordcount,
        # Backstage's own (plugins/scaffolder-backend/src/lib/templating/filters).
        "parseRepoUrl": backstage.parse_repo_url_filter,
        "projectSlug": backstage.project_slug_filter,
        "parseEntityRef": backstage.parse_entity_ref,
        "pick": backstage.pick,
    }
    if cookiecutter:
        table["jsonify"] = dump
    return table


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def build_tests() -> dict[str, Callable[..., bool]]:
    """nunjucks' tests (``is defined``, ``is odd``, ...) over JS values."""
    return {
        "callable": callable,
        "defined": lambda v: not is_undefined(v),
        "undefined": is_undefined,
        "divisibleby": lambda v, n: to_number(n) != 0 and to_number(v) % to_number(n) == 0,
        "equalto": lambda v, o: js_compare("seq", v, o),
        "eq": lambda v, o: js_compare("seq", v, o),
        "sameas": lambda v, o: js_compare("seq", v, o),
        "ne": lambda v, o: js_compare("sne", v, o),
        "even": lambda v: _number(v) and v % 2 == 0,
        "odd": lambda v: _number(v) and v % 2 == 1,
        "falsy": lambda v: not js_truthy(v),
        "truthy": js_truthy,
        "ge": lambda v, o: js_compare("gteq", v, o),
        "gt": lambda v, o: js_compare("gt", v, o),
        "greaterthan": lambda v, o: js_compare("gt", v, o),
        "le": lambda v, o: js_compare("lteq", v, o),
        "lt": lambda v, o: js_compare("lt", v, o),
        "lessthan": lambda v, o: js_compare("lt", v, o),
        "iterable": lambda v: isinstance(v, str | list | tuple | Mapping),
        "mapping": lambda v: isinstance(v, Mapping),
        "null": lambda v: v is None,
        "none": lambda v: v is None,
        "number": _number,
        "string": lambda v: isinstance(v, str),
        "lower": lambda v: isinstance(v, str) and v.lower() == v,
        "upper": lambda v: isinstance(v, str) and v.upper() == v,
    }
