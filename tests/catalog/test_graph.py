"""The Dependencies tab: breadth-first neighbourhood over relation rows, the layered
layout, the tab template, and query-string parsing."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from catalog import graph as g
from catalog.graph import walk
from tests.catalog.conftest import ORG, SERVICE, component, register

CHECKOUT = "component:default/checkout"
ALL = set(g.DEFAULT_RELATIONS)


@pytest.fixture
def shop(files, db):
    """checkout (owned by team-a, part of shop, provides checkout-api, depends on
    orders-db, which team-b owns) and alice, a member of team-a."""
    files.write("org.yaml", ORG)
    files.write("service.yaml", SERVICE)
    register(files.root / "org.yaml")
    register(files.root / "service.yaml")
    return files


@pytest.fixture
def star(files, db):
    """A hub component that 60 components depend on."""
    leaves = "".join(component(f"leaf-{i:02}", dependsOn="[component:hub]") for i in range(60))
    files.write("star.yaml", component("hub") + leaves)
    register(files.root / "star.yaml")
    return files


def edges(graph: g.Graph) -> set[tuple[str, str, str]]:
    return {(e.source, e.type, e.target) for e in graph.edges}


# Breadth-first search --------------------------------------------------------------


def test_one_hop_finds_direct_relations_with_one_edge_per_pair(shop):
    graph = g.neighbourhood(CHECKOUT, 1, ALL)
    assert set(graph.nodes) == {
        CHECKOUT, "group:default/team-a", "system:default/shop", "api:default/checkout-api",
        "resource:default/orders-db",
    }  # fmt: skip
    assert edges(graph) == {
        (CHECKOUT, "ownedBy", "group:default/team-a"),
        (CHECKOUT, "partOf", "system:default/shop"),
        (CHECKOUT, "providesApi", "api:default/checkout-api"),
        (CHECKOUT, "dependsOn", "resource:default/orders-db"),
    }
    assert {n.distance for n in graph.nodes.values() if n.ref != CHECKOUT} == {1}
    assert graph.omitted == 0 and all(n.exists for n in graph.nodes.values())


def test_two_hops_reach_neighbours_of_neighbours(shop):
    graph = g.neighbourhood(CHECKOUT, 2, ALL)
    nodes = graph.nodes
    assert nodes["user:default/alice"].distance == 2  # member of team-a
    assert nodes["group:default/team-b"].distance == 2  # owns orders-db
    # Links between nodes one hop out are found on the second hop, merged and pointed
    # the same way whichever side stored them.
    assert ("system:default/shop", "ownedBy", "group:default/team-a") in edges(graph)
    assert ("user:default/alice", "memberOf", "group:default/team-a") in edges(graph)
    assert ("group:default/team-a", "ownerOf", "system:default/shop") not in edges(graph)


def test_relation_types_filter_the_walk(shop):
    owners = g.neighbourhood(CHECKOUT, 2, {"ownedBy"})
    assert set(owners.nodes) == {CHECKOUT, "group:default/team-a", "system:default/shop",
                                 "api:default/checkout-api"}  # fmt: skip
    assert {e.type for e in owners.edges} == {"ownedBy"}
    # Either direction names the pair.
    assert set(g.neighbourhood(CHECKOUT, 2, {"ownerOf"}).nodes) == set(owners.nodes)
    assert set(g.neighbourhood(CHECKOUT, 3, {"memberOf"}).nodes) == {CHECKOUT}
    assert set(g.neighbourhood(CHECKOUT, 2, {"noSuchRelation"}).nodes) == {CHECKOUT}


def test_cycles_end_where_they_meet_known_nodes(files, db):
    files.write("cycle.yaml", component("a", dependsOn="[component:b]")
                + component("b", dependsOn="[component:c]")
                + component("c", dependsOn="[component:a]"))  # fmt: skip
    register(files.root / "cycle.yaml")
    graph = g.neighbourhood("component:default/a", 4, {"dependsOn"})
    assert {ref: n.distance for ref, n in graph.nodes.items()} == {
        "component:default/a": 0, "component:default/b": 1, "component:default/c": 1}
    assert edges(graph) == {
        ("component:default/a", "dependsOn", "component:default/b"),
        ("component:default/b", "dependsOn", "component:default/c"),
        ("component:default/c", "dependsOn", "component:default/a"),
    }


def test_dangling_targets_are_nodes_that_do_not_exist(files, db):
    files.write("lonely.yaml", component("lonely", dependsOn="[resource:gone]"))
    register(files.root / "lonely.yaml")
    graph = g.neighbourhood("component:default/lonely", 2, ALL)
    assert not graph.nodes["resource:default/gone"].exists
    assert not graph.nodes["group:default/team-a"].exists  # the owner is not registered
    assert graph.nodes["component:default/lonely"].exists


def test_max_nodes_cuts_off_and_counts_what_was_left_out(star):
    graph = g.neighbourhood("component:default/hub", 1, {"dependsOn"}, max_nodes=10)
    assert len(graph.nodes) == 10 and graph.omitted == 51  # 60 leaves, 9 shown
    assert {e.target for e in graph.edges} == {"component:default/hub"}
    assert len(graph.edges) == 9  # only edges between shown nodes


def test_one_query_per_hop_whatever_the_number_of_nodes(star):
    # One query per hop, plus one to learn which refs are entities (and their titles);
    # after two hops nothing new is left, so a third hop asks nothing.
    for hops, expected in ((1, 2), (2, 3), (3, 3)):
        with CaptureQueriesContext(connection) as queries:
            graph = g.neighbourhood("component:default/hub", hops, ALL)
        assert len(queries) == expected, [q["sql"] for q in queries]
    assert len(graph.nodes) == 62  # hub, 60 leaves, their owner team-a (dangling)


def test_refs_beyond_a_batch_are_chunked(star, monkeypatch):
    monkeypatch.setattr(walk, "BATCH", 25)
    with CaptureQueriesContext(connection) as queries:
        graph = g.neighbourhood("component:default/hub", 2, ALL)
    # Hop 1: one query; hop 2: 61 refs in 3 batches; the entity lookup: 62 refs, 3 batches.
    assert len(queries) == 1 + 3 + 3
    assert len(graph.nodes) == 62


# Layout -------------------------------------------------------------------------------


def synthetic(count: int, seed: int = 7) -> g.Graph:
    """A graph of ``count`` nodes over three hops with extra cross links, in memory."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable shape, not a secret
    kinds = ["component", "api", "resource", "group", "system", "user"]
    refs = [f"{kinds[i % len(kinds)]}:default/node-{i:03}-with-a-rather-long-name"
            for i in range(count)]  # fmt: skip
    nodes = {refs[0]: g.Node(refs[0], 0)}
    edge_set: set[g.Edge] = set()
    types = [pair[0] for pair in g.PAIRS]
    for index, ref in enumerate(refs[1:], start=1):
        parent = refs[rng.randrange(0, min(index, 1 + index // 3))]
        distance = nodes[parent].distance + 1
        if distance > 3:
            parent, distance = refs[0], 1
        nodes[ref] = g.Node(ref, distance, exists=index % 9 != 0)
        pair = (ref, parent) if rng.random() < 0.5 else (parent, ref)
        edge_set.add(g.Edge(pair[0], rng.choice(types), pair[1]))
    for a, b in itertools.combinations(refs, 2):  # links within a hop or to the next
        if abs(nodes[a].distance - nodes[b].distance) <= 1 and rng.random() < 0.02:
            edge_set.add(g.Edge(a, rng.choice(types), b))
    return g.Graph(root=refs[0], nodes=nodes, edges=sorted(edge_set, key=repr))


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("count", [1, 2, 12, 50, 120])
def test_layout_has_no_overlapping_boxes_or_labels(count):
    placed = g.layout(synthetic(count))
    nodes = [(n.x, n.y, n.x + n.width, n.y + n.height) for n in placed.nodes]
    labels = [(e.label_left, e.label_top, e.label_left + e.label_width,
               e.label_top + g.LABEL_HEIGHT) for e in placed.edges]  # fmt: skip
    assert len(placed.nodes) == count and len({n.id for n in placed.nodes}) == count
    for a, b in itertools.combinations(nodes, 2):
        assert not overlaps(a, b)
    for a, b in itertools.combinations(labels, 2):
        assert not overlaps(a, b)
    for label, node in itertools.product(labels, nodes):
        assert not overlaps(label, node)
    # Everything lies inside the viewBox.
    left, top = placed.min_x, placed.min_y
    right, bottom = left + placed.width, top + placed.height
    for box in nodes + labels:
        assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom


def test_layout_puts_each_hop_in_its_own_column_and_the_root_first():
    placed = g.layout(synthetic(50))
    column = {n.node.ref: n.x for n in placed.nodes}
    for node in placed.nodes:
        assert node.x == node.node.distance * (g.NODE_WIDTH + g.COLUMN_GAP)
    assert placed.root.root and placed.root.x == 0
    for edge in placed.edges:  # every path starts and ends on a node's side
        assert edge.path.startswith("M") and " C" in edge.path
        assert abs(column[edge.edge.source] - column[edge.edge.target]) <= (
            g.NODE_WIDTH + g.COLUMN_GAP)


def test_barycenter_ordering_removes_avoidable_crossings():
    # Root -> a, b; a -> a1, a2; b -> b1, b2, named so that sorting by name interleaves.
    refs = {"component:default/root": 0, "component:default/a": 1, "component:default/b": 1,
            "api:default/1-of-b": 2, "api:default/2-of-a": 2, "api:default/3-of-b": 2,
            "api:default/4-of-a": 2}  # fmt: skip
    links = [("root", "a"), ("root", "b"), ("a", "2-of-a"), ("a", "4-of-a"),
             ("b", "1-of-b"), ("b", "3-of-b")]  # fmt: skip

    def ref(name: str) -> str:
        return next(r for r in refs if r.endswith("/" + name))

    graph = g.Graph(
        root="component:default/root",
        nodes={r: g.Node(r, d) for r, d in refs.items()},
        edges=[g.Edge(ref(s), "providesApi", ref(t)) for s, t in links],
    )
    y = {n.node.ref: n.y for n in g.layout(graph).nodes}
    a_children = [y[ref("2-of-a")], y[ref("4-of-a")]]
    b_children = [y[ref("1-of-b")], y[ref("3-of-b")]]
    if y[ref("a")] < y[ref("b")]:
        assert max(a_children) < min(b_children)
    else:
        assert max(b_children) < min(a_children)


# The tab template ---------------------------------------------------------------------


def render(name: str = "checkout", **params: str | list[str]) -> tuple[dict, str]:
    """The tab of component ``name`` as the entity view renders it."""
    path = f"/catalog/default/component/{name}/dependencies"
    entity = {"kind": "Component", "metadata": {"name": name}}
    context = g.dependencies_context(RequestFactory().get(path, params), entity)
    context |= {"entity": entity, "entity_ref": f"component:default/{name}"}
    html = render_to_string("catalog/entity/dependencies.html", context)
    return context, html


def test_tab_renders_nodes_as_links_and_edges_with_labels(shop):
    context, html = render(hops="2")
    assert context["graph_hops"] == 2
    assert 'href="/catalog/default/group/team-a"' in html
    assert 'aria-current="page"' in html and "graph-node kind-component root" in html
    assert 'marker-end="url(#graph-arrow)"' in html and ">owned by</text>" in html
    assert 'hx-get="/catalog/default/component/checkout/dependencies"' in html
    assert 'hx-target="#tab-panel"' in html and 'hx-push-url="true"' in html
    assert 'class="htmx-indicator' in html
    assert html.count('name="relation"') == len(g.PAIRS) and html.count(" checked") == len(g.PAIRS)
    assert '<option value="2" selected>' in html
    assert "Component checkout member of" not in html
    assert "User alice member of Group team-a" in html  # the screen-reader list
    # The viewBox and coordinates are plain numbers whatever the locale.
    view_box = re.search(r'viewBox="([^"]+)"', html).group(1)
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", part) for part in view_box.split())


def test_tab_shows_dangling_refs_dashed_and_without_a_link(files, db):
    files.write("lonely.yaml", component("lonely", dependsOn="[resource:gone]"))
    register(files.root / "lonely.yaml")
    _, html = render("lonely")
    assert 'href="/catalog/default/resource/gone"' not in html
    assert "graph-node dangling kind-resource" in html and "resource:default/gone" in html


def test_tab_empty_state_when_no_relation_of_the_chosen_types(shop):
    context, html = render(relation="memberOf")
    assert not context["graph"].edges
    assert "No relations to show" in html and "<svg" not in html
    assert html.count(" checked") == 1 and 'value="memberOf" checked' in html


def test_tab_escapes_titles_and_never_links_to_scripts(files, db):
    files.write("evil.yaml", """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: checkout
          title: "<script>alert(1)</script>"
        spec: {type: service, lifecycle: production, owner: "javascript:alert(1)"}
        """)
    register(files.root / "evil.yaml")
    _, html = render()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("/catalog/") for h in hrefs)
    assert "javascript:" not in " ".join(hrefs)


def test_escaping_of_every_text_the_svg_shows():
    bad, script = 'component:default/"><script>alert(1)<script>', "api:default/javascript:alert(1)"
    graph = g.Graph(
        root=bad,
        nodes={bad: g.Node(bad, 0, title="<b>x</b>"), script: g.Node(script, 1)},
        edges=[g.Edge(bad, "providesApi", script)],
    )
    html = render_to_string("catalog/entity/dependencies.html", {
        "graph": g.layout(graph), "graph_hops": 1, "graph_hop_choices": g.HOP_CHOICES,
        "graph_relation_choices": [], "graph_omitted": 0, "graph_path": '/x"><script>',
    })  # fmt: skip
    assert "<script>" not in html and "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'hx-get="/x&quot;&gt;&lt;script&gt;"' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs[0] == "/catalog/default/component/%22%3E%3Cscript%3Ealert%281%29%3Cscript%3E"
    assert len(hrefs) == 2 and all(h.startswith("/catalog/") and ":" not in h for h in hrefs)
    # A dangling ref whose name holds ":" still shows its kind and name.
    assert ">API</text>" in html and ">javascript:alert(1)</text>" in html


def test_tab_reports_nodes_left_out(star):
    graph = g.neighbourhood("component:default/hub", 1, ALL, max_nodes=20)
    assert graph.omitted == 42  # 60 leaves and team-a, 19 of them shown
    html = render_to_string("catalog/entity/dependencies.html", {
        "graph": g.layout(graph), "graph_hops": 1, "graph_hop_choices": g.HOP_CHOICES,
        "graph_relation_choices": [], "graph_omitted": graph.omitted, "graph_path": "/x",
    })  # fmt: skip
    assert "Showing 20 entities; 42 more are left out" in html
    assert html.count("data-node=") == 20


# Query strings ------------------------------------------------------------------------


@pytest.mark.parametrize("query, hops, relations", [
    ("", 1, ALL),
    ("hops=2", 2, ALL),
    ("hops=4&relation=ownedBy&relation=dependsOn", 4, {"ownedBy", "dependsOn"}),
    ("hops=%202%20", 2, ALL),
    ("hops=0", 1, ALL),
    ("hops=5", 1, ALL),
    ("hops=-1", 1, ALL),
    ("hops=abc", 1, ALL),
    ("hops=2.5", 1, ALL),
    ("hops=99999999999999999999", 1, ALL),
    ("hops=&relation=", 1, ALL),
    ("relation=%3Cscript%3E", 1, ALL),
    ("relation=OWNEDBY&relation=hasMember", 1, {"ownedBy", "memberOf"}),
    ("relation=ownerOf&relation=bogus", 1, {"ownedBy"}),
    ("hops=3&hops=x", 1, ALL),
])  # fmt: skip
def test_bad_query_strings_fall_back_to_defaults(query, hops, relations):
    assert g.parse_options(QueryDict(query)) == (hops, relations)


def test_the_page_never_fails_on_bad_options(shop, signed_in):
    url = "/catalog/default/component/checkout/dependencies"
    for query in ("?hops=abc&relation=%3Cscript%3E", "?hops=9", "?relation=", "?hops=%00"):
        response = signed_in.get(url + query)
        assert response.status_code == 200, query
        assert "<svg" in response.content.decode()


def test_htmx_request_gets_the_tab_fragment_only(shop, signed_in):
    url = "/catalog/default/component/checkout/dependencies?hops=2&relation=ownedBy"
    response = signed_in.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="tab-panel"')
    assert 'href="/catalog/default/system/shop"' in body  # via team-a, 2 hops of ownedBy
    assert 'href="/catalog/default/resource/orders-db"' not in body


def test_page_queries_do_not_grow_with_the_graph(star, signed_in, django_assert_max_num_queries):
    url = "/catalog/default/component/hub/dependencies?hops=2"
    signed_in.get(url)
    with django_assert_max_num_queries(8):  # session, user, entity, 2 hops, 1 lookup (6)
        response = signed_in.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    assert response.content.decode().count("data-node=") == 62
