"""Group E of the security corpus (workspace filesystem): every path a template, a
skeleton, a remote listing or a stored snapshot names stays in the task's workspace.

Dry runs (``POST /v2/dry-run``) carry the cases whose input is text; skeletons with
symlinks come from a template registered from files and run as a task
(``execute_task``), since a dry run's uploaded files cannot be links. Each case checks
the answer and that nothing outside the working directory changed.

====  ===========================================================================
Case  Already covered (not repeated here)
====  ===========================================================================
E1-7  ``child_path`` itself, in ``tests/scaffolder/test_workspace.py``:
      ``test_paths_that_leave_are_refused``, ``test_nul_is_refused``,
      ``test_symlinks_out_of_the_workspace_are_refused_even_in_chains_or_dangling``
====  ===========================================================================

E8: no action extracts archives (there is no ``fetch:archive``/unzip action); the only
tar extraction is the restore of a retried task's workspace snapshot
(``scaffolder.snapshots.restore_snapshot``), tested here with crafted snapshots.
E11: publish sources are tested here for ``publish:git``; ``publish:github`` and its
pull requests read the workspace through the same ``child_path`` and are tested
against a GitHub stand-in in ``tests/scaffolder/test_github_actions.py``.
E12: the only remote-provided file names are a dry run's ``directoryContents``.
"""

from __future__ import annotations

import io
import os
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from scaffolder import snapshots
from scaffolder.execution import execute_task, workspace_path
from scaffolder.models import Task, TaskStatus
from scaffolder.workspace import OUTSIDE
from tests.scaffolder.conftest import dry_run_body, files_of, post_dry_run, template
from tests.scaffolder.security.conftest import completion, create, events, register_template, tree

FETCH = {"id": "fetch", "action": "fetch:template",
         "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}"}}}  # fmt: skip


@pytest.fixture
def before(tmp_path, work, outside):
    """What is outside the working directory before the case runs."""
    return tree(tmp_path)


def _named(api, name: str, **extra):
    """Dry-run a skeleton file whose name renders to ``name``."""
    step = {**FETCH, "input": {**FETCH["input"], **extra}}
    body = dry_run_body(template([step]), {"name": name},
                        {"skeleton/${{ values.name }}": "x", "skeleton/keep.txt": "k"})  # fmt: skip
    return post_dry_run(api, body)


def _error(response, status: int, name: str, message: str | None = None) -> None:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["name"] == name
    if message is not None:
        assert error["message"] == message


# E1 ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../../../etc/cron.d/x", "../../outside/x.py",
                                  "../escaped.py", "a/../../b.py"])
def test_e1_a_rendered_file_name_that_leaves_the_workspace_is_refused(
        api, tmp_path, before, name) -> None:  # fmt: skip
    _error(_named(api, name), 403, "NotAllowedError", OUTSIDE)
    assert tree(tmp_path) == before


# E2 ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["{tmp}/abs.txt", "/etc/cron.d/x", "a//b", ""])
def test_e2_absolute_and_empty_segment_names_are_skipped(api, tmp_path, before, name) -> None:
    response = _named(api, name.format(tmp=tmp_path))
    assert response.status_code == 200, response.content
    assert files_of(response.json()) == {"keep.txt": "k"}  # Backstage skips such paths
    assert tree(tmp_path) == before


@pytest.mark.django_db
def test_e2_nul_in_a_rendered_name_is_refused(api, tmp_path, before) -> None:
    response = _named(api, "a\0b")
    _error(response, 400, "InputError")
    assert "must not contain NUL characters" in response.json()["error"]["message"]
    assert tree(tmp_path) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["C:\\x", "..\\..\\x", "\\\\server\\share\\x"])
def test_e2_backslashes_are_ordinary_characters_inside_the_workspace(
        api, tmp_path, before, name) -> None:  # fmt: skip
    response = _named(api, name)
    assert response.status_code == 200, response.content
    assert files_of(response.json()) == {name: "x", "keep.txt": "k"}  # one file, in place
    assert tree(tmp_path) == before


