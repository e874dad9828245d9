"""rbdesk changes over real syncs: git sources (mirror history), plain folders, --since."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rbdesk.core.errors import RbdeskError
from rbdesk.core.facade import Library
from rbdesk.core.sync import history, store
from rbdesk.core.usecases.changes import changes, mark_seen, parse_since_time, runbook_changes
from rbdesk.core.usecases.doctor import WARN, check_history

from .gitfixtures import Repo, git

FAILOVER = "# DB failover\n\nIntro.\n\n## Promote\n\n```bash\npg_ctl promote -D /data\n```\n"
BEFORE = {
    "db/failover.md": FAILOVER,
    "old.md": "# Old name\n\nSome text.\n\n```bash\nkubectl get pods\n```\n",
    "gone.md": "# Gone\n\nbye\n",
    "prose.md": "# Prose\n\nLine one.\n\n```bash\nuptime\n```\n",
    "notes.txt": "not a runbook\n",
}
AFTER = {
    "db/failover.md": FAILOVER.replace("-D /data", "-D /data --wait"),
    "renamed.md": BEFORE["old.md"],
    "new.md": "# New one\n\n```bash\necho hi\n```\n",
    "prose.md": BEFORE["prose.md"].replace("Line one.", "Line one, reworded."),
    "notes.txt": "still not a runbook, changed\n",
}


def _five(result) -> dict[str, tuple]:
    return {f.path: (f.status, f.old_path) for f in result.files}


def _check_five(result) -> None:
    assert _five(result) == {
        "db/failover.md": ("modified", None),
        "renamed.md": ("renamed", "old.md"),
        "gone.md": ("removed", None),
        "new.md": ("added", None),
        "prose.md": ("modified", None),
    }
    by = {f.path: f for f in result.files}
    assert by["db/failover.md"].diff.counts == {"added": 0, "removed": 0, "changed": 1}
    (cmd,) = by["db/failover.md"].diff.commands
    assert (cmd.old, cmd.new) == ("pg_ctl promote -D /data", "pg_ctl promote -D /data --wait")
    assert by["prose.md"].diff.prose_only and by["prose.md"].diff.counts["changed"] == 0
    assert by["renamed.md"].diff.unchanged
    assert by["new.md"].diff.counts == {"added": 1, "removed": 0, "changed": 0}
    # the runbook whose command changed is listed first
    assert result.ordered()[0].path == "db/failover.md"
    as_json = by["db/failover.md"].to_dict()
    assert as_json["commands"]["changed"] == 1
    assert as_json["commands"]["items"][0]["new"] == "pg_ctl promote -D /data --wait"


@pytest.fixture()
def synced(tmp_path: Path, data_dir: Path):
    repo = Repo(tmp_path / "served" / "ops")
    first = repo.set_files(BEFORE, "first")
    lib = Library(data_dir)
    lib.sync.add_source("ops", repo.url)
    assert lib.sync.sync()[0].ok
    second = repo.set_files(AFTER, "second")
    assert lib.sync.sync()[0].changed
    return lib, repo, first, second


def test_git_source_changes_between_the_last_two_syncs(synced):
    lib, _repo, first, second = synced
    (result,) = changes(lib)
    assert (result.old, result.new) == (first, second)
    assert result.note == ""
    _check_five(result)


def test_changes_work_with_the_upstream_gone(synced, tmp_path: Path):
    lib, repo, first, _second = synced
    shutil.rmtree(repo.path)
    (result,) = changes(Library(lib.data_dir))
    assert result.old == first
    _check_five(result)


def test_history_commit_survives_a_force_push_and_gc(synced):
    lib, repo, first, _second = synced
    repo.force_reset(first)
    third = repo.set_files({**BEFORE, "x.md": "# X\n"}, "rewritten")
    assert lib.sync.sync()[0].forced
    mirror = lib.sync.paths("ops").mirror
    git(mirror, "reflog", "expire", "--expire=now", "--all")
    git(mirror, "gc", "-q", "--prune=now")
    (result,) = changes(lib, since=first[:8], source="ops")
    assert result.new == third
    assert {f.path: f.status for f in result.files} == {"x.md": "added"}
    refs = git(mirror, "for-each-ref", "--format=%(refname)", "refs/rbdesk/history/")
    assert f"refs/rbdesk/history/{first}" in refs.split()


def test_since_commit_date_and_duration(synced):
    lib, _repo, first, second = synced
    (by_commit,) = changes(lib, since=first[:7])
    assert by_commit.old == first
    _check_five(by_commit)
    # a commit date in the past: the first commit is the state before it
    later = datetime.now(UTC) + timedelta(hours=1)
    (by_date,) = changes(lib, since=later.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    assert by_date.old == second and by_date.files == []
    # 3 days ago nothing was committed or synced yet: the oldest kept sync, said so
    (by_duration,) = changes(lib, since="3d")
    assert by_duration.old == first and "history only goes back to" in by_duration.note
    _check_five(by_duration)
    with pytest.raises(RbdeskError, match="not a commit, a date"):
        changes(lib, since="yesterday-ish")


def test_since_date_picks_the_commit_before_it(tmp_path: Path, data_dir: Path, monkeypatch):
    repo = Repo(tmp_path / "served" / "dated")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T10:00:00+00:00")
    first = repo.set_files({"a.md": "# A\n\n```\necho old-value\n```\n"}, "first")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    lib = Library(data_dir)
    lib.sync.add_source("dated", repo.url)
    lib.sync.sync()
    repo.set_files({"a.md": "# A\n\n```\necho new-value\n```\n"}, "second")
    lib.sync.sync()
    (result,) = changes(lib, since="2026-06-01")
    assert result.old == first
    assert result.files[0].diff.counts["changed"] == 1
    (days,) = changes(lib, since="2d")  # the newest commit 2 days ago is the first one
    assert days.old == first
    (minutes,) = changes(lib, since="1m")  # the second commit is younger than a minute
    assert minutes.old == first and minutes.files[0].path == "a.md"


def test_plain_folder_snapshot_against_snapshot(tmp_path: Path, data_dir: Path):
    folder = tmp_path / "runbooks"
    for rel, text in BEFORE.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    lib = Library(data_dir)
    lib.sync.add_source("local", str(folder))
    lib.sync.sync()
    first = lib.sync.current_roots()[0].commit
    shutil.rmtree(folder)
    for rel, text in AFTER.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    assert lib.sync.sync()[0].changed
    (result,) = changes(lib)
    assert result.kind == "folder" and result.old == first
    _check_five(result)
    # the older snapshot keeps its files but not its search index once it is two behind
    (folder / "new.md").write_text("# New one\n\n```bash\necho hello\n```\n")
    lib.sync.sync()
    paths = lib.sync.paths("local")
    old_snap = paths.snapshot(first)
    assert (old_snap / "tree" / "old.md").is_file()
    assert not (old_snap / "index").exists()
    (since_first,) = changes(lib, since=first[:8])
    assert "new.md" in {f.path for f in since_first.files}


def test_last_seen_moves_only_when_marked(synced):
    lib, repo, first, second = synced
    (result,) = changes(lib, since="last-seen")
    assert result.old == first and "nothing seen yet" in result.note
    mark_seen(lib, [result])
    (again,) = changes(lib, since="last-seen")
    assert again.old == second and again.files == []
    repo.set_files({**AFTER, "more.md": "# More\n"}, "third")
    lib.sync.sync()  # a sync is not looking: last seen stays
    (after_sync,) = changes(lib, since="last-seen")
    assert after_sync.old == second
    assert [f.path for f in after_sync.files] == ["more.md"]


def test_runbook_changes_of_one_file(synced):
    lib, _repo, _first, _second = synced
    file = next(f for f in lib.files() if f.relpath == "db/failover.md")
    _span, change = runbook_changes(lib, file)
    assert change is not None and change.diff.counts["changed"] == 1
    unchanged = next(f for f in lib.files() if f.relpath == "renamed.md")
    assert runbook_changes(lib, unchanged)[1].status == "renamed"


def test_history_is_bounded_30_days_or_20_snapshots():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    old = [
        history.Entry(f"s{i}", f"c{i}", synced_at=(now - timedelta(days=100 - i)).isoformat())
        for i in range(40)
    ]
    kept = history.retained(old, now)
    assert [e.snapshot for e in kept] == [f"s{i}" for i in range(20, 40)]
    recent = [
        history.Entry(f"r{i}", f"c{i}", synced_at=(now - timedelta(hours=i)).isoformat())
        for i in range(50, 0, -1)
    ]
    assert len(history.retained(old + recent, now)) == 50  # all within 30 days: more than 20


def test_pruning_keeps_the_bound_and_the_disk_budget(tmp_path: Path, data_dir: Path, monkeypatch):
    folder = tmp_path / "runbooks"
    folder.mkdir()
    lib = Library(data_dir)
    lib.sync.add_source("local", str(folder))
    paths = lib.sync.paths("local")
    for i in range(24):
        (folder / "a.md").write_text(f"# A\n\n```\necho {i}\n```\n" + "x" * 2000)
        assert lib.sync.sync()[0].changed
    entries = history.read_history(paths)
    assert len(entries) == 24  # all within 30 days
    snaps = [p.name for p in paths.snapshots.iterdir() if not p.name.startswith(".")]
    assert len(snaps) == 24
    # 40 days later: only the last 20 stay, in history.json and on disk
    later = datetime.now(UTC) + timedelta(days=40)
    kept = history.retained(entries, later)
    assert len(kept) == 20
    monkeypatch.setenv(history.ENV_BUDGET, "0.01")  # ~10 kB: a few old trees fit
    history.write_history(paths, kept)
    (folder / "a.md").write_text("# A\n\nlast\n")
    lib.sync.sync()
    entries = history.read_history(paths)
    on_disk = {p.name for p in paths.snapshots.iterdir() if not p.name.startswith(".")}
    assert {e.snapshot for e in entries if e.tree_kept} == on_disk
    assert 2 <= len(on_disk) < 10
    older = on_disk - {entries[-1].snapshot, entries[-2].snapshot}  # beyond current, previous
    assert sum(history.disk_usage(paths.snapshot(s)) for s in older) <= 0.01 * 1024 * 1024
    assert history.history_bytes(paths, "folder", entries[-1].snapshot) > 0
    dropped = [e for e in entries if not e.tree_kept]
    (result,) = changes(lib, since=dropped[-1].commit[:12], source="local")
    assert result.old is not None and "no longer" in result.note
    (doctor,) = check_history(lib)
    assert doctor.status == WARN and "21 syncs kept" in doctor.detail
    assert f"{len(dropped)} older snapshots removed" in doctor.detail


def test_parse_since_time():
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert parse_since_time("3d", now) == now - timedelta(days=3)
    assert parse_since_time("90m", now) == now - timedelta(minutes=90)
    assert parse_since_time("2w", now) == now - timedelta(weeks=2)
    assert parse_since_time("2026-12-01T08:00:00+00:00", now) == datetime(
        2026, 12, 1, 8, tzinfo=UTC
    )
    assert parse_since_time("nope", now) is None


def test_store_layout_names_history(data_dir: Path):
    paths = store.SourcePaths.of(data_dir, "ops")
    assert history.history_path(paths) == paths.base / "history.json"
    assert history.read_history(paths) == []


def test_shallow_subdir_mirror_fetches_online_and_says_so_offline(tmp_path: Path, data_dir):
    repo = Repo(tmp_path / "served" / "mono")
    base = {"src/app.py": "print()\n", "docs/a.md": "# A\n\n```\necho one-1\n```\n"}
    first = repo.set_files(base, "first")
    lib = Library(data_dir)
    lib.sync.add_source("docs", repo.url, subdir="docs")
    lib.sync.sync()
    middle = repo.set_files({**base, "docs/a.md": "# A\n\n```\necho two-2\n```\n"}, "unsynced")
    other = repo.set_files({**base, "docs/a.md": "# A\n\n```\necho three-3\n```\n"}, "unsynced")
    last = repo.set_files({**base, "docs/a.md": "# A\n\n```\necho four-4\n```\n"}, "last")
    lib.sync.sync()
    (default,) = changes(lib)
    assert (default.old, default.new) == (first, last)
    assert default.files[0].diff.commands[0].old == "echo one-1"
    mirror = lib.sync.paths("docs").mirror
    assert "shallow" in os.listdir(mirror)
    (fetched,) = changes(lib, since=middle)  # not in the shallow mirror: fetched online
    assert fetched.old == middle and fetched.note == ""
    assert fetched.files[0].diff.commands[0].old == "echo two-2"
    shutil.rmtree(repo.path)  # offline
    (offline,) = changes(Library(data_dir), since=other, source="docs")
    assert offline.old is None and offline.files == []
    assert "could not be fetched: connect to the network" in offline.note
    (still,) = changes(Library(data_dir))  # what the syncs fetched stays readable offline
    assert still.files[0].diff.commands[0].new == "echo four-4"


def test_a_bad_history_file_is_kept_aside_and_replaced(synced):
    lib, repo, _first, _second = synced
    path = history.history_path(lib.sync.paths("ops"))
    bad = b'{"entries": [{"snapshot": "../x", "commit": 5}]}'
    path.write_bytes(bad)
    (result,) = changes(lib)
    assert result.old is None and result.note == "no earlier sync recorded yet"
    repo.set_files({**AFTER, "z.md": "# Z\n"}, "third")
    lib.sync.sync()
    kept = list(path.parent.glob("history.json.corrupt-*"))
    assert [p.read_bytes() for p in kept] == [bad]
    assert len(history.read_history(lib.sync.paths("ops"))) == 2


def test_refs_follow_the_bounded_history(synced):
    lib, repo, first, second = synced
    paths = lib.sync.paths("ops")
    entries = history.read_history(paths)
    assert [e.commit for e in entries] == [first, second]
    history.write_history(paths, entries[1:])  # as if the first had aged out of the bound
    third = repo.set_files({**AFTER, "t.md": "# T\n"}, "third")
    lib.sync.sync()
    refs = git(paths.mirror, "for-each-ref", "--format=%(refname)", "refs/rbdesk/history/")
    assert refs.split() == [f"refs/rbdesk/history/{c}" for c in sorted([second, third])]
