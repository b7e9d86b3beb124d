"""Bad configuration stops start-up with one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.portal_process import manage, portal_env


def assert_one_line_error(result, *expected: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("greenroom: error: ")
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in result.stderr


def config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "app-config.yaml"
    path.write_text(text)
    return str(path)


def test_missing_environment_variable_in_app_config(tmp_path: Path) -> None:
    path = config(tmp_path, "app:\n  title: ${PORTAL_TITLE_FROM_ENV}\n")
    result = manage("check", env=portal_env(tmp_path, GREENROOM_CONFIG=path))
    assert_one_line_error(result, "PORTAL_TITLE_FROM_ENV", "app.title", path)


def test_malformed_yaml(tmp_path: Path) -> None:
    path = config(tmp_path, "app:\n  title: [oops\n")
    result = manage("migrate", env=portal_env(tmp_path, GREENROOM_CONFIG=path))
    assert_one_line_error(result, f"{path}:", "malformed YAML")


def test_wrong_value_in_app_config(tmp_path: Path) -> None:
    path = config(tmp_path, "catalog:\n  locations:\n    - type: url\n")
    result = manage("check", env=portal_env(tmp_path, GREENROOM_CONFIG=path))
    assert_one_line_error(result, "catalog.locations[0]", "'target' is required")


def test_unreachable_database(tmp_path: Path) -> None:
    env = portal_env(
        tmp_path,
        DATABASE_URL="postgresql://greenroom:pw@127.0.0.1:1/greenroom",
        DATABASE_POOL_TIMEOUT="2",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    result = manage("migrate", "--noinput", env=env)
    assert_one_line_error(result, "PostgreSQL database greenroom at greenroom@127.0.0.1:1")
    assert ":pw@" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "ture", "DEBUG='ture' is not a boolean"),
        ("SECRET_KEY", "short", "SECRET_KEY is too short"),
        ("DATABASE_URL", "mysql://u@h/d", "unsupported database 'mysql'"),
    ],
)
def test_bad_environment_variable(tmp_path: Path, name: str, value: str, expected: str) -> None:
    result = manage("check", env=portal_env(tmp_path, **{name: value}))
    assert_one_line_error(result, expected)


def test_worker_and_web_entry_points_report_config_errors_the_same_way(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.support.portal_process import PROJECT_DIR

    env = portal_env(tmp_path, DEBUG="maybe")
    for module in ("portal.celery", "portal.wsgi"):
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert_one_line_error(result, "DEBUG='maybe'")


def test_traceback_on_request(tmp_path: Path) -> None:
    result = manage("check", env=portal_env(tmp_path, DEBUG="ture", GREENROOM_TRACEBACK="1"))
    assert result.returncode != 0 and "Traceback" in result.stderr
