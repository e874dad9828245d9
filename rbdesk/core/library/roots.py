"""The library's vocabulary: roots (a snapshot or the samples), runbook files, the walker.

Every layer above the runbook model speaks these types; none of them knows
the ``Library`` facade.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbdesk.core.library.signature import Signature

from rbdesk.core.library.pagekind import is_template_dir

SAMPLES_SOURCE = "samples"
RUNBOOK_SUFFIXES = (".md", ".markdown")  # "*.html.md" ends in .md too
_SKIP_DIRS = {".git", "node_modules", ".github", "__pycache__", ".venv"}


@dataclass(frozen=True, slots=True)
class LibraryRoot:
    """A folder of runbooks that readers may use: a snapshot or the samples."""

    name: str  # source name ("samples" for the bundled library)
    root: Path  # the snapshot folder (read-only for readers)
    kind: str = "git"  # "git", "folder" or "samples"
    commit: str = ""
    commit_date: str = ""
    commit_subject: str | None = None
    synced_at: str = ""
    # Where this root's search index lives (inside the snapshot for git sources).
    index_dir: Path | None = None
    # Who signed the snapshot's commit (core/library/signature.py); None: not known.
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class RunbookFile:
    source: str
    relpath: str  # POSIX path relative to the root
    path: Path  # absolute path


def is_runbook_name(name: str) -> bool:
    return name.lower().endswith(RUNBOOK_SUFFIXES)


MAX_DEPTH = 64  # folders below a root; deeper paths are skipped (no recursion anywhere)


def representable(rel: str) -> str | None:
    """Why a relative path cannot be used safely (None when it can): not UTF-8,
    a ``.``/``..`` component, or deeper than MAX_DEPTH folders."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return "name is not UTF-8"
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "'.' or '..' in the path"
    if len(parts) - 1 > MAX_DEPTH:
        return f"more than {MAX_DEPTH} folders deep"
    return None


def shown_path(rel: str) -> str:
    """A path for messages: undecodable bytes shown as \\xNN, long paths shortened."""
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}"


def walk_files(
    root: Path,
    skipped: list[str] | None = None,
    *,
    skip_dirs: Collection[str] = (".git",),
    keep: Callable[[str], bool] = lambda _name: True,
    skip_dir: Callable[[str], bool] | None = None,
) -> Iterator[tuple[str, Path]]:
    """(relpath, path) of the regular files below root whose name ``keep`` accepts, sorted.

    Never leaves root: symlinks are not followed (a snapshot must not reach
    outside itself). An explicit stack, not recursion: any depth is safe.
    Folders named in ``skip_dirs`` (or whose relative path ``skip_dir`` accepts)
    are not entered; paths that cannot be used
    safely (see :func:`representable`, and folders deeper than MAX_DEPTH) are
    skipped and, with ``skipped`` given, appended there as "path (why)".
    """
    root = Path(root)
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel_dir, depth = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[str] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if (is_dir and entry.name in skip_dirs) or (is_file and not keep(entry.name)):
                continue
            if is_dir and skip_dir is not None and skip_dir(rel):
                continue
            if not (is_dir or is_file):
                continue
            why = representable(rel)
            if why is None and is_dir and depth + 1 > MAX_DEPTH:
                why = f"more than {MAX_DEPTH} folders deep"
            if why is not None:
                if skipped is not None:
                    skipped.append(f"{shown_path(rel)}{'/' if is_dir else ''} ({why})")
                continue
            if is_dir:
                subdirs.append(rel)
            else:
                yield rel, root / rel
        stack.extend((d, depth + 1) for d in reversed(subdirs))


def iter_runbook_files(root: Path, skipped: list[str] | None = None) -> Iterator[tuple[str, Path]]:
    """(relpath, path) of every runbook below root, sorted (see :func:`walk_files`).

    Tool and dependency folders (``.git``, ``node_modules``, ``.venv`` …) and
    template folders (``.github``, ``.gitlab``, a Hugo site's ``archetypes`` and
    ``layouts``: see :mod:`rbdesk.core.library.pagekind`) are not entered.
    """
    root = Path(root)
    return walk_files(
        root,
        skipped,
        skip_dirs=_SKIP_DIRS,
        keep=is_runbook_name,
        skip_dir=lambda rel: is_template_dir(root, rel),
    )
