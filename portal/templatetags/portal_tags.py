"""Template tags for the portal shell: the sidebar, icons and plugin contributions."""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from portal.plugins import EntityContent, nav_items

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def sidebar_items(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The sidebar for the current user, each item with its URL and active state."""
    request = context["request"]
    items = []
    for item in nav_items(request.user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            logger.error("navigation item %r names an unknown URL %r", item.key, item.url_name)
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"item": item, "url": url, "active": active})
    return items


@register.inclusion_tag("components/icon.html")
def icon(name: str, label: str = "") -> dict[str, str]:
    """An inline SVG icon; decorative unless ``label`` is given."""
    return {"name": name, "label": label}


@register.simple_tag(takes_context=True)
def render_entity_content(context: dict[str, Any], content: EntityContent, entity: Any) -> str:
    """Render a plugin's tab or card; a failure renders a small error card instead."""
    request = context.get("request")
    try:
        extra = content.get_context(entity, request) if content.get_context else {}
        return render_to_string(content.template_name, {"entity": entity, **extra}, request=request)
    except Exception as exc:
        logger.exception("entity content %r failed", content.key)
        return render_to_string(
            "components/plugin_error.html",
            {"content": content, "error": type(exc).__name__},
            request=request,
        )
