"""Where the search server's socket lives when XDG_RUNTIME_DIR is missing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rbdesk.core.search import server

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only")


@pytest.fixture()
def short_tmp():
    import shutil
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="rbs", dir="/tmp"))  # socket paths must be short
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture()
def no_runtime_dir(short_tmp, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(short_tmp / "cache"))
    monkeypatch.setenv(server.ENV_SWITCH, "1")
    # a machine with /run/user/<uid> uses it; make the test independent of that
    real = server._candidate_dirs
    monkeypatch.setattr(
        server,
        "_candidate_dirs",
        lambda: [d for d in real() if not str(d).startswith("/run/user/")],
    )
    return short_tmp / "cache" / "rbdesk" / "run"


def test_without_xdg_runtime_dir_the_socket_is_in_a_private_cache_folder(no_runtime_dir, tmp_path):
    path = server.socket_path(tmp_path / "data")
    assert path is not None and path.parent == no_runtime_dir
    st = no_runtime_dir.stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
    assert "no server is running" in server.in_process_reason(tmp_path / "data")


def test_a_shared_folder_is_skipped_for_the_next_private_one(no_runtime_dir, tmp_path):
    no_runtime_dir.mkdir(parents=True)
    no_runtime_dir.chmod(0o755)  # readable by others: never used
    path = server.socket_path(tmp_path / "data")
    assert path is not None and path.parent != no_runtime_dir
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_no_usable_folder_is_explained(no_runtime_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(server, "_candidate_dirs", lambda: [Path("/proc/none/x")])
    assert server.socket_path(tmp_path / "data") is None
    why = server.in_process_reason(tmp_path / "data")
    assert "no private (0700, own) folder" in why and "/proc/none/x" in why


def test_client_without_xdg_finds_a_server_started_without_it(no_runtime_dir, tmp_path):
    repo_root = Path(__file__).resolve().parents[3]
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env.update(
        PYTHONPATH=str(repo_root),
        XDG_CACHE_HOME=os.environ["XDG_CACHE_HOME"],
        **{server.ENV_IDLE: "30", server.ENV_SWITCH: "1"},
    )
    if Path(f"/run/user/{os.getuid()}").is_dir():
        pytest.skip("this machine has /run/user/<uid>: the server would use it")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rbdesk.core.usecases.searchd", str(data)], env=env
    )
    try:
        path = server.socket_path(data)
        deadline = time.monotonic() + 60
        while not (path and path.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path is not None and path.exists() and path.parent == no_runtime_dir
        assert server.in_process_reason(data) == ""
        answer = server.ask(data, {"op": "search", "query": "redis", "limit": 3, "source": None})
        assert answer is not None and answer["result"]["hits"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
