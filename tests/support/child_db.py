"""Read a child process's database directly, without Django, to check what it did."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg


def fetch_one(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Run one query (``?`` placeholders) on a SQLite or PostgreSQL URL."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as conn:
            return conn.execute(sql, params).fetchone()
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql.replace("?", "%s"), params).fetchone()
