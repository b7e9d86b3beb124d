"""The filters Backstage's scaffolder ships: parseRepoUrl, projectSlug, parseEntityRef, pick.

They follow ``plugins/scaffolder-backend/src/lib/templating/filters`` and the helpers they
call (``parseRepoUrl`` in scaffolder-node, ``parseEntityRef`` in catalog-model), including
the error messages, because a failed filter leaves the template string unrendered and the
message is what a template author sees in ``fetch:template``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jinja2 import pass_context

from .js import JSUndefined, is_undefined, js_string
from .members import MISSING, js_member

__all__ = ["parse_entity_ref", "parse_repo_url", "pick"]

INTEGRATIONS_KEY = "__integrations__"

_REQUIRED = {
    "azure": ("project", "repo"),
    "bitbucketServer": ("project", "repo"),
    "bitbucketCloud": ("workspace", "project", "repo"),
    "gitea": ("repo",),
    "gerrit": ("repo",),
}


def _integration_type(host: str, integrations: Any) -> str | None:
    """The integration type for ``host``; with no configuration every host is github-like."""
    if integrations is None or is_undefined(integrations):
        return "github"
    if isinstance(integrations, Mapping):
        found = integrations.get(host)
        return str(found) if found else None
    for item in integrations:
        if isinstance(item, Mapping) and item.get("host") == host:
            return str(item.get("type") or "github")
        if item == host:
            return "github"
    return None


def parse_repo_url(repo_url: Any, integrations: Any = None) -> dict[str, str]:
    """RepoUrlPicker's ``host?owner=o&repo=r`` format, checked against the integrations."""
    text = js_string(repo_url)
    try:
        parts = urlsplit("https://" + text)
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    except ValueError as error:
        raise ValueError(f"Invalid repo URL passed to publisher, got {text}, {error}") from None
    if not host or re.search(r"[\s/\\]", host):
        raise ValueError(f"Invalid repo URL passed to publisher, got {text}, Invalid URL")
    kind = _integration_type(host, integrations)
    if not kind:
        raise ValueError(
            f"No matching integration configuration for host {host}, "
            "please check your integrations config"
        )
    params: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        params.setdefault(key, value)
    if kind == "gitlab":
        required: tuple[str, ...] = () if params.get("project") else ("owner", "repo")
    else:
        required = _REQUIRED.get(kind, ("repo", "owner"))
    for name in required:
        if not params.get(name):
            raise ValueError(
                f"Invalid repo URL passed to publisher: https://{text}, missing {name}"
            )
    result = {"host": host}
    for name in ("owner", "repo", "organization", "workspace", "project"):
        if name in params:
            result[name] = params[name].strip("/")
    return result


@pass_context
def parse_repo_url_filter(context: Any, repo_url: Any) -> dict[str, str]:
    return parse_repo_url(repo_url, context.get(INTEGRATIONS_KEY))


@pass_context
def project_slug_filter(context: Any, repo_url: Any) -> str:
    parsed = parse_repo_url(repo_url, context.get(INTEGRATIONS_KEY))
    return f"{parsed.get('owner', 'undefined')}/{parsed.get('repo', 'undefined')}"


def parse_entity_ref(ref: Any, options: Any = None) -> dict[str, str]:
    """catalog-model ``parseEntityRef``: ``[kind:][namespace/]name``; kind keeps its case."""
    options = options if isinstance(options, Mapping) else {}
    default_kind = options.get("defaultKind")
    default_namespace = options.get("defaultNamespace") or "default"
    if not ref or is_undefined(ref):
        raise ValueError("Entity reference must not be empty")
    if isinstance(ref, Mapping):
        kind, namespace, name = ref.get("kind"), ref.get("namespace"), ref.get("name")
    else:
        text = js_string(ref)
        colon, slash = text.find(":"), text.find("/")
        if slash != -1 and slash < colon:
            colon = -1
        kind = None if colon == -1 else text[:colon]
        namespace = None if slash == -1 else text[colon + 1 : slash]
        name = text[max(colon + 1, slash + 1) :]
        if "" in (kind, namespace, name):
            raise ValueError(
                f'Entity reference "{text}" was not on the form [<kind>:][<namespace>/]<name>'
            )
    kind = kind or default_kind
    namespace = namespace or default_namespace
    if not kind or is_undefined(kind):
        raise ValueError(
            f"Entity reference {js_string(ref)!r} had missing or empty kind "
            '(e.g. did not start with "component:" or similar)'
        )
    if not name:
        raise ValueError(f"Entity reference {js_string(ref)!r} had missing or empty name")
    return {"kind": js_string(kind), "namespace": js_string(namespace), "name": js_string(name)}


_PATH_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")


def pick(obj: Any, path: Any) -> Any:
    """lodash ``get(obj, path)`` for ``a.b``, ``a[0].b`` paths; missing gives undefined."""
    current = obj
    for match in _PATH_PART.finditer(js_string(path)):
        key: Any = match.group(1) if match.group(1) is not None else match.group(0)
        if current is None or is_undefined(current):
            return JSUndefined()
        value = js_member(current, key)
        if value is MISSING or callable(value):
            return JSUndefined()
        current = value
    return current
