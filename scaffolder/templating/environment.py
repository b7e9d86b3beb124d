"""The sandboxed Jinja2 environment that behaves like Backstage's nunjucks.

Jinja2 parses nunjucks syntax almost unchanged; what differs is meaning. Instead of
rewriting template text (which breaks on operators inside string literals), the
parsed tree is adjusted: comparisons, ``and``/``or``/``not``, ``if`` tests, ``~`` and
``for`` loops are routed to the JavaScript rules of :mod:`.js`, and member access
goes through :func:`.members.js_member`, never Python's ``getattr``. Only regex
literals (``r/…/g``), which Jinja's lexer cannot read, are rewritten in the source.

Every render runs under a :class:`Budget` (loop iterations, calls, wall time) so an
untrusted template cannot hang a worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.parser import Parser
from jinja2.runtime import LoopContext, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from .filters import build_filters, build_tests
from .js import JSRegex, JSUndefined, js_binop, js_compare, js_concat, js_string, js_truthy
from .js import to_number as _to_number
from .members import MISSING, js_member
from .scoping import hoist_loop_assignments, load, store
from .source import REGEX_NAME, rewrite_regex_literals

__all__ = ["Budget", "BudgetExceeded", "JSEnvironment", "get_environment", "render_budget"]

MAX_STEPS = 250_000
MAX_SECONDS = 5.0
MAX_PRODUCED = 50_000_000  # text printed anywhere, kept or not (`{% set %}` blocks, filters)


class BudgetExceeded(RuntimeError):
    """A render used more loop iterations, calls or time than one render may."""


@dataclass
class Budget:
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)
    steps: int = 0
    produced: int = 0

    def produce(self, size: int) -> None:
        self.produced += size
        if self.produced > MAX_PRODUCED:
            raise BudgetExceeded("template produced too much output")

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise BudgetExceeded("template exceeded its loop/call budget")
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise BudgetExceeded("template took too long to render")


render_budget: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


def _tick(produced: int = 0) -> None:
    budget = render_budget.get()
    if budget is not None:
        budget.tick()
        if produced:
            budget.produce(produced)


def _finalize(value: Any) -> str:
    """Print a value the JS way, charging its size to the render's budget."""
    text = js_string(value)
    budget = render_budget.get()
    if budget is not None:
        budget.produce(len(text))
    return text


def _literal_size(node: nodes.Node) -> int:
    return sum(len(data.data) for data in node.find_all(nodes.TemplateData))


_LOOP_ATTRIBUTES = frozenset(
    {
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "depth",
        "depth0",
        "previtem",
        "nextitem",
    }
)


class JSParser(Parser):
    """Jinja's parser plus ``===``/``!==``, ``null`` and nunjucks' literal names."""

    def parse_compare(self) -> nodes.Expr:
        lineno = self.stream.current.lineno
        expr = self.parse_math1()
        ops = []
        while True:
            token_type = self.stream.current.type
            if token_type in ("eq", "ne", "gt", "gteq", "lt", "lteq"):
                next(self.stream)
                # The lexer reads `===` as `==` followed by `=`.
                if token_type in ("eq", "ne") and self.stream.current.type == "assign":
                    next(self.stream)
                    token_type = {"eq": "seq", "ne": "sne"}[token_type]
                ops.append(nodes.Operand(token_type, self.parse_math1()))
            elif self.stream.skip_if("name:in"):
                ops.append(nodes.Operand("in", self.parse_math1()))
            elif self.stream.current.test("name:not") and self.stream.look().test("name:in"):
                self.stream.skip(2)
                ops.append(nodes.Operand("notin", self.parse_math1()))
            else:
                break
            lineno = self.stream.current.lineno
        if not ops:
            return expr
        return nodes.Compare(expr, ops, lineno=lineno)

    def parse_primary(self, with_namespace: bool = False) -> nodes.Expr:
        token = self.stream.current
        if token.type == "name" and token.value == "null":
            next(self.stream)
            return nodes.Const(None, lineno=token.lineno)
        cookiecutter = getattr(self.environment, "cookiecutter", False)
        if token.type == "name" and token.value in ("True", "False", "None") and not cookiecutter:
            # nunjucks knows only true/false/none/null; `True` is an (undefined) variable.
            next(self.stream)
            return nodes.Name(f"__js_{token.value}", "load", lineno=token.lineno)
        return super().parse_primary(with_namespace)


def _helper(name: str, *args: nodes.Expr, lineno: int = 1) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None, lineno=lineno)


class JSTransformer(NodeTransformer):
    """Give the parsed tree nunjucks' (JavaScript) meaning before it is compiled."""

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:
        self.generic_visit(node)
        left: nodes.Expr = node.expr
        for operand in node.ops:
            left = _helper(
                "js_compare", nodes.Const(operand.op), left, operand.expr, lineno=node.lineno
            )
        return left

    def _truthy(self, expr: nodes.Expr) -> nodes.Expr:
        return _helper("js_truthy", expr, lineno=expr.lineno)

    def visit_If(self, node: nodes.If) -> nodes.Node:
        self.generic_visit(node)
        node.test = self._truthy(node.test)
        return node

    def visit_CondExpr(self, node: nodes.CondExpr) -> nodes.Node:
        self.generic_visit(node)
        node.test = self._truthy(node.test)
        if node.expr2 is None:
            # nunjucks compiles a missing `else` to "", not to undefined.
            node.expr2 = nodes.Const("")
        return node

    def visit_Not(self, node: nodes.Not) -> nodes.Node:
        self.generic_visit(node)
        node.node = self._truthy(node.node)
        return node

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        self.generic_visit(node)
        for pair in node.items:
            if isinstance(pair.key, nodes.Name):
                pair.key = nodes.Const(pair.key.name)  # {a: 1} means the key "a", as in JS
        return node

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        targets = len(node.target.items) if isinstance(node.target, nodes.Tuple) else 1
        # Each iteration is charged the loop body's literal text, so a loop whose output
        # is captured (`{% set x %}…{% endset %}`) is bounded as printed output is.
        size = sum(_literal_size(child) for child in node.body)
        node.iter = _helper(
            "js_iterate", node.iter, nodes.Const(targets), nodes.Const(size), lineno=node.lineno
        )
        if node.test is not None:
            node.test = self._truthy(node.test)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _helper("js_concat", nodes.List(node.nodes), lineno=node.lineno)

    def visit_Name(self, node: nodes.Name) -> nodes.Node:
        if node.ctx == "load" and node.name == "self":
            node.name = "__js_self"  # Jinja's TemplateReference has no nunjucks meaning
        return node

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)
        if isinstance(node.node, nodes.Name) and node.node.name == REGEX_NAME:
            node.node = nodes.EnvironmentAttribute("js_regex")
        return node


