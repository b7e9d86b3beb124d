"""The search page (``/search/``) and the header box's type-ahead (``/search/suggestions``).

Everything a search shows is in its URL: ``q``, one parameter per chosen facet value
(``type``, ``kind``, ``owner``, ``lifecycle``, ``tag``) and ``page``. The pages are
parsed with lxml and checked element by element; the index is filled through
:func:`portal.search.index.save`, and once through the catalog's ingestion path.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import lxml.html
import pytest
from django.db.models import Q

from portal import plugins
from portal.plugins import SearchCollator
from portal.search.documents import IndexDocument
from portal.search.index import save
from tests.catalog.conftest import SERVICE, register
from tests.search.documents import CATALOG, DOCS, entity, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    """The suite's user without a password (signed in with force_login; hashing one
    takes most of a test's time)."""
    return django_user_model.objects.create_user("dev")




def hide_team_b_from_dev(user) -> Q | None:
    """A search filter: the signed-in "dev" does not find team-b's documents; everyone
    else (the filter is asked about the user who searches) finds everything."""
    return ~Q(owner="team-b") if getattr(user, "username", None) == "dev" else None


#: A document of a plugin's own search type ("gadgets").
GADGET = IndexDocument(type="gadgets", key="g1", title="Payments gadget", location="/gadgets/1",
                       fields={"title": "Payments gadget"})  # fmt: skip


@pytest.fixture
def shop():
    save([
        entity("payments-service", "Takes the payments of the shop <script>alert(1)</script>",
               tags=("python", "money"), title="Payments Service"),
        entity("payments-api", "The payments REST API", kind="API", lifecycle="experimental",
               tags=("money",)),
        entity("ledger", "Books payments into the ledger", kind="System", owner="team-b",
               lifecycle="deprecated"),
        page("refunds", "Refunding payments", "How to refund one of the payments",
             owner="team-b"),
        entity("weather", "Says whether it rains"),
    ])  # fmt: skip


def fetch(client, path: str = "/search/", **params) -> lxml.html.HtmlElement:
    """GET ``path`` with ``params`` (a list value repeats the parameter), parsed."""
    pairs = [(k, v) for k, values in params.items()
             for v in (values if isinstance(values, list) else [values])]  # fmt: skip
    response = client.get(f"{path}?{urlencode(pairs)}" if pairs else path)
    assert response.status_code == 200, response.content[:2000]
    return lxml.html.fromstring(response.content)


def text(element) -> str:
    return " ".join(element.text_content().split())


def hits(root) -> list[str]:
    """The titles of the hits shown, in order."""
    return [text(a) for a in root.xpath("//li[contains(@class,'search-hit')]"
                                        "//a[@class='search-hit-title']")]  # fmt: skip


def hit(root, title: str):
    (found,) = [li for li in root.xpath("//li[contains(@class,'search-hit')]")
                if text(li.xpath(".//a[@class='search-hit-title']")[0]) == title]  # fmt: skip
    return found


def facet(root, name: str) -> dict[str, tuple[int, str, bool]]:
    """Facet ``name``'s values: label -> (count, link, selected)."""
    values = {}
    for link in root.xpath(f"//section[@id='facet-{name}']//a"):
        label = text(link.xpath(".//span[@class='facet-label']")[0])
        count = int(text(link.xpath(".//span[@class='facet-count']")[0]))
        values[label] = (count, link.get("href"), link.get("aria-current") == "true")
    return values


def counts(root, name: str) -> dict[str, int]:
    return {label: count for label, (count, _, _) in facet(root, name).items()}


def params(link: str) -> list[tuple[str, str]]:
    assert link.startswith("?"), link
    return parse_qsl(link[1:], keep_blank_values=True)


def status(root) -> str:
    return " ".join(text(p) for p in root.xpath("//*[@role='status']"))


# --- Results --------------------------------------------------------------------------


