"""The build reports each file as mkdocs writes it, so the portal uploads and
processes pages while the build goes on: every page is reported before the build
ends, nothing outside the site is, a log line cannot pose as a report, and a build
that writes more than it may is stopped while it runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from techdocs.generate.pipeline import generate
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.generate.sandbox import FILE_NOTICE, BuildLimits, _ChildOutput
from techdocs.importing import VersionReader
from techdocs.models import DocsSite
from tests.support.docs_sites import write_site


def test_every_page_is_reported_while_the_build_runs(tmp_path: Path) -> None:
    source, out = write_site(tmp_path / "repo", pages=30), tmp_path / "site"
    reported: list[tuple[str, float]] = []
    metadata = generate(source, out, site_name="Handbook",
                        on_file=lambda name: reported.append((name, time.monotonic())))
    finished = time.monotonic()
    names = [name for name, _ in reported]
    pages = {name for name in metadata["files"] if name.endswith(".html")}
    assert pages <= set(names)
    assert set(names) <= set(metadata["files"])
    assert all((out / name).is_file() for name in names)
    first_page = min(at for name, at in reported if name.endswith("index.html"))
    assert first_page < finished


def _output(tmp_path: Path, limits: BuildLimits | None = None):
    site = tmp_path / "site"
    site.mkdir()
    logged: list[tuple[str, str]] = []
    files: list[str] = []
    output = _ChildOutput(site, limits or BuildLimits(), lambda *line: logged.append(line),
                          files.append)  # fmt: skip
    return site, output, logged, files


def test_a_log_line_cannot_pose_as_a_file_report(tmp_path: Path) -> None:
    site, output, logged, files = _output(tmp_path)
    (site / "index.html").write_text("<h1>x</h1>")
    output(f"INFO - {FILE_NOTICE} index.html")
    output(f"{FILE_NOTICE}-0000000000000000 index.html")
    assert files == [] and len(logged) == 2
    output(f"{output.notice}index.html")
    assert files == ["index.html"]


def test_reports_of_files_outside_the_site_are_ignored(tmp_path: Path) -> None:
    site, output, _logged, files = _output(tmp_path)
    (tmp_path / "secret.txt").write_text("token")
    (site / "link.html").symlink_to(tmp_path / "secret.txt")
    for name in ("../secret.txt", "/etc/passwd", "missing.html"):
        output(f"{output.notice}{name}")
    assert files == []


def test_a_build_writing_too_much_is_stopped_as_it_writes(tmp_path: Path) -> None:
    site, output, _logged, files = _output(tmp_path, BuildLimits(max_output_files=3))
    for index in range(3):
        (site / f"p{index}.html").write_text("x")
        output(f"{output.notice}p{index}.html")
    (site / "p3.html").write_text("x")
    with pytest.raises(DocsProblem) as raised:
        output(f"{output.notice}p3.html")
    assert raised.value.kind == ProblemKind.TOO_LARGE
    assert files == ["p0.html", "p1.html", "p2.html"]


def test_the_limit_stops_a_real_build_early(tmp_path: Path) -> None:
    source = write_site(tmp_path / "repo", pages=60)
    with pytest.raises(DocsProblem) as raised:
        generate(source, tmp_path / "site", site_name="Handbook",
                 limits=BuildLimits(max_output_files=20), on_file=lambda _name: None)
    assert raised.value.kind == ProblemKind.TOO_LARGE
    assert "more than a docs build may write" in raised.value.message


def _page(title: str) -> str:
    return ("<html><body><article class='md-content__inner md-typeset'>"
            f"<h1>{title}</h1><p>Text</p></article></body></html>")  # fmt: skip


@pytest.mark.django_db
def test_a_page_rewritten_after_it_was_processed_is_processed_again(tmp_path: Path) -> None:
    site = DocsSite.objects.create(namespace="default", kind="component", name="x",
                                   entity_ref="component:default/x")  # fmt: skip
    out = tmp_path / "site"
    (out / "guide").mkdir(parents=True)
    (out / "index.html").write_text(_page("Old home"))
    (out / "guide" / "index.html").write_text(_page("Guide"))
    reader = VersionReader(site, 1700000000000, out)
    reader.add("index.html")
    reader.add("guide/index.html")
    (out / "index.html").write_text(_page("Home, rewritten by a plugin"))
    os.utime(out / "index.html", ns=(1, 1))
    (out / "late").mkdir()
    (out / "late" / "index.html").write_text(_page("Written without a report"))
    files = ["index.html", "guide/index.html", "late/index.html"]
    version = reader.finish({}, files, lambda name: (out / name).read_bytes())
    assert {page.path: page.title for page in version.pages} == {
        "": "Home, rewritten by a plugin", "guide/": "Guide", "late/": "Written without a report"}
