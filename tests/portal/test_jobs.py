"""Job runners: life cycle, live log rows, failure mapping, enqueue after commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from portal import jobs
from portal.jobs import JobFailed, JobRunner, enqueue, get_runner, register_runner, run_now
from portal.models import Job, JobLogEntry, JobStatus

pytestmark = pytest.mark.django_db


class EchoJob(JobRunner):
    name = "tests.echo"

    def run(self) -> dict[str, Any]:
        self.logger.info("echoing %s", self.job.params["word"])
        # The log line is already a row while the job is still running.
        assert JobLogEntry.objects.filter(job=self.job).count() == 1
        if self.job.params["word"] == "fail":
            raise JobFailed("the repository already exists")
        if self.job.params["word"] == "crash":
            raise ZeroDivisionError("boom")
        return {"echo": self.job.params["word"]}


@pytest.fixture(autouse=True)
def echo_runner(monkeypatch):
    monkeypatch.setitem(jobs._RUNNERS, EchoJob.name, EchoJob)


def test_completed_job_has_result_log_and_timestamps() -> None:
    job = run_now("tests.echo", params={"word": "hello"})
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.result == {"echo": "hello"}
    assert job.started <= job.finished
    assert [e.message for e in job.log_entries.all()] == ["echoing hello"]


def test_expected_failure_is_failed_with_its_message() -> None:
    job = run_now("tests.echo", params={"word": "fail"})
    assert job.status == JobStatus.FAILED
    assert job.error == "the repository already exists"
    assert job.log_entries.last().level == "error"


def test_unexpected_exception_is_errored_with_a_traceback_without_install_paths() -> None:
    job = run_now("tests.echo", params={"word": "crash"})
    assert job.status == JobStatus.ERRORED
    assert "ZeroDivisionError: boom" in job.error
    assert jobs._INSTALL_ROOT not in job.error
    assert 'File "tests/portal/test_jobs.py"' in job.error


def test_enqueue_sends_only_after_commit(monkeypatch, django_capture_on_commit_callbacks) -> None:
    sent: list[int] = []
    monkeypatch.setattr(jobs, "_send", lambda job: sent.append(job.pk))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            job = enqueue("tests.echo", params={"word": "later"})
            assert sent == []
    assert len(callbacks) == 1 and sent == [job.pk]
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING


def test_unknown_runner_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"no job runner named 'nope'.*portal\.prune_jobs"):
        get_runner("nope")


def test_register_runner_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="not a JobRunner subclass"):
        register_runner(object)  # type: ignore[arg-type]

    class Nameless(JobRunner):
        pass

    with pytest.raises(TypeError, match="must set a name"):
        register_runner(Nameless)

    class Clash(JobRunner):
        name = "tests.echo"

    with pytest.raises(TypeError, match="already registered"):
        register_runner(Clash)


def test_prune_jobs_deletes_only_old_finished_jobs() -> None:
    old = Job.objects.create(runner="tests.echo", status=JobStatus.COMPLETED)
    JobLogEntry.objects.create(job=old, level="info", message="x")
    Job.objects.filter(pk=old.pk).update(finished=timezone.now() - timedelta(days=40))
    recent = Job.objects.create(
        runner="tests.echo", status=JobStatus.COMPLETED, finished=timezone.now()
    )
    running = Job.objects.create(runner="tests.echo", status=JobStatus.RUNNING)
    job = run_now("portal.prune_jobs")
    assert job.status == JobStatus.COMPLETED
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk, job.pk}
    assert job.result["deleted_rows"] == 2  # the job and its log line


def test_job_command_runs_a_job(capsys) -> None:
    from django.core.management import call_command

    call_command("job", "run", "tests.echo", "--params", '{"word": "cli"}')
    out = capsys.readouterr().out
    assert "[info] echoing cli" in out and '"echo": "cli"' in out


def test_job_command_reports_bad_input() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("job", "run", "tests.echo", "--params", "{nope")
    with pytest.raises(CommandError, match="no job runner named"):
        call_command("job", "run", "nope")
