"""``publish:git``: the workspace pushed to a bare repository under the scaffolder's git
root, checked with real git, registered in the catalog; and the git publish security
cases (security.md group F) and E11, retries and cancellation."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from catalog import services
from catalog.models import Location
from scaffolder import git_cli
from scaffolder.actions import TemplateInfo
from scaffolder.errors import ConflictError, InputError, NotAllowedError, TaskCancelled
from scaffolder.runner import Run, RunSpec, with_step_defaults
from tests.support.github_standin import TOKEN as GITHUB_TOKEN
from tests.support.github_standin import github_standin

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: svc}
spec: {type: service, lifecycle: experimental, owner: team-a}
"""
REAL_GIT = shutil.which("git")


@pytest.fixture
def root(tmp_path, settings) -> Path:
    """The scaffolder's git root for this test."""
    settings.SCAFFOLDER_GIT_ROOT = tmp_path / "var" / "git"
    return settings.SCAFFOLDER_GIT_ROOT


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A workspace like a fetched skeleton: a catalog file, a script, a symlink, a
    subdirectory and an ignored file."""
    work = tmp_path / "work"
    (work / "src").mkdir(parents=True)
    (work / "catalog-info.yaml").write_text(COMPONENT)
    (work / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (work / "run.sh").chmod(0o755)
    (work / "src" / "app.py").write_text("print('hi')\n")
    (work / "link").symlink_to("src/app.py")
    (work / ".gitignore").write_text("*.log\n")
    (work / "debug.log").write_text("noise\n")
    return work


@pytest.fixture
def commands(monkeypatch) -> list[tuple[list[str], dict[str, str]]]:
    """Every command line (and environment) the git runner starts."""
    seen: list[tuple[list[str], dict[str, str]]] = []
    real = subprocess.Popen

    def spy(args, **kwargs):
        seen.append((list(args), dict(kwargs.get("env") or {})))
        return real(args, **kwargs)

    monkeypatch.setattr(git_cli.subprocess, "Popen", spy)
    return seen


def fake_git(tmp_path: Path, monkeypatch, network: str) -> None:
    """Put a ``git`` first on PATH that runs ``network`` (shell) for ls-remote and push
    and the real git for everything else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do case "$a" in ls-remote|push) {network};; '
                      f'esac; done\nexec {REAL_GIT} "$@"\n')  # fmt: skip
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def run(work: Path, inputs: dict[str, Any], *, extra: list[dict] | None = None,
        secrets: dict[str, str] | None = None, checkpoints: dict | None = None,
        stop: threading.Event | None = None) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """Run publish:git (then ``extra`` steps); the step outputs and the log lines."""
    log: list[str] = []
    steps = with_step_defaults([{"id": "publish", "action": "publish:git", "input": inputs},
                                *(extra or [])])  # fmt: skip
    template = TemplateInfo("template:default/t", "file:///t/template.yaml")
    spec = RunSpec(steps=steps, parameters={}, template=template)
    runner = Run(spec=spec, workspace=work, emit=lambda entry: log.append(entry["message"]),
                 secrets=secrets or {}, checkpoints={} if checkpoints is None else checkpoints,
                 stop=stop or threading.Event())  # fmt: skip
    runner.execute()
    return runner.step_outputs, log


def git(*args: str) -> str:
    return subprocess.run([REAL_GIT, *args], check=True, capture_output=True, text=True).stdout


def remote_head(bare: Path) -> str | None:
    answer = subprocess.run([REAL_GIT, f"--git-dir={bare}", "rev-parse", "--verify", "-q",
                             "refs/heads/main"], capture_output=True, text=True)  # fmt: skip
    return answer.stdout.strip() or None


