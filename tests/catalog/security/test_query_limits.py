"""A query is bounded before it reaches the database: the predicates of the POST
endpoints and the ``filter=`` parameters alike have at most ``MAX_CONDITIONS``
conditions, ``MAX_VALUES`` values and ``MAX_NESTING`` levels of ``$all``/``$any``/
``$not``; a bigger one is a 400 InputError at once, not a worker held for minutes
(or SQLite's "expression tree is too large")."""

from __future__ import annotations

import time

import pytest

from catalog.api.limits import MAX_CONDITIONS, MAX_NESTING, MAX_VALUES
from tests.catalog.conftest import SERVICE, register
from tests.catalog.conftest import post_json as post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token_api, files):
    register(files.write("catalog-info.yaml", SERVICE))
    return token_api


def _nested(key: str, levels: int) -> dict:
    predicate: dict = {key: "x"}
    for _ in range(levels):
        predicate = {"$not": predicate}
    return predicate


def _too_big(key: str) -> dict[str, dict]:
    return {
        "20,000 $any clauses": {"$any": [{key: f"n{i}"} for i in range(20_000)]},
        "too many conditions": {"$all": [{key: f"n{i}"} for i in range(MAX_CONDITIONS + 1)]},
        "too many $in values": {key: {"$in": [f"n{i}" for i in range(MAX_VALUES + 1)]}},
        "too deep": _nested(key, MAX_NESTING + 1),
    }


@pytest.mark.parametrize("case", list(_too_big("x")))
@pytest.mark.parametrize(
    ("path", "key", "extra"),
    [
        ("/entities/by-query", "metadata.name", {}),
        ("/entity-facets", "metadata.name", {"facets": ["kind"]}),
        ("/locations/by-query", "target", {}),
    ],
)
def test_oversized_predicates_are_refused_at_once(api, path, key, extra, case) -> None:
    started = time.monotonic()
    response = post(api, path, {"query": _too_big(key)[case], **extra})
    assert time.monotonic() - started < 5
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["name"] == "InputError" and "predicate" in error["message"]


def test_a_predicate_within_the_limits_is_answered(api) -> None:
    names = [{"metadata.name": f"n{i}"} for i in range(MAX_CONDITIONS - 1)]
    predicate = {"$any": [*names, {"metadata.name": "checkout"}]}
    response = post(api, "/entities/by-query", {"query": predicate})
    assert response.status_code == 200
    assert [e["metadata"]["name"] for e in response.json()["items"]] == ["checkout"]
    deep = post(api, "/entities/by-query", {"query": _nested("kind", MAX_NESTING - 1)})
    assert deep.status_code == 200


@pytest.mark.parametrize(
    "filters",
    [
        [",".join(f"spec.k{i}=v" for i in range(MAX_CONDITIONS + 1))],
        [f"metadata.name=n{i}" for i in range(MAX_CONDITIONS + 1)],
        [",".join(f"metadata.name=n{i}" for i in range(MAX_VALUES + 1))],
    ],
    ids=["conditions in one filter", "filter parameters", "values"],
)
@pytest.mark.parametrize("path", ["/entities", "/entities/by-query", "/entity-facets"])
def test_oversized_filters_are_refused(api, path, filters) -> None:
    response = api.get(f"/api/catalog{path}", {"filter": filters, "facet": "kind"})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["name"] == "InputError"
    assert "filter" in response.json()["error"]["message"]
