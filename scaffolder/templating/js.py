"""JavaScript value semantics for template expressions.

Backstage templates were written against nunjucks, which compiles expressions to
JavaScript, so what they print and compare is JavaScript's: ``true`` not ``True``,
``171`` not ``171.0``, ``85.5 == '85.5'``, ``undefined + "x"`` gives ``"undefinedx"``.
This module holds those rules as plain functions over JSON-like Python values, so the
Jinja2 environment only has to route operators and printing through them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from jinja2.runtime import ChainableUndefined

__all__ = [
    "UNDEFINED",
    "JSRegex",
    "JSUndefined",
    "is_truthy",
    "js_binop",
    "js_compare",
    "js_string",
    "js_truthy",
    "number_string",
    "to_number",
]

NAN = float("nan")


class _UndefinedType:
    """The public "rendered to undefined" marker; a real singleton, falsy."""

    _instance: _UndefinedType | None = None

    def __new__(cls) -> _UndefinedType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED = _UndefinedType()


class JSUndefined(ChainableUndefined):
    """nunjucks' lenient ``undefined``: members chain, printing gives ``""``.

    Calling it still fails (inherited), as calling an undefined function does in
    nunjucks. Arithmetic never reaches the dunder methods: the environment routes
    operators through :func:`js_binop`.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "undefined"

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name if isinstance(self._undefined_name, str) else "value"
        return f"Unable to call `{name}`, which is undefined"


def is_undefined(value: Any) -> bool:
    return value is UNDEFINED or isinstance(value, JSUndefined)


class JSRegex:
    """A regex literal ``r/…/flags``, compiled with Python's ``re``.

    JS and Python regex syntax agree on what templates use; named groups are
    translated. ``g`` decides whether ``replace`` replaces all matches.
    """

    __slots__ = ("flags", "pattern", "source")

    def __init__(self, source: str, flags: str = "") -> None:
        if len(source) > 1000 or set(flags) - set("gimsuyd"):
            raise ValueError(f"Invalid regular expression: /{source}/{flags}")
        options = 0
        if "i" in flags:
            options |= re.IGNORECASE
        if "m" in flags:
            options |= re.MULTILINE
        if "s" in flags:
            options |= re.DOTALL
        self.source, self.flags = source, flags
        self.pattern = re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", source), options)

    def __repr__(self) -> str:
        return f"/{self.source}/{self.flags}"


def number_string(x: float | int) -> str:
    """ECMAScript Number::toString: ``171``, ``0.1``, ``1e+21``, ``1.5e-7``, ``NaN``."""
    if isinstance(x, int) and abs(x) < 10**21:
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len("".join(map(str, digit_tuple))) - len(digits)
    k = len(digits)
    n = exponent + k
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def js_string(value: Any) -> str:
    """JS ToString as a template prints it (``None``/undefined print as ``""``)."""
    if value is None or is_undefined(value):
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return number_string(value)
    if isinstance(value, list | tuple):
        return ",".join(js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, JSRegex):
        return repr(value)
    if callable(value):
        return "function"
    return str(value)


def _concat_string(value: Any) -> str:
    """ToString for ``+`` and ``~``: here undefined and null are spelled out."""
    if is_undefined(value):
        return "undefined"
    if value is None:
        return "null"
    return js_string(value)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.I)


def to_number(value: Any) -> float | int:
    """JS ToNumber (``null`` → 0, undefined → NaN, ``" 42 "`` → 42, ``"x"`` → NaN)."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int | float):
        return value
    if is_undefined(value) or isinstance(value, dict) or callable(value):
        return NAN
    if isinstance(value, list | tuple):
        return to_number(js_string(value))
    text = str(value).strip()
    if not text:
        return 0
    if re.fullmatch(r"0x[0-9a-f]+", text, re.I):
        return int(text, 16)
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    if not _NUMBER.fullmatch(text):
        return NAN
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def js_truthy(value: Any) -> bool:
    """JS truthiness inside expressions: ``[]`` and ``{}`` are true, NaN is false."""
    if value is None or is_undefined(value) or value is False:
        return False
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, int | str):
        return bool(value)
    return True


def is_truthy(value: Any) -> bool:
    """The runner's step ``if`` test (Backstage ``isTruthy``): JS, but ``[]`` is false."""
    if isinstance(value, list | tuple):
        return len(value) > 0
    return js_truthy(value)


