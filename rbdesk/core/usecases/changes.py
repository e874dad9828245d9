"""What changed in the runbooks: between two snapshots of each source, at the runbook level.

    changes(lib, since=None, source=None)   -> [SourceChanges]   (rbdesk changes)
    runbook_changes(lib, file, since)       -> FileChange | None (rbdesk diff, the reader)

``since`` (the ``--since`` option) is resolved per source into an older
revision: ``None`` means the snapshot before the latest sync that changed
something (from ``history.json``); a commit (hex, 4+ characters); a date
(``2026-12-01``, ``2026-12-01T08:00``, local time unless it says otherwise);
a duration (``90m``, ``12h``, ``3d``, ``2w``) counted back from now; or
``last-seen`` (what this user last looked at, :mod:`rbdesk.core.seen`).

Git sources read the old version from the private mirror (offline; a partial
mirror fetches a missing file when online and says so when it cannot); plain
folders compare the kept snapshot trees. The new version is always the
current snapshot on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbdesk.core.errors import NotFoundError, RbdeskError
from rbdesk.core.runbook.diff import RunbookDiff, diff_runbooks

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile
    from rbdesk.core.sync.history import Entry

LAST_SEEN = "last-seen"
_COMMIT_RE = re.compile(r"^[0-9a-fA-F]{4,40}$")
_DURATION_RE = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_STATUS_ORDER = {"modified": 0, "renamed": 1, "added": 2, "removed": 3}


@dataclass(slots=True)
class FileChange:
    status: str  # added, modified, renamed, removed
    path: str  # the path now (the old path when removed)
    old_path: str | None  # renamed: where it was
    title: str
    diff: RunbookDiff  # the runbook-level changes (against nothing when added or removed)

    @property
    def commands_changed(self) -> int:
        return len(self.diff.commands)

    @property
    def edited_commands(self) -> bool:
        """A runbook that existed before and whose commands changed (what to read first)."""
        return self.status in ("modified", "renamed") and bool(self.diff.commands)

    def summary(self) -> str:
        """'commands: 1 changed' / 'prose only' / 'formatting only' / '3 commands' (added)."""
        d = self.diff
        if self.status in ("added", "removed"):
            n = len(d.commands)
            return f"{n} command{'s' if n != 1 else ''}" if n else "no commands"
        if d.unchanged:
            return "same content" if self.status == "renamed" else "formatting only"
        return d.summary()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"status": self.status, "path": self.path, "title": self.title}
        if self.old_path and self.old_path != self.path:
            d["old_path"] = self.old_path
        body = self.diff.to_dict()
        d.update(commands=body["commands"])
        if self.status in ("modified", "renamed"):
            d.update(sections=body["sections"], prose_only=body["prose_only"])
        return d


@dataclass(slots=True)
class SourceChanges:
    source: str
    kind: str
    old: str | None  # the older revision (commit or snapshot id); None: nothing to compare
    new: str
    old_when: str = ""
    new_when: str = ""
    files: list[FileChange] = field(default_factory=list)
    note: str = ""  # why nothing could be compared, or a caveat (one line)

    def ordered(self) -> list[FileChange]:
        """Runbooks whose commands were edited first (most first), then by status and path."""
        return sorted(
            self.files,
            key=lambda f: (
                not f.edited_commands,
                -f.commands_changed if f.edited_commands else 0,
                _STATUS_ORDER.get(f.status, 9),
                f.path,
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "from": self.old,
            "to": self.new,
            "from_synced_at": self.old_when or None,
            "to_synced_at": self.new_when or None,
            "note": self.note or None,
            "runbooks": [f.to_dict() for f in self.ordered()],
        }


# -- resolving --since ------------------------------------------------------------------------
def parse_since_time(text: str, now: datetime) -> datetime | None:
    """The moment a date or duration names, or None when text is neither."""
    m = _DURATION_RE.match(text.strip().lower())
    if m:
        return now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo is None else when  # naive = local time


def _since_error(since: str) -> RbdeskError:
    return RbdeskError(
        f"--since {since!r}: not a commit, a date, a duration or last-seen",
        hint="examples: --since 3d, --since 12h, --since 2026-12-01, --since 1a2b3c4, "
        "--since last-seen",
    )


class _Source:
    """One source's current root and history, and the reading of older versions."""

    def __init__(self, lib: Library, root: LibraryRoot) -> None:
        from rbdesk.core.sync import history

        self.lib = lib
        self.root = root
        self.config = lib.sync.config().find(root.name)
        self.paths = lib.sync.paths(root.name)
        self.entries: list[Entry] = history.read_history(self.paths)
        self.kind = root.kind
        self.git = (
            lib.sync.git_history(self.config)
            if self.kind != "folder" and self.config and self.paths.mirror.is_dir()
            else None
        )

    @property
    def current(self) -> str:
        return self.root.commit

    @property
    def _shallow(self) -> bool:
        """A --subdir source: a shallow, partial mirror (only the synced commits)."""
        return bool(self.config and self.config.subdir and self.git is not None)

    def _entry_when(self, revision: str) -> str:
        return next((e.synced_at for e in self.entries if e.commit == revision), "")

    def resolve(self, since: str | None, now: datetime) -> tuple[str | None, str]:
        """(older revision or None, note)."""
        if since == LAST_SEEN:
            from rbdesk.core.seen import load_seen

            seen = load_seen(self.lib.data_dir).source(self.root.name)
            if seen:
                return seen, ""
            old, note = self.resolve(None, now)
            return old, note or "nothing seen yet here: changes of the latest sync"
        if since is None:
            revs = [e.commit for e in self.entries]
            if self.current in revs and revs.index(self.current) > 0:
                return revs[revs.index(self.current) - 1], ""
            return None, "no earlier sync recorded yet"
        if _COMMIT_RE.match(since):
            found = self._commit(since)
            if found:
                return found, ""
            if self._shallow and len(since) == 40:  # resolving it asked the remote
                return None, (
                    f"commit {since[:7]} is not in the shallow mirror and could not be "
                    "fetched: connect to the network and run this again"
                )
        when = parse_since_time(since, now)
        if when is None:
            if _COMMIT_RE.match(since):
                hint = (
                    " (a shallow mirror can fetch it by its full 40-digit id)"
                    if self._shallow
                    else ""
                )
                return None, f"commit {since} is not in this source's history{hint}"
            raise _since_error(since)
        if self.git is not None:
            commit = self.git.commit_before(when, self.current)
            if commit:
                return commit, ""
        older = [e for e in self.entries if _at(e.synced_at) and _at(e.synced_at) <= when]
        if older:
            return older[-1].commit, ""
        if self.entries:
            first = self.entries[0]
            return first.commit, f"history only goes back to {first.synced_at}"
        return None, "no earlier sync recorded yet"

    def _commit(self, prefix: str) -> str | None:
        if self.git is not None:
            return self.git.resolve(prefix)
        hits = {e.commit for e in self.entries if e.commit.startswith(prefix.lower())}
        return hits.pop() if len(hits) == 1 else None

    # -- comparing ----------------------------------------------------------------------------
    def compare(self, old: str, only: str | None = None) -> list[FileChange]:
        """Every runbook changed from old to the current snapshot (only: the one now at
        that path); HistoryUnavailable when old is not on disk."""
        from rbdesk.core.sync import history

        if old == self.current:
            return []
        if self.git is not None:
            if not self.git.has_tree(old):
                raise history.HistoryUnavailable(f"commit {old[:7]}")
            listed = self.git.changes(old, self.current)
        else:
            tree = self._old_tree(old)
            listed = history.folder_changes(tree, self.root.root)
        if only is not None:
            listed = [t for t in listed if (t[2] or t[1]) == only]
        return [self._file(status, a, b, old) for status, a, b in listed]

    def _old_tree(self, old: str) -> Path:
        from rbdesk.core.sync import history, store

        tree = store.snapshot_tree(self.paths.snapshot(old))
        if not tree.is_dir():
            raise history.HistoryUnavailable(f"snapshot {old[:7]} (no longer kept)")
        return tree

    def old_bytes(self, old: str, rel: str) -> bytes:
        if self.git is not None:
            return self.git.read(old, rel)
        from rbdesk.core.sync.history import HistoryUnavailable

        try:
            return (self._old_tree(old) / rel).read_bytes()
        except OSError:
            raise HistoryUnavailable(f"{rel} at {old[:7]}") from None

    def _file(self, status: str, old_rel: str | None, new_rel: str | None, old: str) -> FileChange:
        from rbdesk.core.runbook.model import Runbook
        from rbdesk.core.runbook.parser import parse_bytes

        new_rb = (
            parse_bytes(_read(self.root.root / new_rel), new_rel, checks=False) if new_rel else None
        )
        old_rb = (
            parse_bytes(self.old_bytes(old, old_rel), old_rel, checks=False)
            if old_rel and status != "added"
            else None
        )
        empty = Runbook(path=new_rel or old_rel or "", title="")
        diff = diff_runbooks(old_rb or empty, new_rb or empty)
        shown = new_rb or old_rb
        return FileChange(
            status,
            new_rel or old_rel or "",
            old_rel if status == "renamed" else None,
            shown.title if shown else "",
            diff,
        )


