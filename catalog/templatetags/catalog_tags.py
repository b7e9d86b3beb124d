"""Template filters for catalog pages: links and short names for entity refs."""

from __future__ import annotations

from django import template

from catalog.summaries import entity_path, short_ref

register = template.Library()


@register.filter
def entity_url(ref: str) -> str:
    """The page of the entity ``ref``."""
    return entity_path(ref)


@register.filter
def ref_label(ref: str, default_kind: str = "") -> str:
    """``ref`` without the default namespace and ``default_kind``."""
    return short_ref(ref, default_kind)


@register.simple_tag(takes_context=True)
def url_with(context: dict, **changes: object) -> str:
    """The current query string with ``changes`` applied (``None`` or "" removes a key)
    and the page reset, for links that change one filter or the sort order."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
