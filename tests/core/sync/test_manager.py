"""SyncManager against real git: file://, git daemon, failures, snapshots, hooks."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rbdesk.core import facade as library
from rbdesk.core.errors import RbdeskError
from rbdesk.core.sync import SyncManager, store
from rbdesk.core.sync.git import GitRunner

from .gitfixtures import Repo, cutting_proxy, git, stalled_server, tree_files


def current_tree(manager: SyncManager, name: str = "ops") -> dict[str, bytes]:
    (root,) = [r for r in manager.current_roots() if r.name == name]
    return tree_files(root.root)


def only(outcomes):
    assert len(outcomes) == 1
    return outcomes[0]


def test_first_sync_publishes_complete_snapshot(manager, repo):
    manager.add_source("ops", repo.url)
    events = []
    out = only(manager.sync(progress=events.append))
    assert out.ok and out.changed and out.commit == repo.head()
    assert out.message == f"synced {repo.head()[:7]} (2 runbooks)"
    assert current_tree(manager) == {
        "README.md": b"# Ops\n",
        "db/failover.md": b"# Failover\n\n```\nx\n```\n",
    }
    (root,) = manager.current_roots()
    assert root.kind == "git" and root.commit_subject == "first"
    assert root.index_dir == root.root.parent / "index" and not root.index_dir.exists()
    assert root.commit_date.startswith(git(repo.path, "log", "-1", "--format=%cI")[:10])
    phases = [e.phase for e in events]
    assert phases[0] == "connecting" and phases[-1] == "done" and "snapshot" in phases
    assert all(e.fraction is None or 0 <= e.fraction <= 1 for e in events)


def test_no_change_resync_keeps_snapshot_and_refreshes_synced_at(manager, repo):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    (before,) = manager.current_roots()
    time.sleep(1.1)
    out = only(manager.sync())
    assert out.ok and not out.changed
    assert out.message == f"already up to date at {repo.head()[:7]}"
    (after,) = manager.current_roots()
    assert after.root == before.root and after.synced_at > before.synced_at


def test_update_keeps_last_two_snapshots(manager, repo):
    manager.add_source("ops", repo.url)
    commits = [repo.head()]
    only(manager.sync())
    for i in range(3):
        commits.append(repo.set_files({"r.md": f"# v{i}\n"}, f"v{i}"))
        out = only(manager.sync())
        assert out.ok and out.changed and out.previous_commit == commits[-2]
        assert out.message.startswith(f"updated {commits[-2][:7]} -> {commits[-1][:7]}")
    snaps = sorted(p.name for p in (manager.data_dir / "sources/ops/snapshots").iterdir())
    assert snaps == sorted(commits[-2:])
    assert current_tree(manager) == {"r.md": b"# v2\n"}


def test_force_push_is_followed_with_notice(manager, repo):
    manager.add_source("ops", repo.url)
    base = repo.head()
    repo.set_files({"a.md": "# a\n"}, "a")
    only(manager.sync())
    repo.force_reset(base)
    rewritten = repo.set_files({"b.md": "# b\n"}, "b")
    out = only(manager.sync())
    assert out.ok and out.forced
    assert out.message == f"history rewritten (force push): now at {rewritten[:7]}"
    assert current_tree(manager) == {"b.md": b"# b\n"}


def test_status_fields_and_text(manager, repo):
    manager.add_source("ops", repo.url, branch="main")
    (st,) = manager.status()
    assert st.commit is None and st.stale and st.runbooks == 0
    assert st.line() == "ops · never synced"
    only(manager.sync())
    (st,) = manager.status()
    assert (st.name, st.url, st.branch, st.commit) == ("ops", repo.url, "main", repo.head())
    assert st.runbooks == 2 and not st.stale and st.last_error is None
    assert st.commit_subject == "first" and st.last_attempt_at
    assert st.line() == f"ops · synced just now · commit {repo.head()[:7]}"
    assert set(st.to_dict()) >= {
        "name",
        "url",
        "branch",
        "commit",
        "commit_date",
        "commit_subject",
        "synced_at",
        "last_attempt_at",
        "last_error",
        "runbooks",
        "stale",
    }


def test_stale_age_is_configurable(manager, repo, monkeypatch):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    assert not manager.status()[0].stale
    monkeypatch.setenv(store.ENV_STALE_HOURS, "0.0001")  # 0.36 s
    time.sleep(0.5)
    assert manager.status()[0].stale


def test_branch_and_branch_not_found(manager, repo):
    git(repo.path, "checkout", "-q", "-b", "release")
    release = repo.set_files({"rel.md": "# release\n"}, "release")
    git(repo.path, "checkout", "-q", "main")
    manager.add_source("rel", repo.url, branch="release")
    manager.add_source("nope", repo.url, branch="does-not-exist")
    rel, nope = manager.sync()
    assert rel.ok and rel.commit == release
    assert current_tree(manager, "rel") == {"rel.md": b"# release\n"}
    assert not nope.ok and nope.error == "branch_not_found"
    assert nope.message == f"branch 'does-not-exist' not found on {repo.url}"


def test_not_a_git_repository(manager, tmp_path):
    manager.add_source("ops", f"file://{tmp_path}/missing.git")
    out = only(manager.sync())
    assert not out.ok and out.error == "not_a_repo"
    assert out.message == f"not a git repository: file://{tmp_path}/missing.git"


def test_git_daemon_network_path_and_refused_port(manager, repo, daemon):
    manager.add_source("ops", f"{daemon}/ops.git")
    out = only(manager.sync())
    assert out.ok and out.commit == repo.head()
    assert current_tree(manager)["README.md"] == b"# Ops\n"
    repo.set_files({"n.md": "# new\n"}, "new")
    assert only(manager.sync()).commit == repo.head()
    # The daemon is a real network path: a closed port is "offline".
    port = int(daemon.rsplit(":", 1)[1])
    with store.editing_config(manager.data_dir) as cfg:
        cfg.sources[0].url = f"git://127.0.0.1:{port + 1 if port < 65535 else 1}/ops.git"
    out = only(manager.sync())
    assert not out.ok and out.error == "network"
    assert out.message == "offline: could not reach 127.0.0.1"
    assert current_tree(manager) == {"n.md": b"# new\n"}  # last good snapshot stays
    st = manager.status()[0]
    assert st.last_error == out.message and st.commit == repo.head()
    assert st.line().endswith(f"commit {repo.head()[:7]} · offline: could not reach 127.0.0.1")


def test_dns_failure(manager):
    manager.add_source("ops", "git://rbdesk-test.invalid/ops.git")
    out = only(manager.sync())
    assert not out.ok and out.error == "dns"
    assert out.message == "DNS failure: could not resolve rbdesk-test.invalid"


def test_stalled_server_is_killed_after_stall_timeout(manager, repo, monkeypatch):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    monkeypatch.setenv(store.ENV_STALL_TIMEOUT, "1.5")
    with stalled_server() as port:
        with store.editing_config(manager.data_dir) as cfg:
            cfg.sources[0].url = f"git://127.0.0.1:{port}/ops.git"
        t0 = time.monotonic()
        out = only(manager.sync())
        elapsed = time.monotonic() - t0
    assert not out.ok and out.error == "stalled"
    assert out.message.startswith("stalled: no data from 127.0.0.1 for 1.5 s; gave up")
    assert 1.4 < elapsed < 8
    assert current_tree(manager)["README.md"] == b"# Ops\n"


def test_server_stopped_mid_fetch_keeps_last_good(manager, repo, daemon):
    manager.add_source("ops", f"{daemon}/ops.git")
    first = only(manager.sync())
    assert first.ok
    repo.set_files({"big.bin": os.urandom(2_000_000), "x.md": "# x\n"}, "big")
    port = int(daemon.rsplit(":", 1)[1])
    with cutting_proxy(port, cut_after=20_000) as proxy:
        with store.editing_config(manager.data_dir) as cfg:
            cfg.sources[0].url = f"git://127.0.0.1:{proxy}/ops.git"
        out = only(manager.sync())
    assert not out.ok and out.error == "connection_lost", out.message
    assert out.message == (
        f"connection to 127.0.0.1 lost during the transfer; the previous copy "
        f"({first.commit[:7]}) is kept"
    )
    assert manager.current_roots()[0].commit == first.commit
    # The server is back: the next sync succeeds.
    with store.editing_config(manager.data_dir) as cfg:
        cfg.sources[0].url = f"{daemon}/ops.git"
    assert only(manager.sync()).commit == repo.head()


@pytest.mark.parametrize("damage", ["objects", "head"])
def test_corrupted_mirror_is_recloned(manager, repo, damage):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    mirror = manager.data_dir / "sources/ops/mirror.git"
    if damage == "objects":
        for p in (mirror / "objects").rglob("*"):
            if p.is_file():
                p.chmod(0o644)
                p.write_bytes(b"garbage")
    else:
        (mirror / "HEAD").write_text("not a ref\n")
    new = repo.set_files({"after.md": "# after\n"}, "after")
    out = only(manager.sync())
    assert out.ok and out.commit == new, out.message
    assert out.message.endswith("; the local mirror was corrupted and has been re-cloned")
    assert current_tree(manager) == {"after.md": b"# after\n"}


def test_subdir_partial_clone_exports_only_the_folder(manager, tmp_path):
    r = Repo(tmp_path / "mono")
    r.set_files(
        {
            "docs/runbooks/a.md": "# A\n",
            "docs/runbooks/x/b.md": "# B\n",
            "src/big.bin": os.urandom(300_000),
        },
        "mono",
    )
    manager.add_source("docs", r.url, subdir="docs/runbooks")
    out = only(manager.sync())
    assert out.ok, out.message
    assert current_tree(manager, "docs") == {"a.md": b"# A\n", "x/b.md": b"# B\n"}
    mirror = manager.data_dir / "sources/docs/mirror.git"
    assert (mirror / "shallow").is_file()
    assert git(mirror, "config", "remote.origin.promisor") == "true"
    pack_bytes = sum(p.stat().st_size for p in (mirror / "objects").rglob("*") if p.is_file())
    assert pack_bytes < 100_000  # the 300 kB of unrelated random data was never fetched
    r.set_files({"docs/runbooks/a.md": "# A2\n", "src/big.bin": os.urandom(300_000)}, "two")
    out = only(manager.sync())
    assert out.ok and current_tree(manager, "docs") == {"a.md": b"# A2\n"}
    # A folder that does not exist is its own error.
    manager.add_source("gone", r.url, subdir="nope")
    out = only(manager.sync("gone"))
    assert not out.ok and out.error == "subdir_not_found"
    assert out.message.startswith("folder 'nope' not found in ")


def test_symlinks_leaving_the_snapshot_are_not_exported(manager, repo):
    (repo.path / "docs").mkdir()
    os.symlink("/etc/passwd", repo.path / "docs/abs.md")
    os.symlink("../../../../../../etc/passwd", repo.path / "docs/rel.md")
    (repo.path / "docs/real.md").write_text("# real\n")
    os.symlink("real.md", repo.path / "docs/inside.md")
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-qm", "links")
    manager.add_source("ops", repo.url)
    assert only(manager.sync()).ok
    (root,) = manager.current_roots()
    docs = root.root / "docs"
    assert not (docs / "abs.md").exists() and not os.path.lexists(docs / "abs.md")
    assert not os.path.lexists(docs / "rel.md")
    assert (docs / "inside.md").is_symlink() and (docs / "inside.md").resolve() == (
        docs / "real.md"
    ).resolve()


def test_plain_folder_source(manager, tmp_path):
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text("# a\n")
    (folder / "sub/b.md").write_text("# b\n")
    os.utime(folder / "a.md", (1_700_000_000, 1_700_000_000))
    os.utime(folder / "sub/b.md", (1_700_000_500, 1_700_000_500))
    os.symlink("/etc/passwd", folder / "leak.md")
    src = manager.add_source("notes", str(folder))
    assert src.kind == "folder"
    out = only(manager.sync())
    assert out.ok and re.fullmatch(r"[0-9a-f]{12}", out.commit)
    (root,) = manager.current_roots()
    assert root.kind == "folder" and root.commit_subject is None
    assert root.commit_date == "2023-11-14T22:21:40+00:00"  # newest mtime
    assert tree_files(root.root) == {"a.md": b"# a\n", "sub/b.md": b"# b\n"}
    assert not only(manager.sync()).changed
    (folder / "a.md").write_text("# a changed\n")
    out2 = only(manager.sync())
    assert out2.changed and out2.commit != out.commit
    assert current_tree(manager, "notes")["a.md"] == b"# a changed\n"
    (folder / "a.md").write_text("# a\n")  # the id is the content's: back to the first one
    assert only(manager.sync()).commit == out.commit
    with pytest.raises(RbdeskError, match="plain folder"):
        manager.add_source("x", str(folder), subdir="sub")


def test_local_repository_path_is_a_git_source(manager, repo):
    src = manager.add_source("ops", str(repo.path))
    assert src.kind == "git"
    assert only(manager.sync()).commit == repo.head()


def test_disk_full_keeps_last_good_snapshot(manager, repo, monkeypatch):
    manager.add_source("ops", repo.url)
    good = only(manager.sync()).commit
    repo.set_files({"new.md": "# new\n"}, "new")
    from rbdesk.core.sync.gitsession import _GitSession

    real = _GitSession._export

    def full(self, treeish, tree):
        real(self, treeish, tree)  # files written, then the disk fills up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_GitSession, "_export", full)
    out = only(manager.sync())
    assert not out.ok and out.error == "disk_full"
    assert out.message.startswith("disk full: no space left under ")
    assert manager.current_roots()[0].commit == good
    leftovers = [p.name for p in (manager.data_dir / "sources/ops/snapshots").iterdir()]
    assert leftovers == [good]
    monkeypatch.setattr(_GitSession, "_export", real)
    assert only(manager.sync()).commit == repo.head()


def test_unwritable_snapshots_dir_is_reported(manager, repo, monkeypatch):
    manager.add_source("ops", repo.url)
    good = only(manager.sync()).commit
    repo.set_files({"new.md": "# new\n"}, "new")

    def denied(parent):
        raise PermissionError(errno.EACCES, "Permission denied", str(parent))

    monkeypatch.setattr(store, "new_tmp_dir", denied)
    out = only(manager.sync())
    assert not out.ok and out.error == "io"
    assert out.message.startswith("cannot write under ") and "Permission denied" in out.message
    assert manager.current_roots()[0].commit == good


def test_hook_runs_on_complete_tree_before_the_swap(data_dir, repo):
    calls = []

    def hook(new_root, previous_root, progress):
        pointer = (
            json.loads((data_dir / "sources/ops/current.json").read_text())
            if (data_dir / "sources/ops/current.json").exists()
            else None
        )
        calls.append((new_root, previous_root, pointer and pointer["commit"]))
        assert set(tree_files(new_root.root)) == set(git(repo.path, "ls-files").split())
        new_root.index_dir.mkdir()
        (new_root.index_dir / "built").write_text(new_root.commit)

    manager = SyncManager(data_dir, on_snapshot=hook)
    manager.add_source("ops", repo.url)
    first = only(manager.sync())
    second_commit = repo.set_files({"n.md": "# n\n"}, "n")
    second = only(manager.sync())
    assert [c[2] for c in calls] == [None, first.commit]  # pointer not yet swapped
    assert calls[0][1] is None and calls[1][1].commit == first.commit
    (root,) = manager.current_roots()
    assert root.commit == second.commit == second_commit
    assert (root.index_dir / "built").read_text() == second_commit
    assert len(calls) == 2 and not only(manager.sync()).changed and len(calls) == 2


def test_hook_failure_keeps_the_previous_snapshot(data_dir, repo):
    """A snapshot is published only whole: a failed index build discards it (#15)."""
    fail = {"on": False}

    def hook(new_root, previous_root, progress):
        if fail["on"]:
            new_root.index_dir.mkdir()
            (new_root.index_dir / "half").write_text("x")
            raise RuntimeError("index exploded")

    manager = SyncManager(data_dir, on_snapshot=hook)
    manager.add_source("ops", repo.url)
    first = only(manager.sync())
    fail["on"] = True
    repo.set_files({"n.md": "# n\n"}, "n")
    out = only(manager.sync())
    assert not out.ok and out.error == "index"
    assert "search index could not be built (index exploded)" in out.message
    assert f"previous snapshot ({first.commit[:7]}) stays current" in out.message
    assert manager.current_roots()[0].commit == first.commit
    snaps = [p.name for p in (data_dir / "sources/ops/snapshots").iterdir()]
    assert snaps == [first.commit]  # the failed attempt is gone, space freed
    status = manager.status()[0]
    assert status.commit == first.commit and "index" in (status.last_error or "")


def test_concurrent_sync_is_refused_while_locked(manager, repo):
    manager.add_source("ops", repo.url)
    lock = store.FileLock(manager.data_dir / "sources/ops/sync.lock")
    lock.acquire(blocking=False)
    try:
        out = only(manager.sync())
    finally:
        lock.release()
    assert not out.ok and out.error == "busy"
    assert out.message == f"another sync is already running (pid {os.getpid()})"
    assert manager.current_roots() == []
    assert only(manager.sync()).ok


def test_concurrent_processes_never_mix(data_dir, repo, repo_root):
    SyncManager(data_dir).add_source("ops", repo.url)
    env = {**os.environ, "PYTHONPATH": str(repo_root), "RBDESK_DATA_DIR": str(data_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "rbdesk", "sync", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [json.loads(p.communicate(timeout=60)[0])["results"][0] for p in procs]
    assert any(r["ok"] for r in results)
    assert all(r["ok"] or r["error"] == "busy" for r in results)
    assert current_tree(SyncManager(data_dir))["README.md"] == b"# Ops\n"


def test_stale_lock_of_dead_process_is_recovered(manager, repo):
    manager.add_source("ops", repo.url)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_file = manager.data_dir / "sources/ops/sync.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock_file.write_text(f"{dead.pid}\n")
    assert only(manager.sync()).ok


def test_leftovers_of_killed_syncs_are_cleaned(manager, repo):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    snaps = manager.data_dir / "sources/ops/snapshots"
    (snaps / ".tmp-deadbeef/tree").mkdir(parents=True)
    (snaps / ".trash-old").mkdir()
    (manager.data_dir / "sources/ops/mirror.git/refs/rbdesk/tip.lock").write_text("x")
    repo.set_files({"z.md": "# z\n"}, "z")
    assert only(manager.sync()).ok
    assert sorted(p.name for p in snaps.iterdir() if p.name.startswith(".")) == []


def test_hostile_url_in_edited_config_is_refused_before_git_runs(manager, monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    manager.add_source("ops", "https://example.com/ops.git")
    cfg = json.loads((manager.data_dir / "sources.json").read_text())
    cfg["sources"][0]["url"] = f"ext::sh -c touch% {marker}"
    (manager.data_dir / "sources.json").write_text(json.dumps(cfg))

    def no_git(*a, **k):
        raise AssertionError("git must not run for a hostile URL")

    monkeypatch.setattr(GitRunner, "start", no_git)
    out = only(manager.sync())
    assert not out.ok and out.error == "unsafe_url"
    assert "'ext::' transport runs commands" in out.message
    assert not marker.exists()


def test_credentials_in_edited_config_are_redacted_everywhere(manager, monkeypatch):
    manager.add_source("ops", "https://example.com/ops.git")
    cfg = json.loads((manager.data_dir / "sources.json").read_text())
    cfg["sources"][0]["url"] = "https://deploy:s3cr3t-t0ken@example.com/ops.git"
    (manager.data_dir / "sources.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(GitRunner, "start", lambda *a, **k: pytest.fail("git ran"))
    out = only(manager.sync())
    st = manager.status()[0]
    texts = [
        out.message,
        st.url,
        st.last_error or "",
        st.line(),
        (manager.data_dir / "sources/ops/state.json").read_text(),
    ]
    assert all("s3cr3t" not in t and "deploy" not in t for t in texts), texts
    assert st.url == "https://***@example.com/ops.git"
    with pytest.raises(RbdeskError) as refused:
        manager.add_source("x", "https://a:s3cr3t@h/x")
    assert "credential helper" in str(refused.value) and "s3cr3t" not in str(refused.value)


def test_remove_source_deletes_its_data(manager, repo):
    manager.add_source("ops", repo.url)
    only(manager.sync())
    manager.remove_source("ops")
    assert not manager.has_sources()
    assert not (manager.data_dir / "sources/ops").exists()


def test_library_shows_snapshot_and_samples_fallback(data_dir, repo):
    lib = library.Library(data_dir)
    assert [r.name for r in lib.roots()] == ["samples"]
    lib.sync.add_source("ops", repo.url)
    assert lib.roots() == []  # a source that never synced shows nothing
    only(lib.sync.sync())
    assert sorted(f.relpath for f in lib.files()) == ["README.md", "db/failover.md"]


def test_user_filter_drivers_never_run_while_exporting(manager, repo, tmp_path, monkeypatch):
    """A smudge filter from the user's git config (git-lfs style) is not run."""
    marker = tmp_path / "smudged"
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f'[filter "evil"]\n\tsmudge = touch {marker}; cat\n\trequired = false\n'
    )
    monkeypatch.setenv("HOME", str(home))
    repo.set_files({".gitattributes": "*.md filter=evil\n", "a.md": "# a\n"}, "attrs")
    manager.add_source("ops", repo.url)
    assert only(manager.sync()).ok
    assert not marker.exists()
    assert (manager.current_roots()[0].root / "a.md").read_text() == "# a\n"


def _corrupt_bare_clone(repo: Repo, where: Path, pack: bool) -> str:
    """A bare clone of repo whose objects are damaged (loose objects or the pack)."""
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(where)], check=True)
    if pack:
        git(where, "repack", "-adq")
        for p in (where / "objects" / "pack").glob("*.pack"):
            p.chmod(0o644)
            data = bytearray(p.read_bytes())
            data[100:300] = bytes(200)
            p.write_bytes(bytes(data))
    else:
        for p in (where / "objects").glob("[0-9a-f][0-9a-f]/*"):
            p.chmod(0o644)
            p.write_bytes(b"garbage")
    return f"file://{where}"


@pytest.mark.parametrize("pack", [False, True])
def test_corrupt_remote_is_named_so_not_a_lost_connection(manager, repo, tmp_path, pack):
    repo.set_files({f"r{i}.md": f"# R{i}\n" + "text\n" * i for i in range(5)}, "five")
    url = _corrupt_bare_clone(repo, tmp_path / "bad.git", pack)
    manager.add_source("bad", url)
    out = only(manager.sync())
    assert not out.ok and out.error == "remote_corrupt", out.message
    assert out.message.startswith(f"the repository at {url} is corrupted (")
    assert "is corrupt" in out.message and "stored in" not in out.message
    # Nothing was ever synced: no "previous copy is kept" that does not exist.
    assert "previous copy" not in out.message and out.message.endswith("; no copy yet")
    assert "lost" not in out.message


def test_corrupt_remote_after_a_good_sync_keeps_and_names_the_copy(manager, repo, tmp_path):
    manager.add_source("ops", repo.url)
    first = only(manager.sync())
    repo.set_files({"a.md": "# A\n" * 50, "b.md": "# B\n" * 70}, "two")
    url = _corrupt_bare_clone(repo, tmp_path / "bad.git", pack=False)
    with store.editing_config(manager.data_dir) as cfg:
        cfg.sources[0].url = url
    out = only(manager.sync())
    assert out.error == "remote_corrupt", out.message
    assert out.message.endswith(f"; the previous copy ({first.commit[:7]}) is kept")
    assert manager.current_roots()[0].commit == first.commit
    assert manager.status()[0].last_error_kind == "remote_corrupt"
