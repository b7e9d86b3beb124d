"""The entity and kind schemas, as a small hand-written JSON-schema subset.

Backstage validates entities with ajv against draft-07 schemas and reports the *first* error
of ajv's evaluation order. Running a general JSON-schema validator per entity is too slow for
bulk ingestion, so the few keywords the catalog schemas use are implemented here as schema
nodes that check in ajv's order (type, ``required``, ``additionalProperties``, ``properties``,
``patternProperties``; ``enum`` and ``minLength`` after the type) and raise at the first
failure. The per-kind rules mirror ``catalog-schemas/kinds/*.schema.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from catalog.model.errors import EntityValidationError
from catalog.model.formats import shown
from catalog.model.refs import entity_ref

__all__ = [
    "BACKSTAGE_API_VERSIONS",
    "KIND_SCHEMAS",
    "TEMPLATE_API_VERSION",
    "AnyOfTypes",
    "Array",
    "KindSchema",
    "Object",
    "OneOf",
    "Schema",
    "SchemaViolation",
    "String",
    "check_kind",
]

Path = tuple[str | int, ...]


class SchemaViolation(Exception):
    """The first schema failure: where it is and ajv's message and parameters for it."""

    def __init__(self, path: Path, message: str, params: str, child: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.params = params
        self.child = child

    @property
    def field(self) -> str:
        """Dotted path of the failing field; a missing or extra property is included."""
        parts = self.path if self.child is None else (*self.path, self.child)
        return ".".join(str(part) for part in parts)

    def text(self, *, with_params: bool) -> str:
        """ajv's ``<instancePath> <message>[ - <params>]``, with ``<root>`` for the top."""
        pointer = "".join(
            "/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.path
        )
        text = f"{shown(pointer) or '<root>'} {self.message}"
        return f"{text} - {shown(self.params)}" if with_params else text


class Schema(Protocol):
    """A schema node: raises ``SchemaViolation`` for the first failure under ``path``."""

    def check(self, value: object, path: Path) -> None: ...


class String:
    """``{type: string}`` with optional ``enum``, ``minLength`` and ``pattern``."""

    __slots__ = ("enum", "min_length", "pattern", "pattern_text")

    def __init__(
        self, *, min_length: int = 0, enum: tuple[str, ...] = (), pattern: str | None = None
    ) -> None:
        self.min_length = min_length
        self.enum = enum
        self.pattern_text = pattern
        self.pattern = None if pattern is None else _compile_js_pattern(pattern)

    def check(self, value: object, path: Path) -> None:
        if not isinstance(value, str):
            raise SchemaViolation(path, "must be string", "type: string")
        if self.enum and value not in self.enum:
            allowed = ",".join(self.enum)
            raise SchemaViolation(
                path, "must be equal to one of the allowed values", f"allowedValues: {allowed}"
            )
        if len(value) < self.min_length:
            limit = self.min_length
            raise SchemaViolation(
                path, f"must NOT have fewer than {limit} characters", f"limit: {limit}"
            )
        if self.pattern is not None and not self.pattern.search(value):
            raise SchemaViolation(
                path, f'must match pattern "{self.pattern_text}"', f"pattern: {self.pattern_text}"
            )


def _compile_js_pattern(pattern: str) -> re.Pattern[str]:
    """An anchored ``^...$`` JavaScript pattern: its ``$`` is the very end, ``\\w`` is ASCII."""
    return re.compile(rf"\A{pattern[1:-1]}\Z", re.ASCII)


class AnyOfTypes:
    """``{type: [string, boolean]}``: a value of any of the listed JSON types."""

    __slots__ = ("names", "types")

    _PYTHON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,)}

    def __init__(self, *names: str) -> None:
        self.names = ",".join(names)
        self.types = tuple(t for name in names for t in self._PYTHON_TYPES[name])

    def check(self, value: object, path: Path) -> None:
        if not isinstance(value, self.types):
            raise SchemaViolation(path, f"must be {self.names}", f"type: {self.names}")


