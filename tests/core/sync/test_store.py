"""Config, atomic writes, locks, safe tar extraction, folder hashing."""

from __future__ import annotations

import json
import os

import pytest

from rbdesk.core.errors import ConfigError
from rbdesk.core.sync import store


def test_config_roundtrip_and_settings(tmp_path, monkeypatch):
    monkeypatch.delenv(store.ENV_STALL_TIMEOUT, raising=False)
    monkeypatch.delenv(store.ENV_STALE_HOURS, raising=False)
    with store.editing_config(tmp_path) as cfg:
        cfg.sources.append(store.SourceConfig("ops", "https://h/x.git", "git", "main", None))
        cfg.settings.stale_hours = 6
    cfg = store.load_config(tmp_path)
    assert cfg.find("ops").branch == "main" and cfg.settings.stale_hours == 6
    assert cfg.settings.stall_timeout == store.DEFAULT_STALL_SECONDS
    monkeypatch.setenv(store.ENV_STALL_TIMEOUT, "2")
    assert store.load_config(tmp_path).settings.stall_timeout == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(store.TMP_PREFIX)]


def test_broken_config_is_a_specific_error(tmp_path):
    (tmp_path / store.CONFIG_NAME).write_text("{not json")
    with pytest.raises(ConfigError, match="unreadable sources config"):
        store.load_config(tmp_path)
    (tmp_path / store.CONFIG_NAME).write_text(
        json.dumps({"settings": {"stall_timeout_seconds": -1}})
    )
    with pytest.raises(ConfigError, match="stall_timeout_seconds must be a positive number"):
        store.load_config(tmp_path)


def test_failed_edit_writes_nothing(tmp_path):
    with store.editing_config(tmp_path) as cfg:
        cfg.sources.append(store.SourceConfig("ops", "https://h/x.git", "git"))
    before = (tmp_path / store.CONFIG_NAME).read_bytes()
    with pytest.raises(RuntimeError), store.editing_config(tmp_path) as cfg:
        cfg.sources.clear()
        raise RuntimeError("refused")
    assert (tmp_path / store.CONFIG_NAME).read_bytes() == before


def test_lock_is_exclusive_and_names_the_holder(tmp_path):
    first = store.FileLock(tmp_path / "x.lock")
    first.acquire(blocking=False)
    with pytest.raises(store.LockBusy, match=f"pid {os.getpid()}"):
        store.FileLock(tmp_path / "x.lock").acquire(blocking=False)
    first.release()
    with store.locked(tmp_path / "x.lock", blocking=False):
        pass


def test_drop_escaping_links_removes_direct_and_chained_escapes(tmp_path):
    dest = tmp_path / "tree"
    (dest / "a").mkdir(parents=True)
    (dest / "ok.md").write_text("# ok\n")
    links = {
        "abs-link.md": "/etc/passwd",
        "up-link.md": "../../etc/passwd",
        "in-link.md": "ok.md",
        "a/b": "..",  # the tree itself: fine
        "s": "a/b",  # fine
        "t": "s/..",  # escapes through two links
    }
    for name, target in links.items():
        os.symlink(target, dest / name)
    store.drop_escaping_links([str(dest / n) for n in links], os.path.realpath(dest))
    left = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_symlink())
    assert left == ["a/b", "in-link.md", "s"]
    assert (dest / "in-link.md").read_text() == "# ok\n"


def test_hash_folder_is_content_based(tmp_path):
    root = tmp_path / "f"
    (root / "d").mkdir(parents=True)
    (root / "a.md").write_text("a")
    (root / "d/b.md").write_text("b")
    h1 = store.hash_folder(root)
    os.utime(root / "a.md", (1, 1))
    assert store.hash_folder(root).commit == h1.commit  # mtime is not content
    copy = tmp_path / "copy"
    copy.mkdir()
    assert store.hash_folder(root, copy_to=copy).commit == h1.commit
    assert (copy / "d/b.md").read_text() == "b"
    (root / "d/b.md").write_text("B")
    assert store.hash_folder(root).commit != h1.commit
    (root / "d/b.md").rename(root / "d/c.md")
    assert len({store.hash_folder(root).commit, h1.commit}) == 2


def test_remove_tree_renames_first(tmp_path):
    d = tmp_path / "snap"
    (d / "tree").mkdir(parents=True)
    store.remove_tree(d)
    assert list(tmp_path.iterdir()) == []
