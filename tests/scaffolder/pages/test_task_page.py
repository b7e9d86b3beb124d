"""The task page with the Django test client: real tasks of real templates, run by
the worker's code, shown in each state; the actions on them (cancel, retry, start
over) with CSRF and permissions; who may see a task; the cost of a big log."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from scaffolder.execution import emit, execute_task
from scaffolder.models import Task, TaskEvent, TaskStatus
from tests.scaffolder.pages.task_support import (
    FAILING,
    HELLO,
    WAITING,
    add_template,
    page_url,
    run,
    start,
)

#: Tasks run by the worker's code, which closes its database connections when it is
#: done, as a worker does: each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)

files = __import__("tests.scaffolder.conftest", fromlist=["files"]).files
queued = __import__("tests.scaffolder.conftest", fromlist=["queued"]).queued


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice")


@pytest.fixture
def as_alice(client, alice) -> Client:
    client.force_login(alice)
    return client


def _section(html: str, element_id: str) -> str:
    """The element with ``id`` and everything after it up to the next top-level id
    the page uses (enough to check what a section holds)."""
    start = html.index(f'id="{element_id}"')
    ends = [html.find(f'id="{other}"', start + 1) for other in
            ("task-header", "task-outcome", "task-body", "task-steps", "log-lines")]  # fmt: skip
    ends = [end for end in ends if end > start]
    return html[start:min(ends)] if ends else html[start:]


def _line_ids(html: str) -> list[int]:
    """The event ids of the log lines ``html`` shows, in order."""
    return [int(n) for n in re.findall(r'<li id="event-(\d+)"', html)]


def test_a_completed_task_shows_its_steps_and_escaped_output(as_alice, alice, files,
                                                               queued) -> None:  # fmt: skip
    ref = add_template(files, HELLO, "hello")
    task = run(ref, alice, name="<img src=x onerror=alert(1)>")
    answer = as_alice.get(page_url(task))
    html = answer.content.decode()
    assert answer.status_code == 200
    header = _section(html, "task-header")
    assert '<a href="/catalog/default/template/hello">Hello service</a>' in header
    assert 'status-completed" role="status">Completed<' in header
    assert "user:default/alice" in header and "Took" in header
    assert "Cancel task" not in html and "/retry/" not in html
    outcome = _section(html, "task-outcome")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in outcome and "&lt;script&gt;" in outcome
    docs = '<a href="https://docs.example.com" rel="noopener noreferrer nofollow">docs</a>'
    assert docs in outcome
    assert 'href="https://git.example.com/&lt;img' in outcome
    assert "Skipped step" not in outcome  # its producing step gave no URL
    assert 'href="javascript:' not in html and "<code>javascript:alert(1)</code>" in outcome
    assert "(not in the catalog yet)" in outcome
    steps = _section(html, "task-steps")
    assert "Say hello" in steps and "state-completed" in steps
    assert 'id="task-poll" class="log-live">' in html  # no polling for an ended task
    lines = _section(html, "log-lines")
    assert "Hello &lt;img src=x onerror=alert(1)&gt;" in lines
    assert "Run completed with status: completed" in lines


def test_output_links_to_an_entity_that_is_in_the_catalog(as_alice, alice, files,
                                                          queued) -> None:  # fmt: skip
    files.write("orders.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
                "metadata: {name: orders}\nspec: {type: service, owner: team-a, "
                "lifecycle: production}\n")  # fmt: skip
    from tests.catalog.conftest import register

    register(files.root / "orders.yaml")
    task = run(add_template(files, HELLO, "hello"), alice, name="orders")
    outcome = _section(as_alice.get(page_url(task)).content.decode(), "task-outcome")
    assert 'href="/catalog/default/component/orders"' in outcome
    assert "not in the catalog" not in outcome


def test_a_failed_task_opens_with_the_failing_step_and_its_error(as_alice, alice, files,
                                                                 queued) -> None:  # fmt: skip
    task = run(add_template(files, FAILING, "failing"), alice)
    assert task.status == TaskStatus.FAILED
    html = as_alice.get(page_url(task)).content.decode()
    outcome = _section(html, "task-outcome")
    assert html.index('id="task-outcome"') < html.index('id="task-body"')
    assert "Step “Fetch the base” failed" in outcome
    assert "./later does not exist next to the template" in outcome
    assert f"{page_url(task)}?step=fetch" in outcome
    steps = _section(html, "task-steps")
    assert re.search(r'state-completed" data-step="prepare"', steps)
    assert re.search(r'state-failed" data-step="fetch"', steps)
    assert '<p class="step-error">./later does not exist next to the template</p>' in steps
    assert re.search(r'not-run" data-step="done"', steps) and "Not run" in steps
    header = _section(html, "task-header")
    assert f'action="{page_url(task)}retry/"' in header
    assert 'name="csrfmiddlewaretoken"' in header and "Cancel task" not in header


def test_an_open_task_can_be_cancelled_and_is_followed_live(as_alice, alice, files,
                                                            queued) -> None:  # fmt: skip
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    html = as_alice.get(page_url(task)).content.decode()
    assert "status-open" in html and ">Queued<" in html
    assert f'action="{page_url(task)}cancel/"' in html and "/retry/" not in html
    assert f'hx-get="{page_url(task)}log/?after=0&amp;status=open"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "No log lines yet." in html and "Took" not in html


def test_cancel_needs_a_post_with_a_csrf_token(alice, files, queued) -> None:
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get(page_url(task, "cancel/")).status_code == 405
    assert browser.post(page_url(task, "cancel/")).status_code == 403
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      browser.get(page_url(task)).content.decode()).group(1)  # fmt: skip
    answer = browser.post(page_url(task, "cancel/"), {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and answer["Location"] == page_url(task)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CANCELLED
    html = browser.get(page_url(task)).content.decode()
    assert "Cancel requested" in html and "This task was cancelled" in html
    assert f'action="{page_url(task)}retry/"' in html  # a cancelled task can run again
    again = browser.post(page_url(task, "cancel/"), {"csrfmiddlewaretoken": token}, follow=True)
    assert "has already ended (cancelled); it cannot be cancelled" in again.content.decode()


def test_a_running_task_shows_its_running_step_and_stops_when_cancelled(
    as_alice, alice, files, queued
) -> None:
    task = start(add_template(files, WAITING, "waiting"), alice)
    worker = threading.Thread(target=execute_task, args=(str(task.pk),))
    worker.start()
    deadline = time.monotonic() + 10
    while not TaskEvent.objects.filter(task=task, body__stepId="wait",
                                       body__status="processing").exists():  # fmt: skip
        assert time.monotonic() < deadline, "the wait step never started"
        time.sleep(0.05)
    html = as_alice.get(page_url(task)).content.decode()
    assert ">Running<" in html and "Cancel task" in html
    assert re.search(r'state-running" data-step="wait"', html)
    assert re.search(r'state-completed" data-step="start"', html)
    assert as_alice.post(page_url(task, "cancel/")).status_code == 302
    worker.join(timeout=10)
    assert not worker.is_alive()
    html = as_alice.get(page_url(task)).content.decode()
    assert "This task was cancelled" in html and "Step Wait has been cancelled." in html
    assert re.search(r'state-cancelled" data-step="wait"', html)


def test_retry_resumes_a_failed_task_once_its_cause_is_fixed(as_alice, alice, files,
                                                             queued) -> None:  # fmt: skip
    task = run(add_template(files, FAILING, "failing"), alice)
    (files.root / "templates" / "failing" / "later").mkdir()
    (files.root / "templates" / "failing" / "later" / "README.md").write_text("base\n")
    answer = as_alice.post(page_url(task, "retry/"))
    assert answer.status_code == 302 and answer["Location"] == page_url(task)
    assert queued == [str(task.pk), str(task.pk)]  # queued when created, and again
    html = as_alice.get(page_url(task)).content.decode()
    assert "Retrying" in html and ">Queued<" in html and 'hx-trigger="every 1s"' in html
    assert "Step “Fetch the base” failed" not in html  # the new attempt has not failed
    assert execute_task(str(task.pk)) == TaskStatus.COMPLETED
    html = as_alice.get(page_url(task)).content.decode()
    assert ">Completed<" in html and "<dt>Attempt</dt><dd>2</dd>" in html
    steps = _section(html, "task-steps")
    assert "from an earlier attempt" in steps and "Not run" not in steps
    assert "Retried: a new attempt starts" in _section(html, "log-lines")
    again = as_alice.post(page_url(task, "retry/"), follow=True).content.decode()
    assert "Retrying" in again  # completed tasks may run again too (all steps reused)


def test_retry_of_a_task_that_is_still_running_is_refused(as_alice, alice, files,
                                                          queued) -> None:  # fmt: skip
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    html = as_alice.post(page_url(task, "retry/"), follow=True).content.decode()
    assert "is still running; only an ended task can be retried" in html
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_start_over_opens_the_form_with_the_values_but_no_secrets(as_alice, alice, files,
                                                                  queued) -> None:  # fmt: skip
    task = run(add_template(files, HELLO, "hello"), alice, name="orders")
    Task.objects.filter(pk=task.pk).update(spec={**task.spec, "parameters": {
        "name": "orders", "token": "should-not-travel"}})  # fmt: skip
    html = as_alice.get(page_url(task)).content.decode()
    try:
        form = reverse("scaffolder:template_form", kwargs={"namespace": "default", "name": "hello"})
    except NoReverseMatch:
        assert "Start over" not in html  # no form page to start over on
        return
    assert f'href="{form}?formData=%7B%22name%22%3A%22orders%22%7D"' in html
    assert "should-not-travel" not in html


def test_others_see_no_such_task_and_admins_see_every_task(client, alice, files, queued,
                                                           django_user_model) -> None:  # fmt: skip
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    client.force_login(django_user_model.objects.create_user("bob"))
    for path in ("", "log/?after=0"):
        answer = client.get(page_url(task, path), HTTP_HX_REQUEST="true")
        assert answer.status_code == 404 and b"Task not found" in answer.content
    for path in ("cancel/", "retry/"):
        assert client.post(page_url(task, path)).status_code == 404
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    assert client.get("/create/tasks/not-a-uuid/").status_code == 404
    client.force_login(django_user_model.objects.create_user("root", is_staff=True))
    assert client.get(page_url(task)).status_code == 200


def test_the_poll_returns_only_new_lines_and_stops_once_the_run_ended(as_alice, alice, files,
                                                                      queued) -> None:  # fmt: skip
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    emit(task.pk, {"message": "Starting up task with 1 steps"})
    seen = TaskEvent.objects.filter(task=task).latest("id").id
    assert as_alice.get(page_url(task, f"log/?after={seen}")).status_code == 302  # not HTMX
    htmx = {"HTTP_HX_REQUEST": "true"}
    quiet = as_alice.get(page_url(task, f"log/?after={seen}&status=open"), **htmx)
    assert quiet.status_code == 200 and not _line_ids(quiet.content.decode())
    assert f"log/?after={seen}&amp;status=open".encode() in quiet.content
    assert b"task-header" not in quiet.content  # the status did not change
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.PROCESSING)
    emit(task.pk, {"message": "Beginning step Say hello", "stepId": "greet",
                   "status": "processing"})  # fmt: skip
    news = as_alice.get(page_url(task, f"log/?after={seen}&status=open"), **htmx)
    body = news.content.decode()
    assert len(_line_ids(body)) == 1 and "Beginning step Say hello" in body
    assert "Starting up task" not in body
    assert 'hx-swap-oob="beforeend:#log-lines"' in body
    assert re.search(r'id="task-steps"[^>]*hx-swap-oob="true"', body)
    assert re.search(r'id="task-header"[^>]*hx-swap-oob="true"', body) and ">Running<" in body
    last = TaskEvent.objects.filter(task=task).latest("id").id
    assert f"after={last}&amp;status=processing" in body
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.OPEN)
    execute_task(str(task.pk))
    done = as_alice.get(page_url(task, f"log/?after={last}&status=processing"), **htmx)
    assert done.status_code == 286  # htmx stops polling
    body = done.content.decode()
    assert 'id="task-poll" class="log-live">' in body and "hx-trigger" not in body
    assert "Run completed with status: completed" in body and "Next steps" in body


def test_the_log_fragment_refuses_bad_event_ids(as_alice, alice, files, queued) -> None:
    task = start(add_template(files, HELLO, "hello"), alice, name="orders")
    htmx = {"HTTP_HX_REQUEST": "true"}
    for query, message in (("after=x", b"after must be an event id"),
                           ("before=-1", b"before must be an event id"),
                           ("", b"Give either after=<event id> or before=<event id>"),
                           ("after=1&before=2", b"Give either"),
                           ("after=0&step=nope", b"This task has no step 'nope'")):  # fmt: skip
        answer = as_alice.get(page_url(task, f"log/?{query}"), **htmx)
        assert answer.status_code == 400 and message in answer.content, query


def _big_log(task: Task, lines: int) -> None:
    TaskEvent.objects.bulk_create([
        TaskEvent(task=task, event_type="log",
                  body={"message": f"\x1b[32minfo\x1b[39m: line {n}", "stepId": "greet"})
        for n in range(lines)])  # fmt: skip


def test_a_big_log_shows_its_newest_lines_and_loads_earlier_ones(as_alice, alice, files,
                                                                 queued) -> None:  # fmt: skip
    task = run(add_template(files, HELLO, "hello"), alice, name="orders")
    _big_log(task, 2500)
    html = as_alice.get(page_url(task)).content.decode()
    ids = _line_ids(html)
    last = TaskEvent.objects.filter(task=task).latest("id").id
    assert len(ids) == 2000 and ids[-1] == last
    earlier = re.search(r'hx-get="([^"]+before=(\d+)[^"]*)"', html)
    assert earlier and int(earlier.group(2)) == ids[0]
    answer = as_alice.get(earlier.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    older = _line_ids(answer.content.decode())
    first = TaskEvent.objects.filter(task=task).order_by("id").first().id
    assert older == list(range(first, ids[0])) and b"log-earlier" not in answer.content
    whole = as_alice.get(page_url(task) + "?log=all").content.decode()
    assert _line_ids(whole) == older + ids and "log-earlier" not in whole


def test_one_step_at_a_time_and_an_htmx_swap_of_the_body(as_alice, alice, files, queued) -> None:
    task = run(add_template(files, FAILING, "failing"), alice)
    html = as_alice.get(page_url(task) + "?step=prepare").content.decode()
    lines = _section(html, "log-lines")
    assert "preparing" in lines and "Fetch the base" not in lines and "one-step" in html
    assert re.search(r'class="step state-completed selected" data-step="prepare"', html)
    swap = as_alice.get(page_url(task) + "?step=fetch", HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="task-body")  # fmt: skip
    body = swap.content.decode()
    assert body.lstrip().startswith('<div id="task-body"') and "<html" not in body
    assert "./later does not exist" in body and "preparing" not in body
    assert "HX-Request" in swap["Vary"]
    wrong = as_alice.get(page_url(task) + "?step=nope").content.decode()
    assert "This task has no step &#x27;nope&#x27;; showing every step" in wrong
    assert "preparing" in wrong


def test_a_finished_task_draws_the_same_on_every_load(as_alice, alice, files, queued) -> None:
    task = run(add_template(files, FAILING, "failing"), alice)
    first = as_alice.get(page_url(task)).content.decode()
    time.sleep(0.05)
    second = as_alice.get(page_url(task)).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"x-csrftoken": "[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)


@pytest.mark.parametrize("lines", [5, 500])
def test_the_page_costs_the_same_queries_however_long_the_log(
    as_alice, alice, files, queued, django_assert_num_queries, lines
) -> None:
    task = run(add_template(files, HELLO, "hello"), alice, name="orders")
    _big_log(task, lines)
    as_alice.get(page_url(task))  # warm up: the first request also stores the login
    # django_session, auth_user, role assignments, the task's creator (the access check),
    # task, step events, log window, template, catalog refs, the layout's identity
    # (linked GitHub accounts, User entity)
    with django_assert_num_queries(11):
        answer = as_alice.get(page_url(task))
    assert len(_line_ids(answer.content.decode())) == lines + 6
    last = TaskEvent.objects.filter(task=task).latest("id").id
    with django_assert_num_queries(7):  # the same without the template and the catalog refs
        as_alice.get(page_url(task, f"log/?after={last}&status=completed"), HTTP_HX_REQUEST="true")



def test_a_cancel_the_worker_has_not_acted_on_yet_reads_cancelling(as_alice, alice, files,
                                                                   queued) -> None:  # fmt: skip
    task = start(add_template(files, WAITING, "waiting"), alice)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.PROCESSING)
    assert as_alice.post(page_url(task, "cancel/")).status_code == 302
    header = _section(as_alice.get(page_url(task)).content.decode(), "task-header")
    assert ">Cancelling<" in header and "Cancel task" not in header


def test_the_poll_waits_for_the_completion_event_before_drawing_the_end(
    as_alice, alice, files, queued
) -> None:
    """The worker sets the status an instant before it writes the completion event: a
    poll in between keeps polling, and the next one draws the outcome."""
    task = run(add_template(files, HELLO, "hello"), alice, name="orders")
    completion = TaskEvent.objects.get(task=task, event_type="completion")
    body = completion.body
    completion.delete()
    last = TaskEvent.objects.filter(task=task).latest("id").id
    htmx = {"HTTP_HX_REQUEST": "true"}
    early = as_alice.get(page_url(task, f"log/?after={last}&status=processing"), **htmx)
    assert early.status_code == 200 and b"task-header" not in early.content
    assert f"after={last}&amp;status=processing".encode() in early.content  # not final yet
    emit(task.pk, body, "completion")
    done = as_alice.get(page_url(task, f"log/?after={last}&status=processing"), **htmx)
    assert done.status_code == 286 and b"Next steps" in done.content
    assert b'id="task-header" class="task-header" hx-swap-oob="true"' in done.content
