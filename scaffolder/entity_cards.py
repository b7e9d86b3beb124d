"""The scaffolder's cards on catalog entity pages, registered through the plugin API
like any plugin's: a Template's page gets a card with its form (pages and fields as
tables) and a Launch button; an entity a task created gets a card naming the template
and the task (the task is linked only for visitors who may see it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.plugins import EntityContent, register_entity_card
from scaffolder import services
from scaffolder.gallery import entity_path, ref_parts
from scaffolder.parameters import pages
from scaffolder.schema_rows import schema_rows
from scaffolder.views import _launcher

__all__ = ["ORIGIN_CARD", "TEMPLATE_CARD", "register_cards"]

V1BETA3 = "scaffolder.backstage.io/v1beta3"
#: What ``catalog:write`` stamps on the entities it writes (Backstage's annotation).
SOURCE_TEMPLATE = "backstage.io/source-template"


def _metadata(entity: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = entity.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def is_template(entity: Mapping[str, Any]) -> bool:
    """A scaffolder template (``kind: Template`` of v1beta3), which this app can run."""
    kind = str(entity.get("kind", "")).lower()
    return kind == "template" and entity.get("apiVersion") == V1BETA3


def _widget(schema: Any) -> str:
    """The field extension or widget a property asks for (``OwnerPicker``)."""
    if not isinstance(schema, Mapping):
        return ""
    value = schema.get("ui:field") or schema.get("ui:widget")
    return value if isinstance(value, str) else ""


def _page(number: int, page: Mapping[str, Any]) -> dict[str, Any]:
    """A form page: its title and one row per field, with the widget it uses."""
    properties = page.get("properties") if isinstance(page.get("properties"), Mapping) else {}
    rows = [(row, _widget(properties.get(row.name)) if row.depth == 0 else "")
            for row in schema_rows(page)]  # fmt: skip
    title, description = page.get("title"), page.get("description")
    return {"title": title if isinstance(title, str) and title else f"Page {number}",
            "description": description if isinstance(description, str) else "",
            "rows": rows}  # fmt: skip


def template_context(entity: Mapping[str, Any], request: Any) -> dict[str, Any]:
    """The template's form pages as tables, and where its form is."""
    spec = entity.get("spec") if isinstance(entity.get("spec"), Mapping) else {}
    launch = _launcher()
    metadata = _metadata(entity)
    namespace = str(metadata.get("namespace") or "default")
    return {
        "pages": [_page(n, page) for n, page in enumerate(pages(spec), start=1)],
        "launch_url": launch(namespace, str(metadata.get("name", ""))) if launch else "",
        "step_count": len(spec.get("steps") or []) if isinstance(spec.get("steps"), list) else 0,
    }


def _ref(entity: Mapping[str, Any]) -> str:
    metadata = _metadata(entity)
    namespace = metadata.get("namespace") or "default"
    return f"{entity.get('kind', '')}:{namespace}/{metadata.get('name', '')}".lower()


def origin_context(entity: Mapping[str, Any], request: Any) -> dict[str, Any]:
    """Which template and task created the entity: from the task that registered it,
    else (an entity written by ``catalog:write`` and registered some other way) its
    ``backstage.io/source-template`` annotation; nothing is shown when neither says."""
    user = getattr(request, "user", None)
    origin = None
    if user is not None and user.is_authenticated:
        origin = services.entity_origin(_ref(entity), services.Caller.for_user(user))
    annotations = _metadata(entity).get("annotations")
    annotated = annotations.get(SOURCE_TEMPLATE) if isinstance(annotations, Mapping) else None
    template_ref = origin.template_ref if origin else annotated
    if not isinstance(template_ref, str) or not template_ref.strip():
        return {"template_ref": ""}
    kind, namespace, name = ref_parts(template_ref.strip(), "template")
    return {
        "origin": origin,
        "template_ref": f"{kind}:{namespace}/{name}",
        "template_title": origin.template_title if origin else name,
        "template_path": entity_path(kind, namespace, name),
    }


TEMPLATE_CARD = EntityContent(
    key="scaffolder-template-form", title="Template form",
    template_name="scaffolder/entity/template_form_card.html", weight=100,
    applies_to=is_template, get_context=template_context,
)  # fmt: skip
ORIGIN_CARD = EntityContent(
    key="scaffolder-created-from", title="Created from a template",
    template_name="scaffolder/entity/created_from_card.html", weight=120,
    applies_to=lambda entity: not is_template(entity), get_context=origin_context,
)  # fmt: skip


def register_cards() -> None:
    """Add the scaffolder's cards to entity pages (called from ``ready()``)."""
    register_entity_card(TEMPLATE_CARD)
    register_entity_card(ORIGIN_CARD)
