"""The relevance table (relevance.yaml) run against the search engine, on the demo
content indexed through the real write paths.

Every case's first result must be its ``expect``, and its ``top3`` (when given) the
first results in order. The first three results of every case are also kept in
``top3.json``: the SQLite and the PostgreSQL runs of the suite both compare against
it, so the two engines give the same top three for every query. After a deliberate
ranking change, ``GREENROOM_UPDATE_TOP3=1`` rewrites it (review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.search.models import SearchDocument
from portal.search.service import search

TABLE = Path(__file__).with_name("relevance.yaml")
SNAPSHOT = Path(__file__).with_name("top3.json")
CASES = yaml.safe_load(TABLE.read_text())

pytestmark = pytest.mark.django_db


def ref(document: SearchDocument) -> str:
    """A result in the table's ref format."""
    return f"docs:{document.key}" if document.type == "techdocs" else document.key


def top(query: str, count: int = 3) -> list[str]:
    return [ref(hit.document) for hit in search(query, None, per_page=count, facets=False).hits]


@pytest.mark.parametrize("case", CASES, ids=[case["query"] for case in CASES])
def test_the_expected_result_comes_first(case: dict[str, Any], demo_index) -> None:
    found = top(case["query"])
    assert found[:1] == [case["expect"]], f"{case['why']}\n got {found}"
    if "top3" in case:
        assert found == case["top3"]


def test_both_engines_give_the_same_top_three(demo_index) -> None:
    found = {case["query"]: top(case["query"]) for case in CASES}
    if os.environ.get("GREENROOM_UPDATE_TOP3") == "1":
        SNAPSHOT.write_text(json.dumps(found, indent=2) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    differing = {query: (got, expected.get(query)) for query, got in found.items()
                 if got != expected.get(query)}  # fmt: skip
    assert not differing, differing
