"""The JavaScript members templates may use on strings, arrays and objects.

Templates call ``.toUpperCase()``, ``.split(',')``, ``.length`` because nunjucks runs
them as JavaScript. Member access here never falls back to Python's ``getattr``: a
name that is not in these tables (or, for an object, not one of its keys) is
undefined. That is what keeps ``''.__class__`` and ``str.upper()`` out of reach.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .js import MAX_STRING, JSRegex, is_undefined, js_compare, js_string, number_string, to_number

__all__ = ["MISSING", "JSMethod", "js_member", "js_replace"]

MISSING = object()


class JSMethod:
    """A JS method bound to its receiver, callable from a template and nothing more."""

    __slots__ = ("function", "name", "receiver")

    def __init__(self, name: str, function: Callable[..., Any], receiver: Any) -> None:
        self.name, self.function, self.receiver = name, function, receiver

    def __call__(self, *args: Any) -> Any:
        return self.function(self.receiver, *args)

    def __repr__(self) -> str:
        return f"function {self.name}"


def _int_arg(value: Any, default: int) -> int:
    if value is None or is_undefined(value):
        return default
    number = to_number(value)
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        if math.isinf(number):
            return MAX_STRING if number > 0 else -MAX_STRING
    return int(number)


def _slice(receiver: Any, start: Any = None, end: Any = None) -> Any:
    length = len(receiver)
    return receiver[_int_arg(start, 0) : _int_arg(end, length)]


def _substring(text: str, start: Any = None, end: Any = None) -> str:
    a = min(max(_int_arg(start, 0), 0), len(text))
    b = min(max(_int_arg(end, len(text)), 0), len(text))
    return text[min(a, b) : max(a, b)]


def _expand(template: str, match: re.Match[str]) -> str:
    """JS replacement patterns: ``$$``, ``$&``, ``$1``, ``$<name>``, ``$` ``, ``$'``."""

    def one(token: re.Match[str]) -> str:
        spec = token.group(1)
        if spec == "$":
            return "$"
        if spec == "&":
            return match.group(0)
        if spec == "`":
            return match.string[: match.start()]
        if spec == "'":
            return match.string[match.end() :]
        if spec.startswith("<"):
            name = spec[1:-1]
            return (match.groupdict().get(name) or "") if name in match.groupdict() else token[0]
        index = int(spec)
        if 0 < index <= (match.re.groups or 0):
            return match.group(index) or ""
        return token[0]

    return re.sub(r"\$(\$|&|`|'|<[^>]*>|\d{1,2})", one, template)


def js_replace(text: str, pattern: Any, replacement: Any, *, replace_all: bool = False) -> str:
    """``String.prototype.replace``: a string pattern replaces its first occurrence."""
    repl = js_string(replacement) if not is_undefined(replacement) else "undefined"
    if isinstance(pattern, JSRegex):
        regex, count = pattern.pattern, 0 if ("g" in pattern.flags or replace_all) else 1
    else:
        regex, count = re.compile(re.escape(js_string(pattern))), 0 if replace_all else 1
    budget = [len(text)]

    def substitute(match: re.Match[str]) -> str:
        piece = _expand(repl, match) if "$" in repl else repl
        budget[0] += len(piece)
        if budget[0] > MAX_STRING:
            raise OverflowError("string result too large")
        return piece

    return regex.sub(substitute, text, count=count)


def _split(text: str, separator: Any = None, limit: Any = None) -> list[str]:
    if separator is None or is_undefined(separator):
        parts = [text]
    elif isinstance(separator, JSRegex):
        parts = [p or "" for p in separator.pattern.split(text)] if text else [""]
    elif js_string(separator) == "":
        parts = list(text)
    else:
        parts = text.split(js_string(separator))
    return parts if limit is None or is_undefined(limit) else parts[: max(_int_arg(limit, 0), 0)]


def _index_of(receiver: Any, needle: Any, start: Any = None) -> int:
    from_index = _int_arg(start, 0)
    if isinstance(receiver, str):
        return receiver.find(js_string(needle), max(from_index, 0))
    for index in range(max(from_index, 0), len(receiver)):
        if _same(receiver[index], needle):
            return index
    return -1


def _same(a: Any, b: Any) -> bool:
    return js_compare("seq", a, b)


def _includes(receiver: Any, needle: Any, start: Any = None) -> bool:
    return _index_of(receiver, needle, start) >= 0


