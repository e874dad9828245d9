"""The library's vocabulary: roots (a snapshot or the samples), runbook files, the walker.

Every layer above the runbook model speaks these types; none of them knows
the ``Library`` facade.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class RunbookFile:
    source: str
    relpath: str  # POSIX path relative to the root
    path: Path  # absolute path


def is_runbook_name(name: str) -> bool:
    return name.lower().endswith(RUNBOOK_SUFFIXES)


def iter_runbook_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(relpath, path) of every runbook below root, sorted, never leaving root.

    Symlinks are not followed (a snapshot must not reach outside itself).
    """
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for fn in sorted(filenames):
            if not is_runbook_name(fn):
                continue
            p = Path(dirpath) / fn
            if p.is_symlink() or not p.is_file():
                continue
            yield p.relative_to(root).as_posix(), p
