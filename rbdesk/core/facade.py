"""The one facade the GUI and the CLI talk to.

``Library`` knows the data dir, the sources' current snapshots (or the bundled
samples when no source is configured), and hands out parsed runbooks. Sync,
search and checklist runs hang off it as lazily created services so that a
command only pays for what it uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from rbdesk.core import paths
from rbdesk.core.errors import NotFoundError
from rbdesk.core.library.roots import SAMPLES_SOURCE, LibraryRoot, RunbookFile, iter_runbook_files

if TYPE_CHECKING:
    from rbdesk.core.runbook.model import Runbook
    from rbdesk.core.runs.store import RunStore
    from rbdesk.core.search import SearchService
    from rbdesk.core.sync import SyncManager


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
    ) -> list[str]:
        """Sync hook: build the new snapshot's search index before it is published,
        then check that it opens and answers a query. Any exception here makes
        sync discard the new snapshot and keep the previous one current.

        ``progress`` is sync's callback (``SyncProgress`` objects); the index
        build reports ``(done, total, message)``, adapted here.
        """
        from rbdesk.core import fsutil

        def report(done: int, total: int, message: str) -> None:
            fsutil.fault_point("index", Path(new_root.index_dir or new_root.root))
            if progress is not None:
                from rbdesk.core.sync import SyncProgress

                fraction = done / total if total else 1.0
                progress(
                    SyncProgress(
                        source=new_root.name, phase="index", fraction=fraction, message=message
                    )
                )

        stats = self.search.build_index(new_root, previous_root, report)
        self._check_index_answers(new_root)
        return list(stats.unreadable)

    def _check_index_answers(self, root: LibraryRoot) -> None:
        """Open root's fresh index on its own and run one query (raises when it cannot)."""
        from rbdesk.core.search import SearchService

        probe = SearchService(_OneRoot(self.data_dir, root))
        try:
            probe.search("runbook", limit=1, snippets=False)
        finally:
            probe.close()

    @cached_property
    def search(self) -> SearchService:
        from rbdesk.core.search import SearchService

        return SearchService(self)

    @cached_property
    def runs(self) -> RunStore:
        from rbdesk.core.runs.store import RunStore

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

    def root_for(self, file: RunbookFile) -> LibraryRoot | None:
        """The library root file belongs to (None for a file outside every source)."""
        return next((r for r in self.roots() if r.name == file.source), None)

    def files(self, source: str | None = None) -> Iterator[RunbookFile]:
        for r in self.roots():
            if source and r.name != source:
                continue
            for rel, p in iter_runbook_files(r.root):
                yield RunbookFile(r.name, rel, p)

    # -- parsing ---------------------------------------------------------------
    def load(self, file: RunbookFile) -> Runbook:
        """The parsed runbook (cached while the file is unchanged)."""
        from rbdesk.core.runbook.parser import parse_file

        st = file.path.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = self._parse_cache.get(file.path)
        if hit and hit[0] == key:
            return hit[1]
        rb = parse_file(file.path, relpath=file.relpath)
        if file.source and any(p.code == "RB201" for p in rb.problems):
            from rbdesk.core.library.owners import owners_for  # only when RB201 is raised

            root = file.path.parents[len(PurePosixPath(file.relpath).parts) - 1]
            if owners_for(root, file.relpath) is not None:  # CODEOWNERS / OWNERS name them
                rb.problems = [p for p in rb.problems if p.code != "RB201"]
        self._parse_cache[file.path] = (key, rb)
        return rb


class _OneRoot:
    """A roots provider with a single (not yet published) root, for index checks."""

    def __init__(self, data_dir: Path, root: LibraryRoot) -> None:
        self.data_dir = data_dir
        self._root = root

    def roots(self) -> list[LibraryRoot]:
        return [self._root]