def _at(text: str) -> datetime | None:
    from rbdesk.core.sync.history import parse_when

    return parse_when(text) if text else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _unavailable_note(source: _Source, what: str) -> str:
    if source.config is not None and source.config.subdir:
        return (
            f"{what} is not in the partial mirror and could not be fetched: "
            "connect to the network and run this again"
        )
    return f"{what} is no longer in the local history (kept: {len(source.entries)} syncs)"


# -- entry points ---------------------------------------------------------------------------------
def _synced_roots(lib: Library, source: str | None) -> list[LibraryRoot]:
    if not lib.sync.has_sources():
        raise NotFoundError(
            "no sources configured: the bundled samples have no history",
            hint="add a source with `rbdesk source add NAME URL`, then `rbdesk sync`",
        )
    roots = [r for r in lib.sync.current_roots() if source is None or r.name == source]
    if source is not None and not roots:
        lib.root(source)  # raises the usual "no source named …" error
    return roots


def changes(
    lib: Library, since: str | None = None, source: str | None = None, now: datetime | None = None
) -> list[SourceChanges]:
    """Per synced source: the runbooks changed from the ``since`` revision to now."""
    from rbdesk.core.sync.git import GitFailure
    from rbdesk.core.sync.history import HistoryUnavailable

    now = now or datetime.now(UTC)
    out = []
    for root in _synced_roots(lib, source):
        src = _Source(lib, root)
        result = SourceChanges(root.name, root.kind, None, src.current, new_when=root.synced_at)
        try:
            old, result.note = src.resolve(since, now)
            if old is not None:
                result.old, result.old_when = old, src._entry_when(old)
                result.files = src.compare(old)
        except HistoryUnavailable as exc:
            result.files, result.note = [], _unavailable_note(src, str(exc))
        except GitFailure as exc:
            result.files, result.note = [], f"history could not be read: {exc.message}"
        out.append(result)
    if since and _COMMIT_RE.match(since) and source is None:
        hits = [r for r in out if r.old is not None]
        if not hits:
            raise NotFoundError(
                f"--since {since}: no source's history has that commit",
                hint="pass --source NAME, or a date (2026-12-01) or duration (3d)",
            )
        out = hits
    return out


