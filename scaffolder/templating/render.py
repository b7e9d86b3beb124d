"""Rendering step inputs (``render_value``) and skeleton files (``render_text``).

The two differ the way Backstage's do. Step inputs go through nunjitsu's
``renderValue(…, {coercion: 'json'})`` inside a ``JSON.parse`` reviver, so a failing
string is kept as written and a lone ``${{ expr }}`` keeps its JSON type. Skeleton
contents and paths (``fetch:template``) are plain text renders whose errors fail the
step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import nodes

from scaffolder.errors import StepError

from .environment import Budget, BudgetExceeded, JSEnvironment, get_environment, render_budget
from .js import UNDEFINED, is_undefined
from .jsonvalue import SKIP, json_value
from .scoping import SCOPE_KEY

__all__ = ["TemplateRenderError", "render_text", "render_value"]

MAX_OUTPUT = 10_000_000
_OPENERS = ("${{", "{%", "{#")
# Jinja's wording -> the wording Backstage (nunjitsu) users know.
_MESSAGES = [
    (re.compile(r"^No filter named '([^']*)'\.?$"), r'Unknown template filter "\1"'),
    (re.compile(r"^No test named '([^']*)'\.?$"), r'Unknown template test "\1"'),
    (re.compile(r"^Missing end of comment tag$"), "Unterminated comment tag"),
]


class TemplateRenderError(StepError):
    """A template could not be rendered; ``str()`` is a one-line, user-facing reason."""

    name = "TemplateRenderError"


def _column(source: str, line: int, text: str) -> int | None:
    """The 1-based column nunjucks reports for a syntax error Jinja places only by line:
    where the unknown filter's name or the unclosed ``{#`` starts."""
    lines = source.splitlines()
    if not 0 < line <= len(lines):
        return None
    found = None
    if text == "Unterminated comment tag":
        found = re.search(r"\{#", lines[line - 1])
    elif match := re.match(r'Unknown template (?:filter|test) "([^"]*)"', text):
        found = re.search(rf"(?:\||\bis)\s*({re.escape(match[1])})\b", lines[line - 1])
        return found.start(1) + 1 if found else None
    return found.start() + 1 if found else None


def _message(error: BaseException, source: str | None = None) -> str:
    if isinstance(error, TemplateRenderError):
        return str(error)
    if isinstance(error, BudgetExceeded | RecursionError | MemoryError):
        return f"Template rendering aborted: {error or 'resource limit reached'}"
    if isinstance(error, OverflowError):
        return "Template rendering aborted: result too large"
    text = " ".join(str(error).split()) or type(error).__name__
    for pattern, replacement in _MESSAGES:
        text = pattern.sub(replacement, text)
    line = getattr(error, "lineno", None)
    where = f" at line {line}" if isinstance(line, int) and line else ""
    column = _column(source, line, text) if where and source is not None else None
    if column is not None:
        where += f", column {column}"
    return f"Template error{where}: {text}"


def _run(
    environment: JSEnvironment, tree: nodes.Template, context: Mapping[str, Any]
) -> tuple[str, Any]:
    """Render ``tree``; return its output and the Jinja context (for ``result``).

    Output is counted chunk by chunk so an oversized render stops early instead of
    being joined first.
    """
    template = environment.from_string(tree)
    jinja_context = template.new_context({**context, SCOPE_KEY: {}})
    size, chunks = 0, []
    for chunk in template.root_render_func(jinja_context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise OverflowError("output too large")
        chunks.append(chunk)
    return "".join(chunks), jinja_context


def _guarded(function: Any, *args: Any, source: str | None = None) -> Any:
    """Run one render under its own budget; every failure becomes TemplateRenderError
    (placed by line and, when ``source`` is given, column)."""
    token = render_budget.set(Budget())
    try:
        return function(*args)
    except TemplateRenderError:
        raise
    except Exception as error:
        raise TemplateRenderError(_message(error, source)) from None
    finally:
        render_budget.reset(token)


def render_text(
    text: str,
    context: Mapping[str, Any],
    *,
    cookiecutter: bool = False,
    trim_blocks: bool = False,
    lstrip_blocks: bool = False,
) -> str:
    """Render a skeleton file or path; raises :class:`TemplateRenderError` on any failure."""
    newline = "\r\n" if "\r\n" in text and "\n" not in text.replace("\r\n", "") else "\n"
    environment = get_environment(
        cookiecutter=cookiecutter,
        trim_blocks=trim_blocks,
        lstrip_blocks=lstrip_blocks,
        newline=newline,
    )

    def run() -> str:
        return _run(environment, environment.parse(text), context)[0]

    return _guarded(run, source=text)


def _native(value: Any) -> Any:
    if is_undefined(value):
        return UNDEFINED
    converted = json_value(value)
    return UNDEFINED if converted is SKIP else converted


def _json_or_text(output: str) -> Any:
    """A lone block's output: empty is undefined, JSON text is parsed, the rest stays text."""
    if output == "":
        return UNDEFINED
    try:
        return json.loads(output, parse_constant=_reject)
    except ValueError:
        return output


def _reject(name: str) -> Any:
    raise ValueError(name)


def _render_leaf(text: str, context: Mapping[str, Any]) -> Any:
    environment = get_environment()
    tree = environment.parse(text)
    body = tree.body
    if len(body) == 1 and isinstance(body[0], nodes.Output):
        children = body[0].nodes
        if len(children) == 1 and not isinstance(children[0], nodes.TemplateData):
            assign = nodes.Assign(nodes.Name("result", "store"), children[0], lineno=1)
            result_tree = nodes.Template([assign], lineno=1)
            result_tree.set_environment(environment)
            _, jinja_context = _run(environment, result_tree, context)
            return _native(jinja_context.vars.get("result", UNDEFINED))
    elif len(body) == 1:
        return _json_or_text(_run(environment, tree, context)[0])
    return _run(environment, tree, context)[0]


def _render_string(text: str, context: Mapping[str, Any]) -> Any:
    if not any(opener in text for opener in _OPENERS):
        return text
    try:
        return _guarded(_render_leaf, text, context)
    except TemplateRenderError:
        return text  # Backstage keeps a string that fails to render exactly as written


def _walk(value: Any, context: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return _render_string(value, context)
    if isinstance(value, Mapping):
        rendered = {}
        for key, item in value.items():
            result = _walk(item, context)
            if result is not UNDEFINED:
                rendered[key] = result
        return rendered
    if isinstance(value, list | tuple):
        return [None if item is UNDEFINED else item for item in (_walk(v, context) for v in value)]
    return value


def render_value(value: Any, context: Mapping[str, Any]) -> Any:
    """Render every string leaf of a JSON tree the way Backstage renders step inputs.

    A lone ``${{ expr }}`` or ``{% … %}`` keeps its JSON type; an undefined result
    drops its key from the enclosing object, becomes ``None`` inside a list (as
    ``JSON.stringify`` writes it) and is :data:`UNDEFINED` at the top level. A
    string that fails to render is returned unchanged. Keys are never rendered.
    """
    return _walk(value, context)
