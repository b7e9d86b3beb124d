"""Filter predicates: the JSON ``query`` of the catalog API's POST endpoints.

The grammar is Backstage's filter predicates: ``{"<key>": <primitive>}`` is equality;
a key may instead take one operator object, ``$exists``, ``$in``, ``$hasPrefix`` or
``$contains`` (``{"relations": {"$contains": {"type", "targetRef"}}}`` matches a
relation); ``$all``, ``$any`` and ``$not`` combine predicates, and several keys in
one object are AND-ed. Entity keys and values compare lower-cased against the indexed
``EntityField`` rows (each condition is a semi-join, never a scan of entity JSON);
location predicates compare the location's own columns, case-insensitively.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from catalog.api.limits import check_predicate_size
from catalog.models import EntityField
from portal.api.errors import ApiError

__all__ = ["entity_predicate", "location_predicate"]

#: Matches nothing; ``~NOTHING`` matches everything.
NOTHING = Q(pk__in=[])
_OPERATORS = ("$exists", "$in", "$hasPrefix", "$contains")
_LOCATION_COLUMNS = {"id": "id", "type": "type", "target": "target", "entityref": "entity_name"}


def _invalid(message: str) -> ApiError:
    return ApiError("InputError", f"Invalid filter predicate: {message}")


def _is_primitive(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _text(value: Any) -> str:
    """A primitive as the search index stores it (JavaScript's ``String(value)``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower()


def _combine(predicate: Any, field: Callable[[str, Any], Q]) -> Q:
    """Walk ``$all``/``$any``/``$not`` and AND the plain keys of each object."""
    if not isinstance(predicate, dict):
        raise _invalid(f'expected an object, e.g. {{"kind": {json.dumps(predicate)}}}')
    operators = [key for key in predicate if key.startswith("$")]
    if operators:
        (key, value), *rest = predicate.items()
        if rest or key not in ("$all", "$any", "$not"):
            raise _invalid(f"an operator object must be a single $all, $any or $not, "
                           f"got {json.dumps(predicate)}")  # fmt: skip
        if key == "$not":
            return ~_combine(value, field)
        if not isinstance(value, list):
            raise _invalid(f"{key} takes an array")
        parts = [_combine(item, field) for item in value]
        if key == "$all":
            return _all(parts)
        return _any(parts)
    return _all([field(key, value) for key, value in predicate.items()])


def _all(parts: list[Q]) -> Q:
    result = Q()
    for part in parts:
        result &= part
    return result


def _any(parts: list[Q]) -> Q:
    if not parts:
        return NOTHING
    result = parts[0]
    for part in parts[1:]:
        result |= part
    return result


def _operator(key: str, value: Any) -> tuple[str, Any]:
    if not isinstance(value, dict) or not value:
        raise _invalid(f"the value of {key!r} must be a primitive or one of "
                       f"{', '.join(_OPERATORS)}, got {json.dumps(value)}")  # fmt: skip
    for name in _OPERATORS:
        if name in value:
            return name, value[name]
    raise _invalid(f"unknown operator in {json.dumps(value)} for {key!r}")


def _entities_with(rows: Any) -> Q:
    return Q(pk__in=rows.values("entity_id"))


def _entity_field(key: str, value: Any) -> Q:
    key = key.lower()
    if _is_primitive(value):
        return _entities_with(EntityField.objects.filter(key=key, value=_text(value)))
    name, operand = _operator(key, value)
    rows = EntityField.objects.filter(key=key)
    if name == "$exists":
        return _entities_with(rows) if operand else ~_entities_with(rows)
    if name == "$in":
        return _entities_with(rows.filter(value__in=_primitives(key, operand)))
    if name == "$hasPrefix":
        if not isinstance(operand, str):
            raise _invalid(f"$hasPrefix of {key!r} takes a string")
        return _entities_with(rows.filter(value__startswith=operand.lower()))
    if _is_primitive(operand):
        return _entities_with(rows.filter(value=_text(operand)))
    if key == "relations" and isinstance(operand, dict):
        return _relation(operand)
    extra = " or, for relations, {type, targetRef}" if key == "relations" else ""
    raise _invalid(f"$contains of {key!r} takes a primitive value{extra}")


def _primitives(key: str, values: Any) -> list[str]:
    if not isinstance(values, list) or not all(_is_primitive(v) for v in values):
        raise _invalid(f"$in of {key!r} takes an array of primitive values")
    return [_text(v) for v in values]


def _relation(target: dict[str, Any]) -> Q:
    """``{"type": "ownedBy", "targetRef"?: ref | {"$in": [refs]}}``."""
    fields = {k.lower(): v for k, v in target.items()}
    if set(fields) - {"type", "targetref"} or len(fields) != len(target):
        raise _invalid('$contains for "relations" takes only "type" and "targetRef"')
    kind = fields.get("type")
    if not isinstance(kind, str) or not kind:
        raise _invalid('$contains for "relations" requires a "type" string')
    rows = EntityField.objects.filter(key=f"relations.{kind.lower()}")
    if "targetref" in fields:
        refs = fields["targetref"]
        if isinstance(refs, dict) and list(refs) == ["$in"]:
            refs = refs["$in"]
        elif isinstance(refs, str):
            refs = [refs]
        if not refs or not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise _invalid('"targetRef" takes a ref or {"$in": [refs]} with at least one ref')
        rows = rows.filter(value__in=[r.lower() for r in refs])
    return _entities_with(rows)


def entity_predicate(predicate: Any) -> Q:
    """A ``Q`` over ``Entity`` for ``predicate``; raises InputError when it is invalid
    or larger than ``catalog.api.limits`` allows."""
    check_predicate_size(predicate)
    return _combine(predicate, _entity_field)


def _location_field(key: str, value: Any) -> Q:
    column = _LOCATION_COLUMNS.get(key.lower())
    if column is None:
        raise _invalid(f"location keys are id, type, target and entityRef, got {key!r}")
    if column == "entity_name":
        return _location_entity_ref(value)
    if column == "id":
        return _location_id(key, value)
    if _is_primitive(value):
        return Q(**{f"{column}__iexact": _text(value)})
    name, operand = _operator(key, value)
    if name == "$exists":
        return Q() if operand else NOTHING  # every location has all four
    if name == "$in":
        parts = [Q(**{f"{column}__iexact": v}) for v in _primitives(key, operand)]
        return _any(parts)
    if name == "$hasPrefix" and isinstance(operand, str):
        return Q(**{f"{column}__istartswith": operand})
    if name == "$contains":
        return NOTHING  # no location column is an array
    raise _invalid(f"$hasPrefix of {key!r} takes a string")


def _location_id(key: str, value: Any) -> Q:
    """Ids are UUIDs: compare parsed values, so text that is no UUID matches nothing."""
    if _is_primitive(value):
        wanted = [value]
    else:
        name, operand = _operator(key, value)
        if name == "$exists":
            return Q() if operand else NOTHING
        if name != "$in":
            return NOTHING  # prefixes and containment have no meaning for an id
        wanted = _primitives(key, operand)
    ids = []
    for text in wanted:
        try:
            ids.append(uuid.UUID(str(text)))
        except ValueError:
            continue
    return Q(id__in=ids)


def _location_entity_ref(value: Any) -> Q:
    """``entityRef`` is ``location:default/<entity_name>``; match on the stored name."""

    def name_of(ref: str) -> str | None:
        kind, _, rest = ref.lower().partition(":")
        namespace, _, name = rest.partition("/")
        return name if (kind, namespace) == ("location", "default") and name else None

    if isinstance(value, dict) and list(value) == ["$in"]:
        refs = _primitives("entityRef", value["$in"])
    elif _is_primitive(value):
        refs = [_text(value)]
    else:
        name, operand = _operator("entityRef", value)
        if name == "$exists":
            return Q() if operand else NOTHING
        raise _invalid("entityRef takes a ref, $in or $exists")
    names = [n for n in map(name_of, refs) if n]
    return Q(entity_name__in=names) if names else NOTHING


def location_predicate(predicate: Any) -> Q:
    """A ``Q`` over ``Location`` for ``predicate``; raises InputError when it is
    invalid or larger than ``catalog.api.limits`` allows."""
    check_predicate_size(predicate)
    return _combine(predicate, _location_field)
