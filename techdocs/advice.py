"""What the Docs tab tells a developer whose docs did not build: which failure it is
and what to do, in their words rather than a stack trace's."""

from __future__ import annotations

from dataclasses import dataclass

from techdocs.generate.problems import ProblemKind

__all__ = ["Advice", "advice_for"]


@dataclass(frozen=True)
class Advice:
    headline: str
    todo: str


_ADVICE = {
    ProblemKind.NO_MKDOCS_YML: Advice(
        "No mkdocs.yml", "Add a mkdocs.yml next to catalog-info.yaml with a site_name and "
        "'plugins: [techdocs-core]', and your pages in a docs/ folder."),
    ProblemKind.NO_INDEX: Advice(
        "No docs/index.md", "Add docs/index.md (the home page of the site); every other page "
        "is linked from the navigation."),
    ProblemKind.REFUSED_CONFIG: Advice(
        "mkdocs.yml asks for something Greenroom does not run",
        "Remove or change the key named below; builds use an allow-list of mkdocs settings, "
        "plugins and Markdown extensions."),
    ProblemKind.PLUGIN_NOT_INSTALLED: Advice(
        "A plugin that is not installed", "Remove the plugin from mkdocs.yml, or ask the "
        "portal's administrators to install and allow it."),
    ProblemKind.REFUSED_FILE: Advice(
        "A file the build may not use", "Replace the symbolic link or special file named "
        "below with a regular file inside the repository."),
    ProblemKind.TOO_LARGE: Advice(
        "The docs are too large", "Split the site or remove large generated files from docs/."),
    ProblemKind.TIMEOUT: Advice(
        "The build took too long", "Greenroom stopped it; it is tried again on the next change "
        "or with Rebuild."),
    ProblemKind.BUILD_FAILED: Advice(
        "The build failed", "The build log says where; fix the page or setting it names."),
    ProblemKind.SOURCE_UNREADABLE: Advice(
        "The docs source could not be read", "Check the backstage.io/techdocs-ref annotation "
        "and that the repository is reachable; it is tried again on the next check."),
    ProblemKind.STORAGE: Advice(
        "The docs storage failed", "The published version is kept; an administrator should "
        "check the storage settings and permissions named below."),
}  # fmt: skip


def advice_for(kind: str) -> Advice | None:
    """Advice for a stored problem kind (None when there is no problem)."""
    try:
        return _ADVICE[ProblemKind(kind)]
    except ValueError:
        return None
