"""Every URL has an access rule: a new page or API route without one fails here (and is
refused when requested), so nothing is left unchecked by accident."""

from __future__ import annotations

from portal.access.routes import route_names, rule_for


def test_every_route_has_an_access_rule() -> None:
    missing = sorted(f"{name} ({pattern})" for name, pattern in route_names()
                     if rule_for(name) is None)  # fmt: skip
    assert missing == [], "routes without an access rule:\n  " + "\n  ".join(missing)
