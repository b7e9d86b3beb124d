"""``manage.py catalog``: validate for CI, register, refresh, errors, export, unregister."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Entity, Location
from tests.catalog.conftest import ORG, SERVICE

pytestmark = pytest.mark.django_db


def run(capsys, *args: str) -> str:
    call_command("catalog", *args)
    return capsys.readouterr().out


def test_validate_accepts_a_valid_file(files, capsys) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    assert run(capsys, "validate", str(path)).strip() == "7 entities, no problems"
    assert not Entity.objects.exists()


def test_validate_prints_one_line_per_problem_and_exits_1(files, capsys) -> None:
    broken = SERVICE.replace(
        "  lifecycle: production\n  owner: team-a\n  system: shop", "  owner: x"
    )
    broken = broken.replace("name: orders-db", "name: Orders DB")
    path = files.write("catalog-info.yaml", broken)
    with pytest.raises(SystemExit) as exited:
        call_command("catalog", "validate", str(path))
    assert exited.value.code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"file:{path}:0:spec.lifecycle: ")
    assert lines[1].startswith(f"file:{path}:3:metadata.name: ")


def test_validate_reports_unparseable_files(files, capsys) -> None:
    path = files.write("catalog-info.yaml", "kind: [oops\n")
    with pytest.raises(SystemExit):
        call_command("catalog", "validate", str(path))
    assert "malformed YAML" in capsys.readouterr().out or "YAML" in capsys.readouterr().out


def test_register_refresh_errors_export_unregister(files, capsys) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    out = run(capsys, "register", str(path))
    assert "Registered file:" in out and "8 added" in out
    out = run(capsys, "refresh", "--all")
    assert "0 added, 0 updated, 8 unchanged" in out
    exported = json.loads(run(capsys, "export"))
    assert {e["metadata"]["name"] for e in exported} >= {"checkout", "team-a", "alice"}
    assert all("relations" in e and "uid" in e["metadata"] for e in exported)
    path.write_text("kind: [oops\n")
    run(capsys, "refresh", f"file:{path}")
    errors = run(capsys, "errors")
    assert f"file:{path}" in errors and "YAML" in errors
    out = run(capsys, "unregister", f"file:{path}")
    assert "removed 8 entities" in out
    assert not Entity.objects.exists() and not Location.objects.exists()


def test_refresh_of_an_unknown_location_is_a_clear_error(files) -> None:
    with pytest.raises(CommandError, match="no registered location"):
        call_command("catalog", "refresh", "file:/nope.yaml")


def test_registering_twice_is_refused(files, capsys) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    run(capsys, "register", str(path))
    with pytest.raises(CommandError, match="already exists"):
        call_command("catalog", "register", str(path))


def test_validate_checks_every_file_when_one_is_missing(files, capsys) -> None:
    good = files.write("catalog-info.yaml", SERVICE)
    broken = files.write("broken.yaml", SERVICE.replace("  owner: team-a\n", "", 1))
    missing = files.root / "nope.yaml"
    with pytest.raises(SystemExit) as exited:
        call_command("catalog", "validate", str(missing), str(good), str(broken))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert f"file:{missing}: no such file" in out
    assert f"file:{broken}:0:spec.owner" in out or f"file:{broken}:0:spec" in out


def test_register_refuses_what_the_register_page_refuses(files, capsys, tmp_path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(SERVICE)
    with pytest.raises(CommandError, match=r"catalog\.readableDirectories"):
        call_command("catalog", "register", str(outside))
    yaml_path = files.write("bad.yaml", 'metadata:\n  name: "oops\nkind: Component\n')
    with pytest.raises(CommandError, match=r"line 2, column 9: malformed YAML"):
        call_command("catalog", "register", str(yaml_path))
    ownerless = files.write("ownerless.yaml", SERVICE.split("---")[0].replace(
        "  owner: team-a\n", "", 1))  # fmt: skip
    with pytest.raises(CommandError, match=r"Nothing in .* can be imported"):
        call_command("catalog", "register", str(ownerless))
    assert not Location.objects.exists()
    out = run(capsys, "register", "--keep-broken", str(ownerless))
    assert "Registered" in out and Location.objects.count() == 1
