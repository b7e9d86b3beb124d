"""The index follows every change within the change's own refresh or job: entities
registered, changed, orphaned, erroring or removed, a docs site rebuilt, a template
added. Each test searches through the same service the page and the API use."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import Entity
from portal.models import SearchDocument
from portal.search.service import search
from tests.catalog.conftest import component, register
from tests.techdocs.conftest import INDEX, build

pytestmark = pytest.mark.django_db


def keys(text: str) -> list[str]:
    return [hit.document.key for hit in search(text, None, facets=False).hits]


def test_a_registered_entity_is_found_changed_and_gone_when_removed(files) -> None:
    location = register(files.write("ledger.yaml", component("ledger", system="money")))
    assert keys("ledger") == ["component:default/ledger"]
    assert keys("money") == ["component:default/ledger"]  # its system

    files.write("ledger.yaml", component("ledger", system="treasury"))
    services.refresh(location)
    assert keys("treasury") == ["component:default/ledger"]
    assert keys("money") == []

    services.unregister_location(location)
    assert keys("ledger") == [] and not SearchDocument.objects.exists()


def test_an_entity_removed_from_its_file_leaves_with_the_refresh(files, settings) -> None:
    path = files.write("two.yaml", component("alpha") + component("beta"))
    location = register(path)
    assert sorted(keys("alpha OR beta")) == ["component:default/alpha", "component:default/beta"]
    files.write("two.yaml", component("alpha"))
    services.refresh(location)  # Greenroom's default orphan strategy keeps, and demotes
    entity = Entity.objects.get(ref="component:default/beta")
    assert entity.orphan
    beta = SearchDocument.objects.get(key="component:default/beta")
    assert beta.demoted and keys("beta") == ["component:default/beta"]


def test_orphans_and_erroring_entities_rank_below_their_peers_but_stay(files) -> None:
    location = register(files.write("pair.yaml", component("cache-a") + component("cache-b")))
    assert keys("cache") == ["component:default/cache-a", "component:default/cache-b"]
    files.write("pair.yaml", component("cache-b"))
    services.refresh(location)  # cache-a is now an orphan
    assert keys("cache") == ["component:default/cache-b", "component:default/cache-a"]
    assert keys("cache-a") == ["component:default/cache-a"]  # an exact name still comes first


def test_an_entity_with_processing_errors_is_demoted(files) -> None:
    path = files.write("svc.yaml", component("orders") + component("orders-api"))
    location = register(path)
    assert keys("orders")[0] == "component:default/orders"
    files.write("svc.yaml", component("orders", owner="[not, a, ref]") + component("orders-api"))
    services.refresh(location)
    assert Entity.objects.exclude(errors=[]).filter(ref="component:default/orders").exists()
    assert SearchDocument.objects.get(key="component:default/orders").demoted
    assert keys("orders") == ["component:default/orders", "component:default/orders-api"]
    assert keys("orders api") == ["component:default/orders-api"]


TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: go-service
  title: Go microservice
  description: A Go service with CI
  tags: [go, recommended]
spec:
  owner: team-a
  type: service
  parameters:
    - title: Service basics
      properties:
        module:
          title: Go module path
          type: string
    - title: Where to publish
      properties:
        repoUrl: {title: Repository host, type: string}
  steps: []
"""


def test_a_template_added_is_found_by_its_form_titles(files) -> None:
    assert keys("module path") == []
    register(files.write("template.yaml", TEMPLATE))
    assert keys("go module path") == ["template:default/go-service"]
    assert keys("where to publish") == ["template:default/go-service"]
    hit = search("recommended", None).hits[0]
    assert (hit.document.kind, hit.document.location) == ("Template",
                                                          "/catalog/default/template/go-service")


def test_a_rebuilt_docs_site_replaces_its_sections(repos) -> None:
    repo = repos.service()
    assert build().status == "completed"
    assert "default/component/payments/#payments" in keys("welcome payments docs")
    (repo / "docs" / "index.md").write_text(INDEX.replace("Welcome to the payments docs",
                                                          "Ledger reconciliation guide"))
    assert build().status == "completed"
    assert keys("welcome payments docs") == []
    found = search("reconciliation", None).hits
    assert [hit.document.key for hit in found] == ["default/component/payments/#payments"]
    assert found[0].document.location == "/docs/default/component/payments/#payments"
    assert found[0].type_title == "Docs"


def test_one_entity_update_is_a_fixed_number_of_index_queries(files) -> None:
    """Indexing adds the same handful of statements per batch, not per entity."""
    from catalog.search import index_entities

    register(files.write("many.yaml", "".join(component(f"svc-{n}") for n in range(60))))
    finals = [entity.final for entity in Entity.objects.filter(kind="component")]
    assert len(finals) == 60
    with CaptureQueriesContext(connection) as one:
        index_entities(finals[:1])
    with CaptureQueriesContext(connection) as many:
        index_entities(finals)
    assert len(many) == len(one) <= 10, [q["sql"][:80] for q in many]
