"""The demo content loaded into the test database once per module, through the real
paths: the catalog locations app-config.yaml lists (registered and refreshed, which
indexes every entity as it is stitched) and the handbook built and published by a
TechDocs build job (which indexes its sections as the version goes live)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from catalog import services as catalog
from catalog.models import Entity, Location
from portal.conf import load_app_config
from portal.jobs import run_now
from portal.models import Job, JobStatus, SearchDocument, SearchTerm
from portal.search import index
from techdocs.models import DocsSite
from techdocs.references import Triplet
from techdocs.sites import BUILD_JOB, site_of, sync_sites
from tests.catalog.conftest import files, token_api  # noqa: F401 - fixtures for this folder
from tests.techdocs.conftest import repos  # noqa: F401 - a fixture for this folder

PROJECT = Path(__file__).resolve().parents[2]
HANDBOOK = Triplet("default", "component", "developer-handbook")


def demo_settings(published: Path) -> dict:
    from django.conf import settings

    config = load_app_config([PROJECT / "app-config.yaml"], {})
    return {**settings.APP_CONFIG, "catalog": config["catalog"],
            "techdocs": {"builder": "local", "publisher": {
                "type": "local", "local": {"publishDirectory": str(published)}}}}  # fmt: skip


def load_demo_index() -> None:
    """Register and refresh the demo locations, then build the handbook."""
    catalog.sync_config_locations()
    for location in Location.objects.all():
        catalog.refresh(location)
    sync_sites()
    handbook = site_of(HANDBOOK)
    assert handbook is not None, "the demo catalog has no developer-handbook docs"
    job = run_now(BUILD_JOB, params={"site": handbook.pk, "force": True})
    assert job.status == JobStatus.COMPLETED, job.result


def clear_demo_index() -> None:
    index.delete(SearchDocument.objects.all())
    for model in (DocsSite, Job, Entity, Location, SearchTerm):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def demo_index(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo catalog and handbook, indexed (committed for the whole module)."""
    published = tmp_path_factory.mktemp("published")
    with override_settings(APP_CONFIG=demo_settings(published)), django_db_blocker.unblock():
        clear_demo_index()
        try:
            load_demo_index()
            yield
        finally:
            clear_demo_index()
