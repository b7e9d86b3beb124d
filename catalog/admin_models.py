"""Proxy models for the admin's curation lists: no tables of their own, only the rows of
``Entity`` and ``Location`` that need someone's attention.

They live apart from ``catalog.models`` so the admin's views of the data stay out of
the data model; ``catalog.models`` imports them so Django (and migrations) see them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from catalog.models import Entity, EntityQuerySet, Location

__all__ = ["EntityWithErrors", "LocationWithErrors", "OrphanEntity"]


class _EntitiesWithErrors(models.Manager["Entity"]):
    def get_queryset(self) -> EntityQuerySet:
        return EntityQuerySet(self.model, using=self._db).exclude(errors=[])


class _Orphans(models.Manager["Entity"]):
    def get_queryset(self) -> EntityQuerySet:
        return EntityQuerySet(self.model, using=self._db).filter(orphan=True)


class _LocationsWithErrors(models.Manager["Location"]):
    def get_queryset(self) -> models.QuerySet[Location]:
        return super().get_queryset().filter(~Q(last_error="") | ~Q(problems=[]))


class EntityWithErrors(Entity):
    """An entity whose last processing failed: it keeps its last good state and the
    errors say why the newer document was not taken."""

    objects = _EntitiesWithErrors()

    class Meta:
        proxy = True
        verbose_name = "processing error (entity)"
        verbose_name_plural = "processing errors (entities)"


class LocationWithErrors(Location):
    """A location whose last refresh could not read it, or found bad documents."""

    objects = _LocationsWithErrors()

    class Meta:
        proxy = True
        verbose_name = "processing error (location)"
        verbose_name_plural = "processing errors (locations)"


class OrphanEntity(Entity):
    """An entity its location no longer lists (kept by the ``keep`` orphan strategy)
    until someone removes it."""

    objects = _Orphans()

    class Meta:
        proxy = True
        verbose_name = "orphan"
        verbose_name_plural = "orphans"
