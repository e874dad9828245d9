"""The history of a source's syncs, kept bounded, and reading runbooks at any of them.

``sources/<name>/history.json`` lists every sync that published a new
snapshot (snapshot id, commit, when). It is what "the snapshot before the
latest sync that changed something" and ``--since DATE`` are answered from.

Kept: every entry of the last :data:`KEEP_DAYS` days or the last
:data:`KEEP_SNAPSHOTS` entries, whichever is more. What an entry needs on disk:

* git sources: the commit in the private mirror. Each kept commit has a ref
  ``refs/rbdesk/history/<commit>`` so that a force push or ``gc`` cannot drop
  it; files are read with ``git cat-file`` (fixed argv, the hardened runner).
  A partial (``--subdir``) mirror may lack a blob: git fetches it when online,
  and offline the diff says that it needs the network.
* plain folders: the snapshot's ``tree/`` (its search ``index/`` is dropped
  once it is neither current nor previous). Trees beyond the disk budget
  (:data:`DEFAULT_BUDGET_MB`, ``$RBDESK_HISTORY_BUDGET_MB``) are removed,
  oldest first; their entries stay, marked as not kept.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rbdesk.core.library.roots import is_runbook_name, iter_runbook_files
from rbdesk.core.sync import store

log = logging.getLogger(__name__)

HISTORY_NAME = "history.json"
KEEP_DAYS = 30
KEEP_SNAPSHOTS = 20
DEFAULT_BUDGET_MB = 512
ENV_BUDGET = "RBDESK_HISTORY_BUDGET_MB"
HISTORY_REFS = "refs/rbdesk/history/"
RENAME_RATIO = 0.5  # a removed and an added file this similar are one file renamed (git's -M)

# (status, old path, new path); status one of added, modified, renamed, removed
FileChange = tuple[str, str | None, str | None]


@dataclass(slots=True)
class Entry:
    snapshot: str
    commit: str
    commit_date: str = ""
    synced_at: str = ""
    runbooks: int = 0
    tree_kept: bool = True  # plain folders: the snapshot's files are still on disk


def history_path(paths: store.SourcePaths) -> Path:
    return paths.base / HISTORY_NAME


def read_history(paths: store.SourcePaths) -> list[Entry]:
    """The entries, oldest first; malformed entries are left out (never raises)."""
    data = store.read_json(history_path(paths))
    items = data.get("entries") if isinstance(data, dict) else None
    out: list[Entry] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        snap, commit = item.get("snapshot"), item.get("commit")
        if not isinstance(snap, str) or not snap or "/" in snap or snap.startswith("."):
            continue
        if not isinstance(commit, str):
            continue
        runbooks = item.get("runbooks")
        out.append(
            Entry(
                snap,
                commit,
                _text(item.get("commit_date")),
                _text(item.get("synced_at")),
                runbooks if isinstance(runbooks, int) and not isinstance(runbooks, bool) else 0,
                item.get("tree_kept") is not False,
            )
        )
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def budget_bytes() -> int:
    raw = os.environ.get(ENV_BUDGET, "")
    try:
        mb = float(raw) if raw else DEFAULT_BUDGET_MB
    except ValueError:
        mb = DEFAULT_BUDGET_MB
    return int(max(mb, 0) * 1024 * 1024)


def parse_when(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def retained(entries: list[Entry], now: datetime) -> list[Entry]:
    """The entries of the last KEEP_DAYS days or the last KEEP_SNAPSHOTS, whichever is more."""
    cutoff = now - timedelta(days=KEEP_DAYS)
    first_kept = max(0, len(entries) - KEEP_SNAPSHOTS)
    out = []
    for i, e in enumerate(entries):
        when = parse_when(e.synced_at)
        if i >= first_kept or (when is not None and when >= cutoff):
            out.append(e)
    return out


def record(
    paths: store.SourcePaths,
    new: dict[str, Any],
    old: dict[str, Any] | None,
    *,
    now: datetime | None = None,
) -> list[Entry]:
    """Append the newly published snapshot (and, on the first record, the one it
    replaced), apply the bound, write history.json atomically; the kept entries."""
    entries = read_history(paths)
    _keep_if_corrupt(history_path(paths), len(entries))
    if not entries and old:
        entries.append(_entry(old))
    entries = [e for e in entries if e.snapshot != new.get("snapshot")] + [_entry(new)]
    entries = retained(entries, now or datetime.now(UTC))
    write_history(paths, entries)
    return entries


def _keep_if_corrupt(path: Path, usable: int) -> None:
    """A history.json with anything unusable is copied aside before it is rewritten."""
    if not path.exists():
        return
    data = store.read_json(path)
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != usable:
        from rbdesk.core import fsutil

        fsutil.keep_corrupt_copy(path)


def record_published(
    kind: str, paths: store.SourcePaths, new: dict[str, Any], old: dict[str, Any] | None
) -> set[str]:
    """Sync published new (replacing old): log it; the older snapshots a plain folder
    keeps. Never fails the sync (the history is a bonus): logged and skipped."""
    try:
        entries = record(paths, new, old)
        if kind != "folder":
            return set()
        previous = old.get("snapshot") if old else None
        return keep_folder_snapshots(paths, entries, new["snapshot"], previous)
    except OSError as exc:
        log.warning("history of %s not recorded: %s", paths.base.name, exc)
        return set()


def keep_commits(git: Callable[..., Any], paths: store.SourcePaths) -> None:
    """Refs for the commits the history keeps, so that no gc or force push drops them."""
    from rbdesk.core.sync.git import GitFailure

    with contextlib.suppress(GitFailure, OSError):
        sync_history_refs(git, (e.commit for e in read_history(paths)))


def open_git_history(
    mirror: Path, subdir: str | None, git_exe: str, stall_timeout: float
) -> GitHistory:
    from rbdesk.core.sync.git import GitRunner

    runner = GitRunner(git_exe, stall_timeout=stall_timeout)

    def git(*args: str, check: bool = True, stdin: bytes | None = None) -> Any:
        return runner.run(list(args), cwd=mirror, check=check, stdin_data=stdin)

    return GitHistory(mirror, subdir, git)


def write_history(paths: store.SourcePaths, entries: list[Entry]) -> None:
    store.write_json_atomic(
        history_path(paths), {"version": 1, "entries": [asdict(e) for e in entries]}
    )


def _entry(pointer: dict[str, Any]) -> Entry:
    runbooks = pointer.get("runbooks")
    return Entry(
        snapshot=str(pointer.get("snapshot") or ""),
        commit=str(pointer.get("commit") or ""),
        commit_date=_text(pointer.get("commit_date")),
        synced_at=_text(pointer.get("synced_at") or pointer.get("created_at")),
        runbooks=runbooks if isinstance(runbooks, int) else 0,
    )


# -- disk ---------------------------------------------------------------------------------------
def disk_usage(path: Path) -> int:
    """Bytes of the regular files below path (symlinks not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for fn in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, fn)).st_size
    return total


