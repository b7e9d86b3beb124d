"""A real Celery worker runs a real job end to end: embedded broker and Redis."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.support.child_db import fetch_one
from tests.support.portal_process import manage, portal_env, start, stop
from tests.support.servers import wait_for


def run_job_through_worker(env: dict[str, str], database_url: str) -> None:
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    worker = start(
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal.celery",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        env=env,
    )
    try:
        enqueued = manage("job", "enqueue", "portal.prune_jobs", "--params", '{"days": 0}', env=env)
        assert enqueued.returncode == 0, enqueued.stderr
        job_id = int(re.search(r"Enqueued job (\d+)", enqueued.stdout).group(1))

        def finished() -> bool:
            row = fetch_one(database_url, "SELECT status FROM portal_job WHERE id = ?", (job_id,))
            return row is not None and row[0] == "completed"

        wait_for(finished, f"job {job_id} on the worker", timeout=60)
        log = fetch_one(
            database_url, "SELECT message FROM portal_joblogentry WHERE job_id = ?", (job_id,)
        )
        assert log and log[0].startswith("Deleted")
        task_id = fetch_one(
            database_url, "SELECT celery_task_id FROM portal_job WHERE id = ?", (job_id,)
        )
        assert task_id and task_id[0]
    finally:
        output = stop(worker)
    assert "portal.tasks.run_job" in output, output


def test_embedded_worker_runs_a_job_with_no_broker_server(
    tmp_path: Path, child_database_url
) -> None:
    env = portal_env(tmp_path, DATABASE_URL=child_database_url)
    run_job_through_worker(env, child_database_url)
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.services
def test_worker_on_redis_runs_a_job(tmp_path: Path, child_database_url, redis_url: str) -> None:
    env = portal_env(tmp_path, DATABASE_URL=child_database_url, REDIS_URL=redis_url)
    run_job_through_worker(env, child_database_url)
    assert not (tmp_path / "broker").exists()
