"""The task list: mine by default and everyone's for administrators, filters by
template, status, creator and creation date, pages, every filter in the URL, a clear
message for every value that cannot be used; and the date range ``list_tasks`` takes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from scaffolder import services
from scaffolder.errors import InputError
from scaffolder.models import Task, TaskStatus
from tests.scaffolder.pages.task_support import FAILING, HELLO, add_template, caller, start

pytestmark = pytest.mark.django_db

files = __import__("tests.scaffolder.conftest", fromlist=["files"]).files
queued = __import__("tests.scaffolder.conftest", fromlist=["queued"]).queued

DAY = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture
def people(django_user_model):
    return {name: django_user_model.objects.create_user(name, is_staff=name == "root")
            for name in ("alice", "bob", "root")}  # fmt: skip


@pytest.fixture
def tasks(files, queued, people):
    """alice: two hello runs (one failed, days apart) and a failing one; bob: one."""
    hello, failing = add_template(files, HELLO, "hello"), add_template(files, FAILING, "failing")
    made = {
        "alice-1": start(hello, people["alice"], name="one"),
        "alice-2": start(hello, people["alice"], name="two"),
        "alice-3": start(failing, people["alice"]),
        "bob-1": start(hello, people["bob"], name="three"),
    }
    for n, (key, status) in enumerate((("alice-1", TaskStatus.COMPLETED),
                                       ("alice-2", TaskStatus.FAILED),
                                       ("alice-3", TaskStatus.OPEN),
                                       ("bob-1", TaskStatus.COMPLETED))):  # fmt: skip
        created = DAY + timedelta(days=n)
        finished = None if status == TaskStatus.OPEN else created + timedelta(seconds=75)
        Task.objects.filter(pk=made[key].pk).update(status=status, created_at=created,
                                                    finished_at=finished)  # fmt: skip
    return made


def listed(client, query: str = "", **headers) -> tuple[list[str], str]:
    """The task ids the list shows (in order) and the page's HTML."""
    answer = client.get(f"/create/tasks/{query}", **headers)
    assert answer.status_code == 200
    html = answer.content.decode()
    return re.findall(r'href="/create/tasks/([0-9a-f-]{36})/"', html), html


def ids(tasks, *keys: str) -> list[str]:
    return [str(tasks[key].pk) for key in keys]


def test_my_tasks_newest_first_with_what_each_row_shows(client, people, tasks) -> None:
    client.force_login(people["alice"])
    found, html = listed(client)
    assert found == ids(tasks, "alice-3", "alice-2", "alice-1")
    assert "Failing service" in html and "Hello service" in html
    assert 'status-failed">Failed<' in html and 'status-open">Queued<' in html
    assert "user:default/alice" in html and "user:default/bob" not in html
    assert "1 min 15 s" in html and "10 Mar 2025, 09:30" in html
    assert 'name="show"' not in html  # only administrators choose whose tasks
    assert 'name="owner"' not in html


def test_administrators_list_everyone_and_filter_by_who_started(client, people, tasks) -> None:
    client.force_login(people["root"])
    assert listed(client)[0] == []  # mine: root started nothing
    found, html = listed(client, "?show=all")
    assert found == ids(tasks, "bob-1", "alice-3", "alice-2", "alice-1")
    assert 'name="owner"' in html
    for owner in ("bob", "user:bob", "user:default/bob", "User:Default/Bob"):
        assert listed(client, f"?show=all&owner={owner}")[0] == ids(tasks, "bob-1"), owner
    assert listed(client, "?show=all&owner=nobody")[0] == []


def test_only_administrators_list_everyones_tasks(client, people, tasks) -> None:
    client.force_login(people["bob"])
    found, html = listed(client, "?show=all&owner=alice")
    assert found == ids(tasks, "bob-1")
    assert "Only administrators can list everyone&#x27;s tasks; these are yours." in html


def test_filters_by_template_status_and_creation_date(client, people, tasks) -> None:
    client.force_login(people["alice"])
    assert listed(client, "?template=template:default/failing")[0] == ids(tasks, "alice-3")
    assert listed(client, "?template=hello")[0] == ids(tasks, "alice-2", "alice-1")
    assert listed(client, "?status=failed")[0] == ids(tasks, "alice-2")
    assert listed(client, "?from=2025-03-11")[0] == ids(tasks, "alice-3", "alice-2")
    assert listed(client, "?to=2025-03-11")[0] == ids(tasks, "alice-2", "alice-1")
    assert listed(client, "?from=2025-03-11&to=2025-03-11")[0] == ids(tasks, "alice-2")
    found, html = listed(client, "?template=template:default/hello&status=completed")
    assert found == ids(tasks, "alice-1")
    assert '<option value="template:default/hello" selected>Hello service</option>' in html
    assert '<option value="completed" selected>Completed</option>' in html
    assert "Clear filters" in html


