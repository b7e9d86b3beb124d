"""How large one query may be, for ``filter=`` parameters and JSON predicates alike.

Every condition becomes a semi-join on the field index and the conditions are OR-ed
or AND-ed in one statement, so an unbounded query holds a worker for minutes and, on
SQLite, fails above about a thousand terms ("expression tree is too large"). Real
queries use a handful; these limits leave plenty of room and answer anything bigger
with a 400 InputError before a query is built. Predicates are walked without
recursion, so a deeply nested one cannot exhaust the stack either.
"""

from __future__ import annotations

from typing import Any

from portal.api.errors import ApiError

__all__ = ["MAX_CONDITIONS", "MAX_NESTING", "MAX_VALUES", "check_filter_size",
           "check_predicate_size"]  # fmt: skip

#: Conditions (``key: value`` of a predicate, ``key=value`` keys of a filter set).
MAX_CONDITIONS = 100
#: Values compared, every ``$in`` item and every repeated ``filter=`` key counted.
MAX_VALUES = 1000
#: Levels of ``$all``/``$any``/``$not`` inside one another.
MAX_NESTING = 10

_COMBINERS = ("$all", "$any", "$not")


def _too_big(what: str, conditions: int, values: int) -> ApiError | None:
    if conditions > MAX_CONDITIONS:
        return ApiError("InputError", f"Invalid {what}: more than {MAX_CONDITIONS} conditions")
    if values > MAX_VALUES:
        return ApiError("InputError", f"Invalid {what}: more than {MAX_VALUES} values")
    return None


def check_filter_size(sets: list[dict[str, set[str]]]) -> None:
    """InputError if parsed ``filter=`` sets hold too many conditions or values."""
    conditions = sum(len(conditions) for conditions in sets)
    values = sum(max(len(wanted), 1) for conditions in sets for wanted in conditions.values())
    error = _too_big("filter", conditions, values)
    if error:
        raise error


def check_predicate_size(predicate: Any) -> None:
    """InputError if ``predicate`` is nested too deeply or holds too many conditions or
    values; its shape is checked later, where it is turned into a query."""
    conditions = values = 0
    stack: list[tuple[Any, int]] = [(predicate, 1)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in _COMBINERS:
                if level > MAX_NESTING:
                    raise ApiError("InputError", "Invalid filter predicate: more than "
                                   f"{MAX_NESTING} levels of $all, $any and $not")  # fmt: skip
                children = value if isinstance(value, list) else [value]
                stack.extend((child, level + 1) for child in children)
            else:
                conditions += 1
                values += _leaves(value)
        error = _too_big("filter predicate", conditions, values)
        if error:
            raise error


def _leaves(value: Any) -> int:
    """The primitive values inside one condition's value (``$in`` lists, relations)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            count += 1
    return count
