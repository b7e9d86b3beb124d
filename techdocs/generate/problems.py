"""What can be wrong with a docs source, as one typed error the pages can explain."""

from __future__ import annotations

from enum import StrEnum


class ProblemKind(StrEnum):
    """Why a docs site could not be built; the Docs tab words its advice per kind."""

    NO_MKDOCS_YML = "no-mkdocs-yml"
    NO_INDEX = "no-index"
    REFUSED_CONFIG = "refused-config"
    PLUGIN_NOT_INSTALLED = "plugin-not-installed"
    REFUSED_FILE = "refused-file"
    TOO_LARGE = "too-large"
    TIMEOUT = "timeout"
    BUILD_FAILED = "build-failed"
    SOURCE_UNREADABLE = "source-unreadable"
    STORAGE = "storage"


class DocsProblem(Exception):
    """A docs source that cannot be built (or published), with what to do about it.

    ``key`` names the mkdocs.yml key or the file at fault when there is one, so the
    message can say exactly what to change.
    """

    def __init__(self, kind: ProblemKind, message: str, *, key: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.key = key

    def __str__(self) -> str:
        return self.message
