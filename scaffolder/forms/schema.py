"""A form page's JSON Schema made concrete for the answers at hand.

react-jsonschema-form, which Backstage's wizard runs on, shows a property through its
``$ref``, merges ``allOf`` into one schema, and applies ``if``/``then``/``else`` and
``dependencies`` (also the ``oneOf`` form) against the current answers, so fields
appear as earlier ones are filled. :class:`Resolver` does the same on the server;
the page's own schema stays untouched for validation (jsonschema evaluates those
keywords itself). Pure functions over dicts: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft7Validator

__all__ = [
    "FormSchemaError",
    "Resolver",
    "choices",
    "is_flagged",
    "json_type",
    "merge",
    "ordered",
    "ui_keys",
    "unflagged",
    "without_ui",
]

#: How deep ``$ref`` chains and nested conditionals may go (a cycle stops here).
MAX_DEPTH = 32
_LOWER_BOUNDS = {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}
_UPPER_BOUNDS = {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}


class FormSchemaError(Exception):
    """A page schema the form cannot be built from (a ``$ref`` to nowhere or outside
    the page, a reference cycle); ``str()`` says which and where."""


def ui_keys(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ui:*`` keys of a property (the rjsf uiSchema Backstage extracts)."""
    return {key: value for key, value in schema.items() if key.startswith("ui:")}


