"""RepoUrlPicker: where a template creates a repository, stored as Backstage stores it,
``host?owner=…&repo=…`` (see ``repo_location``).

The host is a select of ``allowedHosts`` that have an integration (every configured
integration when the template names none); a single host is fixed. Then the parts
the host's integration type uses: owner (a select of ``allowedOwners``, the first
preselected, else text), workspace and project on Bitbucket, organization and
project on Azure, owner and parent on Gerrit, and the repository name (a select of
``allowedRepos``, else text). Choosing another host re-renders the group (HTMX), as
the parts differ. On the server the value must name an allowed host, have the parts
its type requires, and no part outside the template's allowed lists.

``requestUserCredentials`` asks Backstage's frontend for the user's own OAuth token
with write access to repositories. Greenroom's sign-in grants no such token (GitHub
sign-in asks only ``read:user`` and ``user:email``), so none is put into the task's
secrets; the widget says so, and that the template's steps will use the token of the
host's integration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from scaffolder.fields import register_field
from scaffolder.fields.base import MISSING, Field, FieldContext, FieldExtension
from scaffolder.fields.listbox import NAME_PARAM, field_url
from scaffolder.fields.picker_options import PickerConfigError
from scaffolder.fields.repo_location import (
    PARTS,
    RepoLocation,
    RepoLocationError,
    missing_parts,
    parse_location,
    required_parts,
    serialize_location,
)
from scaffolder.integrations import gitlab_token_for, known_integrations, token_for

__all__ = ["PartInput", "RepoOptions", "RepoUrlPicker", "RepoUrlView"]

WIDGET_URL = "scaffolder:field_widget"
_LISTS = ("allowedHosts", "allowedOwners", "allowedOrganizations", "allowedProjects",
          "allowedRepos")  # fmt: skip
_LABELS = ("ownerLabel", "ownerDescription", "repoLabel", "repoDescription")
#: The parts each integration type asks for before the repository name.
_LAYOUT = {"bitbucketCloud": ("workspace", "project"), "bitbucketServer": ("project",),
           "azure": ("organization", "project"), "gerrit": ("owner", "workspace")}  # fmt: skip
#: (label, help) per part, and where a type words it otherwise.
_TEXTS = {
    "owner": ("Owner", "The organization, user or project that this repo will belong to"),
    "workspace": ("Workspace", "The Workspace that this repo will belong to"),
    "project": ("Project", "The Project that this repo will belong to"),
    "organization": ("Organization", "The Organization that this repo will belong to"),
    "repo": ("Repository", "The name of the repository"),
    ("owner", "gitlab"): ("Owner", "GitLab namespace where this repository will belong to. "
                          "It can be the name of organization, group, subgroup, user, or the "
                          "project."),
    ("owner", "gitea"): ("Owner", "Gitea namespace where this repository will belong to. It "
                         "can be the name of organization, group, subgroup, user, or the "
                         "project."),
    ("owner", "gerrit"): ("Owner", "The owner of the project (optional)"),
    ("workspace", "gerrit"): ("Parent", "The project parent that the repo will belong to"),
}  # fmt: skip


@dataclass(frozen=True)
class RepoOptions:
    """The picker's ``ui:options``, checked."""

    lists: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, str]
    credentials_key: str = ""

    @classmethod
    def read(cls, options: Mapping[str, Any]) -> RepoOptions:
        """The options of ``ui:options``; PickerConfigError if one has the wrong shape."""
        lists = {}
        for name in _LISTS:
            value = options.get(name) or []
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise PickerConfigError(f"ui:options.{name} must be a list of names")
            lists[name] = tuple(value)
        labels = {name: options[name] for name in _LABELS if isinstance(options.get(name), str)}
        request = options.get("requestUserCredentials")
        key = ""
        if request is not None:
            key = request.get("secretsKey") if isinstance(request, Mapping) else None
            if not isinstance(key, str) or not key:
                raise PickerConfigError("ui:options.requestUserCredentials needs a secretsKey, "
                                        "e.g. {secretsKey: USER_OAUTH_TOKEN}")  # fmt: skip
        return cls(lists, labels, key)

    def hosts(self) -> dict[str, str]:
        """host -> integration type of the hosts the field offers, in order."""
        known = {item["host"]: item["type"] for item in known_integrations()}
        allowed = self.lists["allowedHosts"]
        if not allowed:
            return known
        return {host: known[host] for host in allowed if host in known}

    def allowed(self, part: str, kind: str) -> tuple[str, ...]:
        """The values ``part`` may take on a host of ``kind`` (empty: any)."""
        owners = (part == "owner" and kind != "gerrit") or (
            part == "workspace" and kind == "bitbucketCloud")  # fmt: skip
        if owners:
            return self.lists["allowedOwners"]
        if part == "project":
            return self.lists["allowedProjects"]
        if part == "organization":
            return self.lists["allowedOrganizations"]
        return self.lists["allowedRepos"] if part == "repo" else ()

    def text(self, part: str, kind: str) -> tuple[str, str]:
        """(label, help) of ``part`` on a host of ``kind``: Backstage's words, or the
        template's ``ownerLabel``/``ownerDescription``/``repoLabel``/``repoDescription``."""
        label, help_text = _TEXTS.get((part, kind)) or _TEXTS[part]
        if part in ("owner", "repo"):
            label = self.labels.get(f"{part}Label", label)
            help_text = self.labels.get(f"{part}Description", help_text)
        return label, help_text


