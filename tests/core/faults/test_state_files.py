"""Corrupt state files (#15 defects 1 and 7): a clear one-line error, never a traceback,
never a silent rewrite without a kept copy, never a path outside the data dir."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.core.sync.gitfixtures import Repo

from .conftest import tree_snapshot

RUNBOOK = "# Disk full\n\nowner: sre\n\n```bash\ndf -h\n```\n"


@pytest.fixture()
def synced(sync_ops) -> Repo:
    return sync_ops({"disk.md": RUNBOOK})


# -- sources.json: names are names, never paths (defect 1) -----------------------------


def test_dot_dot_source_name_in_config_touches_nothing_outside(cli, data_dir, tmp_path, synced):
    victim = data_dir.parent / "victimdir"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    config = json.loads((data_dir / "sources.json").read_text())
    config["sources"].append(
        {"name": "../../victimdir", "url": synced.url, "kind": "git", "branch": None}
    )
    (data_dir / "sources.json").write_text(json.dumps(config))
    outside_before = tree_snapshot(tmp_path)
    for argv in (("source", "remove", "../../victimdir"), ("sync",), ("status",), ("show", "x")):
        code, _out, err = cli(*argv)
        assert code != 0
        assert "sources.json: source #2" in err or "invalid source name" in err, err
    assert (victim / "precious.txt").read_text() == "keep me"
    after = tree_snapshot(tmp_path)
    before = outside_before
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert all(k.startswith("data/") for k in changed), changed  # only inside the data dir


def test_source_name_pattern_is_enforced_at_the_folder_level(data_dir):
    from rbdesk.core.sync import store
    from rbdesk.core.sync.urls import UnsafeURLError

    for bad in ("..", "../x", "a/b", "/abs", "", ".hidden"):
        with pytest.raises(UnsafeURLError):
            store.SourcePaths.of(data_dir, bad)


# -- the corruption matrix (defect 7) -----------------------------------------------------

CORRUPTIONS = {
    "settings: random bytes": ("settings.json", os.urandom(64) + b"\xff\xfe"),
    "settings: not an object": ("settings.json", b"[1, 2]"),
    "settings: wrong types": (
        "settings.json",
        b'{"variables": [1], "recent": {"a": 1}, "theme": 5, "zoom": "big",'
        b' "checked": {"a": "x"}, "docs_prefixes": {"ops": 3}, "initials": 7}',
    ),
    "settings: empty": ("settings.json", b""),
    "sources: random bytes": ("sources.json", b"\x00\x9f\x92\x96" * 10),
    "sources: branch 5 subdir [1]": (
        "sources.json",
        b'{"sources": [{"name": "ops", "url": "URL", "branch": 5, "subdir": [1]}]}',
    ),
    "sources: name is a list": ("sources.json", b'{"sources": [{"name": ["x"], "url": "URL"}]}'),
    "sources: sources is a string": ("sources.json", b'{"sources": "ops"}'),
    "sources: settings is a list": ("sources.json", b'{"sources": [], "settings": [1]}'),
    "sources: kind unknown": (
        "sources.json",
        b'{"sources": [{"name": "ops", "url": "URL", "kind": "ftp"}]}',
    ),
    "current: synced_at 5": ("sources/ops/current.json", b"SYNCED_AT_5"),
    "current: commit list": ("sources/ops/current.json", b"COMMIT_LIST"),
    "current: commit 5": ("sources/ops/current.json", b"COMMIT_INT"),
    "current: synced_at object": ("sources/ops/current.json", b"SYNCED_OBJ"),
    "current: subject object, runbooks text": ("sources/ops/current.json", b"SUBJECT_OBJ"),
    "current: random bytes": ("sources/ops/current.json", b"\xff" * 40),
    "current: snapshot ../..": ("sources/ops/current.json", b'{"snapshot": "../../x"}'),
    "state: wrong types": (
        "sources/ops/state.json",
        b'{"last_attempt_at": 1, "last_error": ["x"], "last_error_kind": {}}',
    ),
    "state: random bytes": ("sources/ops/state.json", b"\x81" * 33),
    "meta: wrong types": ("META", b""),
    "runs db: garbage": ("runs.sqlite3", b"not a database at all" * 50),
    "history: random bytes": ("sources/ops/history.json", b"\xfe" * 21),
    "history: wrong types": (
        "sources/ops/history.json",
        b'{"entries": [{"snapshot": "../x", "commit": 5}, 7, {"snapshot": 1}]}',
    ),
    "seen: wrong types": ("seen.json", b'{"sources": {"ops": {"revision": 5}}, "runbooks": []}'),
    "seen: random bytes": ("seen.json", b"\x00\xff" * 9),
}
COMMANDS = [
    ("show", "disk.md"),
    ("copy", "disk.md", "1"),
    ("sync",),
    ("status",),
    ("doctor",),
    ("search", "disk"),
    ("source", "list"),
    ("runs",),
    ("changes",),
    ("diff", "disk.md"),
]


def _corrupt(data_dir: Path, where: str, payload: bytes) -> Path:
    if where == "META":
        (snap,) = [p for p in (data_dir / "sources/ops/snapshots").iterdir()]
        path = snap / "meta.json"
        meta = json.loads(path.read_text())
        meta.update(commit=7, synced_at=[1], runbooks="many")
        path.write_text(json.dumps(meta))
        return path
    path = data_dir / where
    if payload in (b"SYNCED_AT_5", b"COMMIT_LIST", b"SUBJECT_OBJ", b"COMMIT_INT", b"SYNCED_OBJ"):
        pointer = json.loads(path.read_text())
        if payload == b"SYNCED_AT_5":
            pointer["synced_at"] = 5
        elif payload == b"COMMIT_LIST":
            pointer["commit"] = [1, 2]
        elif payload == b"COMMIT_INT":
            pointer["commit"] = 5
        elif payload == b"SYNCED_OBJ":
            pointer["synced_at"] = {"at": 1}
        else:
            pointer.update(commit_subject={"a": 1}, runbooks="lots")
        payload = json.dumps(pointer).encode()
    if where == "sources.json":
        url = json.loads(path.read_text())["sources"][0]["url"]
        payload = payload.replace(b"URL", url.encode())
    path.write_bytes(payload)
    return path


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_state_never_crashes_a_command(cli, data_dir, synced, corruption):
    where, payload = CORRUPTIONS[corruption]
    path = _corrupt(data_dir, where, payload)
    bad = path.read_bytes()
    for argv in COMMANDS:
        code, out, err = cli(*argv)  # any exception fails the test (no traceback)
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in out + err
        if code != 0 and argv[0] != "search":
            assert err.strip(), (argv, "a failing command must say why")
    # the bad content is never lost: still in place, or kept as NAME.corrupt-<time>
    kept = [p.read_bytes() for p in path.parent.glob(f"{path.name}.corrupt-*")]
    exempt = ("meta.json", "runs.sqlite3")  # rbdesk's own files: bad fields are ignored
    assert (path.exists() and path.read_bytes() == bad) or bad in kept or path.name in exempt


def test_sources_json_field_types_give_one_line_error(cli, data_dir, synced):
    _corrupt(data_dir, "sources.json", CORRUPTIONS["sources: branch 5 subdir [1]"][1])
    code, _out, err = cli("sync")
    assert code != 0
    assert "sources.json: source #1: field 'branch' must be text or null" in err
    assert "fix the entry by hand" in err


def test_current_json_wrong_types_status_and_doctor_say_so(cli, data_dir, synced):
    path = _corrupt(data_dir, "sources/ops/current.json", b"SYNCED_AT_5")
    code, out, _ = cli("status")
    assert code == 0 and "field 'synced_at' must be text" in out
    assert list(path.parent.glob("current.json.corrupt-*")), "the bad pointer is kept"
    code, out, _ = cli("doctor")
    assert "field 'synced_at' must be text" in out
    assert cli("sync")[0] == 0  # a sync writes a good pointer again
    assert "must be text" not in cli("status")[1]


def test_settings_random_bytes_kept_aside_and_defaults_used(cli, data_dir, synced):
    (data_dir / "settings.json").write_bytes(b"\xff\xfe\x00garbage")
    code, out, _err = cli("show", "disk.md")
    assert code == 0 and "Disk full" in out
    kept = list(data_dir.glob("settings.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"\xff\xfe\x00garbage"


def test_settings_wrong_types_named_and_kept(data_dir):
    from rbdesk.core.settings import load_settings

    (data_dir / "settings.json").write_text('{"theme": 5, "variables": {"HOST": 1}, "zoom": 2}')
    s = load_settings(data_dir)
    assert s.theme == "system" and s.variables == {} and s.zoom == 2
    assert "theme must be text" in s.load_error and "variables must map" in s.load_error
    assert len(list(data_dir.glob("settings.json.corrupt-*"))) == 1
    load_settings(data_dir)  # loading again keeps no second identical copy
    assert len(list(data_dir.glob("settings.json.corrupt-*"))) == 1
