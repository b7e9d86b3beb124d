"""A field of a stored template, found by template ref, page index and property path.

The pickers' endpoints (type-ahead, widget re-render) are told which field they serve
and read its schema and ``ui:options`` from the template in the catalog, so options
such as ``catalogFilter`` or ``allowedHosts`` are the template's and never what a
browser sends. A property is looked for wherever rjsf could show it on that page:
under ``properties`` (through ``$ref``), in ``allOf``/``anyOf``/``oneOf`` items, in
``then``/``else`` branches and in ``dependencies``, since which of those apply depends
on answers the endpoint does not have; a row of an array of objects is a number in
the path (``envs.0.owner``). Feature-flagged properties are never shown, so they are
not found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from typing import Any

from scaffolder.errors import StepError
from scaffolder.fields.base import Field
from scaffolder.forms.nodes import INDEX
from scaffolder.forms.schema import FormSchemaError, Resolver, is_flagged, ui_keys, without_ui
from scaffolder.parameters import pages
from scaffolder.services import template_entity

__all__ = ["UnknownField", "template_field"]

#: How deep branches may nest before the search gives up (a cycle of ``$ref``s).
MAX_DEPTH = 16
_BRANCH_LISTS = ("allOf", "anyOf", "oneOf")
_BRANCHES = ("then", "else")


class UnknownField(LookupError):
    """No such template, page or property; ``str()`` says which."""


def _containers(resolver: Resolver, schema: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """``schema`` and every branch of it that may add properties, dereferenced."""
    if depth > MAX_DEPTH:
        return
    node = resolver.deref(schema)
    yield node
    branches = [node[key] for key in _BRANCHES if key in node]
    for key in _BRANCH_LISTS:
        if isinstance(node.get(key), list):
            branches += node[key]
    dependencies = node.get("dependencies")
    if isinstance(dependencies, Mapping):
        branches += [dep for dep in dependencies.values() if isinstance(dep, Mapping)]
    for branch in branches:
        yield from _containers(resolver, branch, depth + 1)


def _is_row(part: str) -> bool:
    """A path part that numbers a row of an array (or the form's blank row)."""
    return part.isdigit() or part == INDEX


def _declared(container: Mapping[str, Any], name: str, rest: Sequence[str]) -> Any:
    """The schema ``container`` holds under ``name`` (None when it holds none)."""
    if _is_row(name) and rest and isinstance(container.get("items"), Mapping):
        return container["items"]
    properties = container.get("properties")
    if isinstance(properties, Mapping) and name in properties and not is_flagged(properties[name]):
        return properties[name]
    return None


def _find(resolver: Resolver, schema: Any, path: Sequence[str]) -> tuple[dict[str, Any], bool]:
    """The property at ``path`` under ``schema`` (the first branch that declares it with
    a ``ui:field``, else the first that declares it) and whether its parent requires it."""
    name, rest = path[0], path[1:]
    found: list[tuple[dict[str, Any], bool]] = []
    for container in _containers(resolver, schema):
        declared = _declared(container, name, rest)
        if declared is None:
            continue
        if not rest:
            found.append((resolver.deref(declared), name in (container.get("required") or [])))
            continue
        with suppress(UnknownField):
            found.append(_find(resolver, declared, rest))
    if not found:
        raise UnknownField(f"the page has no property {'.'.join(path)}")
    return next((item for item in found if "ui:field" in item[0]), found[0])


def template_field(template_ref: str, page: int, path: Sequence[str],
                   html_name: str = "") -> Field:  # fmt: skip
    """The Field at ``path`` of page ``page`` of the template ``template_ref``, with its
    schema and ``ui:*`` keys as the template declares them; UnknownField otherwise."""
    if not path or not all(isinstance(part, str) and part for part in path):
        raise UnknownField("no property path given")
    try:
        entity = template_entity(template_ref)
    except StepError as exc:
        raise UnknownField(str(exc)) from None
    shown = pages(entity["spec"])
    if not 0 <= page < len(shown) or is_flagged(shown[page]):
        raise UnknownField(f"{template_ref} has no page {page}")
    resolver = Resolver(shown[page])
    try:
        schema, required = _find(resolver, shown[page], path)
    except FormSchemaError as exc:
        raise UnknownField(str(exc)) from None
    title = schema.get("title") or schema.get("ui:title")
    description = schema.get("description") or schema.get("ui:description")
    return Field(
        name=path[-1], path=tuple(path), html_name=html_name or ".".join(path),
        schema=without_ui(schema), ui=ui_keys(schema),
        label=title if isinstance(title, str) and title else path[-1],
        description=description if isinstance(description, str) else "",
        required=required, page=page,
    )  # fmt: skip