class Array:
    """``{type: array, items?}``."""

    __slots__ = ("items",)

    def __init__(self, items: Schema | None = None) -> None:
        self.items = items

    def check(self, value: object, path: Path) -> None:
        if not isinstance(value, list):
            raise SchemaViolation(path, "must be array", "type: array")
        if self.items is not None:
            for index, item in enumerate(value):
                self.items.check(item, (*path, index))


class Object:
    """``{type: object}`` with ``required``, ``properties``, ``additionalProperties`` and one
    ``patternProperties`` entry (the catalog only uses ``^.+$``)."""

    __slots__ = ("closed", "extra", "names", "pattern_values", "properties", "required")

    # ajv runs ``^.+$`` as a JavaScript regex: ``.`` stops at line terminators.
    _ANY_LINE = re.compile(r"[^\n\r\u2028\u2029]+")

    def __init__(
        self,
        *,
        required: tuple[str, ...] = (),
        properties: Iterable[tuple[str, Schema]] = (),
        additional: bool | Schema = True,
        pattern_values: Schema | None = None,
    ) -> None:
        self.required = required
        self.properties = tuple(properties)
        self.names = frozenset(name for name, _ in self.properties)
        self.closed = additional is False
        self.extra = None if isinstance(additional, bool) else additional
        self.pattern_values = pattern_values

    def check(self, value: object, path: Path) -> None:
        if not isinstance(value, dict):
            raise SchemaViolation(path, "must be object", "type: object")
        for name in self.required:
            if name not in value:
                raise SchemaViolation(
                    path, f"must have required property '{name}'", f"missingProperty: {name}", name
                )
        if self.closed or self.extra is not None:
            self._check_additional(value, path)
        for name, schema in self.properties:
            if name in value:
                schema.check(value[name], (*path, name))
        if self.pattern_values is not None:
            for key, item in value.items():
                if self._ANY_LINE.fullmatch(key):
                    self.pattern_values.check(item, (*path, key))

    def _check_additional(self, value: dict[str, Any], path: Path) -> None:
        for key, item in value.items():
            if key in self.names:
                continue
            if self.extra is None:
                raise SchemaViolation(
                    path, "must NOT have additional properties", f"additionalProperty: {key}", key
                )
            self.extra.check(item, (*path, key))


class OneOf:
    """``oneOf``: exactly one branch must pass; ajv lists the first branch's errors first."""

    __slots__ = ("branches",)

    def __init__(self, *branches: Schema) -> None:
        self.branches = branches

    def check(self, value: object, path: Path) -> None:
        passing: list[int] = []
        first: SchemaViolation | None = None
        for index, branch in enumerate(self.branches):
            try:
                branch.check(value, path)
            except SchemaViolation as violation:
                first = first or violation
            else:
                passing.append(index)
        if first is not None and not passing:
            raise first
        if len(passing) > 1:
            indexes = ",".join(str(index) for index in passing)
            raise SchemaViolation(
                path, "must match exactly one schema in oneOf", f"passingSchemas: {indexes}"
            )


class KindSchema(NamedTuple):
    """The ``kind`` and ``apiVersion`` values a kind schema accepts, and its ``spec`` rules."""

    kind: str
    api_versions: frozenset[str]
    spec: Object


BACKSTAGE_API_VERSIONS = frozenset({"backstage.io/v1alpha1", "backstage.io/v1beta1"})
TEMPLATE_API_VERSION = "scaffolder.backstage.io/v1beta3"

_TEXT = String(min_length=1)
_TEXTS = Array(_TEXT)
_ANY_TEXT = String()
_IF = AnyOfTypes("string", "boolean")
_PERMISSIONS = Object(properties=(("tags", Array(_ANY_TEXT)),))


def _object(fields: str, required: str = "", **schemas: Schema) -> Object:
    """An object from a field list in schema order (the order decides which error is first).

    ``name`` is a non-empty string, ``name[]`` a list of them, ``name?`` any string; names
    given in ``schemas`` use that schema.
    """
    properties: list[tuple[str, Schema]] = []
    for field in fields.split():
        name = field.rstrip("[]?")
        default = _TEXTS if field.endswith("[]") else _ANY_TEXT if field.endswith("?") else _TEXT
        properties.append((name, schemas.get(name, default)))
    return Object(required=tuple(required.split()), properties=properties)


