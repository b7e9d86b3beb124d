"""Where each node and edge of a neighbourhood graph is drawn: one column per hop
with the root on the left, crossings reduced, labels kept apart. Computed here so the
Dependencies tab is plain server-rendered SVG that works without JavaScript.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from catalog.graph.walk import Edge, Graph, Node

__all__ = ["COLUMN_GAP", "LABEL_HEIGHT", "NODE_WIDTH", "Layout", "layout"]

NODE_WIDTH = 196
NODE_HEIGHT = 46
#: Horizontal room between columns: edge labels sit in it.
COLUMN_GAP = 170
ROW_GAP = 14
PADDING = 16
LABEL_HEIGHT = 16
#: Rough width of a character of the 11px label font, to size label backgrounds.
LABEL_CHAR_WIDTH = 6.2
NAME_CHARS = 21


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


@dataclass(frozen=True)
class PlacedNode:
    """A node with its box (top-left ``x``, ``y``) and the text it shows."""

    node: Node
    id: str
    x: int
    y: int
    root: bool
    width: int = NODE_WIDTH
    height: int = NODE_HEIGHT

    @property
    def name_text(self) -> str:
        return _clip(self.node.label, NAME_CHARS)


@dataclass
class PlacedEdge:
    """An edge as an SVG path, with the centre and width of its label."""

    edge: Edge
    source_id: str
    target_id: str
    path: str
    label_x: float
    label_y: float
    label_width: float
    #: Right-most x the curve reaches (arcs bulge out to the right of their column).
    right: float = 0

    @property
    def label_left(self) -> float:
        return round(self.label_x - self.label_width / 2, 1)

    @property
    def label_top(self) -> float:
        return round(self.label_y - LABEL_HEIGHT / 2, 1)


@dataclass
class Layout:
    """A positioned graph: everything the template needs to draw it."""

    graph: Graph
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    min_x: float = 0
    min_y: float = 0
    width: float = 0
    height: float = 0
    by_ref: dict[str, PlacedNode] = field(default_factory=dict)

    @property
    def view_box(self) -> str:
        return f"{self.min_x:g} {self.min_y:g} {self.width:g} {self.height:g}"

    @property
    def root(self) -> PlacedNode:
        return self.by_ref[self.graph.root]

    @property
    def text_width(self) -> int:
        """Where node text is clipped, inside the box's right padding."""
        return NODE_WIDTH - 10

    @property
    def node_height(self) -> int:
        return NODE_HEIGHT

    @property
    def omitted(self) -> int:
        return self.graph.omitted

    @property
    def described_edges(self) -> list[tuple[Node, str, Node]]:
        """(source, label, target) for the screen-reader list, sorted for reading."""
        nodes = self.graph.nodes
        return [(nodes[e.source], e.label, nodes[e.target]) for e in self.graph.edges]


def _order_layers(graph: Graph) -> list[list[str]]:
    """Layers by hop distance, ordered to reduce crossings: barycenter sweeps down and
    up, ties kept in (kind, label) order so similar nodes stay together."""
    layers: dict[int, list[str]] = defaultdict(list)
    for node in sorted(graph.nodes.values(), key=lambda n: (n.kind, n.label, n.ref)):
        layers[node.distance].append(node.ref)
    ordered = [layers[d] for d in sorted(layers)]
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)

    def sweep(layer: list[str], fixed: list[str]) -> list[str]:
        # Centred positions, so layers of different sizes line up around the middle.
        position = {ref: i - (len(fixed) - 1) / 2 for i, ref in enumerate(fixed)}
        own = {ref: i - (len(layer) - 1) / 2 for i, ref in enumerate(layer)}

        def barycenter(ref: str) -> float:
            linked = [position[n] for n in neighbours[ref] if n in position]
            return sum(linked) / len(linked) if linked else own[ref]

        return sorted(layer, key=barycenter)  # stable: ties keep their order

    for _ in range(2):
        for index in range(1, len(ordered)):
            ordered[index] = sweep(ordered[index], ordered[index - 1])
        for index in range(len(ordered) - 2, 0, -1):
            ordered[index] = sweep(ordered[index], ordered[index + 1])
    return ordered