def keep_folder_snapshots(
    paths: store.SourcePaths, entries: list[Entry], current: str, previous: str | None
) -> set[str]:
    """Plain folders: the snapshot folders to keep (history within the disk budget).

    Current and previous are always kept whole; older snapshots lose their
    search index, and their trees go oldest first once the budget is spent.
    """
    always = {current, *([previous] if previous else [])}
    budget = budget_bytes()
    used = 0
    keep = set(always)
    for e in reversed(entries):
        snap = paths.snapshot(e.snapshot)
        if e.snapshot in always:
            continue
        if not (snap / "meta.json").is_file():
            e.tree_kept = False
            continue
        store.remove_tree(store.snapshot_index(snap))
        size = disk_usage(snap)
        if used + size > budget:
            e.tree_kept = False
            continue
        used += size
        keep.add(e.snapshot)
    write_history(paths, entries)
    return keep


def history_bytes(paths: store.SourcePaths, kind: str, current: str | None) -> int:
    """Disk the history takes: the mirror (git) or the kept older snapshots (folder)."""
    if kind != "folder":
        return disk_usage(paths.mirror) if paths.mirror.is_dir() else 0
    if not paths.snapshots.is_dir():
        return 0
    return sum(
        disk_usage(p)
        for p in paths.snapshots.iterdir()
        if not p.name.startswith(".") and p.name != current
    )


@dataclass(frozen=True, slots=True)
class Usage:
    """What ``rbdesk doctor`` says about one source's history."""

    syncs: int  # entries in history.json
    oldest: str  # synced_at of the oldest entry ("" when none)
    used: int  # bytes: the mirror (git) or the older snapshots (folder)
    budget: int  # bytes allowed for older folder snapshots
    dropped: int  # entries whose files the budget removed (folders)


def usage(paths: store.SourcePaths, kind: str, current: str | None) -> Usage:
    entries = read_history(paths)
    return Usage(
        syncs=len(entries),
        oldest=entries[0].synced_at if entries else "",
        used=history_bytes(paths, kind, current),
        budget=budget_bytes(),
        dropped=sum(1 for e in entries if not e.tree_kept) if kind == "folder" else 0,
    )


# -- reading old versions -------------------------------------------------------------------------
class HistoryUnavailable(Exception):
    """A version the diff needs is not on disk (and could not be fetched)."""


def folder_changes(old_tree: Path, new_tree: Path) -> list[FileChange]:
    """Runbook files added, modified, renamed (exact or ≥ RENAME_RATIO similar) or removed."""
    old = dict(iter_runbook_files(old_tree))
    new = dict(iter_runbook_files(new_tree))
    out: list[FileChange] = []
    for rel in sorted(old.keys() & new.keys()):
        if _read(old[rel]) != _read(new[rel]):
            out.append(("modified", rel, rel))
    removed = sorted(old.keys() - new.keys())
    added = sorted(new.keys() - old.keys())
    for exact in (True, False):  # identical files first, then the most similar
        for a in list(added):
            data = _read(new[a])
            if exact:
                match = next((r for r in removed if _read(old[r]) == data), None)
            else:
                olds = [(r, _read(old[r])) for r in removed]
                match = _similar(data, olds, same_name=a.rsplit("/", 1)[-1])
            if match is not None:
                removed.remove(match)
                added.remove(a)
                out.append(("renamed", match, a))
    out += [("removed", r, None) for r in removed]
    out += [("added", None, a) for a in added]
    return out