_PROFILE = _object("displayName email picture")
_FORM_DECORATORS = Array(_object("id? input", input=Object()))
_TEMPLATE_SPEC = _object(
    "type owner lifecycle parameters secrets presentation EXPERIMENTAL_recovery formDecorators "
    "EXPERIMENTAL_formDecorators steps output",
    "type steps",
    parameters=OneOf(
        _object("backstage:permissions", **{"backstage:permissions": _PERMISSIONS}),
        Array(
            _object(
                "when backstage:permissions", when=_IF, **{"backstage:permissions": _PERMISSIONS}
            )
        ),
    ),
    secrets=_object("schema", schema=Object()),
    presentation=_object(
        "buttonLabels", buttonLabels=_object("backButtonText? createButtonText? reviewButtonText?")
    ),
    EXPERIMENTAL_recovery=_object("EXPERIMENTAL_strategy?"),
    formDecorators=_FORM_DECORATORS,
    EXPERIMENTAL_formDecorators=_FORM_DECORATORS,
    steps=Array(
        _object(
            "id? name? action? input if backstage:permissions",
            "action",
            input=Object(),
            **{"if": _IF, "backstage:permissions": _PERMISSIONS},
        )
    ),
    output=Object(
        properties=(
            ("links", Array(_object("if url entityRef title icon", **{"if": _IF}))),
            ("text", Array(_object("if title icon content?", **{"if": _IF}))),
        ),
        additional=_ANY_TEXT,
    ),
)


def _builtin(kind: str, spec: Object) -> KindSchema:
    return KindSchema(kind, BACKSTAGE_API_VERSIONS, spec)


KIND_SCHEMAS: dict[str, KindSchema] = {
    schema.kind: schema
    for schema in (
        _builtin(
            "API",
            _object("type lifecycle owner system definition", "type lifecycle owner definition"),
        ),
        _builtin(
            "Component",
            _object(
                "type lifecycle owner system subcomponentOf "
                "providesApis[] consumesApis[] dependsOn[]",
                "type lifecycle owner",
            ),
        ),
        _builtin("Resource", _object("type owner dependsOn[] system", "type owner")),
        _builtin(
            "Group",
            _object("type profile parent children[] members[]", "type children", profile=_PROFILE),
        ),
        _builtin(
            "Location",
            _object(
                "type target targets[] presence", presence=String(enum=("required", "optional"))
            ),
        ),
        _builtin("User", _object("profile memberOf[]", "memberOf", profile=_PROFILE)),
        _builtin("System", _object("owner domain type", "owner")),
        _builtin("Domain", _object("owner subdomainOf type", "owner")),
        KindSchema("Template", frozenset({TEMPLATE_API_VERSION}), _TEMPLATE_SPEC),
    )
}

_WITH_SPEC = {
    kind: Object(required=("spec",), properties=(("spec", schema.spec),))
    for kind, schema in KIND_SCHEMAS.items()
}


def check_kind(entity: dict[str, Any]) -> None:
    """Kind validation of a policy-checked entity, as Backstage's kind processors do it.

    A ``kind``/``apiVersion`` pair that no built-in schema (nor the scaffolder's Template
    schema) claims means no processor recognises the entity; a claimed entity that breaks
    its schema gets ajv's first error. ``AiResource`` and ``API`` of type ``mcp-server`` are
    only known to Backstage's opt-in model layers, so they are judged like Backstage's
    default processors judge them.
    """
    schema = KIND_SCHEMAS.get(entity["kind"])
    if schema is None or entity["apiVersion"] not in schema.api_versions:
        raise EntityValidationError(
            f"No processor recognized the entity {shown(entity_ref(entity))} as valid, "
            "possibly caused by a foreign kind or apiVersion"
        )
    try:
        _WITH_SPEC[schema.kind].check(entity, ())
    except SchemaViolation as violation:
        raise EntityValidationError(
            violation.text(with_params=True), field=violation.field
        ) from None
