"""``POST /entities/by-refs`` with more refs than SQLite takes parameters in one
statement still answers, item for item (the lookup runs in batches)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_forty_thousand_refs_answer_in_order(client, staff_user) -> None:
    client.force_login(staff_user)
    refs = [f"component:default/missing-{n}" for n in range(40_000)]
    response = client.post("/api/catalog/entities/by-refs", json.dumps({"entityRefs": refs}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content[:300]
    assert response.json()["items"] == [None] * 40_000
