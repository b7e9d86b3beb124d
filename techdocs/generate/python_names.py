"""The only Python objects an mkdocs.yml may name with ``!!python/name:``.

MkDocs loads its configuration with PyYAML's unsafe loader, so a ``!!python/...`` tag
can import and call anything. Greenroom never hands the author's file to mkdocs; these
names (the ones Backstage's sanitiser accepts: emoji indexes and generators, superfences
formatters, slugify) are the ones a clean configuration may carry. In the clean
configuration each appears as ``{PYTHON_NAME_MARKER: "dotted.name"}`` and the build
subprocess resolves it against this same list.
"""

from __future__ import annotations

PYTHON_NAME_MARKER = "!!python/name"

ALLOWED_PYTHON_NAMES = frozenset(
    {
        "material.extensions.emoji.twemoji",
        "material.extensions.emoji.to_svg",
        "pymdownx.emoji.emojione",
        "pymdownx.emoji.gemoji",
        "pymdownx.emoji.twemoji",
        "pymdownx.emoji.to_svg",
        "pymdownx.emoji.to_png",
        "pymdownx.emoji.to_png_sprite",
        "pymdownx.emoji.to_svg_sprite",
        "pymdownx.emoji.to_alt",
        "pymdownx.superfences.fence_code_format",
        "pymdownx.superfences.fence_div_format",
        "pymdownx.slugs.slugify",
        "mermaid2.fence_mermaid",
        "mermaid2.fence_mermaid_custom",
    }
)
