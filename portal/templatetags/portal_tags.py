"""Template tags for the portal shell: the sidebar, icons and plugin contributions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from portal.plugins import EntityContent, HomeCard, nav_items, search_collators

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


@register.filter
def search_type_title(type: str) -> str:
    """The title a search collator gives its document type ("Catalog", "Docs")."""
    titles = {collator.type: collator.title for collator in search_collators()}
    return titles.get(type, type)


@register.inclusion_tag("components/icon.html")
def icon(name: str, label: str = "") -> dict[str, str]:
    """An inline SVG icon; decorative unless ``label`` is given."""
    return {"name": name, "label": label}


@register.simple_tag(takes_context=True)
def render_entity_content(context: dict[str, Any], content: EntityContent, entity: Any) -> str:
    """Render a plugin's tab or card; a failure renders a small error card instead."""
    request = context.get("request")
    return _isolated(content, request, lambda: {
        "entity": entity, **(content.get_context(entity, request) if content.get_context else {})
    })  # fmt: skip


@register.simple_tag(takes_context=True)
def render_home_card(context: dict[str, Any], card: HomeCard) -> str:
    """Render a home page card, isolated like entity content."""
    request = context.get("request")
    return _isolated(card, request, lambda: {
        "card": card, **(card.get_context(request) if card.get_context else {})
    })  # fmt: skip


def _isolated(content: EntityContent | HomeCard, request: Any,
              data: Callable[[], dict[str, Any]]) -> str:  # fmt: skip
    """``content``'s template with ``data()``; if either fails, a small error card, so
    one broken contribution never takes a page down."""
    try:
        return render_to_string(content.template_name, data(), request=request)
    except Exception as exc:
        logger.exception("page contribution %r failed", content.key)
        return render_to_string(
            "components/plugin_error.html",
            {"content": content, "error": type(exc).__name__},
            request=request,
        )
