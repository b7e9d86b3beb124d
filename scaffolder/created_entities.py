"""Which catalog entities a task created, kept when the task ends so an entity's page
can say "created from <template> by task <id>".

A task created an entity when one of its ``catalog:register`` steps registered it
(the step's ``entityRef`` output, one per iteration of an ``each`` step). A template
that registers some other way (a custom action, a provider that discovers the new
repository) usually links the new entity from its output, so when no
``catalog:register`` step ran, the output links' ``entityRef``s count instead. They
do not count otherwise: a link such as "View the system" points at an entity that
existed long before the task.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scaffolder.gallery import ref_parts
from scaffolder.models import TaskEntity
from scaffolder.runner import Run

__all__ = [
    "EntityOrigin",
    "created_refs",
    "latest_origin",
    "record_created_entities",
    "record_run_entities",
    "template_title",
]

REGISTER_ACTION = "catalog:register"


def _canonical(value: Any) -> str | None:
    """``value`` as the catalog stores refs (``kind:namespace/name``, kind and
    namespace lower-cased, as the catalog lower-cases every ref), or None when it
    is not a ref with a kind."""
    if not isinstance(value, str) or ":" not in value.strip():
        return None
    kind, namespace, name = ref_parts(value.strip())
    return f"{kind}:{namespace}/{name}".lower() if kind and name else None


def _flat(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else [value]


def created_refs(steps: Iterable[Mapping[str, Any]], step_outputs: Mapping[str, Any],
                 output: Mapping[str, Any] | None) -> list[str]:  # fmt: skip
    """The refs a run created, in the order they were made, each once (see the module
    docstring for the rule)."""
    found: list[str | None] = []
    registered = False
    for step in steps:
        if step.get("action") != REGISTER_ACTION or step.get("id") not in step_outputs:
            continue
        registered = True
        outputs = (step_outputs[step["id"]] or {}).get("output") or {}
        found += [_canonical(ref) for ref in _flat(outputs.get("entityRef"))]
    links = (output or {}).get("links")
    if not registered and isinstance(links, list):
        found += [_canonical(link.get("entityRef")) for link in links if isinstance(link, Mapping)]
    return list(dict.fromkeys(ref for ref in found if ref))


def record_created_entities(task_id: Any, refs: Iterable[str]) -> None:
    """Remember that ``task_id`` created ``refs``; a retry that registers them again
    changes nothing."""
    rows = [TaskEntity(task_id=task_id, entity_ref=ref) for ref in refs]
    if rows:
        TaskEntity.objects.bulk_create(rows, ignore_conflicts=True)


def record_run_entities(task_id: Any, run: Run | None, output: Mapping[str, Any] | None) -> None:
    """Remember what ``run`` created, as it ends (``output`` is None when it failed;
    a run that failed before it started created nothing)."""
    if run is not None:
        record_created_entities(task_id, created_refs(run.spec.steps, run.step_outputs, output))


@dataclass(frozen=True)
class EntityOrigin:
    """The template and the task that last created an entity, and when."""

    template_ref: str
    template_title: str
    task_id: Any
    created_at: datetime


def template_title(spec: Mapping[str, Any], template_ref: str) -> str:
    """A task's template as people name it: its title when it had one, else its name."""
    info = spec.get("templateInfo") if isinstance(spec, Mapping) else None
    metadata = ((info or {}).get("entity") or {}).get("metadata") or {}
    title = metadata.get("title") or metadata.get("name")
    return title if isinstance(title, str) and title else ref_parts(template_ref)[2]


def latest_origin(entity_ref: str) -> EntityOrigin | None:
    """Where ``entity_ref`` came from: the most recent task that created it (an entity
    removed and created again by a later task names the later one), in one query."""
    row = (TaskEntity.objects.filter(entity_ref=entity_ref.lower()).select_related("task")
           .only("created_at", "task__id", "task__template_ref", "task__spec")
           .order_by("-created_at").first())  # fmt: skip
    if row is None:
        return None
    return EntityOrigin(template_ref=row.task.template_ref,
                        template_title=template_title(row.task.spec, row.task.template_ref),
                        task_id=row.task.pk, created_at=row.created_at)  # fmt: skip
