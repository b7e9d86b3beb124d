"""Tasks on a real Celery worker (child processes, embedded broker or Redis): a task
queued by ``scaffolder run --queue`` completes; one queued while no worker runs waits
and completes once one starts; a worker killed with SIGKILL mid-step leaves its task
failed with a reason (heartbeat + janitor), and the workspace removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.child_db import fetch_one
from tests.support.portal_process import PROJECT_DIR, manage, portal_env, start
from tests.support.servers import wait_for

WAIT_TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: slow}
spec:
  type: service
  steps:
    - {id: wait, name: Wait, action: debug:wait, input: {seconds: "${{ parameters.seconds }}"}}
    - {id: write, name: Write, action: fetch:template, input: {url: ./skeleton}}
"""


@pytest.fixture
def portal(tmp_path: Path, child_database_url: str) -> dict[str, str]:
    """A migrated child portal whose catalog holds the ``slow`` template."""
    catalog = tmp_path / "catalog"
    (catalog / "skeleton").mkdir(parents=True)
    (catalog / "skeleton" / "README.md").write_text("hello\n")
    (catalog / "template.yaml").write_text(WAIT_TEMPLATE)
    config = {
        "app": {"title": "Worker tasks", "baseUrl": "http://127.0.0.1"},
        "backend": {"workingDirectory": str(tmp_path / "work")},
        "catalog": {"readableDirectories": [str(catalog)], "processingInterval": False,
                    "locations": [{"type": "file", "target": str(catalog / "template.yaml")}]},
        "scaffolder": {"taskStaleTimeout": 2},
    }  # fmt: skip
    (tmp_path / "work").mkdir()
    path = tmp_path / "app-config.test.yaml"
    path.write_text(yaml.safe_dump(config))
    env = portal_env(tmp_path / "var", DATABASE_URL=child_database_url, GREENROOM_CONFIG=str(path))
    for args in (("migrate", "--noinput"), ("catalog", "refresh", "--pending")):
        done = manage(*args, env=env)
        assert done.returncode == 0, done.stderr
    env["TEST_WORK_DIR"] = str(tmp_path / "work")
    return env


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    """A worker with its embedded beat (which runs the janitor every 10 s), in its own
    process group so that SIGKILL takes all of it, as losing a machine would."""
    command = [sys.executable, "-m", "celery", "-A", "portal.celery", "worker", "--pool=solo",
               "--loglevel=INFO", "-B", "--schedule",
               str(Path(env["GREENROOM_VAR_DIR"]) / "beat-schedule")]  # fmt: skip
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip


def _stop_worker(worker: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        output, _ = worker.communicate()
    return output or ""


def _submit(env: dict[str, str], tmp_path: Path, seconds: int) -> subprocess.Popen[str]:
    values = tmp_path / f"values-{seconds}.yaml"
    values.write_text(f"seconds: {seconds}\n")
    return start(sys.executable, "manage.py", "scaffolder", "run", "template:default/slow",
                 "--values", str(values), "--queue", env=env)  # fmt: skip


def _task(env: dict[str, str]) -> tuple[str, str] | None:
    row = fetch_one(env["DATABASE_URL"], "SELECT id, status FROM scaffolder_task")
    return None if row is None else (str(row[0]).replace("-", ""), row[1])


def _status(env: dict[str, str]) -> str | None:
    found = _task(env)
    return None if found is None else found[1]


def test_a_task_queued_while_no_worker_runs_completes_once_one_starts(
    portal: dict[str, str], tmp_path: Path
) -> None:
    submitted = _submit(portal, tmp_path, seconds=0)
    wait_for(lambda: _status(portal) == "open", "the task to be stored", timeout=60)
    worker = _worker(portal)
    try:
        output, _ = submitted.communicate(timeout=90)
    finally:
        log = _stop_worker(worker)
    assert submitted.returncode == 0, output + log
    assert "[write] Finished step Write" in output and output.strip().endswith("completed")
    assert _status(portal) == "completed"
    assert "scaffolder.tasks.run_task" in log
    assert os.listdir(portal["TEST_WORK_DIR"]) == []


def test_a_worker_killed_mid_step_leaves_the_task_failed_with_a_reason(
    portal: dict[str, str], tmp_path: Path
) -> None:
    worker = _worker(portal)
    submitted = _submit(portal, tmp_path, seconds=120)
    try:
        wait_for(lambda: _status(portal) == "processing", "the worker to start the task",
                 timeout=60)  # fmt: skip
        task_id = _task(portal)[0]
        # The worker claims the task (processing) an instant before it makes the workspace.
        wait_for(lambda: task_id in [name.replace("-", "")
                                     for name in os.listdir(portal["TEST_WORK_DIR"])],
                 "the task to have a workspace while it runs", timeout=30)  # fmt: skip
        _stop_worker(worker, signal.SIGKILL)
        restarted = _worker(portal)
        try:
            output, _ = submitted.communicate(timeout=60)
        finally:
            _stop_worker(restarted)
    finally:
        if submitted.poll() is None:
            submitted.kill()
        _stop_worker(worker, signal.SIGKILL)
    assert submitted.returncode == 1
    assert "stopped responding (no heartbeat for 2 s)" in output
    assert _status(portal) == "failed"
    assert os.listdir(portal["TEST_WORK_DIR"]) == []


@pytest.mark.services
def test_a_task_runs_on_a_redis_worker(
    portal: dict[str, str], tmp_path: Path, redis_url: str
) -> None:
    env = {**portal, "REDIS_URL": redis_url}
    worker = _worker(env)
    try:
        submitted = _submit(env, tmp_path, seconds=0)
        output, _ = submitted.communicate(timeout=90)
    finally:
        log = _stop_worker(worker)
    assert submitted.returncode == 0, output + log
    assert _status(env) == "completed"