@pytest.mark.django_db
@pytest.mark.parametrize("replace", [False, True])
def test_e2_a_name_rendering_to_dot_does_not_touch_the_workspace_root(
        api, tmp_path, before, replace) -> None:  # fmt: skip
    response = _named(api, ".", replace=replace)
    assert (response.status_code, response.json().get("error")) == (200, None), response.content
    assert files_of(response.json()) == {"keep.txt": "k"}
    assert tree(tmp_path) == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", [".", "./", "a/.."])
def test_e2_a_single_file_target_naming_the_workspace_itself_stays_harmless(
        api, tmp_path, before, target) -> None:  # fmt: skip
    def run(action: str, **extra):
        step_input = {"url": "./skeleton/a.txt", "targetPath": target, **extra}
        entity = template([{"action": action, "input": step_input}])
        return post_dry_run(api, dry_run_body(entity, files={"skeleton/a.txt": "A"}))

    _error(run("fetch:template:file", replace=True), 400, "InputError",
           "targetPath must name a file in the workspace, not the workspace")  # fmt: skip
    copied = run("fetch:plain:file")  # copied into the workspace directory, as cp does
    assert copied.status_code == 200 and files_of(copied.json()) == {"a.txt": "A"}
    assert tree(tmp_path) == before


@pytest.mark.django_db
def test_e2_a_4096_character_name_fails_cleanly(api, tmp_path, before) -> None:
    response = _named(api, "n" * 4096)
    assert response.status_code == 500, response.content
    error = response.json()["error"]
    assert error["name"] == "OSError" and "File name too long" in error["message"]
    assert tree(tmp_path) == before


# E3 ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("action", ["fetch:plain", "fetch:template", "fetch:plain:file",
                                    "fetch:template:file"])
@pytest.mark.parametrize("target", ["../..", "/", "..", "../outside"])
def test_e3_target_path_outside_the_workspace_is_refused(
        api, tmp_path, before, action, target) -> None:  # fmt: skip
    url = "./skeleton/a.txt" if action.endswith(":file") else "./skeleton"
    entity = template([{"action": action, "input": {"url": url, "targetPath": target}}])
    response = post_dry_run(api, dry_run_body(entity, files={"skeleton/a.txt": "A"}))
    _error(response, 403, "NotAllowedError", OUTSIDE)
    assert tree(tmp_path) == before


# E4 - E7 with symlinks (tasks) -------------------------------------------------------
def _run(client, files, name, steps, links, skeleton=None, values=None):
    ref = register_template(files, name, steps, skeleton or {"skeleton/ok.txt": "ok"}, links)
    task_id = create(client, ref, values)
    return task_id, execute_task(task_id)


def _logged(task_id: str) -> str:
    return "\n".join(str(e) for e in events(task_id))