def runbook_changes(
    lib: Library, file: RunbookFile, since: str | None = None, now: datetime | None = None
) -> tuple[SourceChanges, FileChange | None]:
    """The changes of one runbook (None when it did not change) and its source's range."""
    found = changes(lib, since, file.source, now)
    result = found[0] if found else SourceChanges(file.source, "", None, "")
    match = next((f for f in result.files if f.path == file.relpath), None)
    return result, match


def runbook_changes_from(
    lib: Library, root: LibraryRoot, relpath: str, old: str
) -> FileChange | None:
    """One runbook's changes from revision old to the current snapshot (None: unchanged).

    HistoryUnavailable (or GitFailure) when the old version is not on disk."""
    src = _Source(lib, root)
    if old == src.current:
        return None
    return next(iter(src.compare(old, only=relpath)), None)


def unseen_changes(lib: Library, root: LibraryRoot, relpath: str) -> tuple[FileChange | None, str]:
    """(the runbook's changes since this person last opened it, "old → new"), and it is
    marked seen. Without a record for the runbook: since its source was last looked at,
    else since the previous sync. None when unchanged or the old version is gone."""
    from rbdesk.core.seen import load_seen, mark_runbook_seen
    from rbdesk.core.sync.git import GitFailure
    from rbdesk.core.sync.history import HistoryUnavailable

    if root.kind == "samples" or not root.commit:
        return None, ""
    seen = load_seen(lib.data_dir)
    base = seen.runbook(root.name, relpath) or seen.source(root.name)
    if base is None:
        base = _Source(lib, root).resolve(None, datetime.now(UTC))[0]
    change = None
    if base and base != root.commit:
        try:
            change = runbook_changes_from(lib, root, relpath, base)
        except (HistoryUnavailable, GitFailure, OSError):
            change = None
    mark_runbook_seen(lib.data_dir, root.name, relpath, root.commit)
    return change, f"{base[:7]} → {root.commit[:7]}" if base else ""


def mark_seen(lib: Library, results: list[SourceChanges]) -> None:
    """The person has looked at these sources' changes: move their "last seen"."""
    from rbdesk.core.seen import mark_source_seen

    for r in results:
        unopened = [(f.path, r.old) for f in r.files if r.old and f.status != "removed"]
        mark_source_seen(lib.data_dir, r.source, r.new, unopened)
