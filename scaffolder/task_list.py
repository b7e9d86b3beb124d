"""The task list's filters, read from the URL: whose tasks (mine or everyone's),
template, status, who created them, a creation date range, and the page.

Every filter lives in the query string, so a filtered list is a link. A value that
cannot be used is not silently dropped: it becomes a message that says what was wrong
and what is expected, and the list ignores that one filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from scaffolder.models import TaskStatus

__all__ = ["PAGE_SIZE", "TaskListQuery"]

PAGE_SIZE = 25
#: Longest filter value read (refs are at most a few hundred characters).
MAX_VALUE = 300


def _owner_ref(text: str) -> str:
    """``alice`` or ``user:alice`` as the full ref ``user:default/alice``; anything
    that already is a full ref is kept (lower-cased, as refs are stored)."""
    kind, sep, rest = text.partition(":")
    if not sep:
        kind, rest = "user", text
    if "/" not in rest:
        rest = f"default/{rest}"
    return f"{kind}:{rest}".lower()


def _template_ref(text: str) -> str:
    _, sep, rest = text.partition(":")
    rest = rest if sep else text
    if "/" not in rest:
        rest = f"default/{rest}"
    return f"template:{rest}".lower()


@dataclass
class TaskListQuery:
    """What the task list shows, and what was wrong with the URL."""

    everyone: bool = False
    template: str = ""
    status: str = ""
    owner: str = ""
    created_from: date | None = None
    created_to: date | None = None
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], sees_all: bool) -> TaskListQuery:
        """Read the query string; ``sees_all`` callers may list everyone's tasks."""
        query = cls()

        def value(name: str) -> str:
            raw = params.get(name)
            return raw.strip()[:MAX_VALUE] if isinstance(raw, str) else ""

        show = value("show") or "mine"
        if show not in ("mine", "all"):
            query.errors.append(f"Unknown list {show!r}: use show=mine or show=all.")
        elif show == "all" and not sees_all:
            query.errors.append("Only administrators can list everyone's tasks; these are yours.")
        query.everyone = show == "all" and sees_all
        if value("template"):
            query.template = _template_ref(value("template"))
        status = value("status")
        if status and status not in TaskStatus.values:
            query.errors.append(f"Unknown status {status!r}: use one of "
                                f"{', '.join(TaskStatus.values)}.")  # fmt: skip
        elif status:
            query.status = status
        if value("owner") and query.everyone:
            query.owner = _owner_ref(value("owner"))
        query.created_from = query._date(value("from"), "The “created from” date")
        query.created_to = query._date(value("to"), "The “created to” date")
        if query.created_from and query.created_to and query.created_from > query.created_to:
            query.errors.append("The “created from” date is after the “created to” date; "
                                "the date filter is ignored.")  # fmt: skip
            query.created_from = query.created_to = None
        query.page = query._page(value("page"))
        return query

    def _date(self, text: str, what: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.append(f"{what} {text!r} is not a date; use the form 2025-01-31.")
            return None

    def _page(self, text: str) -> int:
        if not text:
            return 1
        if not text.isdigit() or int(text) < 1:
            self.errors.append(f"Page {text!r} is not a page number; showing the first page.")
            return 1
        return int(text)

    def bounds(self, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
        """The date range as moments in ``zone``: from the start of the first day up
        to (not including) the start of the day after the last."""
        start = datetime.combine(self.created_from, time.min, zone) if self.created_from else None
        end = (datetime.combine(self.created_to + timedelta(days=1), time.min, zone)
               if self.created_to else None)  # fmt: skip
        return start, end

    @property
    def filtered(self) -> bool:
        return bool(self.template or self.status or self.owner or self.created_from
                    or self.created_to)  # fmt: skip

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string's values (defaults left out), with ``changes`` applied."""
        values = {
            "show": "all" if self.everyone else "",
            "template": self.template,
            "status": self.status,
            "owner": self.owner,
            "from": self.created_from.isoformat() if self.created_from else "",
            "to": self.created_to.isoformat() if self.created_to else "",
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({key: str(value) for key, value in changes.items()})
        if values["page"] == "1":
            values["page"] = ""
        return {key: value for key, value in values.items() if value}

    def url(self, path: str, **changes: Any) -> str:
        """``path`` with this query (and ``changes``)."""
        encoded = urlencode(self.params(**changes))
        return f"{path}?{encoded}" if encoded else path
