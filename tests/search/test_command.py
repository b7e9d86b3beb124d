"""``manage.py search``: a rebuild with progress, only-if-empty, a query from a shell,
and the daily job."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.jobs import run_now
from portal.models import JobStatus, SearchBody, SearchDocument
from portal.search import index
from tests.catalog.conftest import component, register
from tests.search.documents import entity

pytestmark = pytest.mark.django_db


def manage(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_rebuild_restores_a_lost_index_and_reports_progress(files) -> None:
    register(files.write("svc.yaml", component("ledger") + component("invoices")))
    index.delete(SearchDocument.objects.all())
    assert "0 result(s)" in manage("query", "ledger")
    output = manage("rebuild")
    assert "software-catalog: 3 documents" in output  # two components and their location
    assert "Search index rebuilt in" in output and "software-catalog 3, techdocs 0" in output
    assert "component:default/ledger" in manage("query", "ledger")


def test_rebuild_if_empty_leaves_a_filled_index_alone(files) -> None:
    register(files.write("svc.yaml", component("ledger")))
    SearchDocument.objects.filter(key="component:default/ledger").update(title="kept")
    assert manage("rebuild", "--if-empty") == ""
    assert SearchDocument.objects.get(key="component:default/ledger").title == "kept"
    index.delete(SearchDocument.objects.all())
    assert "Search index rebuilt" in manage("rebuild", "--if-empty")
    assert SearchDocument.objects.get(key="component:default/ledger").title == "ledger"


def test_an_unknown_type_is_refused_with_the_known_ones() -> None:
    with pytest.raises(CommandError, match=r"unknown search type.*wiki.*software-catalog"):
        manage("rebuild", "--type", "wiki")


def test_a_query_shows_its_correction(files) -> None:
    register(files.write("svc.yaml", component("ledger")))
    output = manage("query", "ledgr")
    assert "showing 'ledger'" in output and "component:default/ledger" in output


def test_the_daily_job_rebuilds(files) -> None:
    register(files.write("svc.yaml", component("ledger")))
    index.delete(SearchDocument.objects.all())
    job = run_now("portal.search_rebuild")
    assert job.status == JobStatus.COMPLETED, job.result
    assert job.result["documents"]["software-catalog"] == 2
    assert SearchDocument.objects.filter(key="component:default/ledger").exists()


def test_a_rebuild_writes_only_what_changed_and_drops_what_is_gone(files) -> None:
    """An unchanged document keeps its row (rewriting all of them would leave the table
    twice its size), a changed one is replaced, one no collator produces is deleted;
    --force rewrites everything."""
    register(files.write("svc.yaml", component("ledger") + component("invoices")))
    ids = dict(SearchDocument.objects.values_list("key", "pk"))
    ledger, invoices = "component:default/ledger", "component:default/invoices"
    index.save([entity("stale")])
    SearchBody.objects.filter(document_id=ids[invoices]).update(digest="")  # as if changed
    assert "software-catalog 3" in manage("rebuild")
    after = dict(SearchDocument.objects.values_list("key", "pk"))
    assert set(after) == set(ids) and after[ledger] == ids[ledger]
    assert after[invoices] != ids[invoices]
    manage("rebuild", "--force")
    assert SearchDocument.objects.get(key=ledger).pk != ids[ledger]
    assert "component:default/ledger" in manage("query", "ledger")
