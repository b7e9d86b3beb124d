"""``catalog:write``, ``catalog:fetch`` and ``catalog:register``: the catalog from a
template, through the catalog's public functions only."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from catalog import services
from catalog.model.errors import CatalogError
from catalog.model.refs import parse_entity_ref, stringify_entity_ref
from catalog.models import LocationSource
from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.errors import InputError, StepError
from scaffolder.workspace import child_path

__all__ = ["ACTIONS", "catalog_yaml"]

SOURCE_TEMPLATE = "backstage.io/source-template"


class _BlockDumper(yaml.SafeDumper):
    """Sequences indented under their key, as Backstage's YAML writer does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line strings as literal blocks (``|-``), as Backstage writes them."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


def catalog_yaml(entity: Any) -> str:
    """``entity`` as a catalog-info.yaml document (keys in their given order)."""
    return yaml.dump(entity, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1 << 16)  # fmt: skip


def _write(ctx: ActionContext) -> None:
    ctx.log(f"Writing {ctx.input.get('filePath') or 'catalog-info.yaml'}")
    entity = copy.deepcopy(ctx.input["entity"])
    metadata = entity.setdefault("metadata", {})
    annotations = metadata.get("annotations") or {}
    metadata["annotations"] = {**annotations, SOURCE_TEMPLATE: ctx.template.entity_ref}
    target = child_path(ctx.workspace, ctx.input.get("filePath") or "catalog-info.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(catalog_yaml(entity), encoding="utf-8")


def _fetch_one(ref: str, ctx: ActionContext) -> dict[str, Any] | None:
    try:
        parsed = parse_entity_ref(
            ref,
            default_kind=ctx.input.get("defaultKind"),
            default_namespace=ctx.input.get("defaultNamespace") or "",
        )
    except CatalogError as exc:
        raise InputError(str(exc)) from None
    entity = services.get_entity(stringify_entity_ref(parsed))
    if entity is None and not ctx.input.get("optional"):
        raise StepError(f"Entity {ref} not found")  # a plain error (500), as in Backstage
    return entity


def _fetch(ctx: ActionContext) -> None:
    if ctx.input.get("entityRef"):
        ctx.output("entity", _fetch_one(ctx.input["entityRef"], ctx))
    if ctx.input.get("entityRefs"):
        ctx.output("entities", [_fetch_one(ref, ctx) for ref in ctx.input["entityRefs"]])


def _catalog_info_url(repo_contents_url: str, path: str) -> str:
    """``repoContentsUrl`` joined with ``catalogInfoPath``. A git repository given as
    ``<remote>#<ref>`` (publish:git's form) gives the git target ``<remote>#<ref>:<path>``;
    any other URL is resolved as a directory URL."""
    if "#" in repo_contents_url:
        return f"{repo_contents_url}:{path.lstrip('/')}"
    return urljoin(repo_contents_url.rstrip("/") + "/", path.lstrip("/"))


def _location(url: str) -> tuple[str, str]:
    """The catalog location a catalog-info URL names: ``<remote>#<ref>:<path>`` (a
    fragment with a colon) is a file in a git repository, read with git."""
    parts = urlsplit(url)
    if ":" in parts.fragment:
        return "git", url
    if parts.scheme == "file":
        return "file", unquote(parts.path)
    if parts.scheme in ("http", "https"):
        return "url", url
    raise InputError(f"Cannot register {url}: give an http(s) or file:// URL")


def _chosen_ref(names: list[tuple[str, str, str]]) -> str | None:
    """Backstage's pick among (kind, namespace, name): a Component not named
    ``generated-…``, else any such entity, else the first."""
    named = [n for n in names if not n[2].startswith("generated-")]
    components = [n for n in named if n[0].lower() == "component"]
    chosen = (components or named or names or [None])[0]
    return None if chosen is None else f"{chosen[0].lower()}:{chosen[1]}/{chosen[2]}"


def _register(ctx: ActionContext) -> None:
    if "catalogInfoUrl" in ctx.input:
        url = ctx.input["catalogInfoUrl"]
    else:
        path = ctx.input.get("catalogInfoPath") or "/catalog-info.yaml"
        url = _catalog_info_url(ctx.input["repoContentsUrl"], path)
    ctx.log(f"Registering {url} in the catalog")
    location_type, target = _location(url)
    try:
        location = services.find_location(location_type, target)
        if location is None:
            location, _ = services.register_location(location_type, target,
                                                     source=LocationSource.SCAFFOLDER)  # fmt: skip
        names = list(location.entities.order_by("ref").values_list("kind", "namespace", "name"))
    except CatalogError as exc:
        if ctx.input.get("optional"):
            ctx.log(f"Could not register {url}: {exc}")
            ctx.output("catalogInfoUrl", url)
            return
        raise InputError(str(exc)) from None
    ref = _chosen_ref(names)
    if ref:
        ctx.output("entityRef", ref)
    ctx.output("catalogInfoUrl", url)


ACTIONS = [
    backstage_action("catalog:write", _write),
    backstage_action("catalog:fetch", _fetch),
    backstage_action("catalog:register", _register),
]