def _concat(receiver: Any, *items: Any) -> Any:
    if isinstance(receiver, str):
        result = receiver + "".join(js_string(item) for item in items)
    else:
        result = list(receiver)
        for item in items:
            result.extend(item if isinstance(item, list | tuple) else [item])
    if len(result) > MAX_STRING:
        raise OverflowError("result too large")
    return result


def _join(receiver: list[Any], separator: Any = None) -> str:
    sep = "," if separator is None or is_undefined(separator) else js_string(separator)
    text = sep.join(js_string(item) for item in receiver)
    if len(text) > MAX_STRING:
        raise OverflowError("string result too large")
    return text


def _sort(receiver: list[Any]) -> list[Any]:
    """Array.prototype.sort with no comparator: by string value, undefined last."""
    defined = [item for item in receiver if not is_undefined(item)]
    return sorted(defined, key=js_string) + [item for item in receiver if is_undefined(item)]


def _to_fixed(number: Any, digits: Any = 0) -> str:
    places = min(max(_int_arg(digits, 0), 0), 100)
    value = float(to_number(number))
    return number_string(value) if not math.isfinite(value) else f"{value:.{places}f}"


STRING_METHODS: dict[str, Callable[..., Any]] = {
    "toUpperCase": lambda s: s.upper(),
    "toLowerCase": lambda s: s.lower(),
    "startsWith": lambda s, x, pos=0: s.startswith(js_string(x), max(_int_arg(pos, 0), 0)),
    "endsWith": lambda s, x, end=None: s[: _int_arg(end, len(s))].endswith(js_string(x)),
    "includes": lambda s, x, pos=0: js_string(x) in s[max(_int_arg(pos, 0), 0) :],
    "trim": lambda s: s.strip(),
    "trimStart": lambda s: s.lstrip(),
    "trimEnd": lambda s: s.rstrip(),
    "split": _split,
    "slice": _slice,
    "substring": _substring,
    "indexOf": _index_of,
    "lastIndexOf": lambda s, x: s.rfind(js_string(x)),
    "replace": lambda s, p, r: js_replace(s, p, r),
    "replaceAll": lambda s, p, r: js_replace(s, p, r, replace_all=True),
    "concat": _concat,
    "charAt": lambda s, i=0: s[_int_arg(i, 0)] if 0 <= _int_arg(i, 0) < len(s) else "",
    "toString": lambda s: s,
}

ARRAY_METHODS: dict[str, Callable[..., Any]] = {
    "join": _join,
    "includes": _includes,
    "indexOf": _index_of,
    "slice": _slice,
    "concat": _concat,
    "sort": _sort,
}

PYTHON_DICT_METHODS: dict[str, Callable[..., Any]] = {
    "items": lambda d: [[k, v] for k, v in d.items()],
    "keys": lambda d: list(d),
    "values": lambda d: list(d.values()),
}

REGEX_METHODS: dict[str, Callable[..., Any]] = {
    "test": lambda r, s: r.pattern.search(js_string(s)) is not None,
}


def _index(key: Any) -> int | None:
    """A property key that names an array index (``0``, ``"1"``), else ``None``."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def js_member(obj: Any, key: Any, *, cookiecutter: bool = False) -> Any:
    """``obj[key]`` / ``obj.key`` as nunjucks resolves it, or ``MISSING``."""
    if isinstance(obj, dict):
        name = js_string(key) if not isinstance(key, str) else key
        if name in obj:
            return obj[name]
        if cookiecutter and name in PYTHON_DICT_METHODS:
            return JSMethod(name, PYTHON_DICT_METHODS[name], obj)
        return MISSING
    if isinstance(obj, str | list | tuple):
        index = _index(key)
        if index is not None:
            return obj[index] if 0 <= index < len(obj) else MISSING
        if key == "length":
            return len(obj)
        methods = STRING_METHODS if isinstance(obj, str) else ARRAY_METHODS
        if isinstance(key, str) and key in methods:
            return JSMethod(key, methods[key], obj)
        return MISSING
    if isinstance(obj, JSRegex):
        if key in REGEX_METHODS:
            return JSMethod(key, REGEX_METHODS[key], obj)
        if key in ("source", "flags"):
            return getattr(obj, key)
        if key == "global":
            return "g" in obj.flags
        return MISSING
    if isinstance(obj, int | float) and not isinstance(obj, bool):
        if key == "toFixed":
            return JSMethod(key, _to_fixed, obj)
        if key == "toString":
            return JSMethod(key, number_string, obj)
    return MISSING
