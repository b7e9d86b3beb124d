"""The Dependencies tab: an entity's relations N hops out (``neighbourhood``), laid
out for SVG (``layout``).

Backstage draws this graph in the browser with a JavaScript layout library; Greenroom
computes the layout on the server so the tab is plain SVG that works without
JavaScript and costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from catalog.graph.layout import COLUMN_GAP, LABEL_HEIGHT, NODE_WIDTH, Layout, layout
from catalog.graph.walk import (
    DEFAULT_HOPS,
    DEFAULT_RELATIONS,
    HOP_CHOICES,
    MAX_HOPS,
    PAIRS,
    Edge,
    Graph,
    Node,
    neighbourhood,
    parse_options,
)
from catalog.model.refs import entity_ref

__all__ = [
    "COLUMN_GAP",
    "DEFAULT_HOPS",
    "DEFAULT_RELATIONS",
    "HOP_CHOICES",
    "LABEL_HEIGHT",
    "MAX_HOPS",
    "NODE_WIDTH",
    "PAIRS",
    "Edge",
    "Graph",
    "Layout",
    "Node",
    "dependencies_context",
    "layout",
    "neighbourhood",
    "parse_options",
]


def dependencies_context(request: HttpRequest, entity: dict[str, Any]) -> dict[str, Any]:
    """The Dependencies tab's template context for the served ``entity``: the positioned
    graph and the state of the form (which the URL carries, so every view is linkable)."""
    hops, chosen = parse_options(request.GET)
    graph = neighbourhood(entity_ref(entity), hops, chosen)
    return {
        "graph": layout(graph),
        "graph_hops": hops,
        "graph_hop_choices": HOP_CHOICES,
        "graph_relation_choices": [
            {"value": forward, "label": choice_label, "checked": forward in chosen}
            for forward, _, _, choice_label in PAIRS
        ],
        "graph_omitted": graph.omitted,
        "graph_path": request.path,
    }