@pytest.mark.django_db
def test_publish_pushes_the_tree_and_catalog_register_reads_it(root, workspace) -> None:
    remote = (root / "acme" / "svc.git").as_uri()
    contents = "${{ steps.publish.output.repoContentsUrl }}"
    register = {"id": "register", "action": "catalog:register",
                "input": {"repoContentsUrl": contents}}  # fmt: skip
    outputs, log = run(workspace, {"remoteUrl": remote}, extra=[register])
    bare = root / "acme" / "svc.git"
    published = outputs["publish"]["output"]
    sha = published["commitHash"]
    assert published == {"remoteUrl": remote, "repoContentsUrl": f"{remote}#main",
                         "commitHash": sha}  # fmt: skip
    assert remote_head(bare) == sha
    listing = git(f"--git-dir={bare}", "ls-tree", "-r", "main").splitlines()
    modes = {line.split("\t")[1]: line.split()[0] for line in listing}
    assert modes == {".gitignore": "100644", "catalog-info.yaml": "100644", "link": "120000",
                     "run.sh": "100755", "src/app.py": "100644"}  # fmt: skip
    assert git(f"--git-dir={bare}", "show", "main:link") == "src/app.py"
    assert git(f"--git-dir={bare}", "show", "main:catalog-info.yaml") == COMPONENT
    assert git(f"--git-dir={bare}", "log", "--format=%an <%ae> %s", "main") == (
        "Scaffolder <scaffolder@backstage.io> initial commit\n")  # fmt: skip
    assert any(f"Pushing to {remote}" in line for line in log)
    assert any(f"Published 5 files at {sha}" in line for line in log)
    target = f"{remote}#main:catalog-info.yaml"
    assert outputs["register"]["output"] == {"entityRef": "component:default/svc",
                                             "catalogInfoUrl": target}  # fmt: skip
    assert Location.objects.filter(type="git", target=target).exists()
    assert services.get_entity("component:default/svc")["spec"]["owner"] == "team-a"


def test_source_path_branch_and_author(root, workspace) -> None:
    remote = (root / "svc.git").as_uri()
    outputs, _ = run(workspace, {
        "remoteUrl": remote, "sourcePath": "src", "defaultBranch": "trunk",
        "gitCommitMessage": "first", "gitAuthorName": "Ann", "gitAuthorEmail": "ann@example.com",
    })  # fmt: skip
    bare = root / "svc.git"
    assert outputs["publish"]["output"]["repoContentsUrl"] == f"{remote}#trunk"
    assert git(f"--git-dir={bare}", "ls-tree", "-r", "--name-only", "trunk") == "app.py\n"
    assert git(f"--git-dir={bare}", "log", "--format=%an <%ae> %s", "trunk") == (
        "Ann <ann@example.com> first\n")  # fmt: skip


def test_f1_a_skeleton_git_directory_is_neither_used_nor_pushed(tmp_path, root,
                                                                workspace) -> None:  # fmt: skip
    marker = tmp_path / "pwned"
    evil = f"#!/bin/sh\ntouch {marker}\n"
    hooks = tmp_path / "evil-hooks"
    hooks.mkdir()
    dot_git = workspace / ".git"
    (dot_git / "hooks").mkdir(parents=True)
    for directory in (hooks, dot_git / "hooks"):
        for hook in ("pre-commit", "pre-push", "pre-receive", "post-update"):
            (directory / hook).write_text(evil)
            (directory / hook).chmod(0o755)
    (dot_git / "HEAD").write_text("ref: refs/heads/main\n")
    (dot_git / "config").write_text(
        f"[core]\n\thooksPath = {hooks}\n\tfsmonitor = touch {marker}\n"
        f"[credential]\n\thelper = \"!touch {marker}\"\n"
        f"[url \"file:///nowhere/\"]\n\tinsteadOf = file://\n")  # fmt: skip
    (workspace / "src" / ".git").write_text("gitdir: ../../elsewhere\n")
    remote = (root / "svc.git").as_uri()
    run(workspace, {"remoteUrl": remote})
    names = git(f"--git-dir={root / 'svc.git'}", "ls-tree", "-r", "--name-only", "main")
    assert names.split() == [".gitignore", "catalog-info.yaml", "link", "run.sh", "src/app.py"]
    assert not marker.exists()


def test_f2_gitattributes_filters_never_run_and_contents_stay_as_they_are(
    tmp_path, root, workspace
) -> None:
    marker = tmp_path / "pwned"
    (workspace / ".gitattributes").write_text("* filter=evil\n*.txt text eol=lf\n")
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text(f'[filter "evil"]\n\tclean = touch {marker}\n')
    (workspace / "notes.txt").write_bytes(b"a\r\nb\r\n")
    run(workspace, {"remoteUrl": (root / "svc.git").as_uri()})
    blob = subprocess.run([REAL_GIT, f"--git-dir={root / 'svc.git'}", "show", "main:notes.txt"],
                          check=True, capture_output=True).stdout  # fmt: skip
    assert blob == b"a\r\nb\r\n"
    assert not marker.exists()