def without_ui(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` without ``ui:*`` and ``backstage:*`` keys (what a widget validates)."""
    return {key: value for key, value in schema.items()
            if not key.startswith(("ui:", "backstage:"))}  # fmt: skip


def is_flagged(schema: Any) -> bool:
    """Whether a page or property is behind a feature flag (``backstage:featureFlag``,
    or ``ui:backstage: {featureFlag}``). No flags are active here, so it is dropped,
    as Backstage drops it while the flag is off."""
    if not isinstance(schema, Mapping):
        return False
    backstage = schema.get("ui:backstage")
    return isinstance(schema.get("backstage:featureFlag"), str) or (
        isinstance(backstage, Mapping) and isinstance(backstage.get("featureFlag"), str))


def unflagged(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` without its feature-flagged properties (at every depth), and without
    their names in ``required``, as Backstage filters a page before showing it."""
    out = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        dropped = {name for name, sub in properties.items() if is_flagged(sub)}
        kept = {name: sub for name, sub in properties.items() if name not in dropped}
        out["properties"] = {name: unflagged(sub) if isinstance(sub, Mapping) else sub
                             for name, sub in kept.items()}  # fmt: skip
        if isinstance(schema.get("required"), list):
            out["required"] = [name for name in schema["required"] if name not in dropped]
    return out


def json_type(schema: Mapping[str, Any]) -> str:
    """The JSON type a widget is chosen for: the declared type (the first that is not
    ``null``), else what ``const``/``enum``/``properties``/``items`` imply, else string."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
    if isinstance(declared, str):
        return declared
    sample = schema["const"] if "const" in schema else (schema.get("enum") or [None])[0]
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int | float):
        return "number"
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def choices(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[tuple[Any, str]] | None:
    """``(value, label)`` pairs when the schema offers a fixed set: ``enum`` with
    ``enumNames`` (or ``ui:enumNames``), or ``oneOf``/``anyOf`` of ``{const, title}``;
    None otherwise."""
    if isinstance(schema.get("enum"), list):
        names = ui.get("ui:enumNames") or schema.get("enumNames") or []
        return [(value, str(names[i]) if i < len(names) else _label(value))
                for i, value in enumerate(schema["enum"])]  # fmt: skip
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(
                isinstance(b, Mapping) and "const" in b for b in branches):  # fmt: skip
            return [(b["const"], str(b.get("title") or _label(b["const"]))) for b in branches]
    return None


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "None" if value is None else str(value)


def ordered(names: list[str], order: Any) -> list[str]:
    """Property names in ``ui:order`` order: listed names first, ``'*'`` standing for
    the rest in schema order (names the order omits go last; unknown ones are ignored)."""
    if not isinstance(order, list):
        return names
    listed = [name for name in order if name == "*" or name in names]
    rest = [name for name in names if name not in listed]
    if "*" not in listed:
        return listed + rest
    star = listed.index("*")
    return listed[:star] + rest + [name for name in listed[star + 1:] if name != "*"]


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Two schemas as one (``allOf``, a ``then`` branch, a dependency): properties are
    merged by name, ``required`` is the union, bounds keep the stricter one, ``enum`` the
    values both allow, ``ui:options`` both sets; otherwise what ``base`` says wins."""
    out = dict(base)
    for key, value in extra.items():
        if key not in out:
            out[key] = value
        elif key == "properties" and isinstance(value, Mapping):
            mine = dict(out[key])
            for name, sub in value.items():
                both = isinstance(mine.get(name), Mapping) and isinstance(sub, Mapping)
                mine[name] = merge(mine[name], sub) if both else mine.get(name, sub)
            out[key] = mine
        elif key == "required" and isinstance(value, list):
            out[key] = list(out[key]) + [name for name in value if name not in out[key]]
        elif key in _LOWER_BOUNDS | _UPPER_BOUNDS and _numbers(out[key], value):
            out[key] = max(out[key], value) if key in _LOWER_BOUNDS else min(out[key], value)
        elif key == "enum" and isinstance(value, list):
            out[key] = [item for item in out[key] if item in value]
        elif isinstance(out[key], Mapping) and isinstance(value, Mapping) and (
                key in ("items", "ui:options", "ui:backstage")):  # fmt: skip
            out[key] = merge(out[key], value)
    return out


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


class Resolver:
    """Resolves the schemas of one page: ``$ref`` to ``#/…`` inside the page, ``allOf``
    merged, conditionals applied for an instance. ``controls`` collects the property
    names whose value changes which fields show (the form re-renders when they change)."""

    def __init__(self, page: Mapping[str, Any]) -> None:
        self.page = page
        self._validator = Draft7Validator(dict(page))

    def deref(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        """``schema`` with its ``$ref`` chain followed (sibling keys win over the target)."""
        if not isinstance(schema, Mapping):
            return {}
        while "$ref" in schema:
            if depth > MAX_DEPTH:
                raise FormSchemaError(f"$ref {schema['$ref']!r} nests too deep (a cycle?)")
            target = self._target(schema["$ref"])
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            depth += 1
        return dict(schema)

    def _target(self, ref: Any) -> Mapping[str, Any]:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise FormSchemaError(f"$ref {ref!r} points outside the page; only references "
                                  "to #/… inside the same page are supported")  # fmt: skip
        node: Any = self.page
        for part in [p for p in ref[1:].split("/") if p]:
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise FormSchemaError(f"$ref {ref!r} points to nothing in the page")
        if not isinstance(node, Mapping):
            raise FormSchemaError(f"$ref {ref!r} does not point to a schema")
        return node

    def matches(self, schema: Any, instance: Any) -> bool:
        """Whether ``instance`` passes ``schema`` (``$ref``s resolve inside the page)."""
        if isinstance(schema, bool):
            return schema
        return self._validator.evolve(schema=dict(schema)).is_valid(instance)

    def resolve(self, schema: Any, instance: Any, controls: set[str] | None = None,
                depth: int = 0) -> dict[str, Any]:  # fmt: skip
        """``schema`` as rjsf shows it for ``instance``: dereferenced, ``allOf`` merged,
        the ``if`` branch that applies and the dependencies that apply merged in."""
        if depth > MAX_DEPTH:
            raise FormSchemaError("the page's schema nests too deep (a reference cycle?)")
        schema = self.deref(schema, depth)
        if isinstance(schema.get("allOf"), list):
            base = {k: v for k, v in schema.items() if k != "allOf"}
            for sub in schema["allOf"]:
                base = merge(base, self.resolve(sub, instance, controls, depth + 1))
            schema = base
        if "if" in schema:
            schema = self._conditional(schema, instance, controls, depth)
        if isinstance(schema.get("dependencies"), Mapping):
            schema = self._dependencies(schema, instance, controls, depth)
        return schema

    def _conditional(self, schema: dict[str, Any], instance: Any, controls: set[str] | None,
                     depth: int) -> dict[str, Any]:  # fmt: skip
        condition = self.deref(schema["if"], depth)
        if controls is not None:
            controls.update((condition.get("properties") or {}).keys())
            controls.update(n for n in condition.get("required") or [] if isinstance(n, str))
        branch = "then" if self.matches(condition, instance) else "else"
        rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
        if branch in schema:
            rest = merge(rest, self.resolve(schema[branch], instance, controls, depth + 1))
        return rest

    def _dependencies(self, schema: dict[str, Any], instance: Any, controls: set[str] | None,
                      depth: int) -> dict[str, Any]:  # fmt: skip
        rest = {k: v for k, v in schema.items() if k != "dependencies"}
        for key, dependency in schema["dependencies"].items():
            if controls is not None:
                controls.add(key)
            if not isinstance(instance, Mapping) or instance.get(key) is None:
                continue
            if isinstance(dependency, list):
                rest = merge(rest, {"required": [n for n in dependency if isinstance(n, str)]})
                continue
            dependency = self.deref(dependency, depth)
            own = {k: v for k, v in dependency.items() if k not in ("oneOf", "anyOf")}
            rest = merge(rest, self.resolve(own, instance, controls, depth + 1))
            branch = self._branch(key, dependency, instance)
            if branch is not None:
                branch = self.resolve(branch, instance, controls, depth + 1)
                others = {n: s for n, s in (branch.get("properties") or {}).items() if n != key}
                rest = merge(rest, {**branch, "properties": others})
        return rest

    def _branch(self, key: str, dependency: Mapping[str, Any],
                instance: Mapping[str, Any]) -> dict[str, Any] | None:  # fmt: skip
        """The ``oneOf`` branch whose own ``key`` property the answer matches (exactly
        one, as rjsf insists; for ``anyOf``, the first)."""
        for keyword in ("oneOf", "anyOf"):
            branches = dependency.get(keyword)
            if not isinstance(branches, list):
                continue
            fitting = []
            for branch in map(self.deref, branches):
                own = (branch.get("properties") or {}).get(key)
                if own is not None and self.matches(
                        {"properties": {key: own}}, {key: instance[key]}):  # fmt: skip
                    fitting.append(branch)
            if (keyword == "anyOf" and fitting) or len(fitting) == 1:
                return fitting[0]
        return None

    def declared_names(self, schema: Any, depth: int = 0) -> set[str]:
        """Every property name an object schema may ask for: its own ``properties`` and
        those its ``allOf``, ``if`` branches and ``dependencies`` (``oneOf`` too) add."""
        schema = self.deref(schema, depth)
        if depth > MAX_DEPTH:
            return set()
        names = set((schema.get("properties") or {}).keys())
        nested: list[Any] = [schema.get("then"), schema.get("else")]
        for key in ("allOf", "oneOf", "anyOf"):
            nested += schema[key] if isinstance(schema.get(key), list) else []
        dependencies = schema.get("dependencies")
        if isinstance(dependencies, Mapping):
            nested += [dep for dep in dependencies.values() if isinstance(dep, Mapping)]
        for sub in nested:
            if isinstance(sub, Mapping):
                names |= self.declared_names(sub, depth + 1)
        return names
