"""``manage.py scaffolder run``: a template from the catalog run from a script, its log
printed as it runs, its exit status the task's."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scaffolder.models import Task, TaskStatus
from tests.catalog.conftest import register
from tests.scaffolder.test_tasks import TEMPLATE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hello(files):
    files.write("templates/hello/skeleton/README.md", "# ${{ values.name }}\n")
    register(files.write("templates/hello/template.yaml", TEMPLATE))
    return files


def _run(*args: str) -> str:
    out = StringIO()
    call_command("scaffolder", "run", *args, stdout=out)
    return out.getvalue()


def test_run_prints_the_log_and_the_output(hello, tmp_path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("name: payments\n")
    secrets = tmp_path / "secrets.json"
    secrets.write_text('{"token": "s3cr3t-value"}')
    printed = _run("template:default/hello", "--values", str(values), "--secrets", str(secrets))
    task = Task.objects.get()
    assert task.status == TaskStatus.COMPLETED and task.created_by == ""
    lines = printed.splitlines()
    assert lines[0] == f"Task {task.pk}"
    assert "[fetch] Beginning step Fetch skeleton" in lines
    assert "[log] info: ***" in lines and "s3cr3t" not in printed
    assert lines[-3:] == ["Made:", "payments is ready", f"Task {task.pk} completed"]


def test_dry_run_lists_files_and_creates_no_task(hello, tmp_path) -> None:
    values = tmp_path / "values.json"
    values.write_text('{"name": "payments"}')
    printed = _run("hello", "--values", str(values), "--dry-run")
    assert "Files:\n  README.md\n" in printed
    assert "info: Running fetch:template in dry-run mode" in printed
    assert not Task.objects.exists()


def test_bad_values_and_failures_exit_with_a_message(hello, tmp_path, files) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("name: Not Valid\n")
    with pytest.raises(CommandError, match=r"instance\.name does not match pattern"):
        _run("template:default/hello", "--values", str(values))
    values.write_text("- a list\n")
    with pytest.raises(CommandError, match="must hold an object"):
        _run("template:default/hello", "--values", str(values))
    with pytest.raises(CommandError, match="Template template:default/nope not found"):
        _run("template:default/nope")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        _run("template:default/hello", "--as", "ghost")
    register(files.write("failing.yaml", TEMPLATE.replace("name: hello", "name: failing")
                         .replace("./skeleton", "./missing")))  # fmt: skip
    values.write_text("name: payments\n")
    with pytest.raises(CommandError, match=r"Task .* failed: .*missing"):
        _run("template:default/failing", "--values", str(values))