def _spread(desired: list[float], pitch: float) -> list[float]:
    """Positions as close to ``desired`` as possible, in order, ``pitch`` apart: the
    average of pushing overlaps down and pushing them up keeps both spacings."""
    down: list[float] = []
    for value in desired:
        down.append(max(value, down[-1] + pitch) if down else value)
    up: list[float] = []
    for value in reversed(desired):
        up.append(min(value, up[-1] - pitch) if up else value)
    up.reverse()
    return [(a + b) / 2 for a, b in zip(down, up, strict=True)]


def _place_nodes(graph: Graph, layers: list[list[str]]) -> dict[str, PlacedNode]:
    """Columns left to right by distance; each node as near the middle of its
    neighbours in the previous column as the spacing allows."""
    centre: dict[str, float] = {}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    for index, layer in enumerate(layers):
        current, desired = set(layer), []
        for ref in layer:
            previous = [centre[n] for n in neighbours[ref] if n in centre and n not in current]
            desired.append(sum(previous) / len(previous) if previous else 0.0)
        if index:  # keep the barycenter order even where desired positions disagree
            for i in range(1, len(desired)):
                desired[i] = max(desired[i], desired[i - 1])
        for ref, y in zip(layer, _spread(desired, NODE_HEIGHT + ROW_GAP), strict=True):
            centre[ref] = y
    placed = {}
    for index, layer in enumerate(layers):
        for ref in layer:
            placed[ref] = PlacedNode(
                node=graph.nodes[ref],
                id=f"n{len(placed)}",
                x=index * (NODE_WIDTH + COLUMN_GAP),
                y=round(centre[ref] - NODE_HEIGHT / 2),
                root=ref == graph.root,
            )
    return placed


def _bezier(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float],
            p3: tuple[float, float], t: float) -> tuple[float, float]:  # fmt: skip
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])  # fmt: skip


def _fmt(point: tuple[float, float]) -> str:
    return f"{round(point[0], 1):g},{round(point[1], 1):g}"


def _label_width(edge: Edge) -> float:
    return len(edge.label) * LABEL_CHAR_WIDTH + 10


def _arc(edge: Edge, source: PlacedNode, target: PlacedNode) -> PlacedEdge:
    """Nodes at the same distance: an arc out of the right side of their column."""
    width = _label_width(edge)
    side = source.x + NODE_WIDTH
    mid_s, mid_t = source.y + NODE_HEIGHT / 2, target.y + NODE_HEIGHT / 2
    bulge = min(COLUMN_GAP * 0.7, 36 + abs(mid_t - mid_s) * 0.25)
    points = ((side, mid_s), (side + bulge, mid_s), (side + bulge, mid_t), (side, mid_t))
    x, y = _bezier(*points, 0.5)
    x = min(max(x, side + width / 2 + 4), side + COLUMN_GAP - width / 2 - 4)
    path = f"M{_fmt(points[0])} C{_fmt(points[1])} {_fmt(points[2])} {_fmt(points[3])}"
    return PlacedEdge(edge, source.id, target.id, path, x, y, width, side + bulge)


