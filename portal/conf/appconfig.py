"""Load Greenroom's ``app-config.yaml`` files, in Backstage's shape.

Operators already keep an ``app-config.yaml`` for Backstage, so Greenroom reads the
same file. Several files merge in order (``app-config.yaml`` then
``app-config.production.yaml``): mappings merge key by key, while every other value,
lists included, is replaced by the later file, as in Backstage's config loader.

String values may use ``${VAR}`` to take an environment variable; ``$${`` writes a
literal ``${``. A missing variable is an error naming the variable, the file and the
key that used it, because a silently empty client secret or database password shows
up much later as a confusing failure.

This module is Django-free so that the settings module can call it before Django is
configured, and so that tests can call it with any environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from portal.conf.errors import ConfigError
from portal.conf.schema import validate_app_config

__all__ = ["config_files", "load_app_config", "merge", "substitute_env"]

#: ``${NAME}`` takes an environment variable; ``$${`` escapes a literal ``${``.
_PLACEHOLDER = re.compile(r"\$(\$?)\{([^}]*)\}")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def config_files(environ: Mapping[str, str], base_dir: Path) -> list[Path]:
    """Return the config files to read, in merge order.

    ``GREENROOM_CONFIG`` lists files separated by ``:`` (relative paths are taken from
    the current directory). Without it, ``app-config.yaml`` in the project directory is
    read, followed by ``app-config.local.yaml`` when present (Backstage's convention
    for personal overrides that stay out of git).
    """
    listed = environ.get("GREENROOM_CONFIG", "").strip()
    if listed:
        paths = [Path(part).expanduser() for part in listed.split(":") if part.strip()]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise ConfigError(f"GREENROOM_CONFIG names a file that does not exist: {missing[0]}")
        return paths
    default = base_dir / "app-config.yaml"
    local = base_dir / "app-config.local.yaml"
    return [p for p in (default, local) if p.is_file()]


def load_app_config(paths: Iterable[Path], environ: Mapping[str, str]) -> dict[str, Any]:
    """Read, substitute, merge and validate ``paths``; return the merged config.

    Raises:
        ConfigError: one line naming the file and the key or line that is wrong.
    """
    merged: dict[str, Any] = {}
    for path in paths:
        document = substitute_env(_read_yaml(path), environ, source=str(path))
        merged = merge(merged, _absolute_file_locations(document, path.resolve().parent))
    validate_app_config(merged)
    return merged


def _absolute_file_locations(document: dict[str, Any], directory: Path) -> dict[str, Any]:
    """Make relative ``file`` targets in ``catalog.locations`` relative to the config
    file that declares them, so they mean the same whatever the working directory."""
    catalog = document.get("catalog")
    locations = catalog.get("locations") if isinstance(catalog, dict) else None
    if not isinstance(locations, list):
        return document
    fixed = [
        {**loc, "target": str(directory / loc["target"])}
        if isinstance(loc, dict)
        and loc.get("type") == "file"
        and isinstance(loc.get("target"), str)
        and not Path(loc["target"]).is_absolute()
        else loc
        for loc in locations
    ]
    return {**document, "catalog": {**catalog, "locations": fixed}}


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(_yaml_error_line(path, exc)) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys, not a list or value")
    return document


def _yaml_error_line(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"{path}: malformed YAML: {problem}"
    return f"{path}:{mark.line + 1}:{mark.column + 1}: malformed YAML: {problem}"


def substitute_env(value: Any, environ: Mapping[str, str], *, source: str, key: str = "") -> Any:
    """Return ``value`` with every ``${VAR}`` in its strings replaced from ``environ``."""
    if isinstance(value, dict):
        return {
            k: substitute_env(v, environ, source=source, key=_join(key, str(k)))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            substitute_env(v, environ, source=source, key=f"{key}[{i}]")
            for i, v in enumerate(value)
        ]
    if isinstance(value, str):
        return _substitute_string(value, environ, source=source, key=key)
    return value


def _substitute_string(text: str, environ: Mapping[str, str], *, source: str, key: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2).strip()
        if escaped:
            return "${" + match.group(2) + "}"
        if not _ENV_NAME.match(name):
            raise ConfigError(f"{source}: {key}: '${{{name}}}' is not a valid variable name")
        if name not in environ:
            raise ConfigError(
                f"{source}: {key} uses ${{{name}}}, but the environment variable {name} is not set"
            )
        return environ[name]

    return _PLACEHOLDER.sub(replace, text)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` onto ``base``: mappings merge, anything else replaces."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result
