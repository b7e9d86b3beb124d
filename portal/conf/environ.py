"""Strict readers for environment variables.

A typo such as ``DEBUG=ture`` must stop startup with a clear message instead of
quietly meaning ``False``.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.conf.errors import ConfigError

__all__ = ["env_bool", "env_int", "env_list", "env_str"]

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


def env_str(environ: Mapping[str, str], name: str, default: str = "") -> str:
    """Return the variable's value stripped of whitespace, or ``default`` when unset/empty."""
    value = environ.get(name, "").strip()
    return value or default


def env_bool(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    """Return the variable as a boolean; anything but a clear yes/no is an error."""
    value = env_str(environ, name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={environ[name]!r} is not a boolean (use true or false)")


def env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    """Return the variable as an integer, or ``default`` when unset."""
    value = env_str(environ, name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    value = env_str(environ, name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