def _primitive(value: Any) -> Any:
    if isinstance(value, list | tuple | dict | JSRegex):
        return js_string(value)
    return value


def _loose_eq(left: Any, right: Any) -> bool:
    left_nullish = left is None or is_undefined(left)
    right_nullish = right is None or is_undefined(right)
    if left_nullish or right_nullish:
        return left_nullish and right_nullish
    if isinstance(left, list | tuple | dict) and isinstance(right, list | tuple | dict):
        return left is right
    left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return to_number(left) == to_number(right)


def _strict_eq(left: Any, right: Any) -> bool:
    if is_undefined(left) or is_undefined(right):
        return is_undefined(left) and is_undefined(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list | tuple | dict) or isinstance(right, list | tuple | dict):
        return left is right
    return type(left) is type(right) and left == right


def _less(left: Any, right: Any) -> bool | None:
    """JS abstract relational comparison; ``None`` stands for "undefined" (NaN)."""
    left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left < right
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return None
    return a < b


def _contains(needle: Any, haystack: Any) -> bool:
    """nunjucks ``in``: membership in arrays, substrings, object keys."""
    if isinstance(haystack, str):
        return js_string(needle) in haystack
    if isinstance(haystack, list | tuple):
        return any(_strict_eq(needle, item) for item in haystack)
    if isinstance(haystack, dict):
        return js_string(needle) in haystack
    raise TypeError('Cannot use "in" operator to search for a key in a non-object')


def js_compare(op: str, left: Any, right: Any) -> bool:
    """Evaluate one comparison operator of the Jinja AST the JavaScript way."""
    if op == "eq":
        return _loose_eq(left, right)
    if op == "ne":
        return not _loose_eq(left, right)
    if op == "seq":
        return _strict_eq(left, right)
    if op == "sne":
        return not _strict_eq(left, right)
    if op == "in":
        return _contains(left, right)
    if op == "notin":
        return not _contains(left, right)
    if op == "lt":
        return _less(left, right) is True
    if op == "gt":
        return _less(right, left) is True
    if op == "lteq":
        return _less(right, left) is False
    if op == "gteq":
        return _less(left, right) is False
    raise ValueError(f"unknown comparison {op}")


MAX_STRING = 10_000_000


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _power(a: float, b: float) -> float:
    try:
        return float(a) ** float(b)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf


def _number_result(value: float) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def js_binop(op: str, left: Any, right: Any) -> Any:
    """Arithmetic with JS coercion; ``+`` concatenates when either side is text.

    ``*`` is always numeric in JS, which also rules out string and list bombs.
    """
    if op == "+":
        left_p, right_p = _primitive(left), _primitive(right)
        if isinstance(left_p, str) or isinstance(right_p, str):
            a, b = _concat_string(left_p), _concat_string(right_p)
            if len(a) + len(b) > MAX_STRING:
                raise OverflowError("string result too large")
            return a + b
        return _number_result(float(to_number(left_p)) + float(to_number(right_p)))
    a, b = float(to_number(left)), float(to_number(right))
    if op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "/":
        result = _divide(a, b)
    elif op == "//":
        result = _divide(a, b)
        result = math.floor(result) if math.isfinite(result) else result
    elif op == "%":
        result = NAN if b == 0 or math.isinf(a) else math.fmod(a, b)
    elif op == "**":
        result = _power(a, b)
    else:
        raise ValueError(f"unknown operator {op}")
    return _number_result(result)


def js_concat(parts: list[Any]) -> str:
    """Jinja's ``~`` with JS string conversion."""
    text = "".join(_concat_string(part) for part in parts)
    if len(text) > MAX_STRING:
        raise OverflowError("string result too large")
    return text
