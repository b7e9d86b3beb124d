"""A person's answers to one template's form, kept in their session between pages
and across reloads. Secrets are sealed (``scaffolder.sealing``), never kept as plain
session data."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.forms.reading import PageResult
from scaffolder.sealing import open_secrets, seal_secrets

__all__ = ["Draft"]

SESSION_PREFIX = "scaffolder.form:"


@dataclass
class Draft:
    """The answers so far (``values``), the secrets given, and the paths emptied on
    purpose (shown empty, not with their default)."""

    template_ref: str
    values: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    emptied: set[str] = field(default_factory=set)

    @property
    def session_key(self) -> str:
        return SESSION_PREFIX + self.template_ref

    @classmethod
    def load(cls, session: MutableMapping[str, Any], template_ref: str) -> Draft:
        """The draft kept for ``template_ref`` (an empty one if there is none, or if
        its secrets were sealed under another key and cannot be opened)."""
        draft = cls(template_ref)
        stored = session.get(draft.session_key)
        if not isinstance(stored, dict):
            return draft
        secrets = open_secrets(stored.get("secrets") or "")
        draft.values = stored.get("values") if isinstance(stored.get("values"), dict) else {}
        draft.secrets = secrets or {}
        draft.emptied = set(stored.get("emptied") or [])
        return draft

    def update(self, result: PageResult) -> None:
        """Take what reading a page gave."""
        self.values, self.secrets, self.emptied = result.values, result.secrets, result.emptied

    def save(self, session: MutableMapping[str, Any]) -> None:
        session[self.session_key] = {"values": self.values, "secrets": seal_secrets(self.secrets),
                                     "emptied": sorted(self.emptied)}  # fmt: skip

    def clear(self, session: MutableMapping[str, Any]) -> None:
        """Forget every answer (Start over, or the task was created)."""
        session.pop(self.session_key, None)
        self.values, self.secrets, self.emptied = {}, {}, set()
