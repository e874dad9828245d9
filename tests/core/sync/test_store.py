"""Config, atomic writes, locks, safe tar extraction, folder hashing."""

from __future__ import annotations

import io
import json
import os
import tarfile

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


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    buf.seek(0)
    return buf


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, None


def test_extract_drops_escaping_paths_and_links(tmp_path):
    dest = tmp_path / "tree"
    dest.mkdir()
    stream = _tar(
        [
            _file("ok.md", b"# ok\n"),
            _file("../escape.md", b"x"),
            _file("/abs.md", b"x"),
            _link("abs-link.md", "/etc/passwd"),
            _link("up-link.md", "../../etc/passwd"),
            _link("in-link.md", "ok.md"),
        ]
    )
    assert store.extract_tar_stream(stream, dest) == 1
    assert sorted(p.name for p in dest.iterdir()) == ["in-link.md", "ok.md"]
    assert not (tmp_path / "escape.md").exists()
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


def test_extract_removes_links_escaping_through_other_links(tmp_path):
    dest = tmp_path / "tree"
    dest.mkdir()
    info = tarfile.TarInfo("a")
    info.type = tarfile.DIRTYPE
    stream = _tar(
        [
            (info, None),
            _link("a/b", ".."),
            _link("s", "a/b"),
            _link("t", "s/.."),
            _file("t/x.md", b"written into a real folder, never through a link"),
        ]
    )
    store.extract_tar_stream(stream, dest)
    for p in dest.rglob("*"):
        assert p.resolve().is_relative_to(dest.resolve()), p
    assert (dest / "t").is_dir() and not (dest / "t").is_symlink()
    assert not (tmp_path / "x.md").exists()


def test_extract_reports_the_names_it_wrote(tmp_path):
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("a/b.md", b"# b\n"), ("c.txt", b"c")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("l.md")
        link.type = tarfile.SYMTYPE
        link.linkname = "a/b.md"
        tar.addfile(link)
    buf.seek(0)
    names: list[str] = []
    assert store.extract_tar_stream(buf, tmp_path, names) == 2
    assert sorted(names) == ["a/b.md", "c.txt"]  # regular files only
