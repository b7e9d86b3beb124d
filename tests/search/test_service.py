"""The search service's rules beyond the relevance table: permissions hide results
from everything (results, totals, facets, corrections), facets count under the other
filters, typos are corrected only to visible words, deep pages follow on."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db.models import Q

from portal import plugins
from portal.search import index
from portal.search.documents import IndexDocument
from portal.search.engines import engine
from portal.search.models import SearchDocument
from portal.search.rebuild import rebuild
from portal.search.service import Filters, search
from portal.search.text import parse
from tests.search.documents import entity

pytestmark = pytest.mark.django_db


def doc(key: str, *, owner: str = "team-a", kind: str = "Component", tags: tuple = (),
        text: str = "", type: str = "software-catalog",
        **fields: str) -> IndexDocument:  # fmt: skip
    name = key.rpartition("/")[2]
    return IndexDocument(type=type, key=key, group=key, title=name, location=f"/x/{name}",
                         fields={"name": name, "text": text, "tags": " ".join(tags), **fields},
                         text=text, kind=kind, owner=owner, lifecycle="production",
                         namespace="default", tags=list(tags))  # fmt: skip


@pytest.fixture
def catalog_docs() -> None:
    index.save([
        doc("component:default/billing", text="Invoices and payments", tags=("payments",)),
        doc("component:default/payroll", owner="team-secret", text="Salaries and payments",
            tags=("payments", "hr")),
        doc("api:default/billing-api", kind="API", text="Billing over REST"),
        doc("default/component/billing/#setup", type="techdocs", kind="", title="Setup",
            text="Install the billing payments client"),
    ])  # fmt: skip


@pytest.fixture
def hide_secret():
    with plugins.temporarily_registered():
        plugins.register_search_filter("secret", lambda user: ~Q(owner="team-secret"))
        yield


def test_a_hidden_document_is_neither_shown_nor_counted(catalog_docs, hide_secret) -> None:
    results = search("payments", None)
    keys = {hit.document.key for hit in results.hits}
    assert "component:default/payroll" not in keys and results.total == len(keys) == 2
    owners = {value.value: value.count for value in results.facets["owner"]}
    assert owners == {"team-a": 2}
    assert {value.value for value in results.facets["tag"]} == {"payments"}  # not "hr"


def test_a_filter_sees_the_user(catalog_docs) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_filter(
            "by-user", lambda user: None if user == "admin" else Q(kind="API"))
        found = [hit.document.key for hit in search("billing", "dev").hits]
        assert found == ["api:default/billing-api"]
        assert search("billing", "admin").total == 3


def test_typos_are_corrected_only_to_words_the_user_can_find(catalog_docs) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_filter("secret", lambda user: ~Q(owner="team-secret"))
        assert search("salaris", None).total == 0  # only the hidden payroll has "salaries"
        assert search("salaris", None).suggestions == []
        corrected = search("invoces", None)
        assert corrected.corrected == "invoices" and corrected.total == 1
    assert search("salaris", None).corrected == "salaries"


def test_facets_count_under_the_other_filters_and_keep_chosen_values(catalog_docs) -> None:
    results = search("billing", None, Filters({"kind": ["API"]}))
    assert [hit.document.key for hit in results.hits] == ["api:default/billing-api"]
    kinds = {value.value: (value.count, value.selected) for value in results.facets["kind"]}
    assert kinds == {"Component": (1, False), "API": (1, True)}
    types = {value.value: value.count for value in results.facets["type"]}
    assert types == {"software-catalog": 1}  # under kind=API, the docs section is not counted
    none = search("billing", None, Filters({"owner": ["nobody"]}))
    assert none.total == 0 and none.hits == []


def test_tag_filters_match_any_chosen_tag_and_count_documents_once(catalog_docs) -> None:
    results = search("payments", None, Filters({"tag": ["payments", "HR"]}))
    assert results.total == 2 and len(results.hits) == 2


def test_pages_past_the_reranked_candidates_follow_on_without_repeats() -> None:
    index.save(doc(f"component:default/svc-{n:03}", text="shared words here") for n in range(130))
    seen: list[str] = []
    for page in range(1, 8):
        results = search("shared words", None, page=page, per_page=20, facets=False)
        assert results.total == 130
        seen += [hit.document.key for hit in results.hits]
        assert [hit.rank for hit in results.hits] == list(range(len(seen) - len(results.hits) + 1,
                                                                len(seen) + 1))
    assert len(seen) == len(set(seen)) == 130


def test_bad_documents_are_refused_before_anything_is_written() -> None:
    good = doc("component:default/fine")
    with pytest.raises(ValueError, match="unknown fields"):
        index.save([good, IndexDocument("software-catalog", "k", "t", "/", {"nope": "x"})])
    with pytest.raises(ValueError, match="key must be a non-empty string"):
        index.save([IndexDocument("software-catalog", "", "t", "/", {})])
    assert search("fine", None).total == 0


def test_a_rebuild_restores_what_the_collators_have(catalog_docs) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_collator(plugins.SearchCollator(
            "wiki", "Wiki", lambda: iter([doc("wiki/on-call", type="wiki", kind="",
                                              text="Rotate the pager weekly")])))  # fmt: skip
        progress: list[tuple[str, int]] = []
        counts = rebuild(["wiki"], progress=lambda name, done: progress.append((name, done)))
        assert counts == {"wiki": 1} and progress == [("wiki", 1)]
        hit = search("pager", None).hits[0]
        assert (hit.document.key, hit.type_title) == ("wiki/on-call", "Wiki")
        with pytest.raises(ValueError, match="unknown search type"):
            rebuild(["nothing"])


def test_a_chosen_value_keeps_its_count_outside_the_listed_values() -> None:
    index.save(doc(f"component:default/k{n}-{i}", kind=f"Kind{n:02}", tags=(f"t{n:02}",),
                   text="gizmo") for n in range(14) for i in range(2 if n < 13 else 1))  # fmt: skip
    results = search("gizmo", None, Filters({"kind": ["Kind13"], "tag": ["T13"]}))
    assert results.total == 1
    assert [(v.value, v.count) for v in results.facets["kind"] if v.selected] == [("Kind13", 1)]
    assert [(v.value, v.count) for v in results.facets["tag"] if v.selected] == [("t13", 1)]


def test_a_correction_that_finds_nothing_under_the_filters_is_not_offered(catalog_docs) -> None:
    results = search("invoces", None, Filters({"kind": ["API"]}))
    assert results.total == 0 and results.corrected == ""


@pytest.mark.parametrize("limit", [5, 12, 30])
def test_ranking_only_title_matches_when_they_fill_the_candidates(monkeypatch, limit) -> None:
    """PostgreSQL skips the text rank of matches elsewhere when enough healthy name or
    title matches fill the candidates: the candidates and their order stay those of
    ranking every match (demoted title matches do not count towards filling them)."""
    # No name starts with the word, so health, then a title match, then the rank decide.
    healthy = [entity(f"main-ledger-{n}", "ledger " * (n % 4), owner=f"team-{n % 3}")
               for n in range(10)]  # fmt: skip
    sick = [replace(entity(f"old-ledger-{n}"), demoted=True) for n in range(6)]
    elsewhere = [entity(f"books-{n}", "ledger " * (n + 1)) for n in range(20)]
    index.save(healthy + sick + elsewhere)
    backend, query = engine(), parse("ledger")

    def summary():
        return backend.summary(SearchDocument.objects.all(), query, columns={}, tags=[],
                               limit=limit)  # fmt: skip

    chosen = summary()
    skipped = backend._titles_suffice(SearchDocument.objects.all(), query, limit)
    assert skipped == (backend.rank_titles_alone and limit <= len(healthy))
    monkeypatch.setattr(type(backend), "_titles_suffice", lambda *args: False)
    assert chosen == summary()
    assert len(chosen.ids) == min(limit, 36)