def _link(edge: Edge, source: PlacedNode, target: PlacedNode, stub: str) -> PlacedEdge:
    """Nodes in neighbouring columns: a curve across the gap. With ``stub`` "left" or
    "right" the curve ends in a straight piece at that node's row, which carries the
    label: labels then line up with the nodes instead of crowding where edges fan out."""
    width = _label_width(edge)
    left, right = (source, target) if source.x < target.x else (target, source)
    a = (left.x + NODE_WIDTH, left.y + NODE_HEIGHT / 2)
    b = (right.x, right.y + NODE_HEIGHT / 2)
    length = width + 16
    p = (a[0] + length, a[1]) if stub == "left" else a
    q = (b[0] - length, b[1]) if stub == "right" else b
    middle = (p[0] + q[0]) / 2
    curve_lr = f"C{_fmt((middle, p[1]))} {_fmt((middle, q[1]))} {_fmt(q)}"
    curve_rl = f"C{_fmt((middle, q[1]))} {_fmt((middle, p[1]))} {_fmt(p)}"
    if left is source:
        path = " ".join([f"M{_fmt(a)}", *([f"L{_fmt(p)}"] if p != a else []), curve_lr,
                         *([f"L{_fmt(b)}"] if q != b else [])])  # fmt: skip
    else:
        path = " ".join([f"M{_fmt(b)}", *([f"L{_fmt(q)}"] if q != b else []), curve_rl,
                         *([f"L{_fmt(a)}"] if p != a else [])])  # fmt: skip
    if stub == "left":
        x, y = (a[0] + p[0]) / 2, a[1]
    elif stub == "right":
        x, y = (q[0] + b[0]) / 2, b[1]
    else:
        x, y = _bezier(p, (middle, p[1]), (middle, q[1]), q, 0.5)
        x = min(max(x, a[0] + width / 2 + 4), b[0] - width / 2 - 4)
    return PlacedEdge(edge, source.id, target.id, path, x, y, width, b[0])


def _separate_labels(edges: list[PlacedEdge]) -> None:
    """Move labels down until none overlaps another (edges keep their paths). Labels are
    taken top to bottom; each goes below every earlier label it would sit on."""
    step = LABEL_HEIGHT + 2
    placed: list[PlacedEdge] = []
    for edge in sorted(edges, key=lambda e: (e.label_y, e.label_x)):
        y = edge.label_y
        above = sorted(other.label_y for other in placed
                       if abs(other.label_x - edge.label_x)
                       < (other.label_width + edge.label_width) / 2)  # fmt: skip
        for other_y in above:  # ascending, so y only grows and never meets earlier ones
            if abs(other_y - y) < step - 0.01:
                y = other_y + step
        edge.label_y = y
        placed.append(edge)


def layout(graph: Graph) -> Layout:
    """Positions for every node and edge, and the bounds for the SVG ``viewBox``."""
    layers = _order_layers(graph)
    placed = _place_nodes(graph, layers)
    column_of = {ref: index for index, layer in enumerate(layers) for ref in layer}

    def side(ref: str, other: str) -> str:
        """Which side of ``ref``'s box an edge to ``other`` leaves from."""
        return "left" if column_of[other] < column_of[ref] else "right"

    # Edges leaving each side of each node: a stub only goes where it is alone.
    degree: dict[tuple[str, str], int] = defaultdict(int)
    for edge in graph.edges:
        degree[(edge.source, side(edge.source, edge.target))] += 1
        degree[(edge.target, side(edge.target, edge.source))] += 1
    edges = []
    for edge in graph.edges:
        source, target = placed[edge.source], placed[edge.target]
        if source.x == target.x:
            edges.append(_arc(edge, source, target))
            continue
        left, right = sorted((edge.source, edge.target), key=column_of.__getitem__)
        left_alone = degree[(left, "right")] == 1
        right_alone = degree[(right, "left")] == 1
        # Prefer the deeper end: columns grow with the distance from the root.
        stub = "right" if right_alone else "left" if left_alone else ""
        edges.append(_link(edge, source, target, stub))
    _separate_labels(edges)
    for placed_edge in edges:
        placed_edge.label_x = round(placed_edge.label_x, 1)
        placed_edge.label_y = round(placed_edge.label_y, 1)
        placed_edge.label_width = round(placed_edge.label_width, 1)
    result = Layout(graph=graph, nodes=list(placed.values()), edges=edges, by_ref=placed)
    boxes = [(n.x, n.y, n.x + NODE_WIDTH, n.y + NODE_HEIGHT) for n in placed.values()]
    boxes += [(e.label_left, e.label_top, max(e.label_left + e.label_width, e.right),
               e.label_top + LABEL_HEIGHT) for e in edges]  # fmt: skip
    result.min_x = round(min(box[0] for box in boxes) - PADDING, 1)
    result.min_y = round(min(box[1] for box in boxes) - PADDING, 1)
    result.width = round(max(box[2] for box in boxes) + PADDING - result.min_x)
    result.height = round(max(box[3] for box in boxes) + PADDING - result.min_y)
    return result
