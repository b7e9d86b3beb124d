"""Settings rules: database, broker, storage, secret key, env parsing, GitHub sign-in."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from portal.conf import (
    ConfigError,
    broker_settings,
    database_settings,
    describe_database,
    env_bool,
    env_int,
    env_list,
    github_auth_settings,
    secret_key,
    storage_settings,
)


def test_default_database_is_a_sqlite_file_under_var(tmp_path: Path) -> None:
    db = database_settings({}, {}, tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "greenroom.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql_with_a_connection_pool(tmp_path: Path) -> None:
    db = database_settings(
        {
            "DATABASE_URL": "postgresql://app:s3cret@db.internal:6543/portal",
            "DATABASE_POOL_MAX": "20",
        },
        {},
        tmp_path,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        6543,
        "portal",
        "app",
    )
    assert db["OPTIONS"]["pool"]["max_size"] == 20
    assert db["CONN_MAX_AGE"] == 0


def test_backend_database_from_app_config_when_no_url(tmp_path: Path) -> None:
    config = {
        "backend": {
            "database": {
                "client": "pg",
                "connection": {
                    "host": "pg",
                    "port": 5433,
                    "user": "u",
                    "password": "p@ss/word",
                    "database": "gr",
                },
            }
        }
    }
    db = database_settings({}, config, tmp_path)
    assert (db["HOST"], db["PORT"], db["USER"], db["PASSWORD"], db["NAME"]) == (
        "pg",
        5433,
        "u",
        "p@ss/word",
        "gr",
    )


def test_database_url_wins_over_app_config(tmp_path: Path) -> None:
    config = {"backend": {"database": {"client": "pg", "connection": "postgresql://a@b/c"}}}
    db = database_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, config, tmp_path)
    assert db["ENGINE"].endswith("sqlite3")


def test_unsupported_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
        database_settings({"DATABASE_URL": "mysql://u@h/d"}, {}, tmp_path)


def test_describe_database_never_shows_the_password(tmp_path: Path) -> None:
    db = database_settings({"DATABASE_URL": "postgresql://app:hunter2@h:5432/p"}, {}, tmp_path)
    text = describe_database(db)
    assert "hunter2" not in text
    assert "app@h:5432" in text


def test_broker_is_the_filesystem_transport_by_default(tmp_path: Path) -> None:
    broker = broker_settings({}, tmp_path)
    assert broker["broker_url"] == "filesystem://"
    folders = [Path(v) for k, v in broker["broker_transport_options"].items() if "folder" in k]
    assert len(folders) == 4  # in, out, processed and control: all inside the var dir
    assert all(folder.is_dir() and tmp_path in folder.parents for folder in folders)


@pytest.mark.parametrize("name", ["CELERY_BROKER_URL", "REDIS_URL"])
def test_broker_from_environment(tmp_path: Path, name: str) -> None:
    assert broker_settings({name: "redis://r:6379/1"}, tmp_path)["broker_url"] == "redis://r:6379/1"


def test_storage_is_local_disk_by_default(tmp_path: Path) -> None:
    default = storage_settings({}, tmp_path)["default"]
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"]["location"] == str(tmp_path / "storage")


def test_s3_bucket_selects_s3_with_custom_endpoint_and_path_style(tmp_path: Path) -> None:
    default = storage_settings(
        {"S3_BUCKET": "docs", "S3_ENDPOINT_URL": "http://seaweed:8333", "S3_REGION": "eu-west-1"},
        tmp_path,
    )["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "docs"
    assert default["OPTIONS"]["endpoint_url"] == "http://seaweed:8333"
    assert default["OPTIONS"]["region_name"] == "eu-west-1"
    assert default["OPTIONS"]["addressing_style"] == "path"


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = secret_key({}, tmp_path)
    assert len(first) >= 50
    assert secret_key({}, tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secret_key_from_environment_must_be_long(tmp_path: Path) -> None:
    assert secret_key({"SECRET_KEY": "k" * 60}, tmp_path) == "k" * 60
    with pytest.raises(ConfigError, match="SECRET_KEY is too short"):
        secret_key({"SECRET_KEY": "short"}, tmp_path)


def test_env_bool_rejects_junk() -> None:
    assert env_bool({"DEBUG": "True"}, "DEBUG") is True
    assert env_bool({"DEBUG": "off"}, "DEBUG") is False
    assert env_bool({}, "DEBUG", default=True) is True
    with pytest.raises(ConfigError, match="DEBUG='ture' is not a boolean"):
        env_bool({"DEBUG": "ture"}, "DEBUG")


def test_env_int_and_list() -> None:
    assert env_int({"N": " 7 "}, "N", 1) == 7
    with pytest.raises(ConfigError, match="not a whole number"):
        env_int({"N": "seven"}, "N", 1)
    assert env_list({"H": "a.example, b.example,"}, "H", []) == ["a.example", "b.example"]


def test_github_auth_absent_means_no_github_button() -> None:
    assert github_auth_settings({}) == {}


def test_github_auth_reads_the_active_environment_block() -> None:
    config = {
        "auth": {
            "environment": "production",
            "providers": {
                "github": {
                    "development": {"clientId": "dev", "clientSecret": "x"},
                    "production": {"clientId": "prod", "clientSecret": "y"},
                }
            },
        }
    }
    result = github_auth_settings(config)
    assert result["SOCIAL_AUTH_GITHUB_KEY"] == "prod"
    assert (
        result["SOCIAL_AUTH_GITHUB_AUTHORIZATION_URL"] == "https://github.com/login/oauth/authorize"
    )
    assert result["SOCIAL_AUTH_GITHUB_API_URL"] == "https://api.github.com/"


def test_github_enterprise_moves_all_urls() -> None:
    config = {
        "auth": {
            "providers": {
                "github": {
                    "development": {
                        "clientId": "a",
                        "clientSecret": "b",
                        "enterpriseInstanceUrl": "https://ghe.example.com/",
                    }
                }
            }
        }
    }
    result = github_auth_settings(config)
    assert result["SOCIAL_AUTH_GITHUB_ACCESS_TOKEN_URL"] == (
        "https://ghe.example.com/login/oauth/access_token"
    )
    assert result["SOCIAL_AUTH_GITHUB_API_URL"] == "https://ghe.example.com/api/v3/"


def test_github_auth_without_a_block_for_the_environment_is_an_error() -> None:
    config = {
        "auth": {"providers": {"github": {"production": {"clientId": "a", "clientSecret": "b"}}}}
    }
    with pytest.raises(ConfigError, match="no 'development' block"):
        github_auth_settings(config)
