"""rbdesk sync and rbdesk status, in-process and as a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from rbdesk.cli.cmd_status import NO_SOURCES
from rbdesk.cli.cmd_sync import ProgressBar
from rbdesk.cli.main import main
from rbdesk.core.sync import SyncProgress
from tests.core.sync.gitfixtures import Repo


@pytest.fixture()
def repo(tmp_path):
    r = Repo(tmp_path / "src")
    r.set_files({"a.md": "# a\n", "b/c.md": "# c\n"}, "first commit")
    return r


def test_fresh_status_explains_samples(data_dir, capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == NO_SOURCES
    assert "bundled sample runbooks" in out and "rbdesk source add NAME URL" in out
    assert main(["status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["sources"] == [] and shown["samples_shown"] is True
    sig = shown["samples"]["signature"]
    assert sig["state"] == "off" and sig["reason"].startswith("bundled samples: not verifiable")
    assert main(["sync"]) == 1
    assert "no sources are configured" in capsys.readouterr().err


def test_sync_then_status(data_dir, repo, capsys):
    main(["source", "add", "ops", repo.url])
    capsys.readouterr()
    assert main(["sync"]) == 0
    out, err = capsys.readouterr()
    assert out == f"ops: synced {repo.head()[:7]} (2 runbooks)\n" and err == ""
    assert main(["status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"ops · synced just now · commit {repo.head()[:7]}",
        "    2 runbooks · first commit",
    ]
    assert main(["sync", "ops", "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["ok"] and not result["changed"] and result["commit"] == repo.head()
    assert main(["status", "--json"]) == 0
    (st,) = json.loads(capsys.readouterr().out)["sources"]
    assert st["commit"] == repo.head() and st["runbooks"] == 2 and st["stale"] is False


def test_force_push_exit_zero_with_notice(data_dir, repo, capsys):
    main(["source", "add", "ops", repo.url])
    base = repo.head()
    repo.set_files({"x.md": "# x\n"}, "x")
    assert main(["sync"]) == 0
    repo.force_reset(base)
    now = repo.set_files({"y.md": "# y\n"}, "y")
    capsys.readouterr()
    assert main(["sync"]) == 0
    assert capsys.readouterr().out == f"ops: history rewritten (force push): now at {now[:7]}\n"


def test_failure_is_one_line_and_non_zero(data_dir, repo, tmp_path, capsys):
    main(["source", "add", "ops", repo.url])
    main(["source", "add", "gone", f"file://{tmp_path}/nothing.git"])
    capsys.readouterr()
    assert main(["sync"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("ops: synced ")
    assert err == f"gone: not a git repository: file://{tmp_path}/nothing.git\n"
    assert main(["status"]) == 0
    assert f"gone · never synced · not a git repository: file://{tmp_path}" in (
        capsys.readouterr().out
    )
    assert main(["sync", "nope"]) == 1
    assert "no source named 'nope'" in capsys.readouterr().err


def test_progress_bar_renders_phases():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(SyncProgress("ops", "connecting", None))
    bar(SyncProgress("ops", "receiving objects", 1.0))
    bar(SyncProgress("ops", "done", 1.0))
    text = stream.getvalue()
    assert "ops: connecting" in text and "[" + "#" * ProgressBar.WIDTH + "] 100%" in text
    assert text.endswith("\r\x1b[K")


def test_progress_bar_says_the_index_is_still_being_written(monkeypatch):
    import shutil

    def line_at(columns: int) -> str:
        size = os.terminal_size((columns, 24))
        monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: size)
        stream = io.StringIO()
        ProgressBar(stream)(SyncProgress("ops", "index", 1.0, "writing the index (12 s)"))
        return stream.getvalue().split("\r")[-1].replace("\x1b[K", "")

    wide = line_at(200)
    assert "100%" in wide and wide.endswith("  writing the index (12 s)")
    narrow = line_at(75)  # never wider than the terminal: a wrapped line breaks \r
    assert len(narrow) == 74 and wide.startswith(narrow)


def test_subprocess_sync_with_global_data_dir(tmp_path, repo, repo_root):
    data = tmp_path / "d"
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    env.pop("RBDESK_DATA_DIR", None)
    base = [sys.executable, "-m", "rbdesk", "--data-dir", str(data)]
    subprocess.run(
        [*base, "source", "add", "ops", repo.url], env=env, check=True, capture_output=True
    )
    done = subprocess.run([*base, "sync"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""  # no progress bar without a TTY
    assert done.stdout.startswith("ops: synced ")
    status = subprocess.run([*base, "status", "--json"], env=env, capture_output=True, text=True)
    assert json.loads(status.stdout)["sources"][0]["commit"] == repo.head()
