"""A generated docs site of any size, deterministic, shaped like a real handbook: a
``mkdocs.yml`` with a nested nav, sections of ten pages, and pages with headings (for
the table of contents), prose, code blocks, tables, admonitions, links to their
neighbours and an image every ten pages. The TechDocs tests and
``benchmarks/techdocs_build.py`` build the same bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path

#: A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SECTION_SIZE = 10
PARAGRAPH = (
    "Requests reach the service through the gateway, which checks the caller's token and "
    "forwards the call to the nearest healthy instance. Each instance keeps its own "
    "connection pool and reports its saturation to the metrics pipeline every ten seconds."
)


def page_path(index: int) -> str:
    """Where page ``index`` (0-based) lives: ``index.md`` first, then ten per section."""
    if index == 0:
        return "index.md"
    return f"section-{(index - 1) // SECTION_SIZE + 1:02d}/page-{index:03d}.md"


def _page(index: int, pages: int) -> str:
    """One page's markdown; ``index`` varies the words so search sees distinct pages."""
    here = Path(page_path(index)).parent
    parts = [f"# Topic {index}: operating part {index} of the platform", ""]
    for heading in ("Overview", "Configuration", "Troubleshooting"):
        parts += [f"## {heading} of topic {index}", "", PARAGRAPH, "",
                  f"### Details {index}.{heading.lower()}", "", PARAGRAPH, ""]  # fmt: skip
    parts += ["```yaml", f"service: topic-{index}", "replicas: 3", "```", "",
              "| Setting | Default |", "| --- | --- |", f"| timeout | {index} s |", "",
              '!!! note "Remember"', f"    Topic {index} ships by region.", ""]  # fmt: skip
    if index % SECTION_SIZE == 0:
        image = Path("img/diagram.png")
        parts += [f"![Diagram of topic {index}]({_relative(here, image)})", ""]
    if index + 1 < pages:
        parts += [f"Next: [topic {index + 1}]({_relative(here, Path(page_path(index + 1)))})", ""]
    return "\n".join(parts)


def _relative(here: Path, target: Path) -> str:
    ups = len(here.parts) if str(here) != "." else 0
    return "/".join([".."] * ups + list(target.parts))


def _mkdocs_yml(name: str, pages: int) -> str:
    lines = [f"site_name: {name}", f"site_description: A generated site of {pages} pages",
             "nav:", "  - Home: index.md"]  # fmt: skip
    for index in range(1, pages):
        if (index - 1) % SECTION_SIZE == 0:
            lines.append(f"  - Section {(index - 1) // SECTION_SIZE + 1}:")
        lines.append(f"      - Topic {index}: {page_path(index)}")
    lines += ["plugins:", "  - techdocs-core", ""]
    return "\n".join(lines)


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path to text or bytes) under ``root``; returns it."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def write_site(root: Path, pages: int = 200, name: str = "Generated handbook") -> Path:
    """Write a site of ``pages`` pages into ``root`` (``mkdocs.yml`` and ``docs/``)."""
    docs = root / "docs"
    (docs / "img").mkdir(parents=True, exist_ok=True)
    (docs / "img" / "diagram.png").write_bytes(PNG)
    (root / "mkdocs.yml").write_text(_mkdocs_yml(name, pages))
    for index in range(pages):
        path = docs / page_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(index, pages))
    return root
