"""API definitions on entity pages (catalog/definitions.py, the API tab's definition
fragment) and the raw / download endpoint (catalog/views/definition.py).

Fixtures under input/definitions/ are Backstage's example APIs (see the README there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import definitions
from catalog.definitions import describe, source_format, summarize_asyncapi
from catalog.models import Entity
from tests.catalog.conftest import ORG, register

FIXTURES = Path(__file__).parent / "input" / "definitions"
XSS = "<script>alert(1)</script>"


def fixture_entity(filename: str) -> dict:
    """The entity document of a fixture file, as a dict (what describe() is given)."""
    return yaml.safe_load((FIXTURES / filename).read_text())


def api(name: str, api_type: str, definition, **metadata) -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "API",
        "metadata": {"name": name, "namespace": "default", **metadata},
        "spec": {"type": api_type, "lifecycle": "production", "owner": "team-a",
                 "definition": definition},
    }  # fmt: skip


def page_url(name: str) -> str:
    return f"/catalog/default/api/{name}/api"


def raw_url(name: str) -> str:
    return f"/catalog/default/api/{name}/definition"


@pytest.fixture
def apis(files, db):
    """Registers entity documents (JSON is YAML) in one catalog file; returns a function."""

    def add(*entities: dict) -> None:
        # ensure_ascii=False: libyaml refuses the surrogate pairs json writes for emoji.
        documents = ["---\n" + json.dumps(entity, ensure_ascii=False) for entity in entities]
        text = ORG + "\n".join(documents) + "\n"
        path = files.write("apis.yaml", text)
        location = register(path)
        assert not location.last_error and not location.problems, location.problems

    return add


@pytest.fixture
def examples(apis):
    """Every fixture file of input/definitions registered."""
    apis(*(fixture_entity(p.name) for p in sorted(FIXTURES.glob("*.yaml"))))


# Each type ---------------------------------------------------------------------------


def test_openapi_boots_swagger_ui_with_the_source_behind_a_toggle():
    view = describe(fixture_entity("petstore-api.yaml"))
    assert view.renderer == "openapi"
    assert view.format == "yaml" and view.filename == "petstore.yaml"
    assert view.raw_url == "/catalog/default/api/petstore/definition"
    assert view.download_url == view.raw_url + "?download=1"
    assert not view.note
    assert '<div class="highlight">' in view.source_html
    assert "Swagger Petstore" in view.source_html


def test_openapi_as_json_is_recognised():
    document = {"openapi": "3.0.0", "info": {"title": "T", "version": "1"}, "paths": {}}
    view = describe(api("json-api", "OpenAPI", json.dumps(document, indent="\t")))
    assert view.renderer == "openapi"
    assert view.format == "json" and view.filename == "json-api.json"


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        ("openapi: [unclosed", "could not be read"),
        ("just: a mapping\n", "no openapi or swagger field"),
        ("- a list\n", "no openapi or swagger field"),
        ("openapi: 3.0.0\n---\nopenapi: 3.0.0\n", "expected one YAML document"),
        ("a: &x 1\nb: !!python/object:os.system x\n", "could not be read"),
    ],
)
def test_openapi_that_does_not_parse_is_shown_as_source_with_the_reason(definition, reason):
    view = describe(api("broken", "openapi", definition))
    assert view.renderer == "source"
    assert reason in view.note
    assert view.source_html


def test_asyncapi_2_summary_lists_servers_channels_operations_and_messages():
    view = describe(fixture_entity("streetlights-api.yaml"))
    assert view.renderer == "asyncapi" and view.filename == "streetlights.yaml"
    summary = view.asyncapi
    assert (summary.spec_version, summary.title, summary.version) == (
        "2.0.0", "Streetlights API", "1.0.0")  # fmt: skip
    assert "remotely manage the city lights" in summary.description
    [server] = summary.servers
    assert (server.name, server.protocol) == ("production", "mqtt")
    assert server.url == "api.streetlights.smartylighting.com:{port}"
    assert len(summary.channels) == 4
    measured = summary.channels[0]
    assert measured.address.endswith("/lighting/measured")
    assert measured.description.startswith("The topic on which")
    [op] = measured.operations
    assert (op.action, op.name, op.messages) == (
        "subscribe", "receiveLightMeasurement", ["lightMeasured"])  # fmt: skip
    actions = {(o.action, o.name, tuple(o.messages)) for c in summary.channels
               for o in c.operations}  # fmt: skip
    assert ("publish", "dimLight", ("dimLight",)) in actions
    assert ("publish", "turnOn", ("turnOnOff",)) in actions
    assert summary.problems == [] and summary.loose_operations == []
    assert view.source_html


def test_asyncapi_3_operations_are_matched_to_their_channels_through_refs():
    summary = describe(fixture_entity("user-events-asyncapi3.yaml")).asyncapi
    assert (summary.spec_version, summary.title, summary.version) == (
        "3.0.0", "User Events", "2.1.0")  # fmt: skip
    [server] = summary.servers
    assert (server.url, server.protocol) == ("broker.example.com:9092", "kafka")
    signed_up, deleted = summary.channels
    assert (signed_up.name, signed_up.address) == ("userSignedUp", "users.{userId}.signedup")
    [send] = signed_up.operations
    assert (send.action, send.name, send.summary, send.messages) == (
        "send", "publishSignUp", "Announce a new user.", ["UserSignedUp"])  # fmt: skip
    # A channel that is a $ref to components, and an operation without a message list:
    # the operation lists every message of its channel.
    assert deleted.address == "users.deleted"
    [receive] = deleted.operations
    assert (receive.action, receive.name, receive.messages) == (
        "receive", "onUserDeleted", ["UserDeleted"])  # fmt: skip
    assert summary.problems == []


def test_graphql_is_highlighted():
    view = describe(fixture_entity("swapi-graphql.yaml"))
    assert view.renderer == "source" and not view.note
    assert view.format == "graphql" and view.filename == "starwars-graphql.graphql"
    assert '<span class="k">type</span>' in view.source_html
    assert view.line_count > 1000


def test_grpc_is_highlighted():
    view = describe(fixture_entity("hello-world-api.yaml"))
    assert view.renderer == "source" and not view.note
    assert view.format == "proto" and view.filename == "hello-world.proto"
    assert '<span class="kd">service</span>' in view.source_html


def test_other_types_are_shown_with_a_note():
    trpc = describe(fixture_entity("hello-world-trpc-api.yaml"))
    assert trpc.renderer == "source" and trpc.format == "ts"
    assert "no viewer for API type “trpc”" in trpc.note
    assert "TypeScript" in trpc.note

    text = describe(api("soap", "wsdl", "<definitions/>"))
    assert text.format == "txt" and text.filename == "soap.txt"
    assert "shown as text" in text.note
    assert "&lt;definitions/&gt;" in text.source_html

    as_json = describe(api("rpc", "json-rpc", '{"methods": []}'))
    assert as_json.format == "json" and "highlighted as JSON" in as_json.note


def test_an_api_without_definition_says_so():
    entity = api("remote", "mcp-server", None)
    del entity["spec"]["definition"]
    view = describe(entity)
    assert view.renderer == "none"
    assert "no definition" in view.note
    assert not view.source_html and view.size == 0


@pytest.mark.parametrize(
    ("api_type", "text", "expected"),
    [
        ("openapi", "openapi: 3.0.0", "yaml"),
        ("openapi", ' {"openapi": "3.0.0"}', "json"),
        ("openapi", "{openapi: 3.0.0}", "yaml"),  # a YAML flow mapping, not JSON
        ("AsyncAPI", "asyncapi: 2.0.0", "yaml"),
        ("GraphQL", "type Query { a: Int }", "graphql"),
        ("grpc", 'syntax = "proto3";', "proto"),
        ("trpc", "export {}", "ts"),
        ("custom", "anything", "txt"),
        ("custom", "[1, 2]", "json"),
        ("", "x", "txt"),
    ],
)
def test_source_format(api_type, text, expected):
    assert source_format(api_type, text) == expected


def test_line_count_and_size():
    view = describe(api("lines", "graphql", "type A { a: Int }\ntype B { é: Int }\n"))
    assert view.line_count == 2
    assert view.size == len("type A { a: Int }\ntype B { é: Int }\n".encode())
    assert describe(api("one", "graphql", "type A { a: Int }")).line_count == 1


# Malformed AsyncAPI degrades --------------------------------------------------------

MALFORMED_ASYNCAPI = {
    "invalid yaml": "asyncapi: 2.0.0\nchannels: [unclosed",
    "a list": "- asyncapi\n- 2.0.0\n",
    "a scalar": "asyncapi",
    "channels is a list": "asyncapi: 2.0.0\nchannels: [a, b]\n",
    "channel is a string": "asyncapi: 2.0.0\nchannels:\n  a: nope\n",
    "operation is a number": "asyncapi: 2.0.0\nchannels:\n  a:\n    publish: 3\n",
    "message is odd": "asyncapi: 2.0.0\nchannels:\n  a:\n    publish: {message: [1, 2]}\n",
    "oneOf of junk": "asyncapi: 2.0.0\nchannels:\n  a:\n    subscribe:\n      message:\n"
                     "        oneOf: [1, {$ref: '#/nowhere'}, {name: [x]}]\n",
    "ref loop": "asyncapi: 2.0.0\nchannels:\n  a: {$ref: '#/channels/b'}\n"
                "  b: {$ref: '#/channels/a'}\n",
    "ref into a list": "asyncapi: 2.0.0\nchannels:\n  a: {$ref: '#/servers/9'}\nservers: []\n",
    "version 1": "asyncapi: 1.2.0\ninfo: {title: Old}\ntopics: {a: {}}\n",
    "no version": "info: {title: 7}\nchannels: {a: {subscribe: {}}}\n",
    "servers is a string": "asyncapi: 2.0.0\nservers: mqtt://x\n",
    "v3 junk": "asyncapi: 3.0.0\nchannels: {a: {address: null, messages: [1]}}\n"
               "operations:\n  o1: {action: [send], channel: {$ref: '#/channels/zzz'}}\n"
               "  o2: {channel: 5, messages: {a: 1}}\n  o3: 7\n",
    "info is a list": "asyncapi: 2.0.0\ninfo: [1, 2]\n",
    "json with tabs": '{\n\t"asyncapi": "2.0.0",\n\t"channels": {"a": {}}\n}',
    "broken json": '{"asyncapi": "2.0.0", "channels": {',
    "many documents": "asyncapi: 2.0.0\n---\nasyncapi: 2.0.0\n---\nx: 1\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c]\n"
                      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
}


@pytest.mark.parametrize("definition", MALFORMED_ASYNCAPI.values(), ids=MALFORMED_ASYNCAPI.keys())
def test_malformed_asyncapi_degrades(definition):
    view = describe(api("odd", "asyncapi", definition))
    assert view.renderer in ("asyncapi", "source")
    if view.renderer == "source":
        assert "AsyncAPI definition" in view.note
    assert view.source_html


def test_malformed_asyncapi_names_what_it_skipped():
    summary = describe(api("odd", "asyncapi", MALFORMED_ASYNCAPI["v3 junk"])).asyncapi
    assert [c.address for c in summary.channels] == ["a"]
    assert "Operation “o3” is not a mapping." in summary.problems
    assert {o.name for o in summary.loose_operations} == {"o1", "o2"}
    old = describe(api("odd", "asyncapi", MALFORMED_ASYNCAPI["version 1"])).asyncapi
    assert old.title == "Old" and "AsyncAPI 1.2.0 is not summarised" in old.problems[0]


KEYS = ["$ref", "name", "a", "address", "messages", "oneOf", "channel", "action", "publish"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=4),
    max_leaves=25,
)
refs = st.sampled_from([
    "#/channels/a", "#/components/messages/m", "#/operations/o", "#/",
    "#/channels/a/messages/m", "x.yaml#/a", "#/channels/%7Bid%7D",
])  # fmt: skip
sections = st.dictionaries(
    st.text(max_size=4) | st.just("a"),
    json_values | st.builds(lambda ref: {"$ref": ref}, refs),
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.sampled_from(["2.6.0", "3.0.0", "", "1.0", None, 3]),
    body=st.dictionaries(
        st.sampled_from(["info", "servers", "channels", "operations", "components"]),
        sections,
        max_size=5,
    ),
)
def test_summarize_asyncapi_never_raises_on_a_mapping(version, body):
    summary = summarize_asyncapi({"asyncapi": version, **body})
    assert isinstance(summary.problems, list)


# Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("petstore", ['data-swagger-url="/catalog/default/api/petstore/definition"',
                      '<details class="definition-source">']),
        ("streetlights", ["Streetlights API", "receiveLightMeasurement", "lightMeasured",
                          'class="op op-subscribe"', "api.streetlights.smartylighting.com"]),
        ("user-events", ["User Events", "users.{userId}.signedup", 'class="op op-send"',
                         "UserSignedUp"]),
        ("starwars-graphql", ['<div class="highlight">', "Film"]),
        ("hello-world", ['<div class="highlight">', "HelloRequest"]),
        ("hello-world-trpc", ["no viewer for API type “trpc”"]),
    ],
)  # fmt: skip
def test_api_tab_renders_each_type(signed_in, examples, name, expected):
    response = signed_in.get(page_url(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Definition" in html
    assert f'href="/catalog/default/api/{name}/definition"' in html
    assert f'href="/catalog/default/api/{name}/definition?download=1"' in html
    for text in expected:
        assert text in html, text


def test_api_tab_over_htmx_returns_the_fragment(signed_in, examples):
    response = signed_in.get(page_url("streetlights"), HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="tab-panel")  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Streetlights API" in html


def test_malformed_asyncapi_page_is_not_a_500(signed_in, apis):
    apis(*(api(f"odd-{i}", "asyncapi", text) for i, text in enumerate(MALFORMED_ASYNCAPI.values())))
    for i in range(len(MALFORMED_ASYNCAPI)):
        assert signed_in.get(page_url(f"odd-{i}")).status_code == 200


def test_describing_a_definition_needs_no_database():
    # No db fixture: pytest-django makes any query an error.
    for path in sorted(FIXTURES.glob("*.yaml")):
        describe(fixture_entity(path.name))


def test_the_api_tab_does_not_query_per_channel(signed_in, apis, django_assert_max_num_queries):
    channels = {f"c{i}": {"subscribe": {"message": {"$ref": "#/components/messages/m"}}}
                for i in range(300)}  # fmt: skip
    document = {"asyncapi": "2.6.0", "channels": channels,
                "components": {"messages": {"m": {"name": "M"}}}}  # fmt: skip
    apis(api("small", "asyncapi", "asyncapi: 2.6.0\nchannels: {c0: {}}\n"),
         api("wide", "asyncapi", json.dumps(document)))  # fmt: skip
    signed_in.get(page_url("small"))
    with CaptureQueriesContext(connection) as small:
        signed_in.get(page_url("small"))
    with django_assert_max_num_queries(len(small)):
        response = signed_in.get(page_url("wide"))
    assert response.content.decode().count('class="op op-subscribe"') == 300


# Injection ------------------------------------------------------------------------------


def test_injection_in_a_graphql_comment_is_escaped(signed_in, apis):
    sdl = f"# </pre></code>{XSS}\ntype Query {{ a: String }} # <img src=x onerror=alert(1)>\n"
    apis(api("evil-graphql", "graphql", sdl))
    html = signed_in.get(page_url("evil-graphql")).content.decode()
    assert XSS not in html and "<img src=x" not in html
    assert "&lt;/pre&gt;&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_injection_in_every_asyncapi_field_is_escaped(signed_in, apis):
    document = {
        "asyncapi": f"2.0.0{XSS}",
        "info": {"title": XSS, "version": XSS, "description": f"{XSS}\n\n[x](javascript:alert(1))"},
        "servers": {XSS: {"url": "javascript:alert(1)", "protocol": XSS, "description": XSS}},
        "channels": {f"a/{XSS}": {
            "description": XSS,
            "publish": {"operationId": XSS, "summary": XSS, "message": {"name": XSS}},
            "subscribe": {"message": {"oneOf": [{"title": f'"><svg onload=alert(1)>{XSS}'}]}},
        }},
    }  # fmt: skip
    operation = {
        "action": 'send" onclick="alert(1)',
        "channel": {"$ref": "#/channels/c"},
        "messages": [{"$ref": f"#/components/messages/{XSS}"}],
    }
    v3 = {"asyncapi": "3.0.0", "channels": {"c": {"address": XSS}}, "operations": {XSS: operation}}
    apis(api("evil-async", "asyncapi", json.dumps(document)),
         api("evil-async3", "asyncapi", json.dumps(v3)))  # fmt: skip
    for name in ("evil-async", "evil-async3"):
        html = signed_in.get(page_url(name)).content.decode()
        assert XSS not in html
        assert "<svg onload" not in html and 'onclick="alert' not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = signed_in.get(page_url("evil-async3")).content.decode()
    assert 'class="op op-other"' in html  # an unknown action never becomes a class name


def test_asyncapi_descriptions_render_their_markdown_sanitised(signed_in, apis):
    description = ("The **Streetlights** API, see [the docs](https://example.com/docs).\n\n"
                   "- one\n- two\n\n[bad](javascript:alert(1)) ![x](https://tracker.example/p.png)"
                   '\n\n<a href="https://evil.example" onclick="x()">raw</a>')  # fmt: skip
    document = {
        "asyncapi": "2.6.0",
        "info": {"title": "Lights", "version": "1", "description": description},
        "servers": {"prod": {"url": "mqtt://x", "protocol": "mqtt", "description": "Uses *TLS*"}},
        "channels": {"light": {"description": "Measured `lumens`.", "publish": {}}},
    }
    apis(api("lights", "asyncapi", json.dumps(document)))
    html = signed_in.get(page_url("lights")).content.decode()
    summary = html[html.index('<section class="asyncapi"'):html.index("</section>", html.index(
        '<section class="asyncapi"'))]  # fmt: skip
    assert "<strong>Streetlights</strong>" in summary
    assert '<a href="https://example.com/docs" rel="noopener noreferrer nofollow">' in summary
    assert "<li>one</li>" in summary and "<em>TLS</em>" in summary
    assert "<code>lumens</code>" in summary
    assert 'href="javascript' not in summary and "<img" not in summary and "tracker" not in summary
    assert '<a href="https://evil.example"' not in summary and "&lt;a href=" in summary


def test_injection_in_openapi_source_and_type_is_escaped(signed_in, apis):
    spec = f"openapi: 3.0.0\ninfo:\n  title: '{XSS}'\n  description: \"</details>{XSS}\"\n"
    apis(api("evil-openapi", "openapi", spec),
         api("evil-type", f"x{XSS}", f"</pre>{XSS}"))  # fmt: skip
    for name in ("evil-openapi", "evil-type"):
        html = signed_in.get(page_url(name)).content.decode()
        assert XSS not in html and "</pre><script" not in html
        assert "&lt;script&gt;" in html


# Large definitions -------------------------------------------------------------------------


def test_a_definition_over_the_cap_is_not_parsed_or_highlighted():
    big = "type Query { a: String }\n" + "# padding padding padding padding\n" * 40_000
    assert len(big) > definitions.MAX_RENDER_BYTES
    view = describe(api("big", "graphql", big))
    assert view.too_large and not view.source_html
    assert "1.4 MB, too large to show" in view.note

    async_view = describe(api("big-async", "asyncapi", "asyncapi: 2.0.0\n" + "#\n" * 600_000))
    assert async_view.asyncapi is None and not async_view.source_html
    assert "too large" in async_view.note

    # OpenAPI is still rendered by Swagger UI in the browser, just not highlighted here.
    openapi = describe(api("big-openapi", "openapi", "openapi: 3.0.0\n" + "#\n" * 600_000))
    assert openapi.renderer == "openapi" and not openapi.source_html
    assert "too large to highlight" in openapi.note


def test_a_large_definition_page_shows_the_note_and_raw_link(signed_in, apis, monkeypatch):
    apis(*(fixture_entity(name) for name in ("swapi-graphql.yaml", "streetlights-api.yaml")))
    monkeypatch.setattr(definitions, "MAX_RENDER_BYTES", 5_000)
    html = signed_in.get(page_url("starwars-graphql")).content.decode()
    assert "too large to show here" in html and '<div class="highlight">' not in html
    assert 'href="/catalog/default/api/starwars-graphql/definition"' in html
    html = signed_in.get(page_url("streetlights")).content.decode()
    assert "The definition is 6 kB, too large to show here" in html
    assert "receiveLightMeasurement" not in html


# Raw endpoint -------------------------------------------------------------------------------


def test_raw_definition_is_plain_text_inline(signed_in, examples, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # session, user, entity
        response = signed_in.get(raw_url("petstore"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="petstore.yaml"'
    assert "sandbox" in response["Content-Security-Policy"]
    expected = fixture_entity("petstore-api.yaml")["spec"]["definition"]
    assert response.content.decode() == expected


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("petstore", "petstore.yaml"),
        ("streetlights", "streetlights.yaml"),
        ("starwars-graphql", "starwars-graphql.graphql"),
        ("hello-world", "hello-world.proto"),
        ("hello-world-trpc", "hello-world-trpc.ts"),
    ],
)
def test_download_is_an_attachment_named_by_type(signed_in, examples, name, filename):
    response = signed_in.get(raw_url(name) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_download_extension_follows_content(signed_in, apis):
    apis(api("json-openapi", "openapi", '{"openapi": "3.0.0"}'),
         api("plain", "soap", f"<wsdl>{XSS}</wsdl>"))  # fmt: skip
    response = signed_in.get(raw_url("json-openapi") + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="json-openapi.json"'
    response = signed_in.get(raw_url("plain") + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="plain.txt"'
    # HTML in a definition is served as inert text, byte for byte.
    response = signed_in.get(raw_url("plain"))
    assert response.content.decode() == f"<wsdl>{XSS}</wsdl>"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_raw_lookup_is_case_insensitive(signed_in, examples):
    response = signed_in.get("/catalog/Default/API/PetStore/definition")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="petstore.yaml"'


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/default/component/petstore/definition",  # not an API
        "/catalog/default/group/team-a/definition",  # exists, not an API
        "/catalog/default/api/nope/definition",  # unknown
        "/catalog/other/api/petstore/definition",  # wrong namespace
    ],
)
def test_raw_404s(signed_in, examples, url):
    assert signed_in.get(url).status_code == 404


def test_raw_404_for_an_api_without_definition(signed_in, db):
    entity = api("remote", "mcp-server", None)
    del entity["spec"]["definition"]
    Entity.objects.create(
        ref="api:default/remote", kind="API", namespace="default", name="remote",
        location_key="file:/x", authored=entity, processed_json=json.dumps(entity),
        final_json=json.dumps(entity), etag="e1", content_hash="h",
    )  # fmt: skip
    assert signed_in.get(raw_url("remote")).status_code == 404
    assert signed_in.get(page_url("remote")).status_code == 200


def test_raw_needs_sign_in_and_get(client, user, examples):
    response = client.get(raw_url("petstore"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(user)
    assert client.post(raw_url("petstore")).status_code == 405
    assert client.head(raw_url("petstore")).status_code == 200