def test_odd_file_names_are_published_as_they_are(root, workspace) -> None:
    """A newline in a name must not make git read another path (here /etc/hostname)."""
    odd = workspace / "odd\n" / "etc"
    odd.mkdir(parents=True)
    (odd / "hostname").write_text("mine\n")
    (workspace / 'q"uo\\te ü.txt').write_text("q\n")
    run(workspace, {"remoteUrl": (root / "svc.git").as_uri()})
    bare = f"--git-dir={root / 'svc.git'}"
    names = git(bare, "ls-tree", "-r", "-z", "--name-only", "main").split("\0")
    assert "odd\n/etc/hostname" in names and 'q"uo\\te ü.txt' in names
    assert git(bare, "cat-file", "blob", "main:odd\n/etc/hostname") == "mine\n"


@pytest.mark.parametrize(("url", "error"), [
    ("ext::sh -c id", InputError),
    ("ext::sh", InputError),
    ("--upload-pack=touch /tmp/x", InputError),
    ("file:///etc/x.git", NotAllowedError),
    ("ssh://git@git.example.com/acme/svc.git", NotAllowedError),
    ("git@git.example.com:acme/svc.git", NotAllowedError),
    ("git://git.example.com/acme/svc.git", NotAllowedError),
    ("https://git.not-allowed.example/acme/svc.git", NotAllowedError),
    ("file://host/srv/svc.git", InputError),
])  # fmt: skip
def test_f3_remotes_are_refused_before_any_git_runs(root, workspace, commands, url,
                                                    error) -> None:  # fmt: skip
    with pytest.raises(error):
        run(workspace, {"remoteUrl": url})
    assert commands == []


def test_f3_a_file_remote_must_be_inside_the_root_itself(tmp_path, root, workspace,
                                                         commands) -> None:  # fmt: skip
    root.mkdir(parents=True)
    (root / "out").symlink_to(tmp_path)
    for remote in (root.as_uri(), (root / "out" / "x.git").as_uri(),
                   f"file://{root}/../x.git"):  # fmt: skip
        with pytest.raises(NotAllowedError, match="must be inside"):
            run(workspace, {"remoteUrl": remote})
    assert commands == []


def test_credentials_in_the_url_are_refused_without_echoing_them(root, workspace) -> None:
    with pytest.raises(InputError, match="must not contain credentials") as caught:
        run(workspace, {"remoteUrl": "https://x-access-token:ghp_secret@git.example.com/a.git"})
    assert "ghp_secret" not in str(caught.value)


def test_f6_the_token_is_sent_as_a_header_never_in_argv_or_logs(
    tmp_path, root, workspace, settings, monkeypatch, commands
) -> None:
    reading = {"reading": {"allow": [{"host": "git.example.com"}]}}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": reading}
    resolve(monkeypatch, "git.example.com", "93.184.216.34")
    seen = tmp_path / "header"
    fake_git(tmp_path, monkeypatch, f'echo "$GIT_CONFIG_VALUE_0" >> {seen}; exit 0')
    token = "s3cr3t-token"
    remote = "https://git.example.com/acme/svc.git"
    outputs, log = run(workspace, {"remoteUrl": remote, "token": "${{ secrets.token }}"},
                       secrets={"token": token})  # fmt: skip
    assert outputs["publish"]["output"]["repoContentsUrl"] == f"{remote}#main"
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert seen.read_text().splitlines() == [f"Authorization: Basic {basic}"] * 2
    assert all(token not in arg and basic not in arg for argv, _ in commands for arg in argv)
    with_header = [argv for argv, env in commands if basic in env.get("GIT_CONFIG_VALUE_0", "")]
    assert [next(a for a in argv if a in ("ls-remote", "push")) for argv in with_header] == [
        "ls-remote", "push"]  # fmt: skip
    assert not any(token in line or basic in line for line in log)
    assert any(f"Pushing to {remote}" in line for line in log)


