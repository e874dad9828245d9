"""Hostile repositories (#15 defects 3 and 8): one bad path never poisons the library."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .hostile import blob, combine, commit_tree, deep_tree, mktree, write_tree

MAX_DEPTH = 64  # rbdesk.core.library.roots.MAX_DEPTH (checked below)

GOOD = b"# Disk pressure on nodes\n\nowner: sre\n\nFree space with `du -sh /var`.\n"
ALERTS = b"""# Alerts\n\n## KubeDiskFull\n\n```yaml\n- alert: KubeDiskFull\n```\n"""


def _add_and_sync(cli, repo: Path) -> tuple[int, str, str]:
    code, _out, err = cli("source", "add", "evil", str(repo))
    assert code == 0, err
    return cli("sync")


def _all_commands_work(cli) -> None:
    """The commands the attack review saw die, each exiting cleanly with a real answer."""
    code, out, err = cli("search", "disk", "pressure")
    assert code == 0 and "Disk pressure on nodes" in out, err
    code, out, _ = cli("alert", "KubeDiskFull")
    assert code == 0 and "Alerts" in out
    code, out, _ = cli("show", "good.md")
    assert code == 0 and "Disk pressure on nodes" in out
    code, _out, _err = cli("contacts")
    assert code in (0, 1)
    code, out, _ = cli("status")
    assert code == 0 and "skipped" in out


def test_non_utf8_file_name_is_skipped_and_listed(cli, hostile_repo, data_dir):
    tree = write_tree(
        hostile_repo, {b"good.md": GOOD, b"alerts.md": ALERTS, b"caf\xe9.md": b"# Cafe\n"}
    )
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0, err
    assert "index not built" not in out and "skipped 1 file: caf\\xe9.md (name is not UTF-8)" in out
    _all_commands_work(cli)
    status = json.loads(cli("status", "--json")[1])["sources"][0]
    assert status["problems"] == ["skipped 1 file: caf\\xe9.md (name is not UTF-8)"]
    code, out, _ = cli("doctor")
    assert "caf\\xe9.md" in out


def test_two_thousand_nested_folders(cli, hostile_repo):
    deep = deep_tree(hostile_repo, 2000, {b"deep.md": b"# Deep\n"})
    tree = combine(hostile_repo, {b"d": deep}, {b"good.md": GOOD, b"alerts.md": ALERTS})
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0, err
    assert f"more than {MAX_DEPTH} folders deep" in out
    _all_commands_work(cli)
    code, out, _ = cli("lint", str(cli.data_dir / "sources"))
    assert "Traceback" not in out


def test_dot_dot_entry_is_skipped_not_a_corrupt_mirror(cli, hostile_repo):
    sub = write_tree(hostile_repo, {b"escape.md": b"# Escape\n"})
    tree = combine(hostile_repo, {b"..": sub}, {b"good.md": GOOD, b"alerts.md": ALERTS})
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0 and "corrupt" not in out + err, out + err
    assert "../escape.md ('.' or '..' in the path)" in out
    assert not (hostile_repo.parent / "escape.md").exists()
    (hostile_repo / "new.txt").write_text("x")  # a new commit: the mirror is fetched again
    extra = blob(hostile_repo, b"# Later\n")
    tree2 = mktree(
        hostile_repo,
        [
            (b"40000", b"tree", sub, b".."),
            (b"100644", b"blob", blob(hostile_repo, ALERTS), b"alerts.md"),
            (b"100644", b"blob", blob(hostile_repo, GOOD), b"good.md"),
            (b"100644", b"blob", extra, b"later.md"),
        ],
    )
    commit_tree(hostile_repo, tree2)
    code, out, err = cli("sync")
    assert code == 0 and "re-cloned" not in out and "corrupt" not in out + err, out + err
    _all_commands_work(cli)


