"""Writes (#15 defects 2 and 4): no planted file or symlink is written through; a full
disk during fetch, export or index build keeps the last good snapshot current."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tests.core.sync.gitfixtures import Repo

RUNBOOK = "# Disk full\n\nowner: sre\n\n## Checklist\n\n- [ ] free space\n- [ ] check\n"


@pytest.fixture()
def synced(sync_ops) -> Repo:
    return sync_ops({"disk.md": RUNBOOK})


def _snapshots(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "sources/ops/snapshots").iterdir())


# -- defect 2: predictable temp names and symlinks ----------------------------------------


def test_runs_export_never_writes_through_a_planted_temp_symlink(cli, tmp_path, synced):
    code, out, _ = cli("runs", "start", "disk.md")
    run_id = out.strip()
    victim = tmp_path / "victim.conf"
    victim.write_text("root-owned config")
    shared = tmp_path / "shared"
    shared.mkdir()
    # The old name was .NAME.<pid>.tmp: plant it for this pid and the next ones.
    for pid in range(os.getpid(), os.getpid() + 50):
        (shared / f".t.md.{pid}.tmp").symlink_to(victim)
    code, out, err = cli("runs", "export", run_id, "-o", str(shared / "t.md"))
    assert code == 0, err
    assert victim.read_text() == "root-owned config"
    assert "Disk full" in (shared / "t.md").read_text()
    assert not (shared / "t.md").is_symlink()


def test_export_refuses_a_symlink_at_the_target(cli, tmp_path, synced):
    code, out, _ = cli("runs", "start", "disk.md")
    victim = tmp_path / "victim.conf"
    victim.write_text("keep")
    (tmp_path / "out.md").symlink_to(victim)
    code, _out, err = cli("runs", "export", out.strip(), "-o", str(tmp_path / "out.md"))
    assert code != 0 and "is a symbolic link; refusing to write through it" in err
    assert victim.read_text() == "keep"


def test_atomic_write_temp_is_random_exclusive_and_nofollow(tmp_path, monkeypatch):
    from rbdesk.core import fsutil

    target = tmp_path / "state.json"
    seen: list[int] = []
    real_open = os.open

    def spy(path, flags, mode=0o777, **kw):
        if fsutil.TMP_MARK in str(path):
            seen.append(flags)
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", spy)
    names = set()
    for i in range(5):
        fsutil.atomic_write_json(target, {"i": i})
        names |= {p.name for p in tmp_path.iterdir()}
    assert json.loads(target.read_text()) == {"i": 4}
    assert seen and all(f & os.O_EXCL and f & os.O_NOFOLLOW and f & os.O_CREAT for f in seen)
    assert names == {"state.json"}  # no temp file is left behind


@pytest.mark.parametrize(
    "writer",
    ["settings", "sources", "runs-export", "pointer"],
)
def test_every_writer_keeps_the_old_file_on_a_full_disk(data_dir, writer, tmp_path):
    from rbdesk.core import fsutil
    from rbdesk.core.runs.store import atomic_write_text
    from rbdesk.core.settings import Settings, save_settings
    from rbdesk.core.sync import store

    paths = {
        "settings": data_dir / "settings.json",
        "sources": data_dir / "sources.json",
        "runs-export": tmp_path / "run.md",
        "pointer": data_dir / "current.json",
    }
    target = paths[writer]
    target.write_text('{"old": true}')

    def write() -> None:
        if writer == "settings":
            save_settings(data_dir, Settings(theme="dark"))
        elif writer == "sources":
            store.save_config(data_dir, store.Config())
        elif writer == "runs-export":
            atomic_write_text(target, "new")
        else:
            store.write_json_atomic(target, {"new": True})

    def full(step: str, path: Path) -> None:
        if step == "write":
            raise fsutil.enospc(path)

    fsutil.FAULT_HOOK = full
    from rbdesk.core.errors import RbdeskError

    with pytest.raises((OSError, RbdeskError)) as info:
        write()
    if writer == "settings":  # a command's one line: what, where, why
        assert str(info.value).startswith(f"could not save settings to {target}: the disk is full")
    else:
        assert info.value.errno == errno.ENOSPC
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in target.parent.iterdir() if fsutil.TMP_MARK in p.name] == []
    fsutil.FAULT_HOOK = None
    write()
    assert target.read_text() != '{"old": true}'


# -- defect 4: disk full during fetch, export, index build ----------------------------------


def _full_at(step_wanted: str):
    from rbdesk.core import fsutil

    def hook(step: str, path: Path) -> None:
        if step == step_wanted:
            raise fsutil.enospc(path)

    return hook


@pytest.mark.parametrize("step", ["export", "index", "write"])
def test_disk_full_keeps_the_last_good_snapshot(cli, data_dir, synced, step):
    from rbdesk.core import fsutil

    first = json.loads((data_dir / "sources/ops/current.json").read_text())
    synced.set_files({"disk.md": RUNBOOK, "more.md": "# More disk\n"}, "second")
    fsutil.FAULT_HOOK = _full_at(step)
    code, out, err = cli("sync")
    fsutil.FAULT_HOOK = None
    assert code == 1 and "disk full" in err, out + err
    if step == "index":
        assert "the previous snapshot" in err and "stays current" in err
    pointer = json.loads((data_dir / "sources/ops/current.json").read_text())
    assert pointer["snapshot"] == first["snapshot"]
    assert _snapshots(data_dir) == [first["snapshot"]]  # the failed attempt was deleted
    code, out, _ = cli("search", "disk")
    assert code == 0 and "Disk full" in out  # the old index answers
    code, out, _ = cli("status")
    assert first["commit"][:7] in out
    if step != "write":  # (with every write failing, state.json cannot record it either)
        assert "disk full" in out
    code, out, err = cli("sync")  # space is back: the update goes through
    assert code == 0 and "updated" in out, err
    assert cli("search", "more", "disk")[0] == 0


def test_index_build_failing_midway_discards_the_new_snapshot(cli, data_dir, synced, monkeypatch):
    """Whatever the index build does before failing, nothing half-built is published."""
    from rbdesk.core.search import store as search_store

    real_build = search_store.build

    def half_build(root, source, dest, *args, **kwargs):
        Path(dest).mkdir(parents=True, exist_ok=True)
        (Path(dest) / "MAIN_half.seg").write_bytes(b"\0" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    first = json.loads((data_dir / "sources/ops/current.json").read_text())
    synced.set_files({"disk.md": RUNBOOK, "more.md": "# More\n"}, "second")
    monkeypatch.setattr(search_store, "build", half_build)
    code, out, err = cli("sync")
    assert code == 1 and "disk full" in err
    assert _snapshots(data_dir) == [first["snapshot"]]
    monkeypatch.setattr(search_store, "build", real_build)
    code, out, err = cli("search", "disk")
    assert code == 0 and "Disk full" in out, err


def test_an_index_that_does_not_answer_is_not_published(cli, data_dir, synced, monkeypatch):
    from rbdesk.core.search import service

    first = json.loads((data_dir / "sources/ops/current.json").read_text())
    synced.set_files({"disk.md": RUNBOOK, "more.md": "# More\n"}, "second")
    real = service.SearchService.search

    def broken(self, *a, **kw):
        if type(self.library).__name__ == "_OneRoot":
            raise RuntimeError("index unreadable")
        return real(self, *a, **kw)

    monkeypatch.setattr(service.SearchService, "search", broken)
    code, _out, err = cli("sync")
    assert code == 1 and "search index could not be built (index unreadable)" in err
    assert _snapshots(data_dir) == [first["snapshot"]]


def test_disk_full_on_a_real_small_tmpfs(tmp_path, cli_factory, tmpfs):
    """A real 5 MB tmpfs when this machine lets us mount one (root, Linux); else skipped."""
    mnt = tmpfs("5m")
    cli = cli_factory(mnt / "data")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "disk.md").write_text(RUNBOOK)
    assert cli("source", "add", "ops", str(folder))[0] == 0
    assert cli("sync")[0] == 0
    first = json.loads((mnt / "data/sources/ops/current.json").read_text())
    import random

    rng = random.Random(1)  # ~1.6 MB of text: the snapshot fits, its index does not
    for i in range(200):
        words = " ".join(
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
            for _ in range(600)
        )
        (folder / f"big{i}.md").write_text(f"# Big {i}\n\n{words}\n")
    code, out, err = cli("sync")
    assert code == 1 and "disk full while building the search index" in err, out + err
    pointer = json.loads((mnt / "data/sources/ops/current.json").read_text())
    assert pointer["snapshot"] == first["snapshot"]
    assert _snapshots(mnt / "data") == [first["snapshot"]]
    assert cli("search", "disk")[0] == 0
    for i in range(200):
        (folder / f"big{i}.md").unlink()
    (folder / "small.md").write_text("# Small one\n")
    code, out, err = cli("sync")
    assert code == 0, err  # the failed attempts' space was freed


def test_disk_full_during_fetch(data_dir, synced, tmp_path):
    """git itself runs out of space while fetching: reported as disk full, no re-clone,
    the last good snapshot stays current."""
    from rbdesk.core.facade import Library
    from rbdesk.core.sync import SyncManager

    fake = tmp_path / "git-full"
    fake.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" fetch "*)\n'
        '  echo "error: unable to write file: No space left on device" >&2\n'
        '  echo "fatal: unpack-objects failed" >&2; exit 128;;\n'
        "esac\n"
        'exec git "$@"\n'
    )
    fake.chmod(0o755)
    lib = Library(data_dir)
    first = json.loads((data_dir / "sources/ops/current.json").read_text())
    synced.set_files({"disk.md": RUNBOOK, "more.md": "# More\n"}, "second")
    manager = SyncManager(data_dir, on_snapshot=lib._index_snapshot, git=str(fake))
    (out,) = manager.sync()
    assert not out.ok and out.error == "disk_full" and "disk full" in out.message
    assert "re-cloned" not in out.message
    assert json.loads((data_dir / "sources/ops/current.json").read_text()) == first | {
        "synced_at": first["synced_at"]
    }
    assert _snapshots(data_dir) == [first["snapshot"]]
    assert lib.search.search("disk").hits
