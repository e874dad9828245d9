"""The one facade the GUI and the CLI talk to.

``Library`` knows the data dir, the sources' current snapshots (or the bundled
samples when no source is configured), and hands out parsed runbooks. Sync,
search and checklist runs hang off it as lazily created services so that a
command only pays for what it uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rbdesk.core import paths
from rbdesk.core.errors import NotFoundError

if TYPE_CHECKING:
    from rbdesk.core.model import Runbook
    from rbdesk.core.runs import RunStore
    from rbdesk.core.search import SearchService
    from rbdesk.core.sync import SyncManager

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


class Library:
    """Sources, snapshots and parsed runbooks behind one object."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.data_dir = paths.data_dir(data_dir)
        self._parse_cache: dict[Path, tuple[tuple[int, int], Runbook]] = {}

    # -- services -----------------------------------------------------------
    @cached_property
    def sync(self) -> SyncManager:
        from rbdesk.core.sync import SyncManager

        return SyncManager(self.data_dir, on_snapshot=self._index_snapshot)

    def _index_snapshot(
        self, new_root: LibraryRoot, previous_root: LibraryRoot | None, progress
    ) -> None:
        """Sync hook: build the new snapshot's search index before it is published."""
        self.search.build_index(new_root, previous_root, progress)

    @cached_property
    def search(self) -> SearchService:
        from rbdesk.core.search import SearchService

        return SearchService(self)

    @cached_property
    def runs(self) -> RunStore:
        from rbdesk.core.runs import RunStore

        return RunStore(self.data_dir)

    # -- roots and files -----------------------------------------------------
    def roots(self) -> list[LibraryRoot]:
        """Every source's current snapshot; the samples when there are no sources."""
        if self.sync.has_sources():
            return list(self.sync.current_roots())
        return [self.samples_root()]

    def samples_root(self) -> LibraryRoot:
        return LibraryRoot(
            name=SAMPLES_SOURCE, root=paths.samples_dir(), kind="samples", index_dir=None
        )

    def root(self, name: str) -> LibraryRoot:
        for r in self.roots():
            if r.name == name:
                return r
        raise NotFoundError(
            f"no source named {name!r} has a synced copy",
            hint="run `rbdesk source list` to see the sources, `rbdesk sync` to fetch them",
        )

    def files(self, source: str | None = None) -> Iterator[RunbookFile]:
        for r in self.roots():
            if source and r.name != source:
                continue
            for rel, p in iter_runbook_files(r.root):
                yield RunbookFile(r.name, rel, p)

    # -- parsing ---------------------------------------------------------------
    def load(self, file: RunbookFile) -> Runbook:
        """The parsed runbook (cached while the file is unchanged)."""
        from rbdesk.core.parser import parse_file

        st = file.path.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = self._parse_cache.get(file.path)
        if hit and hit[0] == key:
            return hit[1]
        rb = parse_file(file.path, relpath=file.relpath)
        self._parse_cache[file.path] = (key, rb)
        return rb
