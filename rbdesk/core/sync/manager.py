"""``SyncManager``: sync sources, report their status (editing them: ``sources``).

A sync of one source, under that source's lock:
fetch into the private mirror -> export the commit into ``snapshots/.tmp-*``
-> rename it to ``snapshots/<id>`` -> ``on_snapshot`` hook (search index) ->
replace ``current.json`` -> record it in ``history.json`` (``history``) -> prune
to the last two snapshots (plain folders: and the older ones the history keeps). Any failure
leaves the previous pointer, and so the previous complete snapshot, current.
The git commands of one sync (mirror, fetch, export) live in ``gitsession``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbdesk.core.errors import RbdeskError
from rbdesk.core.library.signature import NO_POLICY_REASON, signature_for
from rbdesk.core.sync import store
from rbdesk.core.sync.freshness import is_stale
from rbdesk.core.sync.models import (
    ProgressCallback,
    SourceStatus,
    SyncFailure,
    SyncOutcome,
    SyncProgress,
    _Target,
)
from rbdesk.core.sync.sources import (  # noqa: F401 - is_git_repository re-exported
    SourceEditor,
    is_git_repository,
)
from rbdesk.core.sync.urls import (
    UnsafeURLError,
    redact,
    validate_branch,
    validate_subdir,
    validate_url,
)

if TYPE_CHECKING:
    from rbdesk.core.library.roots import LibraryRoot
    from rbdesk.core.sync.history import GitHistory

log = logging.getLogger(__name__)

# The hook may return "path (why)" of files it could not read completely.
SnapshotHook = Callable[["LibraryRoot", "LibraryRoot | None", ProgressCallback], Any]

# Failures whose message says the previous copy is kept, when there is one: the
# ones that leave a user wondering whether the copy they read is gone.
_KEEPS_COPY = {"connection_lost", "stalled", "disk_full", "remote_corrupt", "corrupt"}

# Failures caused by the remote or the network: re-cloning the mirror would not help.
_REMOTE_KINDS = {
    "dns",
    "auth",
    "network",
    "stalled",
    "branch_not_found",
    "disk_full",
    "connection_lost",
    "no_git",
}


class _HookFailed(Exception):
    """The on_snapshot hook raised ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def _noop_progress(_: SyncProgress) -> None:
    return None


