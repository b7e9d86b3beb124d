"""``GET /api/search/query``: Backstage's search API over the portal's index.

The parameters are the ones Backstage's search clients send (``qs`` style: ``types[]``
or ``types[0]``, ``filters[field]`` or ``filters[field][]``, an opaque ``pageCursor``
that is the base64 of the 0-based page number, ``pageLimit``), the answer is
Backstage's ``SearchResultSet``, and every failure is Backstage's error body. The index
is filled through :func:`portal.search.index.save` (precise control) and, once, through
the catalog's real ingestion path.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode

import pytest
from django.db.models import Q
from django.utils import timezone

from portal import plugins
from portal.models import ApiToken
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


URL = "/api/search/query"


def cursor(page_number: int) -> str:
    """Backstage's page cursor: the base64 of the 0-based page number."""
    return base64.b64encode(str(page_number).encode()).decode()


def get(client, *pairs: tuple[str, str], **headers):
    """GET the API with ``pairs`` as the query string (repeated keys allowed)."""
    return client.get(f"{URL}?{urlencode(pairs)}", **headers)


def ok(client, *pairs: tuple[str, str], **headers) -> dict:
    response = get(client, *pairs, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(body: dict) -> list[str]:
    return [result["document"]["title"] for result in body["results"]]


def assert_input_error(response, *words: str) -> dict:
    """A 400 in Backstage's error shape whose message has ``words``."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]["name"] == "InputError"
    assert body["response"] == {"statusCode": 400}
    assert body["request"]["method"] == "GET"
    assert body["request"]["url"].startswith("/query?")  # relative to the plugin's mount
    for word in words:
        assert word in body["error"]["message"]
    return body


#: A document of a plugin's own search type ("gadgets").
GADGET = IndexDocument(type="gadgets", key="g1", title="Payments gadget", location="/gadgets/1",
                       fields={"title": "Payments gadget"})  # fmt: skip


@pytest.fixture
def shop():
    """A few catalog entities and docs sections about payments, and one about nothing."""
    save([
        entity("payments-service", "Takes the payments of the shop", tags=("python",),
               title="Payments Service"),
        entity("payments-api", "The payments REST API", kind="API", lifecycle="experimental"),
        entity("ledger", "Books payments into the ledger", kind="System", owner="team-b",
               lifecycle="", namespace="finance"),
        page("refunds", "Refunding payments", "How to refund one of the payments"),
        entity("weather", "Says whether it rains"),
    ])  # fmt: skip


# --- The answer's shape ---------------------------------------------------------------


def test_results_have_backstages_shape(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "payments"))
    assert set(body) == {"results", "numberOfResults"}  # one page: no cursors
    assert body["numberOfResults"] == 4 == len(body["results"])
    assert [result["rank"] for result in body["results"]] == [1, 2, 3, 4]
    by_title = {result["document"]["title"]: result for result in body["results"]}
    assert set(by_title) == {"Payments Service", "payments-api", "ledger", "Refunding payments"}
    service = by_title["Payments Service"]
    assert service["type"] == CATALOG
    assert service["document"] == {
        "title": "Payments Service", "text": "Takes the payments of the shop",
        "location": "/catalog/default/component/payments-service", "kind": "Component",
        "namespace": "default", "owner": "team-a", "lifecycle": "production"}  # fmt: skip
    # Fields a document does not have are left out, not sent empty.
    assert by_title["ledger"]["document"] == {
        "title": "ledger", "text": "Books payments into the ledger",
        "location": "/catalog/finance/system/ledger", "kind": "System", "namespace": "finance",
        "owner": "team-b"}  # fmt: skip
    docs = by_title["Refunding payments"]
    assert docs["type"] == DOCS
    assert docs["document"] == {
        "title": "Refunding payments", "text": "How to refund one of the payments",
        "location": "/docs/default/component/handbook/refunds", "namespace": "default",
        "owner": "team-a"}  # fmt: skip


def test_highlight_wraps_the_query_words_in_the_tags_of_the_answer(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "payments"))
    tags = {(r["highlight"]["preTag"], r["highlight"]["postTag"]) for r in body["results"]}
    assert len(tags) == 1  # one pair of tags for the whole answer
    ((pre, post),) = tags
    name = re.fullmatch(r"<([\w-]+)>", pre)
    assert name and post == f"</{name.group(1)}>"
    by_title = {r["document"]["title"]: r["highlight"]["fields"] for r in body["results"]}
    assert by_title["Payments Service"] == {
        "title": f"{pre}Payments{post} Service",
        "text": f"Takes the {pre}payments{post} of the shop"}  # fmt: skip
    assert by_title["Refunding payments"]["text"] == (
        f"How to refund one of the {pre}payments{post}"
    )
    # A field without the word comes back as it is.
    assert by_title["payments-api"]["title"] == f"{pre}payments{post}-api"
    assert by_title["ledger"]["title"] == "ledger"
    # Each answer has tags of its own, so no document can contain them.
    other = ok(signed_in, ("term", "payments"))["results"][0]["highlight"]
    assert other["preTag"] != pre


def test_highlight_is_text_not_html(signed_in) -> None:
    save([entity("xss", 'Renders <script>alert("payments")</script> & more')])
    result = ok(signed_in, ("term", "payments"))["results"][0]
    pre, post = result["highlight"]["preTag"], result["highlight"]["postTag"]
    assert result["document"]["text"] == 'Renders <script>alert("payments")</script> & more'
    assert result["highlight"]["fields"]["text"] == (
        f'Renders <script>alert("{pre}payments{post}")</script> & more'
    )


def test_the_last_word_highlights_as_a_prefix(signed_in, shop) -> None:
    result = ok(signed_in, ("term", "weath"))["results"]
    assert [r["document"]["title"] for r in result] == ["weather"]
    fields, pre = result[0]["highlight"]["fields"], result[0]["highlight"]["preTag"]
    assert fields["title"] == f"{pre}weather{result[0]['highlight']['postTag']}"


def test_a_typo_is_answered_for_the_corrected_word(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "paymants"))
    assert body["numberOfResults"] == 4
    pre, post = (body["results"][0]["highlight"][tag] for tag in ("preTag", "postTag"))
    assert all(f"{pre}payments{post}" in r["highlight"]["fields"]["text"] for r in body["results"])


def test_an_exact_name_ranks_first(signed_in, shop) -> None:
    assert titles(ok(signed_in, ("term", "ledger")))[0] == "ledger"
    assert titles(ok(signed_in, ("term", "payments api")))[0] == "payments-api"


def test_entities_registered_through_the_catalog_are_found(signed_in, files) -> None:
    files.write("service.yaml", SERVICE)
    register(files.root / "service.yaml")
    body = ok(signed_in, ("term", "money"))
    assert body["numberOfResults"] == 1
    (result,) = body["results"]
    assert result["type"] == CATALOG
    assert result["document"] == {
        "title": "checkout", "text": "Takes the money",
        "location": "/catalog/default/component/checkout", "kind": "Component",
        "namespace": "default", "owner": "team-a", "lifecycle": "production"}  # fmt: skip
    assert (
        ok(signed_in, ("term", "checkout"), ("filters[kind]", "API"))["results"][0]["document"][
            "location"
        ]
        == "/catalog/default/api/checkout-api"
    )


# --- Paging ---------------------------------------------------------------------------


@pytest.fixture
def widgets():
    """Seven documents about widgets (and one that is not)."""
    save([entity(f"widget-{n}", f"Widget number {n}") for n in range(7)]
         + [entity("gadget", "Not one of them")])  # fmt: skip


def test_number_of_results_counts_every_match_not_the_page(signed_in, widgets) -> None:
    body = ok(signed_in, ("term", "widget"), ("pageLimit", "2"))
    assert len(body["results"]) == 2
    assert body["numberOfResults"] == 7


def test_pages_follow_each_other_through_the_cursors(signed_in, widgets) -> None:
    first = ok(signed_in, ("term", "widget"), ("pageLimit", "3"))
    assert [r["rank"] for r in first["results"]] == [1, 2, 3]
    assert first["nextPageCursor"] == cursor(1)
    assert "previousPageCursor" not in first

    second = ok(signed_in, ("term", "widget"), ("pageLimit", "3"),
                ("pageCursor", first["nextPageCursor"]))  # fmt: skip
    assert [r["rank"] for r in second["results"]] == [4, 5, 6]
    assert second["previousPageCursor"] == cursor(0)
    assert second["nextPageCursor"] == cursor(2)
    assert second["numberOfResults"] == 7

    third = ok(signed_in, ("term", "widget"), ("pageLimit", "3"),
               ("pageCursor", second["nextPageCursor"]))  # fmt: skip
    assert [r["rank"] for r in third["results"]] == [7]
    assert "nextPageCursor" not in third
    assert third["previousPageCursor"] == cursor(1)

    seen = titles(first) + titles(second) + titles(third)
    assert sorted(seen) == [f"widget-{n}" for n in range(7)]  # every one, none twice
    back = ok(signed_in, ("term", "widget"), ("pageLimit", "3"),
              ("pageCursor", second["previousPageCursor"]))  # fmt: skip
    assert back == {**first, "results": back["results"]}
    assert titles(back) == titles(first)


def test_a_page_exactly_full_has_no_next_cursor(signed_in, widgets) -> None:
    body = ok(signed_in, ("term", "widget"), ("pageLimit", "007"))
    assert len(body["results"]) == 7
    assert "nextPageCursor" not in body


def test_the_default_page_holds_twenty_five(signed_in) -> None:
    save([entity(f"part-{n}", "A spare part") for n in range(30)])
    body = ok(signed_in, ("term", "spare"), ("pageLimit", ""))
    assert len(body["results"]) == 25
    assert body["numberOfResults"] == 30
    assert body["nextPageCursor"] == cursor(1)
    rest = ok(signed_in, ("term", "spare"), ("pageCursor", body["nextPageCursor"]))
    assert [r["rank"] for r in rest["results"]] == [26, 27, 28, 29, 30]
    assert not set(titles(rest)) & set(titles(body))
    assert len(ok(signed_in, ("term", "spare"), ("pageLimit", "100"))["results"]) == 30


def test_a_page_past_the_end_is_empty(signed_in, widgets) -> None:
    body = ok(signed_in, ("term", "widget"), ("pageLimit", "5"), ("pageCursor", cursor(4)))
    assert body["results"] == []
    assert body["numberOfResults"] == 7
    assert "nextPageCursor" not in body


# --- Types and filters ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["types[]", "types[0]", "types"])
def test_types_limit_the_results(signed_in, shop, key) -> None:
    docs = ok(signed_in, ("term", "payments"), (key, DOCS))
    assert [r["type"] for r in docs["results"]] == [DOCS]
    assert docs["numberOfResults"] == 1
    catalog = ok(signed_in, ("term", "payments"), (key, CATALOG))
    assert {r["type"] for r in catalog["results"]} == {CATALOG}
    assert catalog["numberOfResults"] == 3


def test_a_plugins_type_can_be_asked_for(signed_in, shop) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_collator(SearchCollator("gadgets", "Gadgets", lambda: []))
        save([GADGET])
        body = ok(signed_in, ("term", "payments"), ("types[0]", "gadgets"))
        assert [(r["type"], r["document"]) for r in body["results"]] == [
            ("gadgets", {"title": "Payments gadget", "text": "", "location": "/gadgets/1"})
        ]
    assert_input_error(get(signed_in, ("term", "payments"), ("types[0]", "gadgets")), "gadgets")


def test_several_types_offer_either(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "payments"), ("types[0]", DOCS), ("types[1]", CATALOG))
    assert body["numberOfResults"] == 4
    body = ok(signed_in, ("term", "payments"), ("types[]", DOCS), ("types[]", CATALOG))
    assert body["numberOfResults"] == 4


def test_an_unknown_type_is_refused(signed_in, shop) -> None:
    response = get(signed_in, ("term", "payments"), ("types[]", DOCS), ("types[]", "nope"))
    body = assert_input_error(response, "nope", CATALOG, DOCS)
    assert body["request"]["url"] == "/query?term=payments&types%5B%5D=techdocs&types%5B%5D=nope"


@pytest.mark.parametrize(("pairs", "expected"), [
    ([("filters[kind]", "API")], {"payments-api"}),
    ([("filters[kind][]", "API"), ("filters[kind][]", "System")], {"payments-api", "ledger"}),
    ([("filters[kind][0]", "API"), ("filters[kind][1]", "System")], {"payments-api", "ledger"}),
    ([("filters[owner]", "team-b")], {"ledger"}),
    ([("filters[lifecycle]", "experimental")], {"payments-api"}),
    ([("filters[namespace]", "finance")], {"ledger"}),
    ([("filters[tags]", "python")], {"Payments Service"}),
    ([("filters[tags]", "Python")], {"Payments Service"}),
    ([("filters[kind]", "Component"), ("filters[owner]", "team-b")], set()),
    ([("filters[kind]", "component")], set()),
    ([("filters[kind]", "")], {"Payments Service", "payments-api", "ledger",
                               "Refunding payments"}),
])  # fmt: skip
def test_filters_narrow_the_results(signed_in, shop, pairs, expected) -> None:
    body = ok(signed_in, ("term", "payments"), *pairs)
    assert set(titles(body)) == expected
    assert body["numberOfResults"] == len(expected)


def test_filters_and_types_combine(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "payments"), ("types[0]", DOCS), ("filters[owner]", "team-a"))
    assert titles(body) == ["Refunding payments"]
    body = ok(signed_in, ("term", "payments"), ("types[0]", DOCS), ("filters[kind]", "API"))
    assert body == {"results": [], "numberOfResults": 0}


def test_a_filter_on_a_field_no_document_has_matches_nothing(signed_in, shop) -> None:
    body = ok(signed_in, ("term", "payments"), ("filters[unknownField]", "x"))
    assert body == {"results": [], "numberOfResults": 0}
    body = ok(signed_in, ("term", "payments"), ("filters[kind]", "API"),
              ("filters[unknownField][]", "x"))  # fmt: skip
    assert body == {"results": [], "numberOfResults": 0}


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "1.5", " 5", "²", "9" * 5000])
def test_a_bad_page_limit_is_refused(signed_in, shop, limit) -> None:
    assert_input_error(get(signed_in, ("term", "payments"), ("pageLimit", limit)), "pageLimit")


@pytest.mark.parametrize("value", ["not base64!", "YWJj", cursor(-1), "MQ", "//8=", "é",
                                   base64.b64encode(b"9" * 5000).decode()])  # fmt: skip
def test_a_bad_page_cursor_is_refused(signed_in, shop, value) -> None:
    assert_input_error(get(signed_in, ("term", "payments"), ("pageCursor", value)),
                       "pageCursor")  # fmt: skip


def test_a_term_longer_than_a_hundred_characters_is_refused(signed_in, shop) -> None:
    assert_input_error(get(signed_in, ("term", "payments".center(101))), "100")
    assert ok(signed_in, ("term", "payments".center(100)))["numberOfResults"] == 4


@pytest.mark.parametrize("pairs", [[], [("term", "")], [("term", "   ")], [("term", "!!")]])
def test_an_empty_term_finds_nothing(signed_in, shop, pairs) -> None:
    assert ok(signed_in, *pairs) == {"results": [], "numberOfResults": 0}


@pytest.mark.parametrize("pairs", [
    [("term", "pay\x00ments")],
    [("term", "payments"), ("filters[kind]", "A\x00PI")],
    [("term", "payments"), ("types[]", "tech\x00docs")],
    [("term", "payments"), ("filters[ki\x00nd]", "API")],
])  # fmt: skip
def test_a_nul_is_refused(signed_in, shop, pairs) -> None:
    assert_input_error(get(signed_in, *pairs), "NUL")


def test_only_get_is_allowed(signed_in, shop) -> None:
    response = signed_in.post(f"{URL}?term=payments")
    assert response.status_code == 405
    assert response.json()["error"]["name"] == "MethodNotAllowedError"


# --- Who may ask ----------------------------------------------------------------------


def test_anonymous_callers_get_401_in_backstages_shape(client, shop) -> None:
    response = get(client, ("term", "payments"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"name": "AuthenticationError", "message": "Missing credentials"},
        "request": {"method": "GET", "url": "/query?term=payments"},
        "response": {"statusCode": 401}}  # fmt: skip


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic ZGV2OnB3", "Bearer"])
def test_bad_credentials_get_401(client, shop, header) -> None:
    response = get(client, ("term", "payments"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["name"] == "AuthenticationError"


def test_an_issued_token_is_accepted(client, user, shop) -> None:
    _, token = ApiToken.issue("ci", user)
    body = ok(client, ("term", "payments"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert body["numberOfResults"] == 4


def test_a_revoked_token_is_refused(client, user, shop) -> None:
    row, token = ApiToken.issue("ci", user)
    ApiToken.objects.filter(pk=row.pk).update(revoked=timezone.now())
    response = get(client, ("term", "payments"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_a_static_token_is_accepted(token_api, shop) -> None:
    assert ok(token_api, ("term", "payments"))["numberOfResults"] == 4


# --- Permissions ----------------------------------------------------------------------


def test_a_search_filter_hides_results_and_their_count(signed_in, shop) -> None:
    with plugins.temporarily_registered():
        plugins.register_search_filter("not-team-b", lambda user: ~Q(owner="team-b"))
        body = ok(signed_in, ("term", "payments"))
        assert set(titles(body)) == {"Payments Service", "payments-api", "Refunding payments"}
        assert body["numberOfResults"] == 3
        assert ok(signed_in, ("term", "ledger")) == {"results": [], "numberOfResults": 0}
        paged = ok(signed_in, ("term", "payments"), ("pageLimit", "2"))
        assert paged["numberOfResults"] == 3 and paged["nextPageCursor"] == cursor(1)
        rest = ok(signed_in, ("term", "payments"), ("pageLimit", "2"), ("pageCursor", cursor(1)))
        assert len(rest["results"]) == 1 and "nextPageCursor" not in rest
    assert ok(signed_in, ("term", "payments"))["numberOfResults"] == 4  # unregistered again


def test_a_search_filter_sees_the_caller(client, user, django_user_model, shop) -> None:
    seen = []

    def limit(caller):
        seen.append(caller)
        return None if caller is not None and caller.is_staff else Q(type=DOCS)

    boss = django_user_model.objects.create_user("boss", is_staff=True)
    _, token = ApiToken.issue("boss", boss)
    with plugins.temporarily_registered():
        plugins.register_search_filter("docs-only", limit)
        client.force_login(user)
        assert titles(ok(client, ("term", "payments"))) == ["Refunding payments"]
        client.logout()
        body = ok(client, ("term", "payments"), HTTP_AUTHORIZATION=f"Bearer {token}")
        assert body["numberOfResults"] == 4
    assert user in seen and boss in seen


def test_hidden_documents_offer_no_corrections(signed_in) -> None:
    save([entity("secret-tunnel", "Hidden away", owner="team-b"),
          entity("open-door", "For everyone")])  # fmt: skip
    with plugins.temporarily_registered():
        plugins.register_search_filter("not-team-b", lambda user: ~Q(owner="team-b"))
        assert ok(signed_in, ("term", "tunnell")) == {"results": [], "numberOfResults": 0}
    assert titles(ok(signed_in, ("term", "tunnell"))) == ["secret-tunnel"]
