"""A dry run as the template editor shows it, free of Django: each step with the status
it ended in, the log as lines, the output, and the files it would create as a tree
with their contents.

Steps, log lines and the outcome are worked out by the task page's functions
(``scaffolder.task_page``), so a dry run reads like a task. A run is recorded once
and then read many times (each file a person opens is one more
request), so :func:`run_record` splits it into a small manifest (everything but file
contents, JSON) and the contents by path. Contents are kept up to ``MAX_KEPT_BYTES``
in all; files past that stay in the tree, marked as not kept, so a huge generated
file never makes the record unbounded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scaffolder.actions.template import is_binary
from scaffolder.task_page import Line, Outcome, Step, build_steps, line_of, outcome_of

__all__ = [
    "MAX_KEPT_BYTES",
    "MAX_SHOWN_BYTES",
    "FileView",
    "LogEvent",
    "RunView",
    "TreeFolder",
    "default_file",
    "file_tree",
    "file_view",
    "run_record",
    "run_view",
]

#: File contents kept per dry run, all files together.
MAX_KEPT_BYTES = 8 * 1024 * 1024
#: Text shown for one file; the rest is cut off with a note (a browser chokes on more).
MAX_SHOWN_BYTES = 512 * 1024



def run_record(steps: Sequence[Mapping[str, Any]], log: Sequence[Mapping[str, Any]], *,
               output: Any = None, contents: Sequence[Mapping[str, Any]] = (),
               error: tuple[str, str] | None = None, budget: int = MAX_KEPT_BYTES,
               ) -> tuple[dict[str, Any], dict[str, bytes]]:  # fmt: skip
    """A dry run as a manifest (JSON) and the file contents kept, by path.

    ``steps`` are the template's steps with their defaults; ``log`` the entries the
    run emitted as ``{"body": …, "at": <ISO time>}``; ``output`` and ``contents``
    (``directoryContents``) what a successful run answered; ``error`` is ``(name,
    message)`` of a failed one. The manifest's ``files`` list every file with its
    size, whether it is binary or executable, and whether its contents were kept."""
    files, kept, used = [], {}, 0
    for item in sorted(contents, key=lambda item: str(item["path"])):
        data = base64.b64decode(item["base64Content"])
        keep = used + len(data) <= budget
        if keep:
            kept[item["path"]] = data
            used += len(data)
        files.append({"path": item["path"], "size": len(data), "binary": is_binary(data),
                      "executable": bool(item.get("executable")), "kept": keep})  # fmt: skip
    manifest = {
        "ok": error is None,
        "error": None if error is None else {"name": error[0], "message": error[1]},
        "steps": [dict(step) for step in steps],
        "log": [dict(entry) for entry in log],
        "output": output if error is None and isinstance(output, Mapping) else {},
        "files": files,
    }  # fmt: skip
    return manifest, kept


@dataclass(frozen=True)
class LogEvent:
    """A dry run's log entry in the shape the task page's functions read (a task's
    event row), so a dry run's steps, log and outcome read exactly as a task's do."""

    id: int
    event_type: str
    body: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class RunView:
    """A recorded dry run as the editor shows it."""

    ok: bool
    steps: list[Step]
    lines: list[Line]
    outcome: Outcome
    #: Output keys other than ``links`` and ``text`` (``remoteUrl``, …) as (key, text).
    values: list[tuple[str, str]]
    tree: TreeFolder
    file_count: int


def _shown(value: Any) -> str:
    """An output value as text: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def run_view(manifest: Mapping[str, Any], present: Collection[str] = ()) -> RunView:
    """The steps with their states, the log lines and the outcome (its error and failed
    step, or its output's links, texts and other values) of the recorded run
    ``manifest``; ``present`` are the entity refs the catalog has (output links to
    them become links to their pages)."""
    events = [LogEvent(number, "log", entry["body"], datetime.fromisoformat(entry["at"]))
              for number, entry in enumerate(manifest["log"], start=1)]  # fmt: skip
    status = "completed" if manifest["ok"] else "failed"
    ended = events[-1].created_at if events else None
    steps = build_steps(manifest["steps"], events, status, ended)
    error = manifest["error"]
    completion = {"error": error} if error else {"output": manifest["output"]}
    output = manifest["output"] or {}
    return RunView(
        ok=bool(manifest["ok"]), steps=steps,
        lines=[line for line in map(line_of, events) if line is not None],
        outcome=outcome_of(completion, steps, set(present)),
        values=[(str(key), _shown(value)) for key, value in output.items()
                if key not in ("links", "text")],
        tree=file_tree(manifest["files"]), file_count=len(manifest["files"]),
    )  # fmt: skip


@dataclass
class TreeFolder:
    """A folder of the file tree: its name and path, its folders and its files (the
    manifest's entries), each sorted by name."""

    name: str
    path: str
    folders: list[TreeFolder] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def folder(self, name: str) -> TreeFolder:
        """The sub-folder ``name``, made if it is new."""
        for child in self.folders:
            if child.name == name:
                return child
        child = TreeFolder(name, f"{self.path}/{name}" if self.path else name)
        self.folders.append(child)
        return child

    def sort(self) -> None:
        """Order folders and files by name, all the way down."""
        self.folders.sort(key=lambda child: child.name)
        self.files.sort(key=lambda entry: entry["name"])
        for child in self.folders:
            child.sort()


def file_tree(files: Iterable[Mapping[str, Any]]) -> TreeFolder:
    """The manifest's files as a tree under an unnamed root; each file entry gains its
    ``name`` (the path's last part)."""
    root = TreeFolder("", "")
    for entry in files:
        *folders, name = str(entry["path"]).split("/")
        here = root
        for part in folders:
            here = here.folder(part)
        here.files.append({**entry, "name": name})
    root.sort()
    return root


def default_file(files: Sequence[Mapping[str, Any]]) -> str:
    """The file to show first: the top folder's first file (a README or
    catalog-info.yaml, usually), else the first file there is; ``""`` for none."""
    top = [entry["path"] for entry in files if "/" not in entry["path"]]
    paths = top or [entry["path"] for entry in files]
    return min(paths) if paths else ""


@dataclass(frozen=True)
class FileView:
    """One file of a run as the viewer shows it: binary files by name and size only,
    text files as text (cut at ``MAX_SHOWN_BYTES``, ``truncated`` then)."""

    path: str
    size: int
    binary: bool
    executable: bool
    kept: bool
    text: str = ""
    truncated: bool = False

    @property
    def line_count(self) -> int:
        """Lines of the text shown (a last line without a newline counts too)."""
        return self.text.count("\n") + (0 if self.text.endswith("\n") or not self.text else 1)


def file_view(entry: Mapping[str, Any], data: bytes | None) -> FileView:
    """The viewer's view of the manifest ``entry`` with its kept contents ``data``
    (None when the file was not kept)."""
    text, truncated = "", False
    if data is not None and not entry["binary"]:
        truncated = len(data) > MAX_SHOWN_BYTES
        text = data[:MAX_SHOWN_BYTES].decode("utf-8", errors="ignore")
    return FileView(path=entry["path"], size=entry["size"], binary=entry["binary"],
                    executable=entry["executable"], kept=data is not None, text=text,
                    truncated=truncated)  # fmt: skip