class SyncManager(SourceEditor):
    """Sources, their mirrors and snapshots below one data dir."""

    def __init__(
        self,
        data_dir: Path,
        on_snapshot: SnapshotHook | None = None,
        *,
        git: str = "git",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.on_snapshot = on_snapshot
        self.git = git

    # -- readers -------------------------------------------------------------------
    def current_root(self, source: store.SourceConfig) -> LibraryRoot | None:
        """The source's current snapshot as a LibraryRoot (None if never synced)."""
        paths = store.SourcePaths.of(self.data_dir, source.name)
        pointer = store.read_pointer(paths)
        return None if pointer is None else self._root(source.name, paths, pointer)

    def current_roots(self) -> list[LibraryRoot]:
        """rbdesk.core.facade.LibraryRoot for every source with a current snapshot."""
        roots = (self.current_root(s) for s in self.sources())
        return [r for r in roots if r is not None]

    @staticmethod
    def _root(name: str, paths: store.SourcePaths, pointer: dict[str, Any]) -> LibraryRoot:
        from rbdesk.core.library.roots import LibraryRoot

        snap = paths.snapshot(pointer["snapshot"])
        return LibraryRoot(
            name=name,
            root=store.snapshot_tree(snap),
            kind=pointer.get("kind") or "git",
            commit=pointer.get("commit") or "",
            commit_date=pointer.get("commit_date") or "",
            commit_subject=pointer.get("commit_subject"),
            synced_at=pointer.get("synced_at") or "",
            index_dir=store.snapshot_index(snap),
            signature=signature_for(
                pointer.get("kind") or "git", pointer.get("commit"), pointer.get("signature")
            ),
        )

    def paths(self, name: str) -> store.SourcePaths:
        return store.SourcePaths.of(self.data_dir, name)

    def git_history(self, source: store.SourceConfig) -> GitHistory:
        """Read access to the history in source's private mirror (see ``history``)."""
        from rbdesk.core.sync.history import open_git_history

        stall = self.config().settings.stall_timeout
        return open_git_history(self.paths(source.name).mirror, source.subdir, self.git, stall)

    def status(self) -> list[SourceStatus]:
        config = self.config()
        return [
            self._status(s, config.settings, rank) for rank, s in enumerate(config.sources, start=1)
        ]

    def _status(
        self, source: store.SourceConfig, settings: store.Settings, rank: int = 0
    ) -> SourceStatus:
        paths = store.SourcePaths.of(self.data_dir, source.name)
        checked, problems = store.read_pointer_checked(paths)
        pointer = checked or {}
        state, state_problems = store.read_state(paths)
        problems += state_problems
        skipped = pointer.get("skipped") or []
        if skipped:
            problems.append(skipped_line(skipped))
        unreadable = pointer.get("unreadable") or []
        if unreadable:
            problems.append(unreadable_line(unreadable))
        runbooks = pointer.get("runbooks")
        if pointer and not isinstance(runbooks, int):
            from rbdesk.core.library.roots import iter_runbook_files

            tree = store.snapshot_tree(paths.snapshot(pointer["snapshot"]))
            runbooks = sum(1 for _ in iter_runbook_files(tree))
        synced_at = pointer.get("synced_at")
        signature = signature_for(source.kind, pointer.get("commit"), pointer.get("signature"))
        if source.verify and signature.reason == NO_POLICY_REASON:
            signature = replace(signature, reason="not verified: synced before the signer policy")
        return SourceStatus(
            name=source.name,
            url=redact(source.url),
            branch=source.branch,
            commit=pointer.get("commit"),
            commit_date=pointer.get("commit_date"),
            commit_subject=pointer.get("commit_subject"),
            synced_at=synced_at,
            last_attempt_at=state.get("last_attempt_at"),
            last_error=state.get("last_error"),
            runbooks=int(runbooks or 0),
            stale=is_stale(synced_at, settings.stale_hours),
            kind=source.kind,
            subdir=source.subdir,
            last_error_kind=state.get("last_error_kind"),
            problems=problems,
            docs_url=source.docs_url,
            signature=signature.to_dict(),
            rank=rank,
        )

    # -- sync ------------------------------------------------------------------------
    def sync(
        self,
        name: str | None = None,
        progress: ProgressCallback | None = None,
        *,
        accept_rewind: bool = False,
    ) -> list[SyncOutcome]:
        """Sync one source (or all, in order); one outcome per source, never raises
        for a failed fetch (only for an unknown name or a broken config).

        accept_rewind (with a name only): publish a tip older than the current
        commit of a source with a signer policy (refused otherwise)."""
        if accept_rewind and name is None:
            raise RbdeskError(
                "--accept-rewind needs the name of the source whose rewind you accept",
                hint="run `rbdesk sync NAME --accept-rewind`",
            )
        config = self.config()
        if name is not None:
            source = config.find(name)
            if source is None:
                raise self._unknown(name)
            selected = [source]
        else:
            selected = list(config.sources)
        report = progress or _noop_progress
        return [self._sync_one(s, config.settings, report, accept_rewind) for s in selected]

    def _sync_one(
        self,
        source: store.SourceConfig,
        settings: store.Settings,
        progress: ProgressCallback,
        accept_rewind: bool = False,
    ) -> SyncOutcome:
        paths = store.SourcePaths.of(self.data_dir, source.name)
        attempt_at = store.utc_now_iso()
        try:
            paths.base.mkdir(parents=True, exist_ok=True)
            lock = store.FileLock(paths.lock)
            lock.acquire(blocking=False)
        except store.LockBusy as exc:
            return SyncOutcome(source.name, False, None, exc.message, error="busy")
        except OSError as exc:
            return self._failed(source, paths, attempt_at, _os_failure(exc, paths.base), None)
        try:
            pointer = store.read_pointer(paths)  # a bad current.json is kept aside here
            store.read_state(paths)  # ... and a bad state.json, before it is rewritten
            previous = pointer.get("commit") if pointer else None
            try:
                store.clean_leftovers(paths.base)
                store.clean_leftovers(paths.snapshots)
                if source.kind == "folder":
                    outcome = self._sync_folder(source, paths, pointer, progress)
                else:
                    outcome = self._sync_git(
                        source, paths, pointer, settings, progress, accept_rewind
                    )
            except SyncFailure as exc:
                return self._failed(source, paths, attempt_at, exc, previous)
            except UnsafeURLError as exc:
                failure = SyncFailure("unsafe_url", exc.message)
                return self._failed(source, paths, attempt_at, failure, previous)
            except OSError as exc:
                return self._failed(
                    source, paths, attempt_at, _os_failure(exc, paths.base), previous
                )
            with contextlib.suppress(OSError):
                store.write_json_atomic(
                    paths.state,
                    {"last_attempt_at": attempt_at, "last_error": None, "last_error_kind": None},
                )
            progress(SyncProgress(source.name, "done", 1.0, outcome.message))
            return outcome
        finally:
            lock.release()

    def _failed(
        self,
        source: store.SourceConfig,
        paths: store.SourcePaths,
        attempt_at: str,
        failure: SyncFailure,
        previous: str | None,
    ) -> SyncOutcome:
        if failure.kind in _KEEPS_COPY:
            kept = f"the previous copy ({previous[:7]}) is kept" if previous else "no copy yet"
            failure = SyncFailure(failure.kind, f"{failure.message}; {kept}")
        with contextlib.suppress(OSError):
            store.write_json_atomic(
                paths.state,
                {
                    "last_attempt_at": attempt_at,
                    "last_error": failure.message,
                    "last_error_kind": failure.kind,
                },
            )
        return SyncOutcome(
            source.name,
            False,
            previous,
            failure.message,
            error=failure.kind,
            previous_commit=previous,
        )

    # -- publishing (shared by git and folder sources) ---------------------------------
    def _publish(
        self,
        source: store.SourceConfig,
        paths: store.SourcePaths,
        pointer: dict[str, Any] | None,
        target: _Target,
        progress: ProgressCallback,
        resolve_id: Callable[[Path], str] | None = None,
    ) -> SyncOutcome:
        """Build (or reuse) the target snapshot, run the hook, swap the pointer, prune."""
        now = store.utc_now_iso()
        previous_id = pointer.get("snapshot") if pointer else None
        previous_commit = pointer.get("commit") if pointer else None
        if previous_id == target.snapshot_id and resolve_id is None:
            return self._still_current(paths, pointer, source.name, target, now)
        final = paths.snapshot(target.snapshot_id)
        if not (final / "meta.json").is_file() or resolve_id is not None:
            progress(SyncProgress(source.name, "snapshot", None, "writing the snapshot"))
            tmp = store.new_tmp_dir(paths.snapshots)
            try:
                tree = store.snapshot_tree(tmp)
                tree.mkdir()
                exported = target.export(tree)
                if resolve_id is not None:
                    target.snapshot_id = resolve_id(tree)
                    final = paths.snapshot(target.snapshot_id)
                    if previous_id == target.snapshot_id:
                        return self._still_current(paths, pointer, source.name, target, now)
                meta = {
                    "snapshot": target.snapshot_id,
                    "kind": source.kind,
                    "commit": target.commit,
                    "commit_date": target.commit_date,
                    "commit_subject": target.commit_subject,
                    "runbooks": exported if exported is not None else _count_runbooks(tree),
                    "created_at": now,
                    "skipped": list(target.skipped),
                    **_signature_field(target),
                }
                if (final / "meta.json").is_file():
                    store.remove_tree(tmp)
                else:
                    store.remove_tree(final)  # a folder without meta.json is not a snapshot
                    store.finish_snapshot(tmp, final, meta)
            finally:
                store.remove_tree(tmp)
            progress(SyncProgress(source.name, "snapshot", 1.0, "snapshot written"))
        meta = store.read_json(final / "meta.json") or {}
        new_pointer = {
            **meta,
            "snapshot": target.snapshot_id,
            "synced_at": now,
            **_signature_field(target),
        }
        notices = list(target.notices)
        if target.skipped:
            notices.append(skipped_line(target.skipped))
        fresh = target.snapshot_id != previous_id
        try:
            unreadable = self._run_hook(source, paths, new_pointer, pointer, progress)
            if unreadable:  # confined to files: published, and the files are named
                new_pointer["unreadable"] = unreadable
                notices.append(unreadable_line(unreadable))
            self._write_pointer(paths, new_pointer)
        except BaseException as exc:
            # Only a whole snapshot is published: the failed attempt goes, the old stays.
            if fresh:
                store.remove_tree(final)
            if isinstance(exc, _HookFailed):
                raise self._index_failure(exc.error, previous_commit) from None
            raise
        from rbdesk.core.sync.history import record_published  # only when a sync publishes

        kept = record_published(source.kind, paths, new_pointer, pointer) if fresh else set()
        store.prune_snapshots(
            paths, {target.snapshot_id, *([previous_id] if previous_id else []), *kept}
        )
        short = target.commit[:7]
        if target.forced:
            message = f"history rewritten (force push): now at {short}"
        elif previous_commit:
            message = f"updated {previous_commit[:7]} -> {short} ({_runbooks_phrase(meta)})"
        else:
            message = f"synced {short} ({_runbooks_phrase(meta)})"
        return SyncOutcome(
            source.name,
            True,
            target.commit,
            "; ".join([message, *notices]),
            changed=True,
            previous_commit=previous_commit,
            forced=target.forced,
        )

    def _run_hook(
        self,
        source: store.SourceConfig,
        paths: store.SourcePaths,
        new_pointer: dict[str, Any],
        old_pointer: dict[str, Any] | None,
        progress: ProgressCallback,
    ) -> list[str]:
        """The on_snapshot hook (search index build + check); _HookFailed when it fails.

        Returns the hook's "path (why)" list of files it could not read completely."""
        if self.on_snapshot is None:
            return []
        new_root = self._root(source.name, paths, new_pointer)
        old_root = self._root(source.name, paths, old_pointer) if old_pointer else None
        try:
            found = self.on_snapshot(new_root, old_root, progress)
        except Exception as exc:
            log.info("on_snapshot hook failed for %s: %s", source.name, exc)
            raise _HookFailed(exc) from exc
        return [str(x) for x in found] if isinstance(found, list | tuple) else []

    @staticmethod
    def _index_failure(exc: BaseException, previous_commit: str | None) -> SyncFailure:
        kept = (
            f"the previous snapshot ({previous_commit[:7]}) stays current"
            if previous_commit
            else "nothing was published"
        )
        if store.is_disk_full(exc):
            return SyncFailure(
                "disk_full",
                f"disk full while building the search index: the new snapshot was discarded "
                f"and {kept}; free some space and sync again",
            )
        detail = redact(str(exc)) or type(exc).__name__
        return SyncFailure(
            "index",
            f"search index could not be built ({detail}): the new snapshot was discarded "
            f"and {kept}; run `rbdesk doctor`, then sync again",
        )

    def _still_current(
        self,
        paths: store.SourcePaths,
        pointer: dict[str, Any],
        name: str,
        target: _Target,
        now: str,
    ) -> SyncOutcome:
        """Nothing changed: refresh synced_at (and the signature state) only."""
        self._write_pointer(paths, {**pointer, "synced_at": now, **_signature_field(target)})
        commit = target.commit
        return SyncOutcome(
            name,
            True,
            commit,
            "; ".join([f"already up to date at {commit[:7]}", *target.notices]),
            previous_commit=pointer.get("commit"),
        )

    @staticmethod
    def _write_pointer(paths: store.SourcePaths, pointer: dict[str, Any]) -> None:
        store.write_json_atomic(paths.pointer, pointer)

    # -- plain folders -------------------------------------------------------------------
    def _sync_folder(
        self,
        source: store.SourceConfig,
        paths: store.SourcePaths,
        pointer: dict[str, Any] | None,
        progress: ProgressCallback,
    ) -> SyncOutcome:
        surl = validate_url(source.url)
        folder = Path(surl.url)
        digest = store.hash_folder(folder)
        target = _Target(digest.commit, digest.commit, digest.commit_date, None, lambda _: None)
        if pointer and pointer.get("snapshot") == digest.commit:
            return self._publish(source, paths, pointer, target, progress)

        def export(tree: Path) -> None:
            copied = store.hash_folder(folder, copy_to=tree)
            target.commit, target.commit_date = copied.commit, copied.commit_date
            target.skipped[:] = copied.skipped

        target.export = export
        return self._publish(
            source, paths, pointer, target, progress, resolve_id=lambda _tree: target.commit
        )

    # -- git ---------------------------------------------------------------------------------
    def _sync_git(
        self,
        source: store.SourceConfig,
        paths: store.SourcePaths,
        pointer: dict[str, Any] | None,
        settings: store.Settings,
        progress: ProgressCallback,
        accept_rewind: bool = False,
    ) -> SyncOutcome:
        # git's runner and session are imported here: reading the library
        # (search, show) needs neither
        from rbdesk.core.sync.git import GitFailure, GitRunner
        from rbdesk.core.sync.gitsession import _GitSession
        from rbdesk.core.sync.signers import check_tip

        # Checked again here: the config file may have been edited by hand.
        surl = validate_url(source.url)
        branch = validate_branch(source.branch)
        subdir = validate_subdir(source.subdir)
        runner = GitRunner(self.git, stall_timeout=settings.stall_timeout)
        session = _GitSession(source.name, paths.mirror, surl, branch, subdir, runner, progress)
        existed = paths.mirror.exists()
        reused = session.mirror_usable()
        for attempt in (1, 2):
            if attempt == 2 or not reused:
                session.new_mirror(paths.base)
            try:
                target = session.fetch_target(pointer)
                target.signature = check_tip(session, source, pointer, target, accept_rewind)
                outcome = self._publish(source, paths, pointer, target, progress)
            except GitFailure as exc:
                kind, message = session.classify(exc)
                if attempt == 1 and reused and kind not in _REMOTE_KINDS:
                    log.warning(
                        "mirror of %s looks corrupted (%s): re-cloning", source.name, message
                    )
                    continue
                raise SyncFailure(kind, message) from None
            session.mark_current(outcome.commit)
            from rbdesk.core.sync.history import keep_commits

            keep_commits(session.git, paths)
            if attempt == 2 or (existed and not reused):
                outcome = _with_notice(
                    outcome, "the local mirror was corrupted and has been re-cloned"
                )
            return outcome
        raise AssertionError("unreachable")


def skipped_line(skipped: list[str], shown: int = 3, what: str = "skipped") -> str:
    """'skipped 2 files: a/caf\\xe9.md (not UTF-8), …' for status and lint."""
    more = f", … ({len(skipped) - shown} more)" if len(skipped) > shown else ""
    head = ", ".join(skipped[:shown]) + more
    return f"{what} {len(skipped)} file{'s' if len(skipped) != 1 else ''}: {head}"


UNREADABLE_PREFIX = "could not read all of"


def unreadable_line(unreadable: list[str]) -> str:
    """'could not read all of 1 file: a.md (front matter is …); rbdesk lint says more'."""
    return skipped_line(unreadable, what=UNREADABLE_PREFIX) + " (the rest is shown)"


def _signature_field(target: _Target) -> dict[str, Any]:
    """{"signature": …} for meta.json and the pointer (None without a signer policy)."""
    return {"signature": target.signature.to_dict() if target.signature else None}


def _runbooks_phrase(meta: dict[str, Any]) -> str:
    n = int(meta.get("runbooks") or 0)
    return f"{n} runbook{'s' if n != 1 else ''}"


def _count_runbooks(tree: Path) -> int:
    from rbdesk.core.library.roots import iter_runbook_files

    return sum(1 for _ in iter_runbook_files(tree))


def _os_failure(exc: OSError, where: Path) -> SyncFailure:
    if store.is_disk_full(exc):
        return SyncFailure(
            "disk_full",
            f"disk full: no space left under {where}; free some space and sync again",
        )
    return SyncFailure("io", f"cannot write under {where}: {exc.strerror or exc}")


def _with_notice(outcome: SyncOutcome, notice: str) -> SyncOutcome:
    return replace(outcome, message=f"{outcome.message}; {notice}")
