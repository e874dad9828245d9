"""Index lifecycle: location, corruption, format change, sync, incremental, samples."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from rbdesk.core.facade import Library
from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.search import SearchService, store

from .conftest import RUNBOOKS, FolderLibrary, write_tree


def _paths(res):
    return [h.path for h in res.hits]


def test_index_lives_under_data_dir_and_has_a_marker(service, folder_root):
    assert service.search("coredns").total == 1
    d = service.index_dir_for(folder_root)
    assert d.parent == service.library.data_dir / "index" and d.name.startswith("team-")
    marker = store.read_marker(d)
    assert marker["documents"] == len(RUNBOOKS) and marker["format"] > 0


def test_corrupt_index_is_rebuilt(service, folder_root):
    service.search("coredns")
    d = service.index_dir_for(folder_root)
    service.close()
    for f in d.iterdir():
        if f.name != store.MARKER:
            f.write_bytes(b"garbage" * 10)
    assert _paths(service.search("coredns")) == ["net/dns-failures.md"]
    assert store.is_current(d)


def test_foreign_or_old_format_index_is_never_opened(service, folder_root):
    service.search("coredns")
    d = service.index_dir_for(folder_root)
    service.close()
    marker = json.loads((d / store.MARKER).read_text())
    marker["format"] = -1
    (d / store.MARKER).write_text(json.dumps(marker))
    assert not store.is_current(d)
    assert _paths(service.search("coredns")) == ["net/dns-failures.md"]
    assert store.read_marker(d)["format"] == marker["format"] * 0 + store.FORMAT_VERSION
    (d / store.MARKER).unlink()  # no marker: not ours
    assert _paths(service.search("coredns")) == ["net/dns-failures.md"]


def _snapshot(tmp_path, name, files):
    root = write_tree(tmp_path / name / "tree", files)
    return LibraryRoot(
        name="team", root=root, kind="git", commit=name, index_dir=tmp_path / name / "index"
    )


def test_search_during_sync_and_incremental_reindex(tmp_path):
    old = _snapshot(tmp_path, "c1", RUNBOOKS)
    lib = FolderLibrary(tmp_path / "data", [old])
    svc = SearchService(lib)
    assert svc.build_index(old).added == len(RUNBOOKS)
    assert svc.search("coredns").total == 1

    changed = dict(RUNBOOKS)
    changed["net/dns-failures.md"] = "# DNS failures\n\nResolvers time out; check unbound.\n"
    changed["new/ZookeeperDown.md"] = "# ZookeeperDown\n\nEnsemble lost quorum.\n"
    del changed["db/PostgresReplicationLag.md"]
    new = _snapshot(tmp_path, "c2", changed)
    events = []
    stats = svc.build_index(new, previous_root=old, progress=lambda *a: events.append(a))
    assert stats.incremental and stats.added == 2 and stats.removed == 2
    assert stats.documents == len(changed)
    assert events and events[-1][0] == events[-1][1] == 2  # (done, total, message)
    # Not yet published: queries still answer from the old snapshot's index.
    assert svc.search("coredns").total == 1 and svc.search("zookeeper").total == 0
    lib.current = [new]  # sync publishes the new snapshot
    assert svc.search("coredns").total == 0
    assert _paths(svc.search("zookeeper")) == ["new/ZookeeperDown.md"]
    assert svc.search("replication lag").total == 0
    # The old snapshot's index is untouched (hard links are never rewritten).
    lib.current = [old]
    assert svc.search("coredns").total == 1 and svc.search("zookeeper").total == 0
    svc.close()


def test_search_from_another_thread_while_building(tmp_path):
    old = _snapshot(tmp_path, "c1", RUNBOOKS)
    lib = FolderLibrary(tmp_path / "data", [old])
    svc = SearchService(lib)
    svc.build_index(old)
    new = _snapshot(tmp_path, "c2", {**RUNBOOKS, "x/Extra.md": "# Extra\n\ncoredns too\n"})
    results = []

    def query():
        for _ in range(20):
            results.append(svc.search("coredns").total)

    t = threading.Thread(target=query)
    t.start()
    svc.build_index(new, previous_root=old)
    t.join()
    assert results and set(results) == {1}
    svc.close()


def test_reindex_in_place(service, folder_root):
    service.search("coredns")
    d = service.index_dir_for(folder_root)
    (folder_root.root / "net/dns-failures.md").write_text("# DNS\n\nunbound only\n", "utf-8")
    stats = service.reindex_files(folder_root, d, ["net/dns-failures.md"])
    assert stats.added == 1 and stats.documents == len(RUNBOOKS)
    with store.open_index(d).searcher() as s:
        assert s.document_number(key="net/dns-failures.md") is not None
    service.close()  # reopen: answers come from the re-indexed file
    assert _paths(service.search("unbound")) == ["net/dns-failures.md"]
    assert "net/dns-failures.md" not in _paths(service.search("servfail"))


def test_changed_folder_gets_a_new_index(service, folder_root):
    first = service.index_dir_for(folder_root)
    service.search("coredns")
    (folder_root.root / "new.md").write_text("# Brand new\n\nzebra\n", "utf-8")
    service._fingerprints.clear()
    assert _paths(service.search("zebra")) == ["new.md"]
    assert service.index_dir_for(folder_root) != first
    assert not first.exists()  # the outdated index was cleaned up


def test_no_sources_searches_the_samples(data_dir, samples_dir):
    files = sorted(samples_dir.rglob("*.md"))
    files = [f for f in files if f.name.lower() != "readme.md"]
    if not files:
        import pytest

        pytest.skip("no sample runbooks in this checkout")
    lib = Library(data_dir)
    assert [r.name for r in lib.roots()] == ["samples"]
    rb = lib.load(next(f for f in lib.files() if f.path == files[0]))
    res = lib.search.search(rb.title, limit=5)
    assert res.total >= 1
    assert files[0].relative_to(lib.roots()[0].root).as_posix() in _paths(res)
    assert (data_dir / "index").is_dir()


def test_mkdocs_nav_titles_name_untitled_files(tmp_path):
    root = tmp_path / "site"
    write_tree(
        root,
        {
            "mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
            "nav:\n  - Home: index.md\n  - Storage:\n    - Zebra recovery procedure: ops/zr.md\n",
            "docs/ops/zr.md": "Steps for the thing.\n",
            "docs/index.md": "# Welcome\n",
        },
    )
    svc = SearchService(FolderLibrary(tmp_path / "data", [LibraryRoot("s", root, kind="folder")]))
    res = svc.search("zebra recovery")
    assert _paths(res) == ["docs/ops/zr.md"] and res.hits[0].title == "Zebra recovery procedure"
    svc.close()
    shutil.rmtree(tmp_path / "data")


def test_fingerprint_is_refreshed_off_the_query_path(service, folder_root, monkeypatch):
    import time as _time

    from rbdesk.core.search import service as svc_mod

    service.search("coredns")
    first = service.index_dir_for(folder_root)
    (folder_root.root / "new.md").write_text("# Brand new\n\nzebra\n", "utf-8")
    monkeypatch.setattr(svc_mod, "FINGERPRINT_TTL", 0.0)
    assert service.index_dir_for(folder_root) == first  # answered from the known hash...
    deadline = _time.monotonic() + 10
    while service.index_dir_for(folder_root) == first and _time.monotonic() < deadline:
        _time.sleep(0.05)  # ...while a background thread hashes the folder again
    assert service.index_dir_for(folder_root) != first
    assert _paths(service.search("zebra")) == ["new.md"]


def test_parser_version_covers_the_runbook_layer():
    """A changed parser means re-indexing: the version hashes every runbook-layer module."""
    names = {p.name for p in store.parser_sources()}
    assert {"parser.py", "model.py", "markdown.py", "commands.py", "tree.py"} <= names
    assert len(store.parser_version()) == 12


def test_parallel_build_indexes_every_file_and_reports_while_writing(tmp_path, monkeypatch):
    # enough files for worker processes; each worker writes its own segment
    files = {
        f"team{i % 7}/svc{i:03d}.md": f"# Service {i} down\n\nRestart unit{i:03d} with care.\n"
        for i in range(store.PARALLEL_MIN_FILES + 20)
    }
    root = write_tree(tmp_path / "lib", files)
    monkeypatch.setattr(store, "HEARTBEAT_S", 0.005)
    events = []
    stats = store.build(root, "r", tmp_path / "ix", progress=lambda *a: events.append(a), workers=2)
    assert stats.documents == len(files) and not stats.incremental
    messages = [m for _, _, m in events]
    last_indexed = max(i for i, m in enumerate(messages) if m.startswith("indexed "))
    assert messages[last_indexed + 1] == "writing the index"
    beats = [m for m in messages[last_indexed + 1 :] if m.startswith("writing the index (")]
    assert beats, messages[-5:]  # the commit waits for two processes: never instant
    assert all(done == total == len(files) for done, total, _ in events[last_indexed:])
    svc = SearchService(FolderLibrary(tmp_path / "data", [LibraryRoot("r", root, kind="folder")]))
    try:
        for i in (0, len(files) // 2, len(files) - 1):  # documents from every worker
            assert _paths(svc.search(f"unit{i:03d}", limit=3))[:1] == [f"team{i % 7}/svc{i:03d}.md"]
    finally:
        svc.close()


def test_a_failing_progress_callback_stops_the_parallel_build(tmp_path, monkeypatch):
    files = {
        f"a/f{i:03d}.md": f"# File {i}\n\nText {i}.\n" for i in range(store.PARALLEL_MIN_FILES)
    }
    root = write_tree(tmp_path / "lib", files)
    monkeypatch.setattr(store, "HEARTBEAT_S", 0.005)

    def progress(done, total, message):
        if message.startswith("writing the index ("):
            raise KeyboardInterrupt  # a cancelled sync

    with pytest.raises(KeyboardInterrupt):
        store.build(root, "r", tmp_path / "ix", progress=progress, workers=2)
    assert not (tmp_path / "ix").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]  # no temp dir left behind