def _similar(data: bytes, candidates: list[tuple[str, bytes]], same_name: str) -> str | None:
    best, best_ratio = None, RENAME_RATIO
    text = data.decode("utf-8", "replace").splitlines()
    for rel, other in candidates:
        ratio = difflib.SequenceMatcher(
            a=other.decode("utf-8", "replace").splitlines(), b=text, autojunk=False
        ).ratio()
        if rel.rsplit("/", 1)[-1] == same_name:
            ratio += 0.1
        if ratio >= best_ratio:
            best, best_ratio = rel, ratio
    return best


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


class GitHistory:
    """Commits, file changes and file contents from a source's private mirror."""

    def __init__(self, mirror: Path, subdir: str | None, git: Callable[..., Any]) -> None:
        self.mirror = mirror
        self.subdir = subdir.strip("/") if subdir else None
        self._git = git  # (*args, check=..., local=...) -> GitResult

    def _run(self, *args: str, check: bool = True) -> Any:
        return self._git(*args, check=check)

    def resolve(self, rev: str) -> str | None:
        """The full commit rev names in the mirror, or None. A partial (``--subdir``)
        mirror asks its promisor remote for an object it lacks: online that fetches
        it, offline it fails (and so does this)."""
        out = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        return out.stdout.decode().strip() or None if out.returncode == 0 else None

    def commit_before(self, when: datetime, tip: str) -> str | None:
        """The newest first-parent ancestor of tip committed at or before when."""
        stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = self._run(
            "rev-list", "-1", "--first-parent", f"--before={stamp}", tip, "--", check=False
        )
        text = out.stdout.decode().strip()
        return text or None if out.returncode == 0 else None

    def has_tree(self, commit: str) -> bool:
        return self._run("cat-file", "-e", f"{commit}^{{tree}}", check=False).returncode == 0

    def changes(self, old: str, new: str) -> list[FileChange]:
        """Runbook files changed from old to new (git's rename detection)."""
        args = ["diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", old, new]
        if self.subdir:
            args += ["--", self.subdir]
        out = self._run(*args).stdout.split(b"\0")
        result: list[FileChange] = []
        i = 0
        while i < len(out) and out[i]:
            status = out[i].decode()
            n = 2 if status[:1] in ("R", "C") else 1
            names = [self._rel(p) for p in out[i + 1 : i + 1 + n]]
            i += 1 + n
            result += _classify(status[:1], names)
        return result

    def _rel(self, raw: bytes) -> str:
        rel = raw.decode("utf-8", "surrogateescape")
        if self.subdir and rel.startswith(self.subdir + "/"):
            rel = rel[len(self.subdir) + 1 :]
        return rel

    def read(self, commit: str, rel: str) -> bytes:
        """The file's bytes at commit; HistoryUnavailable when the mirror lacks them."""
        path = f"{self.subdir}/{rel}" if self.subdir else rel
        out = self._run("cat-file", "blob", f"{commit}:{path}", check=False)
        if out.returncode != 0:
            raise HistoryUnavailable(f"{rel} at {commit[:7]}")
        return out.stdout


def _classify(status: str, names: list[str]) -> list[FileChange]:
    def runbook(rel: str) -> bool:
        return is_runbook_name(rel.rsplit("/", 1)[-1])

    if status == "R":
        old, new = names
        if runbook(old) and runbook(new):
            return [("renamed", old, new)]
        if runbook(new):
            return [("added", None, new)]
        return [("removed", old, None)] if runbook(old) else []
    rel = names[-1]
    if not runbook(rel):
        return []
    if status in ("A", "C"):
        return [("added", None, rel)]
    if status == "D":
        return [("removed", rel, None)]
    return [("modified", rel, rel)]


def sync_history_refs(git: Callable[..., Any], commits: Iterable[str]) -> None:
    """Make refs/rbdesk/history/* exactly the kept commits (keeps them from gc)."""
    wanted = {c for c in commits if c}
    listed = git("for-each-ref", "--format=%(refname)", HISTORY_REFS, check=False)
    have = {
        line.removeprefix(HISTORY_REFS)
        for line in listed.stdout.decode().splitlines()
        if line.startswith(HISTORY_REFS)
    }
    lines = [f"delete {HISTORY_REFS}{c}\n" for c in sorted(have - wanted)]
    lines += [f"update {HISTORY_REFS}{c} {c}\n" for c in sorted(wanted - have)]
    if lines:
        git("update-ref", "--stdin", stdin="".join(lines).encode(), check=False)
