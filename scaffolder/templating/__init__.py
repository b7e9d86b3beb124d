"""The scaffolder's template expression engine: Backstage's nunjucks semantics on Jinja2.

Pure Python, no Django. ``render_value`` renders step inputs, ``if``, ``each`` and
``output`` (errors leave strings as written); ``render_text`` renders ``fetch:template``
skeleton contents and paths (errors raise :class:`TemplateRenderError`).
"""

from .js import UNDEFINED, is_truthy, js_string
from .render import TemplateRenderError, render_text, render_value

__all__ = [
    "UNDEFINED",
    "TemplateRenderError",
    "is_truthy",
    "js_string",
    "render_text",
    "render_value",
]