def test_hits_show_title_link_kind_owner_lifecycle_and_snippet(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments")
    assert sorted(hits(root)) == ["Payments Service", "Refunding payments", "ledger",
                                  "payments-api"]  # fmt: skip
    assert "4 results for “payments”" in status(root)
    service = hit(root, "Payments Service")
    assert service.xpath(".//a[@class='search-hit-title']/@href") == [
        "/catalog/default/component/payments-service"
    ]
    assert [text(b) for b in service.xpath(".//span[@class='badge']")] == ["Component"]
    meta = text(service.xpath(".//p[contains(@class,'search-meta')]")[0])
    assert "Owner: team-a" in meta and "Lifecycle: production" in meta
    (snippet,) = service.xpath(".//p[@class='search-snippet']")
    assert [text(mark) for mark in snippet.xpath("mark")] == ["payments"]
    assert text(snippet) == "Takes the payments of the shop <script>alert(1)</script>"
    assert not root.xpath("//script[contains(., 'alert')]")  # text, not a script element

    docs = hit(root, "Refunding payments")
    assert docs.xpath(".//a[@class='search-hit-title']/@href") == [
        "/docs/default/component/handbook/refunds"
    ]
    assert [text(b) for b in docs.xpath(".//span[@class='badge']")] == ["Docs"]
    meta = text(docs.xpath(".//p[contains(@class,'search-meta')]")[0])
    assert "Owner: team-b" in meta and "Lifecycle" not in meta
    assert [text(m) for m in docs.xpath(".//p[@class='search-snippet']/mark")] == ["payments"]


def test_the_snippet_is_escaped_html(signed_in, shop) -> None:
    response = signed_in.get("/search/?q=payments")
    body = response.content.decode()
    assert ("Takes the <mark>payments</mark> of the shop &lt;script&gt;alert(1)&lt;/script&gt;"
            in body)  # fmt: skip
    assert "<script>alert(1)" not in body


def test_a_title_and_query_with_markup_are_escaped(signed_in) -> None:
    save([entity("tricky", "Some <b>bold</b> words", title="<img src=x onerror=alert(1)>")])
    response = signed_in.get("/search/", {"q": "<>tricky"})
    body = response.content.decode()
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<>tricky" not in body and "“&lt;&gt;tricky”" in body
    root = lxml.html.fromstring(body)
    assert hits(root) == ["<img src=x onerror=alert(1)>"]
    assert not root.xpath("//img[@src='x']")


def test_the_query_stays_in_both_search_boxes(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments")
    assert root.xpath("//input[@id='page-search']/@value") == ["payments"]
    assert root.xpath("//input[@id='header-search']/@value") == ["payments"]
    assert text(root.xpath("//title")[0]).startswith("Search: payments")


def test_a_demoted_document_is_marked_and_ranked_below_its_peers(signed_in) -> None:
    orphan = entity("cache-a", "A cache")
    orphan.demoted = True
    save([orphan, entity("cache-b", "A cache")])
    root = fetch(signed_in, q="cache")
    assert hits(root) == ["cache-b", "cache-a"]
    assert "demoted" in hit(root, "cache-a").get("class")
    assert hit(root, "cache-a").xpath(".//span[@class='badge warning']/text()") == [
        "needs attention"
    ]
    assert not hit(root, "cache-b").xpath(".//span[@class='badge warning']")


def test_a_plugins_type_is_shown_by_its_title(signed_in, shop) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_collator(SearchCollator("gadgets", "Gadgets", lambda: []))
        save([GADGET])
        root = fetch(signed_in, q="payments")
        assert counts(root, "type") == {"Catalog": 3, "Docs": 1, "Gadgets": 1}
        assert hit(root, "Payments gadget").xpath(".//span[@class='badge']/text()") == ["Gadgets"]
        assert hits(fetch(signed_in, q="payments", type="gadgets")) == ["Payments gadget"]


def test_registered_entities_are_found(signed_in, files) -> None:
    files.write("service.yaml", SERVICE)
    register(files.root / "service.yaml")
    root = fetch(signed_in, q="money")
    assert hits(root) == ["checkout"]
    found = hit(root, "checkout")
    assert found.xpath(".//a/@href")[0] == "/catalog/default/component/checkout"
    assert counts(root, "tag") == {"payments": 1, "python": 1}
    assert counts(root, "type") == {"Catalog": 1}


# --- Facets ---------------------------------------------------------------------------


def test_facets_count_the_matches(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments")
    assert [h.text for h in root.xpath("//aside[@aria-label='Filters']//h2")] == [
        "Type",
        "Kind",
        "Owner",
        "Lifecycle",
        "Tag",
    ]
    assert counts(root, "type") == {"Catalog": 3, "Docs": 1}
    assert counts(root, "kind") == {"API": 1, "Component": 1, "System": 1}
    assert counts(root, "owner") == {"team-a": 2, "team-b": 2}
    assert counts(root, "lifecycle") == {"deprecated": 1, "experimental": 1, "production": 1}
    assert counts(root, "tag") == {"money": 2, "python": 1}
    assert not root.xpath("//*[@aria-current='true']")
    assert not root.xpath("//a[text()='Clear filters']")


def test_a_facet_link_adds_its_value_and_a_chosen_ones_removes_it(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments")
    _, link, selected = facet(root, "kind")["API"]
    assert not selected
    assert params(link) == [("q", "payments"), ("kind", "API")]
    assert params(facet(root, "type")["Docs"][1]) == [("q", "payments"), ("type", DOCS)]

    chosen = fetch(signed_in, q="payments", kind="API")
    kinds = facet(chosen, "kind")
    count, link, selected = kinds["API"]
    assert selected and count == 1
    assert params(link) == [("q", "payments")]  # removes it
    (current,) = chosen.xpath("//*[@aria-current='true']")
    assert text(current).startswith("API")
    assert params(kinds["System"][1]) == [("q", "payments"), ("kind", "API"),
                                          ("kind", "System")]  # fmt: skip
    assert not kinds["System"][2]
    # The form searches again with the chosen values.
    assert chosen.xpath("//form[@role='search']//input[@type='hidden']/@name") == ["kind"]
    assert chosen.xpath("//form[@role='search']//input[@type='hidden']/@value") == ["API"]
    (clear,) = chosen.xpath("//a[text()='Clear filters']")
    assert params(clear.get("href")) == [("q", "payments")]


def test_facet_links_start_again_on_page_one(signed_in) -> None:
    save([entity(f"widget-{n}", "A widget", kind="API" if n % 2 else "Component")
          for n in range(25)])  # fmt: skip
    root = fetch(signed_in, q="widget", page="2")
    link = facet(root, "kind")["API"][1]
    assert params(link) == [("q", "widget"), ("kind", "API")]


def test_a_filter_narrows_the_results_and_the_other_facets(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments", kind="API")
    assert hits(root) == ["payments-api"]
    assert "1 result for “payments”" in status(root)
    # The chosen facet is counted without its own filter, the others under it.
    assert counts(root, "kind") == {"API": 1, "Component": 1, "System": 1}
    assert counts(root, "owner") == {"team-a": 1}
    assert counts(root, "lifecycle") == {"experimental": 1}
    assert counts(root, "type") == {"Catalog": 1}
    assert counts(root, "tag") == {"money": 1}


@pytest.mark.parametrize(("chosen", "expected"), [
    ({"type": DOCS}, ["Refunding payments"]),
    ({"type": CATALOG}, ["Payments Service", "ledger", "payments-api"]),
    ({"kind": ["API", "System"]}, ["ledger", "payments-api"]),
    ({"owner": "team-b"}, ["Refunding payments", "ledger"]),
    ({"lifecycle": "deprecated"}, ["ledger"]),
    ({"tag": "money"}, ["Payments Service", "payments-api"]),
    ({"tag": ["money", "python"]}, ["Payments Service", "payments-api"]),
    ({"owner": "team-b", "type": CATALOG}, ["ledger"]),
])  # fmt: skip
def test_each_facet_filters(signed_in, shop, chosen, expected) -> None:
    root = fetch(signed_in, q="payments", **chosen)
    assert sorted(hits(root)) == expected
    for name, values in chosen.items():
        for value in values if isinstance(values, list) else [values]:
            label = {CATALOG: "Catalog", DOCS: "Docs"}.get(value, value)
            assert facet(root, name)[label][2], (name, value)  # marked as chosen


def test_a_tag_in_another_case_is_the_same_facet_value(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments", tag="Money")
    assert sorted(hits(root)) == ["Payments Service", "payments-api"]
    tags = facet(root, "tag")
    assert set(tags) == {"money", "python"}  # no second "Money" counting nothing
    count, link, selected = tags["money"]
    assert selected and count == 2
    assert params(link) == [("q", "payments")]
    assert params(tags["python"][1]) == [("q", "payments"), ("tag", "money"),
                                         ("tag", "python")]  # fmt: skip
    assert root.xpath("//form[@role='search']//input[@type='hidden']/@value") == ["money"]


def test_type_and_tag_filters_count_the_other_facets_under_them(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments", type=DOCS)
    assert counts(root, "type") == {"Catalog": 3, "Docs": 1}
    assert counts(root, "owner") == {"team-b": 1}
    assert "kind" not in {s.get("id")[6:] for s in root.xpath("//section[@class='search-facet']")}
    root = fetch(signed_in, q="payments", tag="money")
    assert counts(root, "tag") == {"money": 2, "python": 1}
    assert counts(root, "owner") == {"team-a": 2}
    assert counts(root, "lifecycle") == {"experimental": 1, "production": 1}
    assert counts(root, "type") == {"Catalog": 2}


def test_owner_filter_counts_the_other_owners(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments", owner="team-b")
    assert counts(root, "owner") == {"team-a": 2, "team-b": 2}
    assert counts(root, "type") == {"Catalog": 1, "Docs": 1}
    assert counts(root, "kind") == {"System": 1}


def test_a_value_nothing_has_matches_nothing(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments", kind="Nope")
    assert hits(root) == []
    empty = text(root.xpath("//div[@class='empty-state']")[0])
    assert "No results" in empty and "with these filters" in empty
    (clear,) = root.xpath("//div[@class='empty-state']//a[text()='clear the filters']")
    assert params(clear.get("href")) == [("q", "payments")]
    assert "Did you mean" not in empty


# --- Paging ---------------------------------------------------------------------------


@pytest.fixture
def widgets():
    save([entity(f"widget-{n:02}", "A widget", kind="API" if n < 3 else "Component")
          for n in range(25)])  # fmt: skip


def test_twenty_five_results_take_two_pages(signed_in, widgets) -> None:
    first = fetch(signed_in, q="widget")
    assert len(hits(first)) == 20
    assert first.xpath("//ol[@class='search-hits']/@start") == ["1"]
    assert "25 results for “widget” · page 1 of 2" in status(first)
    assert not first.xpath("//a[@rel='prev']")
    (next_link,) = first.xpath("//a[@rel='next']")
    assert params(next_link.get("href")) == [("q", "widget"), ("page", "2")]

    second = fetch(signed_in, "/search/" + next_link.get("href"))
    assert len(hits(second)) == 5
    assert second.xpath("//ol[@class='search-hits']/@start") == ["21"]
    assert "page 2 of 2" in status(second)
    assert not second.xpath("//a[@rel='next']")
    (previous,) = second.xpath("//a[@rel='prev']")
    assert params(previous.get("href")) == [("q", "widget"), ("page", "1")]
    assert sorted(hits(first) + hits(second)) == [f"widget-{n:02}" for n in range(25)]
    # Facets count every match, not the page.
    assert counts(second, "kind") == {"API": 3, "Component": 22}


@pytest.mark.parametrize("number", ["abc", "0", "-3", "", "1.5", "1\x00"])
def test_a_page_number_that_is_not_one_shows_the_first(signed_in, widgets, number) -> None:
    root = fetch(signed_in, q="widget", page=number)
    assert hits(root) == hits(fetch(signed_in, q="widget"))
    assert "page 1 of 2" in status(root)


def test_a_page_past_the_end_shows_the_last(signed_in, widgets) -> None:
    root = fetch(signed_in, q="widget", page="9")
    assert hits(root) == hits(fetch(signed_in, q="widget", page="2"))
    assert "page 2 of 2" in status(root)
    assert not root.xpath("//div[@class='empty-state']")
    root = fetch(signed_in, q="widget", page="9" * 400)
    assert len(hits(root)) == 5


def test_page_links_keep_the_filters(signed_in, widgets) -> None:
    root = fetch(signed_in, q="widget", kind="Component")
    assert len(hits(root)) == 20
    (next_link,) = root.xpath("//a[@rel='next']")
    assert params(next_link.get("href")) == [("q", "widget"), ("kind", "Component"),
                                             ("page", "2")]  # fmt: skip
    second = fetch(signed_in, "/search/" + next_link.get("href"))
    assert len(hits(second)) == 2
    assert "22 results" in status(second)


def test_one_page_has_no_pager(signed_in, shop) -> None:
    root = fetch(signed_in, q="payments")
    assert not root.xpath("//nav[@aria-label='Result pages']")
    assert "page 1" not in status(root)


# --- Corrections, nothing found, no query ----------------------------------------------


def test_a_typo_shows_the_results_for_the_corrected_word(signed_in, shop) -> None:
    root = fetch(signed_in, q="paymants")
    (correction,) = root.xpath("//p[@class='search-correction']")
    assert text(correction) == "No results for “paymants”. Showing results for payments."
    assert correction.xpath("strong/text()") == ["payments"]
    assert len(hits(root)) == 4
    assert "4 results" in status(root) and "for “paymants”" not in text(
        root.xpath("//p[@class='muted' and @role='status']")[0]
    )
    # The snippets mark the corrected word.
    assert root.xpath("//p[@class='search-snippet']/mark/text()") == ["payments"] * 4


def test_a_correction_finding_nothing_under_the_filters_is_only_suggested(signed_in,
                                                                         shop) -> None:  # fmt: skip
    root = fetch(signed_in, q="paymants", kind="Nope")
    assert hits(root) == []
    assert "Showing results for" not in text(root)
    empty = text(root.xpath("//div[@class='empty-state']")[0])
    assert "Nothing matched “paymants” with these filters." in empty
    assert "Did you mean payments?" in empty
    assert hits(fetch(signed_in, q="paymants", kind="API")) == ["payments-api"]


def test_a_nonsense_query_shows_no_results(signed_in, shop) -> None:
    root = fetch(signed_in, q="zzqqxxyy")
    assert hits(root) == []
    empty = text(root.xpath("//div[@class='empty-state']")[0])
    assert "No results" in empty and "Nothing matched “zzqqxxyy”." in empty
    assert "Did you mean" not in text(root)
    assert not root.xpath("//p[@class='search-correction']")
    assert not root.xpath("//aside[@aria-label='Filters']")


def test_did_you_mean_offers_a_near_word_that_finds_something(signed_in, shop) -> None:
    save([entity("umbrella", "Keeps off the rain")])
    # Both words are known but no document has both: nothing to correct, so the
    # near words are offered.
    root = fetch(signed_in, q="rains ledger")
    assert hits(root) == []
    (offer,) = root.xpath("//p[@class='search-suggest']")
    assert text(offer).startswith("Did you mean")
    links = {a.text: a.get("href") for a in offer.xpath("a")}
    assert links["rain"] == "?q=rain"
    for href in links.values():  # every word offered finds something
        assert hits(fetch(signed_in, "/search/" + href))


def test_did_you_mean_never_offers_a_hidden_word(signed_in, shop) -> None:
    save([entity("umbrella", "Keeps off the rain", owner="team-secret")])
    with plugins.temporarily_registered():
        plugins.register_search_filter("secret", lambda user: ~Q(owner="team-secret"))
        root = fetch(signed_in, q="rains ledger")
        assert "rain" not in root.xpath("//p[@class='search-suggest']/a/text()")
        assert "umbrella" not in hits(fetch(signed_in, q="rain"))


@pytest.mark.parametrize("query", [None, "", "   ", "\x00"])
def test_no_query_shows_the_help(signed_in, shop, query) -> None:
    root = fetch(signed_in) if query is None else fetch(signed_in, q=query)
    assert hits(root) == []
    help_text = text(root.xpath("//main//p[@class='muted']")[0])
    assert "Search the catalog, the docs and the templates" in help_text
    assert not root.xpath("//div[@class='empty-state']")
    assert root.xpath("//title/text()")[0].startswith("Search")


def test_a_query_without_words_finds_nothing(signed_in, shop) -> None:
    root = fetch(signed_in, q="!!!")
    assert hits(root) == []
    assert "Nothing matched “!!!”" in text(root.xpath("//div[@class='empty-state']")[0])


def test_a_search_filter_hides_results_and_their_counts(signed_in, shop) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_filter("not-team-b", hide_team_b_from_dev)
        root = fetch(signed_in, q="payments")
        assert sorted(hits(root)) == ["Payments Service", "payments-api"]
        assert "2 results" in status(root)
        assert counts(root, "owner") == {"team-a": 2}
        assert counts(root, "type") == {"Catalog": 2}
        assert hits(fetch(signed_in, q="payments", owner="team-b")) == []


# --- Suggestions ----------------------------------------------------------------------


def suggest(client, query: str | None):
    response = client.get("/search/suggestions", {} if query is None else {"q": query})
    assert response.status_code == 200
    return response


def options(response) -> dict[str, list[tuple[str, str]]]:
    """Group title -> [(title, href)] of the suggestions shown."""
    root = lxml.html.fragment_fromstring(response.content.decode(), create_parent="div")
    groups = {}
    for group in root.xpath("//div[@role='group']"):
        (heading,) = group.xpath("p[@class='suggestion-heading']")
        assert heading.text == group.get("aria-label")
        groups[heading.text] = [
            (text(a.xpath("span[@class='suggestion-title']")[0]), a.get("href"))
            for a in group.xpath("a[@role='option']")
        ]
    return groups


def all_results(response):
    root = lxml.html.fragment_fromstring(response.content.decode(), create_parent="div")
    (link,) = root.xpath("//a[@id='suggestion-all']")
    assert link.get("role") == "option"
    return link


def test_suggestions_are_grouped_by_type(signed_in, shop) -> None:
    """Suggestions are name and title matches (the ledger only says payments in its
    description: the full results page lists it)."""
    response = suggest(signed_in, "payments")
    assert not response.content.lstrip().startswith(b"<!DOCTYPE")  # a fragment
    groups = options(response)
    assert set(groups) == {"Catalog", "Docs"}
    assert sorted(groups["Catalog"]) == [
        ("Payments Service", "/catalog/default/component/payments-service"),
        ("payments-api", "/catalog/default/api/payments-api")]  # fmt: skip
    assert groups["Docs"] == [("Refunding payments", "/docs/default/component/handbook/refunds")]
    link = all_results(response)
    assert link.get("href") == "/search/?q=payments"
    assert text(link) == "All results for “payments”"
    root = lxml.html.fragment_fromstring(response.content.decode(), create_parent="div")
    ids = root.xpath("//a[@role='option']/@id")
    assert len(ids) == 4 == len(set(ids))  # each option addressable by aria-activedescendant
    assert root.xpath("//div[@role='listbox']/@id") == ["search-suggestions-list"]


def test_suggestions_show_a_few_and_link_to_all(signed_in) -> None:
    save([entity(f"widget-{n:02}", "A widget") for n in range(25)])
    response = suggest(signed_in, "widg")
    assert sum(len(hits) for hits in options(response).values()) == 8
    assert all_results(response).get("href") == "/search/?q=widg"


def test_the_all_results_link_quotes_the_query(signed_in, shop) -> None:
    link = all_results(suggest(signed_in, 'a&b #c "d" <e>'))
    assert link.get("href") == "/search/?q=a%26b%20%23c%20%22d%22%20%3Ce%3E"
    assert text(link) == 'All results for “a&b #c "d" <e>”'


def test_suggestions_correct_a_typo(signed_in, shop) -> None:
    groups = options(suggest(signed_in, "paymants"))
    assert len(groups["Catalog"]) == 2


def test_no_match_says_so(signed_in, shop) -> None:
    response = suggest(signed_in, "zzqqxxyy")
    assert options(response) == {}
    assert b"No matches" in response.content
    assert all_results(response).get("href") == "/search/?q=zzqqxxyy"


@pytest.mark.parametrize("query", [None, "", "  ", "\x00"])
def test_no_query_no_suggestions(signed_in, shop, query) -> None:
    assert suggest(signed_in, query).content.strip() == b""


def test_suggestions_respect_search_filters(signed_in, shop) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_filter("not-team-b", hide_team_b_from_dev)
        groups = options(suggest(signed_in, "payments"))
        assert set(groups) == {"Catalog"}
        assert sorted(title for title, _ in groups["Catalog"]) == ["Payments Service",
                                                                   "payments-api"]  # fmt: skip
        assert options(suggest(signed_in, "ledger")) == {}


@pytest.mark.parametrize("title", ["Gadgets", "items", "keys", "values"])
def test_suggestions_group_a_plugins_type_under_its_title(signed_in, shop, title) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_collator(SearchCollator("gadgets", title, lambda: [], weight=1))
        save([GADGET])
        groups = options(suggest(signed_in, "payments gadget"))
        assert groups == {title: [("Payments gadget", "/gadgets/1")]}
        assert set(options(suggest(signed_in, "payments"))) == {title, "Catalog", "Docs"}


def test_suggestions_escape_what_they_show(signed_in) -> None:
    save([entity("tricky", "x", title="<img src=x onerror=alert(1)>")])
    response = suggest(signed_in, "tricky")
    assert b"<img" not in response.content
    assert options(response)["Catalog"] == [("<img src=x onerror=alert(1)>",
                                             "/catalog/default/component/tricky")]  # fmt: skip


# --- Who may search; the header box ----------------------------------------------------


@pytest.mark.parametrize("path", ["/search/?q=payments", "/search/suggestions?q=payments"])
def test_anonymous_users_are_sent_to_sign_in(client, shop, path) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert b"payments" not in response.content


@pytest.mark.parametrize("path", ["/search/", "/search/suggestions"])
def test_only_get_is_allowed(signed_in, path) -> None:
    assert signed_in.post(path, {"q": "payments"}).status_code == 405


@pytest.mark.parametrize("path", ["/", "/search/?q=payments", "/catalog/"])
def test_every_page_has_the_header_box(signed_in, shop, path) -> None:
    root = fetch(signed_in, path)
    (box,) = root.xpath("//header//input[@id='header-search']")
    assert box.get("role") == "combobox"
    assert box.get("name") == "q"
    assert box.get("hx-get") == "/search/suggestions"
    assert box.get("aria-controls") == "search-suggestions"
    assert box.get("aria-expanded") == "false"
    assert root.xpath("//*[@id='search-suggestions']")
    (form,) = box.xpath("ancestor::form")
    assert form.get("action") == "/search/" and form.get("method") == "get"