@pytest.mark.django_db(transaction=True)
def test_e4_a_skeleton_symlink_to_a_secret_is_never_followed(
        alice, files, queued, tmp_path, before, outside) -> None:  # fmt: skip
    secret = outside / "secret.txt"
    steps = [FETCH,
             {"id": "list", "action": "debug:log", "input": {"listWorkspace": "with-contents"}},
             {"id": "copy", "action": "fetch:plain:file",
              "input": {"url": "./skeleton/evil", "targetPath": "copied.txt"}}]  # fmt: skip
    task_id, status = _run(alice, files, "e4", steps, {"skeleton/evil": str(secret)},
                           values={"name": "n"})  # fmt: skip
    assert status == TaskStatus.FAILED
    assert completion(task_id)["error"] == {"name": "NotAllowedError", "message": OUTSIDE}
    logged = _logged(task_id)
    assert "  - evil" in logged  # listed as a link, its contents never read
    assert "OUTSIDE-SECRET" not in logged
    assert tree(tmp_path) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("step", "through"), [
    ({"action": "fetch:template:file", "input": {"url": "./skeleton/ok.txt",
                                                 "targetPath": "dangling"}}, "dangling"),
    ({"action": "fetch:plain:file", "input": {"url": "./skeleton/ok.txt",
                                              "targetPath": "l1"}}, "l1"),
    ({"action": "catalog:write", "input": {"filePath": "dangling",
                                           "entity": {"kind": "Component"}}}, "dangling"),
    ({"action": "fs:rename", "input": {"files": [{"from": "ok.txt", "to": "dangling",
                                                  "overwrite": True}]}}, "dangling"),
    ({"action": "fs:rename", "input": {"files": [{"from": "l1", "to": "kept"}]}}, "l1"),
])  # fmt: skip
def test_e5_chains_and_dangling_links_out_are_refused_at_use(
        alice, files, queued, tmp_path, before, outside, step, through) -> None:  # fmt: skip
    links = {"skeleton/l1": "l2", "skeleton/l2": str(outside / "secret.txt"),
             "skeleton/dangling": str(outside / "newfile")}  # fmt: skip
    task_id, status = _run(alice, files, "e5", [FETCH, {"id": "use", **step}], links,
                           values={"name": "n"})  # fmt: skip
    assert status == TaskStatus.FAILED, _logged(task_id)
    assert completion(task_id)["error"]["name"] == "NotAllowedError"
    assert not (outside / "newfile").exists()
    assert tree(tmp_path) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", [
    {"action": "fetch:template", "input": {"url": "./skeleton2"}},
    {"action": "fetch:plain", "input": {"url": "./skeleton2"}},
    {"action": "fetch:template", "input": {"url": "./skeleton3", "targetPath": "sub/etc"}},
    {"action": "fetch:plain:file", "input": {"url": "./skeleton3/x", "targetPath": "sub/etc/x"}},
])  # fmt: skip
def test_e6_a_workspace_directory_linked_outside_is_refused_as_a_parent(
        alice, files, queued, tmp_path, before, outside, second) -> None:  # fmt: skip
    first = {"id": "plant", "action": "fetch:plain", "input": {"url": "./skeleton"}}
    skeleton = {"skeleton/ok.txt": "ok", "skeleton2/sub/etc/x": "X", "skeleton3/x": "X"}
    task_id, status = _run(alice, files, "e6", [first, {"id": "write", **second}],
                           {"skeleton/sub": str(outside)}, skeleton)  # fmt: skip
    assert status == TaskStatus.FAILED, _logged(task_id)
    assert completion(task_id)["error"]["name"] in ("NotAllowedError",)
    assert tree(tmp_path) == before


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", ["../../important", "../*", "/**", "../../**/*"])
def test_e7_fs_delete_outside_the_workspace_is_refused(api, tmp_path, before, pattern) -> None:
    (tmp_path / "important").write_text("keep me")
    entity = template([{"action": "fetch:plain", "input": {"url": "./skeleton"}},
                       {"action": "fs:delete", "input": {"files": [pattern]}}])  # fmt: skip
    response = post_dry_run(api, dry_run_body(entity, files={"skeleton/a.txt": "A"}))
    _error(response, 403, "NotAllowedError", OUTSIDE)
    assert (tmp_path / "important").read_text() == "keep me"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pattern", ["evil", "**", "**/*", "dir-link/secret.txt"])
def test_e7_fs_delete_never_removes_what_a_link_points_to(
        alice, files, queued, tmp_path, before, outside, pattern) -> None:  # fmt: skip
    steps = [{"id": "plant", "action": "fetch:plain", "input": {"url": "./skeleton"}},
             {"id": "delete", "action": "fs:delete", "input": {"files": [pattern]}}]
    links = {"skeleton/evil": str(outside / "secret.txt"), "skeleton/dir-link": str(outside)}
    task_id, status = _run(alice, files, "e7", steps, links)
    assert (outside / "secret.txt").read_text() == "OUTSIDE-SECRET"
    assert tree(tmp_path) == before
    if status == TaskStatus.FAILED:
        assert completion(task_id)["error"]["name"] == "NotAllowedError"


# E8 (the only extraction: a snapshot restore) ------------------------------------------
@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "storage")}}}  # fmt: skip
    return tmp_path / "storage"


def _member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"",
            link: str = "") -> tuple[tarfile.TarInfo, bytes]:  # fmt: skip
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname, info.mode = kind, len(data), link, 0o4755
    if kind != tarfile.REGTYPE:
        info.size = 0
    return info, data


def _snapshot(members) -> str:
    task_id = str(uuid.uuid4())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    default_storage.save(f"scaffolder/workspaces/{task_id}.tar", ContentFile(buffer.getvalue()))
    return task_id


@pytest.fixture
def restore_into(tmp_path, storage, outside):
    workspace = tmp_path / "work" / "ws"
    workspace.mkdir(parents=True)

    def restore(members) -> dict[str, str]:
        snapshots.restore_snapshot(_snapshot(members), workspace)
        return tree(workspace)

    return restore


def test_e8_snapshot_members_that_leave_the_workspace_are_skipped(
        restore_into, tmp_path, outside) -> None:  # fmt: skip
    before = tree(tmp_path)
    restored = restore_into([
        _member("ok.txt", data=b"ok"),
        _member("../escaped.txt", data=b"x"),
        _member("../../outside/secret.txt", data=b"overwritten"),
        _member(str(tmp_path / "abs.txt"), data=b"x"),
        _member("/abs-root.txt", data=b"x"),
        _member("root", tarfile.SYMTYPE, link="/"),
        _member("root" + str(outside / "secret.txt"), data=b"through the link"),
        _member("out", tarfile.SYMTYPE, link=str(outside)),
        _member("out/new.txt", data=b"through the link"),
        _member("up", tarfile.SYMTYPE, link="../../outside"),
        _member("up/new.txt", data=b"through the link"),
        _member("hard", tarfile.LNKTYPE, link=str(outside / "secret.txt")),
        _member("hard2", tarfile.LNKTYPE, link="../../outside/secret.txt"),
        _member("dev", tarfile.CHRTYPE),
        _member("blk", tarfile.BLKTYPE),
        _member("fifo", tarfile.FIFOTYPE),
        _member("dir/inner.txt", data=b"inner"),
        _member("inside-link", tarfile.SYMTYPE, link="dir/inner.txt"),
    ])
    assert restored == {"ok.txt": "ok", "dir": "/", "dir/inner.txt": "inner",
                        "inside-link": "-> dir/inner.txt"}  # fmt: skip
    assert (outside / "secret.txt").read_text() == "OUTSIDE-SECRET"
    assert tree(tmp_path) == before
    assert not os.stat(tmp_path / "work" / "ws" / "ok.txt").st_mode & 0o7000  # no setuid


def test_e8_snapshots_with_too_many_entries_or_bytes_are_not_restored(
        restore_into, monkeypatch) -> None:  # fmt: skip
    monkeypatch.setattr(snapshots, "MAX_SNAPSHOT_ENTRIES", 10)
    assert restore_into([_member(f"f{n}", data=b"x") for n in range(11)]) == {}
    monkeypatch.setattr(snapshots, "MAX_SNAPSHOT_BYTES", 1000)
    assert restore_into([_member("big", data=b"x" * 1001)]) == {}
    assert restore_into([_member("small", data=b"x" * 10)]) == {"small": "x" * 10}


# E9, E10 -------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["../../../../", "..", "./skeleton/../../", "../work"])
def test_e9_relative_urls_stay_in_the_template_directory(api, tmp_path, before, url) -> None:
    for action in ("fetch:plain", "fetch:template"):
        entity = template([{"action": action, "input": {"url": url}}])
        response = post_dry_run(api, dry_run_body(entity, files={"skeleton/a.txt": "A"}))
        _error(response, 403, "NotAllowedError", OUTSIDE)
    assert tree(tmp_path) == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["file:///etc", "file:///etc/passwd", "http://169.254.169.254/",
                                 "https://example.com/skeleton", "FILE:///etc"])
def test_e10_absolute_urls_are_refused_before_any_read(api, monkeypatch, url) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("no connection may be attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    for action in ("fetch:plain", "fetch:template", "fetch:plain:file"):
        step_input = {"url": url, **({"targetPath": "x"} if action.endswith(":file") else {})}
        entity = template([{"action": action, "input": step_input}])
        response = post_dry_run(api, dry_run_body(entity))
        _error(response, 400, "InputError")
        assert "is not supported" in response.json()["error"]["message"]
        assert "root:" not in response.content.decode()


# E11 -----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("source", ["../../", "/", "..", "config-link", "config-link/sub"])
def test_e11_publish_source_path_stays_in_the_workspace(
        alice, files, queued, settings, tmp_path, before, source) -> None:  # fmt: skip
    settings.SCAFFOLDER_GIT_ROOT = tmp_path / "git"
    config_dir = tmp_path / "config"
    (config_dir / "sub").mkdir(parents=True)
    (config_dir / "app-config.yaml").write_text("secret: CONFIG-SECRET")
    steps = [{"id": "plant", "action": "fetch:plain", "input": {"url": "./skeleton"}},
             {"id": "publish", "action": "publish:git",
              "input": {"remoteUrl": (tmp_path / "git" / "svc.git").as_uri(),
                        "sourcePath": source}}]  # fmt: skip
    task_id, status = _run(alice, files, "e11", steps, {"skeleton/config-link": str(config_dir)})
    assert status == TaskStatus.FAILED
    assert completion(task_id)["error"] == {"name": "NotAllowedError", "message": OUTSIDE}
    assert not (tmp_path / "git").exists()  # nothing was pushed anywhere
    assert "CONFIG-SECRET" not in _logged(task_id)


# E12 -----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["../x", "../../outside/secret.txt", "/tmp/x", "a/../../x"])
def test_e12_remote_provided_file_names_are_checked_like_user_input(
        api, tmp_path, before, outside, path) -> None:  # fmt: skip
    body = dry_run_body(template([{"action": "debug:log", "input": {"message": "m"}}]),
                        files={path.replace("/tmp/x", str(tmp_path / "abs")): "INJECTED"})
    _error(post_dry_run(api, body), 403, "NotAllowedError", OUTSIDE)
    assert tree(tmp_path) == before


# E13 -----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_e13_each_task_has_its_own_workspace_and_ids_are_uuids(
        alice, files, queued, work, tmp_path, before) -> None:  # fmt: skip
    steps = [{"id": "list", "action": "debug:log", "input": {"listWorkspace": True}},
             {"id": "write", "action": "fetch:plain", "input": {"url": "./skeleton"}}]
    ref = register_template(files, "e13", steps, {"skeleton/${{ x }}.txt": "x"})
    first, second = create(alice, ref), create(alice, ref)
    assert workspace_path(first) != workspace_path(second)
    assert execute_task(first) == execute_task(second) == TaskStatus.COMPLETED
    second_list = next(e["message"] for e in events(second) if "Workspace:" in e["message"])
    assert ".txt" not in second_list  # the first task's file is not in the second's
    for bad in ("../other", "..%2Fother", str(work), "not-a-uuid"):
        assert alice.get(f"/api/scaffolder/v2/tasks/{bad}").status_code == 404
    with pytest.raises(Exception, match="UUID"):
        execute_task("../other")
    assert Task.objects.count() == 2
    assert tree(tmp_path) == before