def test_dot_git_and_escaping_symlinks_never_land(cli, hostile_repo, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    hooks = write_tree(hostile_repo, {b"post-checkout": (b"100755", b"#!/bin/sh\ntouch pwned\n")})
    dotgit = mktree(hostile_repo, [(b"40000", b"tree", hooks, b"hooks")])
    link = blob(hostile_repo, str(secret).encode())
    tree = mktree(
        hostile_repo,
        [
            (b"40000", b"tree", dotgit, b".GIT"),
            (b"100644", b"blob", blob(hostile_repo, ALERTS), b"alerts.md"),
            (b"100644", b"blob", blob(hostile_repo, GOOD), b"good.md"),
            (b"120000", b"blob", link, b"leak.md"),
        ],
    )
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0, err
    snaps = list((cli.data_dir / "sources/evil/snapshots").iterdir())
    (snap,) = [s for s in snaps if not s.name.startswith(".")]
    assert not (snap / "tree/leak.md").exists() and not (snap / "tree/leak.md").is_symlink()
    assert not any(p.name.lower() == ".git" for p in (snap / "tree").iterdir())
    code, out, _ = cli("show", "good.md")
    assert code == 0 and "top secret" not in out


def _nested(root: Path, depth: int) -> None:
    """depth nested folders 'd' (made relative to an fd: no long absolute paths)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        wfd = os.open("deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(wfd, b"# Deep\n")
        os.close(wfd)
    finally:
        os.close(fd)


def test_deep_folder_walk_has_no_recursion_limit(tmp_path, cli, deep_dirs):
    root = tmp_path / "lib"
    root.mkdir()
    deep_dirs.append(root)
    (root / "good.md").write_bytes(GOOD)
    _nested(root, 1500)  # Python 3.11's os.walk recursed: RecursionError near 1000
    from rbdesk.core.library import roots
    from rbdesk.core.library.roots import iter_runbook_files

    assert roots.MAX_DEPTH == MAX_DEPTH
    skipped: list[str] = []
    found = [rel for rel, _ in iter_runbook_files(root, skipped)]
    assert found == ["good.md"]
    assert len(skipped) == 1 and f"more than {MAX_DEPTH} folders deep" in skipped[0]
    _code, out, _ = cli("lint", str(root))
    assert "RB110" in out and "folders deep" in out


def test_folder_source_with_deep_tree_and_bad_name(cli, tmp_path, deep_dirs):
    root = tmp_path / "folder"
    root.mkdir()
    deep_dirs.append(root)
    (root / "good.md").write_bytes(GOOD)
    (root / "alerts.md").write_bytes(ALERTS)
    _nested(root, 1200)
    bad = os.path.join(os.fsencode(root), b"caf\xe9.md")
    with open(bad, "wb") as fh:
        fh.write(b"# Cafe\n")
    code, out, err = _add_and_sync(cli, root)
    assert code == 0, err
    assert "caf\\xe9.md (name is not UTF-8)" in out and "folders deep" in out
    _all_commands_work(cli)


@pytest.mark.parametrize("name", [b"a" * 300 + b".md"])
def test_name_too_long_for_the_file_system_is_skipped(cli, hostile_repo, name):
    tree = write_tree(hostile_repo, {b"good.md": GOOD, b"alerts.md": ALERTS, name: b"# Long\n"})
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0 and "name too long" in out, out + err
    _all_commands_work(cli)


def test_escape_sequences_in_file_names_never_reach_the_terminal(cli, hostile_repo):
    name = b"\x1b]0;pwned\x07\x1b[2Jrun\xe2\x80\xae.md"  # valid UTF-8, hostile bytes
    tree = write_tree(hostile_repo, {b"good.md": GOOD, b"alerts.md": ALERTS, name: GOOD})
    commit_tree(hostile_repo, tree)
    code, out, err = _add_and_sync(cli, hostile_repo)
    assert code == 0, err
    rel = name.decode()
    for argv in (("show", rel), ("search", "disk", "pressure"), ("runs", "start", rel)):
        code, out, err = cli(*argv)
        text = out + err
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, argv
    code, out, err = cli("show", rel)
    assert code == 0 and "␛]0;pwned" in out
