"""Location references, and targets made absolute against the file that names them.

A Location entity's ``target``/``targets`` and a ``$text``/``$json``/``$yaml``
placeholder are usually written relative to the catalog file they are in (Backstage:
``ScmIntegrations.resolveUrl`` for ``url``, ``path.join(dirname(base), target)`` for
``file``). This module does that resolution, lexically; whether the result may be
read is for the readers and their policy to decide, with one rule of provenance
(``check_named_from``): only local content may name local files.
"""

from __future__ import annotations

import os.path
import posixpath
import re
from urllib.parse import urljoin, urlunsplit

from catalog.model.errors import ReadError
from catalog.readers.git import parse_git_target
from catalog.readers.policy import split_url

__all__ = ["check_named_from", "parse_location_ref", "resolve_target"]

# ``/<owner>/<repo>/blob|tree/<ref>/``: where ``/path`` targets start on SCM hosts.
_SCM_ROOT = re.compile(r"^/[^/]+/[^/]+/(?:-/)?(?:blob|tree|src)/[^/]+/")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")


def parse_location_ref(ref: str) -> tuple[str, str]:
    """Split Backstage's ``<type>:<target>`` location reference at the first colon."""
    kind, sep, target = ref.partition(":")
    kind, target = kind.strip(), target.strip()
    if not sep or not kind or not target:
        raise ReadError(
            f"Unable to parse location ref '{ref}', expected '<type>:<target>', "
            "e.g. 'url:https://host/path'"
        )
    if kind in ("http", "https"):
        raise ReadError(
            f"Invalid location ref '{ref}', please prefix it with 'url:', e.g. 'url:{ref}'"
        )
    if _CONTROL_OR_SPACE.sub("", target).lower().startswith("javascript:"):
        raise ReadError(f"Invalid location ref '{ref}', javascript: targets are not allowed")
    return kind, target


def resolve_target(base_type: str, base_target: str, target: str) -> tuple[str, str]:
    """Resolve ``target`` against the file ``base_type:base_target`` it was written in.

    Returns ``(type, absolute target)``. An absolute ``http(s)`` URL is returned as a
    ``url`` target whatever the base; from a ``git`` base, an absolute
    ``<repository>#<ref>:<path>`` stays a ``git`` target. Relative targets keep the
    base's type: ``url`` -> joined like a browser would (``/path`` starts at the
    repository root on ``/<owner>/<repo>/blob/<ref>/`` URLs); ``file`` -> joined with
    the base file's directory; ``git`` -> same repository and ref, path joined with
    the base file's directory, and refused if ``..`` leaves the repository.
    """
    if not target or "\0" in target:
        raise ReadError("the target is empty or contains a NUL character")
    scheme = split_url(target).scheme.lower()
    if scheme:
        return _absolute(base_type, target, scheme)
    if base_type == "url":
        return "url", _join_url(base_target, target)
    if base_type == "file":
        return "file", _join_file(base_target, target)
    if base_type == "git":
        return "git", _join_git(base_target, target)
    raise ReadError(f"cannot resolve {target} relative to a {base_type} location")


def _absolute(base_type: str, target: str, scheme: str) -> tuple[str, str]:
    if base_type == "git" and scheme in ("http", "https", "file") and "#" in target:
        parse_git_target(target)  # validates the syntax
        return "git", target
    if scheme in ("http", "https"):
        return "url", target
    raise ReadError(f"{scheme}: targets are not supported here; use an http(s) URL or a path")


def _join_url(base: str, target: str) -> str:
    parts = split_url(base)
    root = _SCM_ROOT.match(parts.path)
    if root and target.startswith("/") and not target.startswith("//"):
        base = urlunsplit((parts.scheme, parts.netloc, root.group(0), "", ""))
        target = target.lstrip("/")
    return urljoin(base, target)


def _join_file(base: str, target: str) -> str:
    if target.endswith(("/", os.sep)):
        raise ReadError(f"the file target {target} must name a file, not a directory")
    path = target if os.path.isabs(target) else os.path.join(os.path.dirname(base), target)
    return os.path.normpath(path)


def _join_git(base: str, target: str) -> str:
    repo, ref, base_path = parse_git_target(base)
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(base_path), target)
    path = posixpath.normpath(joined)
    if path == ".." or path.startswith("../"):
        raise ReadError(f"{target} leaves the repository of {base}")
    if path == ".":
        raise ReadError(f"the git target {target} must name a file")
    return f"{repo}#{ref}:{path}"


def check_named_from(base_type: str, base_target: str, target_type: str, target: str) -> None:
    """Refuse ``target_type:target`` when content read from ``base_type:base_target``
    may not name it: a local file, or a ``file://`` git repository, named by content
    that did not come from a local file (a URL, a git repository, which anyone who
    can push to it writes) would have the catalog read the machine it runs on, inside
    the readable directories but outside what whoever registered the location chose.
    Content of a git repository may still name other files of the same repository."""
    if base_type == "file" or not _is_local(target_type, target):
        return
    if target_type == "git" and base_type == "git":
        if parse_git_target(target)[0] == parse_git_target(base_target)[0]:
            return
    raise ReadError(f"content read from a {base_type} location must not name local files "
                    f"({target_type}:{target})")  # fmt: skip


def _is_local(location_type: str, target: str) -> bool:
    if location_type == "file":
        return True
    return location_type == "git" and split_url(parse_git_target(target)[0]).scheme == "file"
