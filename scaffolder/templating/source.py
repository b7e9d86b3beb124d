"""The one source rewrite: nunjucks regex literals (``r/…/flags``).

Jinja's lexer cannot read ``r/a+/g``, so before lexing, each regex literal inside a
tag, and outside string literals, becomes a call ``__jsregex__("a+", "g")`` that the
tree transformer turns into a compiled :class:`.js.JSRegex`. Everything else about
JavaScript syntax is handled on the parsed tree, where strings cannot be confused
with code.
"""

from __future__ import annotations

import json
import re

__all__ = ["REGEX_NAME", "rewrite_regex_literals"]

REGEX_NAME = "__jsregex__"
_JS_STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)


def _regex_literal(source: str, i: int) -> tuple[str, int] | None:
    """Read ``r/pattern/flags`` at ``i``; return its Jinja call and the end index."""
    j, in_class = i + 2, False
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "\n":
            return None
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            flags = re.match(r"[a-z]*", source[j + 1 :]).group()
            call = f"{REGEX_NAME}({json.dumps(source[i + 2 : j])}, {json.dumps(flags)})"
            return call, j + 1 + len(flags)
        j += 1
    return None


def rewrite_regex_literals(source: str, variable_start: str) -> str:
    """Turn nunjucks regex literals inside tags (never inside strings) into calls."""
    if "r/" not in source:
        return source
    opener = re.compile(re.escape(variable_start) + r"|\{%|\{#")
    out, pos = [], 0
    while match := opener.search(source, pos):
        raw = _RAW.match(source, match.start())
        if match.group() == "{#" or raw:
            end = raw.end() if raw else source.find("#}", match.end())
            end = len(source) if end < 0 else (end if raw else end + 2)
            out.append(source[pos:end])
            pos = end
            continue
        closer = "%}" if match.group() == "{%" else "}}"
        out.append(source[pos : match.end()])
        i, depth = match.end(), 0
        while i < len(source) and not (depth == 0 and source.startswith(closer, i)):
            string = re.compile(_JS_STRING).match(source, i)
            if string:
                out.append(string.group())
                i = string.end()
                continue
            c = source[i]
            previous = source[i - 1] if i > 0 else " "
            literal = None
            at_word_start = not (previous.isalnum() or previous in "_.")
            if c == "r" and source[i + 1 : i + 2] == "/" and at_word_start:
                literal = _regex_literal(source, i)
            if literal:
                out.append(literal[0])
                i = literal[1]
                continue
            depth += {"{": 1, "}": -1}.get(c, 0) if depth or c == "{" else 0
            out.append(c)
            i += 1
        pos = i
    out.append(source[pos:])
    return "".join(out)
