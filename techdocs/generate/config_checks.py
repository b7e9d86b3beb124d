"""The checks `mkdocs_config` applies, one per kind of setting: paths confined to the
docs, plain data only, plugins and Markdown extensions from allow-lists with their
options checked, the navigation."""

from __future__ import annotations

import posixpath
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.generate.python_names import ALLOWED_PYTHON_NAMES, PYTHON_NAME_MARKER

if TYPE_CHECKING:
    from techdocs.generate.mkdocs_config import GeneratorOptions

__all__ = ["check_extensions", "check_nav", "check_plugins", "inside", "plain_data", "refuse",
           "relative_file"]  # fmt: skip

#: Plugins a site may list, with the options each takes (name → allowed option names).
PLUGINS: dict[str, tuple[str, ...]] = {
    "techdocs-core": ("use_material_search", "use_pymdownx_blocks"),
    "search": ("lang", "separator", "min_search_length", "indexing", "prebuild_index"),
    "material/search": ("lang", "separator", "pipeline", "enabled"),
    "redirects": ("redirect_maps",),
}
_BUILTIN = ("abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
            "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br",
            "sane_lists", "smarty", "tables", "toc", "wikilinks")  # fmt: skip
_PYMDOWNX = ("arithmatex", "b64", "betterem", "blocks.admonition", "blocks.details",
             "blocks.html", "blocks.definition", "blocks.tab", "blocks.caption", "caret",
             "critic", "details", "emoji", "escapeall", "extra", "fancylists", "highlight",
             "inlinehilite", "keys", "magiclink", "mark", "pathconverter", "progressbar",
             "quotes", "saneheaders", "smartsymbols", "snippets", "striphtml", "superfences",
             "tabbed", "tasklist", "tilde")  # fmt: skip
EXTENSIONS = frozenset(
    {*_BUILTIN, *(f"markdown.extensions.{name}" for name in _BUILTIN),
     *(f"pymdownx.{name}" for name in _PYMDOWNX), "markdown_inline_graphviz",
     "mdx_truly_sane_lists", "plantuml_markdown"})  # fmt: skip
#: Options that name Python objects (checked against the allowed names).
_CALLABLE_OPTIONS = {"slugify", "format", "emoji_index", "emoji_generator", "validator"}
#: Extension options that may only take these keys.
_ONLY = {"plantuml_markdown": ("format", "classes", "title", "alt", "priority", "encoding")}


def refuse(key: str, reason: str) -> NoReturn:
    raise DocsProblem(ProblemKind.REFUSED_CONFIG, f"mkdocs.yml: {key} {reason}", key=key)


def inside(root: Path, relative: str, key: str) -> Path:
    """``relative`` resolved (symlinks included) inside ``root``, else refused."""
    if relative.startswith(("/", "\\")) or "\x00" in relative or ":" in relative.split("/")[0]:
        refuse(key, f"{relative!r} must be a path inside the repository")
    resolved = (root / relative).resolve()
    if resolved != root and root not in resolved.parents:
        refuse(key, f"{relative!r} leads outside the repository")
    return resolved


def relative_file(docs: Path, value: Any, key: str) -> str:
    """A file named relative to the docs folder that stays inside it (kept as written)."""
    if not isinstance(value, str) or not value:
        refuse(key, "must be a file path inside the docs folder")
    if "://" in value or value.startswith("//"):
        refuse(key, f"{value!r} must be a file inside the docs folder, not an address")
    inside(docs, value, key)
    return value