@dataclass(frozen=True)
class PartInput:
    """One input of the group: a select when the template lists the values."""

    name: str
    html_name: str
    html_id: str
    label: str
    help: str
    value: str
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class RepoUrlView:
    """What the picker's template shows beyond the Field."""

    hosts: tuple[str, ...] = ()
    host: str = ""
    inputs: tuple[PartInput, ...] = ()
    widget_url: str = ""
    credentials_note: str = ""
    error: str = ""


def _not_allowed(label: str, value: str, allowed: tuple[str, ...]) -> str:
    return f'{label} "{value}" is not allowed here; choose one of: {", ".join(allowed)}'


def credentials_note(key: str, host: str, kind: str) -> str:
    """What happens to ``requestUserCredentials`` here (no user token is available)."""
    note = (f"This template asks for your own {host} credentials (the secret {key}). "
            "Signing in to Greenroom does not give it a token that may write "
            f"repositories, so none is sent: the template's steps use the token "
            f"configured for {host} under integrations in app-config.")  # fmt: skip
    tokens = {"github": token_for, "gitlab": gitlab_token_for}
    if kind in tokens and not tokens[kind](host):
        note += f" No token is configured for {host}, so creating the repository will fail."
    return note


class RepoUrlPicker(FieldExtension):
    """Host, owner (or workspace, project, organization) and repository name."""

    name: ClassVar[str] = "RepoUrlPicker"
    template: ClassVar[str] = "scaffolder/fields/repo_url_picker.html"

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        """The parts posted as ``<name>.host``, ``<name>.owner``, ... serialized; ``""``
        without a host (an empty answer: Backstage leaves the value unset), MISSING
        when the group was not posted."""
        host = data.get(f"{field.html_name}.host")
        if host is None:
            return MISSING
        if not isinstance(host, str) or not host.strip():
            return ""
        parts = {part: str(data.get(f"{field.html_name}.{part}") or "").strip() for part in PARTS}
        return serialize_location(host.strip(), parts)

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        """An allowed host, the parts its type requires, and no part outside the
        template's allowed lists."""
        if value is MISSING or value is None or value == "":
            return []
        if not isinstance(value, str):
            return ["Must be a repository location such as github.com?owner=acme&repo=web"]
        try:
            options = RepoOptions.read(field.options)
            location = parse_location(value)
        except (PickerConfigError, RepoLocationError) as exc:
            return [str(exc)]
        if not location.host:
            return ["Incomplete repository location provided, host not provided"]
        hosts = options.hosts()
        if location.host not in hosts:
            return [_not_allowed("Host", location.host, tuple(hosts))
                    if hosts else f"No integration is configured for {location.host}"]  # fmt: skip
        kind = hosts[location.host]
        errors = missing_parts(location, kind)
        for part in PARTS:
            allowed, given = options.allowed(part, kind), location.part(part)
            if given and allowed and given not in allowed:
                errors.append(_not_allowed(options.text(part, kind)[0], given, allowed))
        return errors

    def picker_view(self, field: Field, context: FieldContext) -> RepoUrlView:
        """The host select and the inputs of the chosen host's type, filled from the
        value or preselected with the first allowed value."""
        try:
            options = RepoOptions.read(field.options)
        except PickerConfigError as exc:
            return RepoUrlView(error=str(exc))
        hosts = options.hosts()
        if not hosts:
            return RepoUrlView(error="None of this field's allowed hosts has an integration "
                                     "configured under integrations in app-config")  # fmt: skip
        try:
            location = parse_location(field.value) if isinstance(field.value, str) else None
        except RepoLocationError:
            location = None
        host = location.host if location and location.host in hosts else next(iter(hosts))
        kind = hosts[host]
        inputs = tuple(self._input(field, options, part, kind, location)
                       for part in (*_LAYOUT.get(kind, ("owner",)), "repo"))  # fmt: skip
        note = credentials_note(options.credentials_key, host, kind) if (
            options.credentials_key) else ""  # fmt: skip
        url = field_url(WIDGET_URL, field, context, **{NAME_PARAM: field.html_name})
        return RepoUrlView(tuple(hosts), host, inputs, url, note)

    @staticmethod
    def _input(field: Field, options: RepoOptions, part: str, kind: str,
               location: RepoLocation | None) -> PartInput:  # fmt: skip
        choices = options.allowed(part, kind)
        value = location.part(part) if location else ""
        if choices and value not in choices:
            value = choices[0]
        label, help_text = options.text(part, kind)
        return PartInput(part, f"{field.html_name}.{part}", f"{field.html_id}-{part}", label,
                         help_text, value, choices, part in required_parts(kind))  # fmt: skip


register_field(RepoUrlPicker())