def resolve(monkeypatch, host: str, address: str) -> None:
    """Make this process (not git) resolve ``host`` to ``address``."""
    real = socket.getaddrinfo

    def fake(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_an_https_push_goes_to_the_address_that_was_checked(
    tmp_path, root, workspace, settings, monkeypatch, commands
) -> None:
    """git is handed the address the policy checked (``http.curloptResolve``) and told
    not to follow redirects, so a DNS answer that changes between the check and the
    push (rebinding) cannot send it to a private address. Here only this process can
    resolve the name at all: the push lands only because git connects where it was
    pinned."""
    with github_standin(tmp_path / "github") as gh:
        gh.create("acme-corp", "svc")
        port = gh.url.rsplit(":", 1)[1]
        host = "git.pinned.test"
        reading = {"reading": {"allow": [{"host": f"{host}:{port}"}],
                               "allowPrivateHosts": [f"{host}:{port}"]}}  # fmt: skip
        settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": reading}
        resolve(monkeypatch, host, "127.0.0.1")
        remote = f"http://{host}:{port}/acme-corp/svc.git"
        outputs, _ = run(workspace, {"remoteUrl": remote, "token": GITHUB_TOKEN})
        assert gh.git("acme-corp", "svc", "rev-parse", "main").strip() == (
            outputs["publish"]["output"]["commitHash"])  # fmt: skip
    pushes = [argv for argv, _ in commands if "push" in argv]
    assert pushes and all(f"http.curloptResolve={host}:{port}:127.0.0.1" in argv
                          and "http.followRedirects=false" in argv for argv in pushes)  # fmt: skip


def test_f7_an_existing_branch_with_commits_is_a_conflict_and_left_alone(root, workspace):
    remote = (root / "svc.git").as_uri()
    run(workspace, {"remoteUrl": remote})
    before = remote_head(root / "svc.git")
    (workspace / "catalog-info.yaml").write_text(COMPONENT.replace("svc", "other"))
    with pytest.raises(ConflictError, match="already exists and has commits; choose another"):
        run(workspace, {"remoteUrl": remote})
    assert remote_head(root / "svc.git") == before
    assert git(f"--git-dir={root / 'svc.git'}", "rev-list", "--count", "main") == "1\n"


@pytest.mark.parametrize("source", ["../..", "/", "out", "out/sub"])
def test_e11_source_path_may_not_leave_the_workspace(tmp_path, root, workspace, commands,
                                                     source) -> None:  # fmt: skip
    (workspace / "out").symlink_to(tmp_path)
    with pytest.raises(NotAllowedError):
        run(workspace, {"remoteUrl": (root / "svc.git").as_uri(), "sourcePath": source})
    assert commands == []


def test_a_retry_neither_commits_nor_pushes_again_and_adopts_its_own_push(
    root, workspace, commands
) -> None:
    remote = (root / "svc.git").as_uri()
    checkpoints: dict = {}
    first, _ = run(workspace, {"remoteUrl": remote}, checkpoints=checkpoints)
    pushes = sum("push" in argv for argv, _ in commands)
    again, _ = run(workspace, {"remoteUrl": remote}, checkpoints=checkpoints)
    assert again == first
    assert sum("push" in argv for argv, _ in commands) == pushes == 1
    assert git(f"--git-dir={root / 'svc.git'}", "rev-list", "--count", "main") == "1\n"
    # Pushed, but the attempt died before its checkpoint was kept: the same commit is
    # built again (the commit date is a checkpoint) and found on the remote.
    del checkpoints["v1.task.checkpoint.publish.publish"]
    adopted, log = run(workspace, {"remoteUrl": remote}, checkpoints=checkpoints)
    assert adopted == first
    assert sum("push" in argv for argv, _ in commands) == 1
    assert any("adopting it" in line for line in log)


def test_cancelling_kills_a_slow_push(tmp_path, root, workspace, monkeypatch) -> None:
    started = tmp_path / "pushing"
    fake_git(tmp_path, monkeypatch,
             f'if [ "$a" = push ]; then touch {started}; exec sleep 30; fi')  # fmt: skip
    stop = threading.Event()
    failure: list[BaseException] = []

    def publish() -> None:
        try:
            run(workspace, {"remoteUrl": (root / "svc.git").as_uri()}, stop=stop)
        except BaseException as exc:  # handed to the test thread
            failure.append(exc)

    thread = threading.Thread(target=publish)
    thread.start()
    deadline = time.monotonic() + 3
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started.exists()
    cancelled_at = time.monotonic()
    stop.set()
    thread.join(timeout=3)
    assert not thread.is_alive() and time.monotonic() - cancelled_at < 1.5
    assert isinstance(failure[0], TaskCancelled)
    assert str(failure[0]) == "Step publish:git has been cancelled."
    assert remote_head(root / "svc.git") is None
