"""RepoUrlPicker's value, ``host?owner=…&repo=…[&organization=&workspace=&project=]``:
read, written and checked as Backstage's picker does.

Written like ``serializeRepoPickerUrl``: the parts that have a value, in the order
owner, repo, organization, workspace, project, encoded as ``URLSearchParams`` encodes
them (``application/x-www-form-urlencoded``: space as ``+``; only letters, digits
and ``*-._`` left as they are), because templates read it back with ``parseRepoUrl``.
Which parts are required follows the host's integration type: the owner everywhere
but on Gerrit, Bitbucket and Azure; Bitbucket Cloud a workspace and a project;
Bitbucket Server and Azure a project; the repository name always.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus, urlsplit

__all__ = ["PARTS", "RepoLocation", "RepoLocationError", "missing_parts", "parse_location",
           "required_parts", "serialize_location"]  # fmt: skip

#: The query parts, in the order Backstage writes them.
PARTS = ("owner", "repo", "organization", "workspace", "project")
#: Parts each integration type requires besides ``repo`` (anything else: the owner).
_REQUIRED = {"bitbucketCloud": ("workspace", "project"), "bitbucketServer": ("project",),
             "azure": ("project",), "gerrit": ()}  # fmt: skip


class RepoLocationError(ValueError):
    """The value cannot be read as ``host?owner=…&repo=…``."""


@dataclass(frozen=True)
class RepoLocation:
    """A repository location: the host and the parts given (``""`` when absent)."""

    host: str
    parts: Mapping[str, str] = field(default_factory=dict)

    def part(self, name: str) -> str:
        return self.parts.get(name, "")


def _form_encoded(text: str) -> str:
    """``text`` as URLSearchParams writes it (Python also keeps ``~``; it does not)."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def serialize_location(host: str, parts: Mapping[str, str]) -> str:
    """``host?owner=…&repo=…`` for the non-empty ``parts``, as serializeRepoPickerUrl."""
    query = "&".join(f"{name}={_form_encoded(parts[name])}" for name in PARTS if parts.get(name))
    return f"{host}?{query}"


def parse_location(value: str) -> RepoLocation:
    """Host and parts of a stored value, read like ``new URL("https://" + value)``: the
    host with its port, lower-cased; each part's first value. RepoLocationError when it
    is no URL at all."""
    try:
        split = urlsplit("https://" + value)
        host = (split.hostname or "") + (f":{split.port}" if split.port else "")
    except ValueError as exc:
        raise RepoLocationError(f"Unable to parse the Repository URL: {exc}") from None
    if any(char.isspace() for char in split.netloc):
        raise RepoLocationError("Unable to parse the Repository URL")
    parts: dict[str, str] = {}
    for name, text in parse_qsl(split.query, keep_blank_values=True):
        if name in PARTS:
            parts.setdefault(name, text)
    return RepoLocation(host, parts)


def required_parts(kind: str) -> tuple[str, ...]:
    """The parts a host of integration type ``kind`` requires, in Backstage's order."""
    return (*_REQUIRED.get(kind, ("owner",)), "repo")


def missing_parts(location: RepoLocation, kind: str) -> list[str]:
    """Backstage's message for each required part ``location`` lacks."""
    return [f"Incomplete repository location provided, {name} not provided"
            for name in required_parts(kind) if not location.part(name)]  # fmt: skip