class JSCodeGenerator(CodeGenerator):
    """``and``/``or`` return an operand and short-circuit on JS truthiness."""

    def _logical(self, helper: str, node: nodes.BinExpr, frame: Frame) -> None:
        self.write(f"environment.{helper}(")
        self.visit(node.left, frame)
        self.write(", lambda: ")
        self.visit(node.right, frame)
        self.write(")")

    def visit_And(self, node: nodes.And, frame: Frame) -> None:
        self._logical("js_and", node, frame)

    def visit_Or(self, node: nodes.Or, frame: Frame) -> None:
        self._logical("js_or", node, frame)


class JSEnvironment(ImmutableSandboxedEnvironment):
    """nunjucks 3.2.4 semantics, ``${{ }}`` delimiters, no globals, bounded work."""

    code_generator_class = JSCodeGenerator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def __init__(
        self,
        *,
        cookiecutter: bool = False,
        trim_blocks: bool = False,
        lstrip_blocks: bool = False,
        newline: str = "\n",
    ) -> None:
        self.cookiecutter = cookiecutter
        super().__init__(
            variable_start_string="{{" if cookiecutter else "${{",
            variable_end_string="}}",
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=trim_blocks,
            lstrip_blocks=lstrip_blocks,
            newline_sequence=newline,
            undefined=JSUndefined,
            finalize=_finalize,
            optimized=False,  # constant folding would apply Python's rules, not JS's
            cache_size=0,
        )
        self.globals.clear()
        self.filters = build_filters(cookiecutter=cookiecutter)
        self.tests = build_tests()

    def preprocess(self, source: str, name: str | None = None, filename: str | None = None) -> str:
        return rewrite_regex_literals(source, self.variable_start_string)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = JSParser(self, source, name, filename).parse()
        tree = JSTransformer().visit(hoist_loop_assignments(tree))
        tree.set_environment(self)
        return tree

    # Member access: JS members only, never Python attributes.
    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._member(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._member(obj, argument)

    def _member(self, obj: Any, key: Any) -> Any:
        _tick()
        if isinstance(obj, LoopContext):
            if key in _LOOP_ATTRIBUTES:
                return getattr(obj, key)
            return self.undefined(obj=obj, name=key)
        if obj is None or isinstance(obj, Undefined):
            return self.undefined(obj=obj, name=key)
        value = js_member(obj, key, cookiecutter=self.cookiecutter)
        if value is MISSING:
            return self.undefined(obj=obj, name=key)
        return value

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        return js_binop(operator, left, right)

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        number = _to_number(arg)
        return -number if operator == "-" else number

    # Helpers the transformed tree calls as ``environment.js_*``.
    js_compare = staticmethod(js_compare)
    js_truthy = staticmethod(js_truthy)
    js_concat = staticmethod(js_concat)
    js_store = staticmethod(store)
    js_load = staticmethod(load)

    @staticmethod
    def js_regex(source: Any, flags: Any = "") -> JSRegex:
        return JSRegex(str(source), str(flags))

    @staticmethod
    def js_and(left: Any, right: Any) -> Any:
        return right() if js_truthy(left) else left

    @staticmethod
    def js_or(left: Any, right: Any) -> Any:
        return left if js_truthy(left) else right()

    @staticmethod
    def js_iterate(iterable: Any, targets: int, body_size: int = 0) -> Iterator[Any]:
        """What nunjucks' ``for`` walks: arrays, strings, and objects with ``k, v``."""
        if isinstance(iterable, dict):
            items: Any = list(iterable.items()) if targets == 2 else []
        elif isinstance(iterable, str | list | tuple):
            items = iterable
        else:
            items = []
        for item in items:
            _tick(body_size)
            yield item


_ENVIRONMENTS: dict[tuple[bool, bool, bool, str], JSEnvironment] = {}


def get_environment(
    *,
    cookiecutter: bool = False,
    trim_blocks: bool = False,
    lstrip_blocks: bool = False,
    newline: str = "\n",
) -> JSEnvironment:
    """One shared environment per option set (environments are thread-safe).

    ``newline`` exists because Jinja rewrites every line break to one sequence, while
    nunjucks keeps them: a CRLF skeleton file must stay CRLF.
    """
    key = (cookiecutter, trim_blocks, lstrip_blocks, newline)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = JSEnvironment(
            cookiecutter=cookiecutter,
            trim_blocks=trim_blocks,
            lstrip_blocks=lstrip_blocks,
            newline=newline,
        )
    return _ENVIRONMENTS[key]
