"""JSON values the way JavaScript produces them: ``JSON.stringify`` and its round trip.

A lone ``${{ expr }}`` in a step input keeps its value as ``JSON.parse(JSON.stringify(…))``
would, and the ``dump`` filter is ``JSON.stringify``; both must agree on what happens to
undefined, NaN and ``171.0``, so they share this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .js import JSRegex, JSUndefined, js_string

__all__ = ["SKIP", "dump", "json_value"]

SKIP = object()


def json_value(value: Any, *, in_array: bool = False) -> Any:
    """``JSON.parse(JSON.stringify(value))`` on Python data.

    Undefined and functions vanish from objects and become ``null`` in arrays; NaN and
    infinities become ``null``; integral floats become ints (JS has one number type).
    Returns ``SKIP`` for a value ``JSON.stringify`` would omit.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, list | tuple):
        items = [json_value(item, in_array=True) for item in value]
        return [None if item is SKIP else item for item in items]
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            converted = json_value(item)
            if converted is not SKIP:
                result[js_string(key)] = converted
        return result
    if isinstance(value, JSRegex):
        return {}
    return None if in_array else SKIP


def dump(value: Any, indent: Any = None) -> Any:
    """``JSON.stringify(value, null, indent)``: compact, insertion order, raw Unicode."""
    data = json_value(value)
    if data is SKIP:
        return JSUndefined()
    if isinstance(indent, str) and indent:
        spaces: str | int | None = indent[:10]
    elif isinstance(indent, int | float) and not isinstance(indent, bool) and indent >= 1:
        spaces = min(int(indent), 10)
    else:
        spaces = None
    separators = (",", ":") if spaces is None else (",", ": ")
    return json.dumps(data, ensure_ascii=False, indent=spaces, separators=separators)
