"""``catalog.rules``: which entity kinds a location may add.

Rules are OR-ed: an entity is allowed when any rule that applies to its origin
location allows its kind (and ``spec.type`` when the rule names one). A rule without
``locations`` applies everywhere; a per-location ``rules`` entry in
``catalog.locations`` applies to that location only. Kinds compare case-insensitively.

Greenroom's default, when ``catalog.rules`` is absent, allows every built-in kind;
Backstage's allows only Component, API and Location, which surprises most people
loading their org data (a documented difference).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["BUILTIN_KINDS", "CatalogRules", "Rule"]

BUILTIN_KINDS = (
    "Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template",
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """Allow ``kinds`` (lower-cased; optionally with a spec.type) for matching locations."""

    allow: tuple[tuple[str, str | None], ...]
    #: ``(type, exact target or None, glob pattern or None)``; empty = everywhere.
    locations: tuple[tuple[str, str | None, str | None], ...] = ()

    def applies_to(self, location_type: str, target: str) -> bool:
        if not self.locations:
            return True
        return any(
            kind == location_type
            and ((exact is not None and exact == target)
                 or (pattern is not None and fnmatchcase(target.lower(), pattern.lower())))
            for kind, exact, pattern in self.locations
        )  # fmt: skip

    def allows(self, kind: str, spec_type: str | None) -> bool:
        kind = kind.lower()
        return any(
            allowed_kind == kind
            and (allowed_type is None or (spec_type or "").lower() == allowed_type)
            for allowed_kind, allowed_type in self.allow
        )


class CatalogRules:
    """The rules in force, built from app-config's ``catalog`` block."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)

    def __repr__(self) -> str:
        # Stable across processes: part of the fingerprint that decides whether an
        # unchanged file may be skipped.
        return f"CatalogRules({self.rules!r})"

    @classmethod
    def from_config(cls, catalog_config: Mapping[str, Any],
                    extra: Iterable[Rule] = ()) -> CatalogRules:  # fmt: skip
        """Global ``catalog.rules`` plus each config location's own ``rules``, plus
        ``extra`` (what the configured providers bring)."""
        configured = catalog_config.get("rules")
        rules = (
            [_rule(r) for r in configured]
            if configured is not None
            else [Rule(tuple((k.lower(), None) for k in BUILTIN_KINDS))]
        )
        for location in catalog_config.get("locations") or []:
            for rule in location.get("rules") or []:
                where = ((location["type"], location["target"], None),)
                rules.append(Rule(_rule(rule).allow, where))
        return cls([*rules, *extra])

    def is_allowed(self, entity: Mapping[str, Any], location_type: str, target: str) -> bool:
        """Whether ``entity`` may come from the origin location ``type:target``."""
        kind = str(entity.get("kind", ""))
        spec = entity.get("spec")
        spec_type = spec.get("type") if isinstance(spec, dict) else None
        return any(
            rule.applies_to(location_type, target) and rule.allows(kind, spec_type)
            for rule in self.rules
        )


def _rule(config: Mapping[str, Any]) -> Rule:
    allow = []
    for item in config.get("allow") or []:
        if isinstance(item, str):
            allow.append((item.lower(), None))
        else:
            spec_type = item.get("spec.type")
            allow.append((str(item["kind"]).lower(), str(spec_type).lower() if spec_type else None))
    locations = tuple(
        (loc["type"], loc.get("exact"), loc.get("pattern")) for loc in config.get("locations") or []
    )
    return Rule(tuple(allow), locations)