def plain_data(value: Any, key: str, *, names_ok: bool = False) -> Any:
    """``value`` if it is strings, numbers, booleans, lists and mappings only; a Python
    name only where ``names_ok`` and only an allowed one."""
    if isinstance(value, dict):
        if PYTHON_NAME_MARKER in value:
            name = value[PYTHON_NAME_MARKER]
            if not names_ok or len(value) != 1 or name not in ALLOWED_PYTHON_NAMES:
                refuse(key, f"may not name the Python object {name!r}")
            return dict(value)
        return {str(k): plain_data(v, f"{key}.{k}", names_ok=names_ok or k in _CALLABLE_OPTIONS)
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [plain_data(v, f"{key}[{i}]", names_ok=names_ok) for i, v in enumerate(value)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    refuse(key, f"has a value of type {type(value).__name__}, which is not plain data")


def _entries(value: Any, key: str) -> list[tuple[str, Any]]:
    """``(name, options)`` of a list (strings or mappings) or mapping form; every key
    of a multi-key list item counts."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if not isinstance(value, list):
        refuse(key, "must be a list")
    found: list[tuple[str, Any]] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            found.append((item, None))
        elif isinstance(item, dict) and item and PYTHON_NAME_MARKER not in item:
            found += [(str(k), v) for k, v in item.items()]
        else:
            refuse(f"{key}[{index}]", "must be a name or a name with its options")
    return found


def _installed_plugins() -> set[str]:
    return {point.name for point in entry_points(group="mkdocs.plugins")}


def check_plugins(value: Any, options: GeneratorOptions) -> list[Any]:
    """The plugins to build with: techdocs-core first, then the author's allowed ones."""
    chosen: list[Any] = [] if options.omit_techdocs_core else ["techdocs-core"]
    installed: set[str] | None = None
    for name, settings in _entries(value, "plugins"):
        key = f"plugins.{name}"
        if name not in PLUGINS and name not in options.allowed_plugins:
            allowed = ", ".join(sorted({*PLUGINS, *options.allowed_plugins}))
            refuse(key, f"is not available in Greenroom builds (allowed plugins: {allowed})")
        if name in PLUGINS:
            settings = _plugin_options(name, settings, key)
        else:
            installed = installed if installed is not None else _installed_plugins()
            if name not in installed:
                raise DocsProblem(ProblemKind.PLUGIN_NOT_INSTALLED,
                                  f"mkdocs.yml: the plugin {name!r} is not installed on this "
                                  "portal's build workers", key=key)  # fmt: skip
            settings = plain_data(settings, key) if settings is not None else None
        if name == "techdocs-core" and not options.omit_techdocs_core:
            chosen[0] = {name: settings} if settings else name
        else:
            chosen.append({name: settings} if settings else name)
    return chosen


def _plugin_options(name: str, settings: Any, key: str) -> dict[str, Any] | None:
    if settings is None:
        return None
    if not isinstance(settings, dict):
        refuse(key, "options must be a mapping")
    for option in settings:
        if option not in PLUGINS[name]:
            refuse(f"{key}.{option}", f"is not an option Greenroom allows for {name}")
    clean = plain_data(settings, key)
    if clean.get("prebuild_index"):
        refuse(f"{key}.prebuild_index", "runs an external program; remove it")
    for source, target in (clean.get("redirect_maps") or {}).items():
        if not isinstance(target, str) or (":" in target and not target.startswith(
                ("http://", "https://"))):  # fmt: skip
            refuse(f"{key}.redirect_maps.{source}", "must redirect to a page or an http(s) URL")
        # The old page's redirect is written at site/<source>: it stays inside the site.
        normal = posixpath.normpath(source)
        if posixpath.isabs(source) or normal == ".." or normal.startswith("../") or \
                "\x00" in source or ":" in source:  # fmt: skip
            refuse(f"{key}.redirect_maps.{source}", "must be a page path inside the docs folder")
    return clean


def check_extensions(value: Any, docs: Path, options: GeneratorOptions) -> list[Any]:
    """The author's Markdown extensions (techdocs-core adds its own), each allowed and
    with its options checked; file-reading ones confined to the docs folder."""
    chosen: list[Any] = []
    for name, settings in _entries(value, "markdown_extensions"):
        key = f"markdown_extensions.{name}"
        if name not in EXTENSIONS and name not in options.allowed_extensions:
            why = ("names Python code" if ":" in name else
                   "is not available in Greenroom builds")  # fmt: skip
            refuse(key, f"{why}; allowed: Python-Markdown's extensions, pymdownx.*, "
                   "markdown_inline_graphviz, mdx_truly_sane_lists, plantuml_markdown")
        if settings is not None and not isinstance(settings, dict):
            refuse(key, "options must be a mapping")
        clean = plain_data(settings or {}, key)
        for option in clean:
            allowed = _ONLY.get(name)
            if allowed is not None and option not in allowed:
                refuse(f"{key}.{option}", f"is not allowed ({name} may only set "
                       f"{', '.join(allowed)}; no commands or servers)")
        clean = _confined(name, clean, docs, key)
        chosen.append({name: clean} if clean else name)
    return chosen


def _confined(name: str, settings: dict[str, Any], docs: Path, key: str) -> dict[str, Any]:
    """Extensions that read files read only the docs folder, and nothing from the web."""
    if name == "pymdownx.snippets":
        if settings.get("url_download"):
            refuse(f"{key}.url_download", "would fetch from the network during the build")
        for path in _as_list(settings.get("base_path")):
            inside(docs, path if isinstance(path, str) else "", f"{key}.base_path")
        if settings.get("restrict_base_path") is False or settings.get("check_paths") is False:
            refuse(key, "may not lift restrict_base_path or check_paths")
        settings = {**settings, "base_path": [str(docs)], "restrict_base_path": True,
                    "url_download": False, "check_paths": True}  # fmt: skip
    if name == "pymdownx.b64":
        # b64 embeds every image it finds under base_path or root_path (default: the
        # checkout) unless restrict_path is lifted, when it embeds any image at all.
        if settings.get("restrict_path") is False:
            refuse(f"{key}.restrict_path", "may not be lifted: images are embedded from the "
                   "docs folder only")  # fmt: skip
        for option in ("base_path", "root_path"):
            if option in settings:
                inside(docs, str(settings[option]), f"{key}.{option}")
        settings = {**settings, "base_path": str(docs), "root_path": str(docs),
                    "restrict_path": True}  # fmt: skip
    if name == "pymdownx.pathconverter" and "base_path" in settings:
        inside(docs, str(settings["base_path"]), f"{key}.base_path")
        settings = {**settings, "base_path": str(docs)}
    if name == "pymdownx.emoji":
        icons = (settings.get("options") or {}).get("custom_icons")
        for index, path in enumerate(_as_list(icons)):
            inside(docs, path if isinstance(path, str) else "",
                   f"{key}.options.custom_icons[{index}]")  # fmt: skip
    return settings


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_nav(nav: Any, docs: Path, key: str = "nav") -> list[Any]:
    """Navigation entries: pages inside the docs folder or http(s) links."""
    if not isinstance(nav, list):
        refuse(key, "must be a list of pages and sections")
    clean: list[Any] = []
    for index, item in enumerate(nav):
        where = f"{key}[{index}]"
        if isinstance(item, str):
            clean.append(_nav_target(item, docs, where))
        elif isinstance(item, dict) and len(item) == 1:
            (title, target), = item.items()
            if isinstance(target, list):
                clean.append({str(title): check_nav(target, docs, where)})
            elif isinstance(target, str):
                clean.append({str(title): _nav_target(target, docs, where)})
            else:
                refuse(where, "must name a page, a link or a list of entries")
        else:
            refuse(where, "must be a page, or one title with a page or a list")
    return clean


def _nav_target(target: str, docs: Path, key: str) -> str:
    if target.startswith(("http://", "https://", "mailto:")):
        return target
    if posixpath.isabs(target) or ":" in target:
        refuse(key, f"{target!r} must be a page inside the docs folder or an http(s) link")
    inside(docs, target, key)
    return target
