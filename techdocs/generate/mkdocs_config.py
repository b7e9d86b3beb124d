"""A new mkdocs configuration built from an allow-list of the author's settings.

Backstage's sanitiser removed dangerous keys from the author's file and was bypassed
again and again (hooks, INHERIT, theme overrides, ``module:Class`` extensions, the
mapping form of ``markdown_extensions``, snippets reading outside the tree; see
``../shared/anchors/security.md`` group G). Greenroom does the opposite: it starts from
nothing and copies over only keys, plugins and extensions it knows, each checked;
anything else that could change what runs or what is read is refused with a message
naming the key. The result is plain JSON-able data for the build subprocess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techdocs.generate.config_checks import (
    check_extensions,
    check_nav,
    check_plugins,
    inside,
    plain_data,
    refuse,
    relative_file,
)

__all__ = ["CleanConfig", "GeneratorOptions", "clean_config"]

#: Copied as they are (after a type check): they only change text and links.
_TEXT_KEYS = ("site_name", "site_url", "site_description", "site_author", "repo_url",
              "repo_name", "edit_uri", "edit_uri_template", "copyright")  # fmt: skip
#: Accepted and ignored: Greenroom decides where and how the build runs.
_IGNORED_KEYS = ("site_dir", "dev_addr", "watch", "remote_branch", "remote_name",
                 "google_analytics", "strict")  # fmt: skip
_REASONS = {
    "hooks": "hooks run Python code from the repository during the build",
    "INHERIT": "INHERIT makes mkdocs read another file, possibly outside the repository",
    "extra_javascript": "scripts never run in the portal's docs pages",
    "extra_templates": "extra templates are rendered with the build's template engine",
}
_THEME_KEYS = ("name", "font", "icon", "logo", "favicon", "language", "direction", "palette",
               "features")  # fmt: skip


@dataclass(frozen=True)
class GeneratorOptions:
    """What an administrator allows beyond the defaults (``techdocs.generator.mkdocs``)."""

    allowed_plugins: frozenset[str] = frozenset()
    allowed_extensions: frozenset[str] = frozenset()
    allowed_extra_keys: frozenset[str] = frozenset()
    omit_techdocs_core: bool = False
    disable_external_fonts: bool = True


@dataclass
class CleanConfig:
    config: dict[str, Any]
    docs_dir: Path
    warnings: list[str] = field(default_factory=list)


def _docs_dir(authored: dict[str, Any], root: Path) -> Path:
    value = authored.get("docs_dir", "docs")
    if not isinstance(value, str) or not value.strip():
        refuse("docs_dir", "must be a folder name such as docs")
    return inside(root, value, "docs_dir")


def _theme(value: Any, docs: Path, options: GeneratorOptions) -> dict[str, Any]:
    theme = {"name": value} if isinstance(value, str) else value
    if theme is None:
        theme = {}
    if not isinstance(theme, dict):
        refuse("theme", "must be a theme name or a mapping")
    for key in theme:
        if key not in _THEME_KEYS:
            refuse(f"theme.{key}", "is not allowed: themes are not customised with templates "
                   f"or overrides (allowed: {', '.join(_THEME_KEYS)})")
    name = theme.get("name", "material")
    if name not in ("material", "mkdocs"):
        refuse("theme.name", f"{name!r} is not installed; use material (techdocs-core's theme)")
    clean = plain_data({**theme, "name": name}, "theme")
    for key in ("logo", "favicon"):
        if key in clean:
            clean[key] = relative_file(docs, clean[key], f"theme.{key}")
    if options.disable_external_fonts:
        clean["font"] = False
    return clean


def clean_config(authored: dict[str, Any], *, docs_root: Path, site_name_default: str,
                 options: GeneratorOptions | None = None) -> CleanConfig:  # fmt: skip
    """The configuration to build ``authored`` with, or DocsProblem naming what to
    change. ``docs_root`` is the folder holding mkdocs.yml (the tree's root)."""
    options = options or GeneratorOptions()
    root = docs_root.resolve()
    warnings: list[str] = []
    for key in authored:
        if not isinstance(key, str):
            refuse(str(key), "is not a setting name")
        if key in _REASONS:
            refuse(key, f"is not allowed: {_REASONS[key]}")
        known = key in _TEXT_KEYS or key in _IGNORED_KEYS or key in options.allowed_extra_keys
        if not known and key not in ("docs_dir", "nav", "exclude_docs", "not_in_nav", "theme",
                                     "plugins", "markdown_extensions", "extra", "extra_css",
                                     "use_directory_urls", "validation"):  # fmt: skip
            refuse(key, "is not a setting Greenroom builds with; remove it")
    docs = _docs_dir(authored, root)
    config: dict[str, Any] = {"site_name": site_name_default}
    for key in _TEXT_KEYS:
        if key in authored:
            if not isinstance(authored[key], str):
                refuse(key, "must be text")
            config[key] = authored[key]
    for key in options.allowed_extra_keys & authored.keys():
        config[key] = plain_data(authored[key], key)
    ignored = sorted(set(_IGNORED_KEYS) & authored.keys())
    if ignored:
        warnings.append(f"mkdocs.yml: {', '.join(ignored)} ignored (Greenroom sets these)")
    config["docs_dir"] = str(docs)
    config["theme"] = _theme(authored.get("theme"), docs, options)
    config["plugins"] = check_plugins(authored.get("plugins"), options)
    config["markdown_extensions"] = check_extensions(authored.get("markdown_extensions"), docs,
                                                     options)  # fmt: skip
    if "nav" in authored:
        config["nav"] = check_nav(authored["nav"], docs)
    for key in ("exclude_docs", "not_in_nav"):
        if key in authored:
            if not isinstance(authored[key], str):
                refuse(key, "must be text (gitignore-style patterns, one per line)")
            config[key] = authored[key]
    if "use_directory_urls" in authored:
        if not isinstance(authored["use_directory_urls"], bool):
            refuse("use_directory_urls", "must be true or false")
        config["use_directory_urls"] = authored["use_directory_urls"]
    if "validation" in authored:
        config["validation"] = plain_data(authored["validation"], "validation")
    if "extra" in authored:
        config["extra"] = plain_data(authored["extra"], "extra")
    if "extra_css" in authored:
        css = authored["extra_css"]
        if not isinstance(css, list):
            refuse("extra_css", "must be a list of stylesheets inside the docs folder")
        config["extra_css"] = [relative_file(docs, item, f"extra_css[{i}]")
                               for i, item in enumerate(css)]  # fmt: skip
    return CleanConfig(config=config, docs_dir=docs, warnings=warnings)

