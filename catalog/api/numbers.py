"""Whole numbers from query strings, JSON bodies and cursors, checked once.

Every limit and offset the API accepts is bounded: a number no database integer can
hold is a 400 for the caller, not a 500 from the database.
"""

from __future__ import annotations

from typing import Any

from portal.api.errors import ApiError

__all__ = ["LARGEST", "whole_number", "whole_number_text"]

#: The largest limit or offset accepted anywhere (PostgreSQL's integer).
LARGEST = 2**31 - 1


def whole_number(value: Any, name: str, minimum: int = 0, maximum: int = LARGEST) -> int:
    """``value``, a JSON integer, within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InputError", f"Invalid {name}, expected an integer")
    if value < minimum:
        raise ApiError("InputError", f"Invalid {name}, must be at least {minimum}")
    if value > maximum:
        raise ApiError("InputError", f"Invalid {name}, must be at most {maximum}")
    return value


def whole_number_text(raw: str, name: str, minimum: int = 0, maximum: int = LARGEST) -> int:
    """A query-string integer within [minimum, maximum]."""
    try:
        value = int(raw)
    except ValueError:
        raise ApiError("InputError", f"Invalid {name}, {raw!r} is not an integer") from None
    return whole_number(value, name, minimum, maximum)
