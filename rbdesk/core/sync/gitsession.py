"""One sync's git work for one source: mirror, fetch, export (``_GitSession``).

Split out of :mod:`rbdesk.core.sync.manager` (which publishes what this
produces): the hardened git commands, the private mirror, and the export of a
commit's tree into a snapshot folder that leaves out every path that cannot be
represented safely.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from rbdesk.core.sync import store
from rbdesk.core.sync.git import GitFailure, GitRunner, classify_failure
from rbdesk.core.sync.models import ProgressCallback, SyncFailure, SyncProgress, _Target
from rbdesk.core.sync.urls import SourceURL, redact

_TIP_REF = "refs/rbdesk/tip"
_CURRENT_REF = "refs/rbdesk/current"


class _GitSession:
    """The git commands of one sync of one source (mirror, fetch, export)."""

    def __init__(
        self,
        source: str,
        mirror: Path,
        surl: SourceURL,
        branch: str | None,
        subdir: str | None,
        runner: GitRunner,
        progress: ProgressCallback,
    ) -> None:
        self.source = source
        self.mirror = mirror
        self.surl = surl
        self.branch = branch
        self.subdir = subdir
        self.runner = runner
        self.progress = progress
        self.skipped: list[str] = []  # paths the last export left out ("path (why)")

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        check: bool = True,
        progress: bool = False,
        extra_env: dict[str, str] | None = None,
        local: bool = False,
    ):
        def sink(phase: str, fraction: float | None, line: str) -> None:
            self.progress(SyncProgress(self.source, phase, fraction, line))

        return self.runner.run(
            list(args),
            cwd=self.mirror,
            stdin_data=stdin,
            check=check,
            on_progress=sink if progress else None,
            extra_env=extra_env,
            local=local,
        )

    def classify(self, exc: GitFailure) -> tuple[str, str]:
        if exc.kind in ("stalled", "no_git"):
            host = self.surl.host or redact(self.surl.url)
            if exc.kind == "stalled":
                return exc.kind, (
                    f"stalled: no data from {host} for {self.runner.stall_timeout:g} s; gave up"
                )
            return exc.kind, exc.message
        if exc.kind == "corrupt":
            return exc.kind, exc.message
        return classify_failure(
            exc.detail or exc.message,
            url=self.surl.url,
            host=self.surl.host or redact(self.surl.url),
            branch=self.branch,
            source=self.source,
        )

    # -- mirror -------------------------------------------------------------------
    def mirror_usable(self) -> bool:
        if not (self.mirror / "HEAD").is_file():
            return False
        _remove_stale_git_locks(self.mirror)
        try:
            result = self.git("rev-parse", "--is-bare-repository", check=False)
        except GitFailure:
            return False
        return result.returncode == 0 and result.stdout.strip() == b"true"

    def new_mirror(self, base: Path) -> None:
        """Replace the mirror by an empty bare repository (built aside, then renamed)."""
        tmp = base / f"{store.TMP_PREFIX}mirror-{os.getpid()}"
        store.remove_tree(tmp)
        self.runner.run(["init", "--bare", "--quiet", "--", str(tmp)])
        store.remove_tree(self.mirror)
        os.rename(tmp, self.mirror)

    def _configure_remote(self) -> None:
        self.git("config", "remote.origin.url", self.surl.url)
        if self.subdir:
            self.git("config", "remote.origin.promisor", "true")
            self.git("config", "remote.origin.partialclonefilter", "blob:none")

    # -- fetch --------------------------------------------------------------------------
    def fetch_target(self, pointer: dict[str, Any] | None) -> _Target:
        self._configure_remote()
        self.progress(SyncProgress(self.source, "connecting", None, redact(self.surl.url)))
        src_ref = f"refs/heads/{self.branch}" if self.branch else "HEAD"
        args = [
            "fetch",
            "--progress",
            "--no-tags",
            "--no-write-fetch-head",
            "--no-recurse-submodules",
        ]
        if self.subdir:
            args += ["--depth=1", "--filter=blob:none"]
        self.git(*args, "--", "origin", f"+{src_ref}:{_TIP_REF}", progress=True)
        commit = self.git("rev-parse", "--verify", "--end-of-options", f"{_TIP_REF}^{{commit}}")
        commit_id = commit.stdout.decode().strip()
        info = self.git("log", "-1", "--no-show-signature", "--format=%cI%x00%s", commit_id, "--")
        commit_date, _, subject = info.stdout.decode("utf-8", "replace").strip("\n").partition("\0")
        treeish = commit_id
        if self.subdir:
            treeish = f"{commit_id}:{self.subdir}"
            self._fetch_subdir_blobs(commit_id)
        previous = pointer.get("commit") if pointer else None
        forced = bool(previous and previous != commit_id and self._rewritten(previous, commit_id))

        def export(tree: Path) -> int:
            count = self._export(treeish, tree)
            target.skipped[:] = self.skipped
            return count

        target = _Target(commit_id, commit_id, commit_date, subject, export, forced=forced)
        return target

    def _fetch_subdir_blobs(self, commit: str) -> None:
        kind = self.git("cat-file", "-t", f"{commit}:{self.subdir}", check=False)
        if kind.returncode != 0 or kind.stdout.strip() != b"tree":
            raise SyncFailure(
                "subdir_not_found",
                f"folder {self.subdir!r} not found in {redact(self.surl.url)} at {commit[:7]}",
            )
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", self.subdir)
        oids = []
        for entry in listing.stdout.split(b"\0"):
            meta, _, _path = entry.partition(b"\t")
            fields = meta.split()
            if len(fields) == 3 and fields[1] == b"blob":
                oids.append(fields[2])
        if oids:
            self.git(
                "-c",
                "fetch.negotiationAlgorithm=noop",
                "fetch",
                "--progress",
                "--no-tags",
                "--no-write-fetch-head",
                "--no-recurse-submodules",
                "--filter=blob:none",
                "--stdin",
                "origin",
                stdin=b"\n".join(oids) + b"\n",
                progress=True,
            )

    def _rewritten(self, previous: str, new: str) -> bool:
        """True when previous is a known commit that new does not descend from."""
        if self.subdir:
            return False  # shallow history cannot tell a force push from a fast-forward
        known = self.git("cat-file", "-e", f"{previous}^{{commit}}", check=False)
        if known.returncode != 0:
            return False
        ancestor = self.git("merge-base", "--is-ancestor", previous, new, check=False)
        return ancestor.returncode == 1

    def rewound(self, previous: str | None, previous_date: str | None, target: _Target) -> bool:
        """True when the target is older than the published commit (a rollback).

        Older means a strict ancestor of it; where the history cannot tell (the
        shallow mirror of a --subdir source, a re-cloned mirror that lost the
        published commit) it means committed earlier (the committer date is
        part of what a signature covers).
        """
        if not previous or previous == target.commit:
            return False
        if not self.subdir:
            known = self.git("cat-file", "-e", f"{previous}^{{commit}}", check=False)
            if known.returncode == 0:
                ancestor = self.git(
                    "merge-base", "--is-ancestor", target.commit, previous, check=False
                )
                return ancestor.returncode == 0
        return _earlier(target.commit_date, previous_date)

    def _export(self, treeish: str, tree: Path) -> int:
        """Write the tree of treeish into tree; returns how many runbooks it holds.

        The tree is listed (``ls-tree -r -z``) and every entry whose path cannot
        be represented safely -- not UTF-8, a ``.``/``..``/``.git`` component,
        more than MAX_DEPTH folders, a name too long for the file system -- is
        left out and recorded in ``self.skipped`` (shown by status and lint).
        The rest goes into a private index file (``update-index --index-info``,
        which refuses unsafe paths again) and git itself writes the files
        (``checkout-index --prefix``): it never writes through a symlink.
        Symlinks whose target leaves the snapshot are removed afterwards.
        """
        from rbdesk.core import fsutil
        from rbdesk.core.library.roots import is_runbook_name

        index_file = tree.parent / "export.index"
        # No user config either: no smudge/filter driver (git-lfs…) or fsmonitor may
        # run a program or reach the network while the snapshot is written.
        env = {"GIT_INDEX_FILE": str(index_file), "GIT_CONFIG_GLOBAL": os.devnull}
        self.skipped = []
        try:
            listing = self.git(
                "ls-tree", "-r", "-z", "--full-tree", treeish, extra_env=env, local=True
            ).stdout
            entries = self._safe_entries(listing, len(str(tree)))
            info = b"".join(
                mode + b" " + oid + b"\t" + raw + b"\0" for mode, oid, raw, _rel in entries
            )
            result = self.git(
                "update-index", "-z", "--index-info", stdin=info, extra_env=env, local=True
            )
            for line in result.stderr.splitlines():
                if line.startswith("Ignoring path "):
                    self.skipped.append(f"{line.removeprefix('Ignoring path ')} (unsafe path)")
            fsutil.fault_point("export", tree)
            self.git(
                f"--work-tree={tree}",
                "checkout-index",
                "-a",
                "-f",
                f"--prefix={tree}{os.sep}",
                extra_env=env,
                local=True,
            )
        except GitFailure as exc:
            text = f"{exc.message}\n{exc.detail}".lower()
            if "no space left" in text or "disk quota exceeded" in text:
                raise GitFailure(
                    "disk_full",
                    "disk full: no space left to write the snapshot; free some space and sync "
                    "again",
                    exc.detail,
                ) from None
            raise GitFailure(
                "corrupt", f"local mirror corrupted: {exc.message}", exc.detail
            ) from None
        finally:
            index_file.unlink(missing_ok=True)
        links: list[str] = []
        runbooks = 0
        root = os.path.realpath(tree)
        for mode, _oid, _raw, rel in entries:
            if mode == b"120000":
                links.append(os.path.join(root, rel))
            elif mode in (b"100644", b"100755") and is_runbook_name(rel.rsplit("/", 1)[-1]):
                runbooks += 1
        store.drop_escaping_links(links, root)
        return runbooks

    def _safe_entries(
        self, listing: bytes, prefix_len: int
    ) -> list[tuple[bytes, bytes, bytes, str]]:
        """(mode, oid, raw path, path) of the blobs and symlinks that can be written."""
        from rbdesk.core.library.roots import MAX_DEPTH, representable, shown_path

        out = []
        for entry in listing.split(b"\0"):
            meta, _, raw = entry.partition(b"\t")
            fields = meta.split()
            if not raw or len(fields) != 3 or fields[1] != b"blob":
                continue  # submodules (commit entries) are never checked out
            rel = raw.decode("utf-8", "surrogateescape")
            parts = raw.split(b"/")
            why = representable(rel)
            if why is None and any(p.lower() == b".git" for p in parts):
                why = "'.git' in the path"
            if why is None and (any(len(p) > 255 for p in parts) or prefix_len + len(raw) > 4000):
                why = "name too long"
            if why is None and len(parts) - 1 > MAX_DEPTH:
                why = f"more than {MAX_DEPTH} folders deep"
            if why is not None:
                self.skipped.append(f"{shown_path(rel)} ({why})")
                continue
            out.append((fields[0], fields[2], raw, rel))
        return out

    def mark_current(self, commit: str | None) -> None:
        """Keep the published commit reachable in the mirror (force-push detection)."""
        if commit:
            with contextlib.suppress(GitFailure):
                self.git("update-ref", _CURRENT_REF, commit)


def _earlier(date: str, than: str | None) -> bool:
    """date is before than (ISO 8601 with offsets); False when either is unreadable."""
    try:
        return datetime.fromisoformat(date) < datetime.fromisoformat(than or "")
    except ValueError:
        return False


def _remove_stale_git_locks(mirror: Path) -> None:
    """*.lock files left by a killed git (we hold the source lock: nobody else is in)."""
    for folder in (mirror, mirror / "objects" / "info", mirror / "objects" / "pack"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name.endswith(".lock") or entry.name.startswith("tmp_"):
                with contextlib.suppress(OSError):
                    entry.unlink()
    refs = mirror / "refs"
    if refs.is_dir():
        for dirpath, _dirs, files in os.walk(refs):
            for fn in files:
                if fn.endswith(".lock"):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(dirpath, fn))