def test_values_that_cannot_be_used_say_so(client, people, tasks) -> None:
    client.force_login(people["alice"])
    cases = {
        "?status=done": "Unknown status &#x27;done&#x27;: use one of open, processing",
        "?from=2025-13-01": "The “created from” date &#x27;2025-13-01&#x27; is not a date",
        "?to=yesterday": "The “created to” date &#x27;yesterday&#x27; is not a date",
        "?from=2025-03-12&to=2025-03-10": "is after the “created to” date; the date filter",
        "?page=abc": "Page &#x27;abc&#x27; is not a page number",
        "?page=7": "There is no page 7; the last page is 1.",
        "?show=everything": "Unknown list &#x27;everything&#x27;",
    }
    for query, message in cases.items():
        html = listed(client, query)[1]
        assert message in html, query
        assert 'class="message error"' in html
    assert listed(client, "?status=done")[0] == ids(tasks, "alice-3", "alice-2", "alice-1")


def test_pages_of_twenty_five_keep_the_filters_in_their_links(client, people, files,
                                                              queued) -> None:  # fmt: skip
    hello = add_template(files, HELLO, "hello")
    made = [start(hello, people["alice"], name=f"n{n}") for n in range(30)]
    client.force_login(people["alice"])
    first, html = listed(client, "?status=open")
    assert len(first) == 25 and "1\N{EN DASH}25 of 30 tasks" in html and "Page 1 of 2" in html
    assert 'href="/create/tasks/?status=open&amp;page=2"' in html
    second, html = listed(client, "?status=open&page=2")
    assert len(second) == 5 and set(first).isdisjoint(second)
    assert set(first) | set(second) == {str(task.pk) for task in made}
    assert 'href="/create/tasks/?status=open" hx-get' in html  # back to page 1


def test_an_htmx_request_gets_the_list_only(client, people, tasks) -> None:
    client.force_login(people["alice"])
    answer = client.get("/create/tasks/?status=failed", HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert body.lstrip().startswith('<form id="task-list"') and "<html" not in body
    assert 'hx-push-url="true"' in body and "HX-Request" in answer["Vary"]
    assert re.findall(r'href="/create/tasks/([0-9a-f-]{36})/"', body) == ids(tasks, "alice-2")


def test_the_list_costs_the_same_queries_for_one_task_or_a_page_of_them(
    client, people, files, queued, django_assert_num_queries
) -> None:
    hello = add_template(files, HELLO, "hello")
    client.force_login(people["alice"])
    start(hello, people["alice"], name="one")
    client.get("/create/tasks/")
    # django_session, auth_user, caller's entity, count, page, template refs, templates,
    # the layout's identity (linked GitHub accounts, User entity)
    with django_assert_num_queries(9):
        assert len(listed(client)[0]) == 1
    for n in range(30):
        start(hello, people["alice"], name=f"n{n}")
    with django_assert_num_queries(9):
        assert len(listed(client)[0]) == 25


def test_list_tasks_takes_a_creation_range_under_the_same_permission_rule(
    people, tasks
) -> None:
    alice = caller(people["alice"])
    found, total = services.list_tasks(alice, created_after=DAY + timedelta(days=1),
                                       created_before=DAY + timedelta(days=4))  # fmt: skip
    assert [str(t.pk) for t in found] == ids(tasks, "alice-3", "alice-2") and total == 2
    everyone, _ = services.list_tasks(caller(people["root"]), created_after=DAY)
    assert len(everyone) == 4
    with pytest.raises(InputError, match="must carry a time zone"):
        services.list_tasks(alice, created_after=datetime(2025, 3, 1))
    with pytest.raises(InputError, match="The creation date range is empty"):
        services.list_tasks(alice, created_after=DAY, created_before=DAY)
    assert services.task_template_refs(alice) == ["template:default/failing",
                                                  "template:default/hello"]  # fmt: skip
    assert services.task_template_refs(caller(people["bob"])) == ["template:default/hello"]
