"""nunjucks' ``{% set %}`` scoping: an assignment inside a loop updates the outer variable.

In nunjucks, ``{% set count = count + 1 %}`` in a ``for`` body writes to the ``count``
set before the loop (its frames resolve writes upwards); in Jinja it makes a
loop-local copy, so counters and "first item" flags silently stop working. Names set
both outside and inside a loop are therefore moved, for the whole template (macros
excepted, which isolate writes in nunjucks too), into one per-render dict that the
render functions put in the context under :data:`SCOPE_KEY`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.visitor import NodeTransformer

__all__ = ["SCOPE_KEY", "hoist_loop_assignments", "load", "store"]

SCOPE_KEY = "__js_scope__"


def _loop_assigned_names(tree: nodes.Template) -> set[str]:
    names: set[str] = set()
    for loop in tree.find_all(nodes.For):
        for assign in loop.find_all(nodes.Assign):
            if isinstance(assign.target, nodes.Name):
                names.add(assign.target.name)
    loop_targets = {name.name for loop in tree.find_all(nodes.For) for name in _names(loop.target)}
    return (names & _assigned_outside_loops(tree)) - loop_targets


def _assigned_outside_loops(node: nodes.Node) -> set[str]:
    """Names set before/after loops: only those are shared with loop bodies in nunjucks.

    A name first set inside a loop stays invisible after it, as in nunjucks.
    """
    names: set[str] = set()
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.For | nodes.Macro | nodes.CallBlock):
            continue
        if isinstance(child, nodes.Assign) and isinstance(child.target, nodes.Name):
            names.add(child.target.name)
        names |= _assigned_outside_loops(child)
    return names


def _names(target: nodes.Node) -> list[nodes.Name]:
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def _call(name: str, *args: nodes.Expr) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None)


class _Hoist(NodeTransformer):
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        return node

    visit_CallBlock = visit_Macro

    def visit_Assign(self, node: nodes.Assign) -> nodes.Node:
        self.generic_visit(node)
        if isinstance(node.target, nodes.Name) and node.target.name in self.names:
            scope = nodes.Name(SCOPE_KEY, "load")
            call = _call("js_store", scope, nodes.Const(node.target.name), node.node)
            return nodes.ExprStmt(call, lineno=node.lineno)
        return node

    def visit_Name(self, node: nodes.Name) -> nodes.Node:
        if node.ctx == "load" and node.name in self.names:
            scope = nodes.Name(SCOPE_KEY, "load")
            return _call("js_load", scope, nodes.Const(node.name), node)
        return node


def hoist_loop_assignments(tree: nodes.Template) -> nodes.Template:
    """Rewrite ``tree`` so loop-body assignments reach the variable outside the loop."""
    names = _loop_assigned_names(tree)
    return _Hoist(names).visit(tree) if names else tree


def store(scope: Any, name: str, value: Any) -> None:
    if isinstance(scope, dict):
        scope[name] = value


def load(scope: Any, name: str, fallback: Any) -> Any:
    return scope[name] if isinstance(scope, dict) and name in scope else fallback
