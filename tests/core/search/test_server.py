"""The resident search server: same answers as in-process, private, safe to lose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rbdesk.cli.main import main
from rbdesk.core.facade import Library
from rbdesk.core.search import server

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only")


@pytest.fixture()
def runtime_dir(tmp_path, monkeypatch):
    d = tmp_path / "run"
    d.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))
    monkeypatch.setenv(server.ENV_SWITCH, "1")
    return d


def start_server(data_dir: Path, repo_root: Path, idle: float = 30) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(repo_root), **{server.ENV_IDLE: str(idle)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "rbdesk.core.usecases.searchd", str(data_dir)], env=env
    )
    path = server.socket_path(data_dir)
    deadline = time.monotonic() + 30
    while not (path and path.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path and path.exists(), "server did not start"
    return proc


def test_server_answers_like_in_process(data_dir, runtime_dir, repo_root):
    proc = start_server(data_dir, repo_root)
    try:
        req = {"op": "search", "query": "redis memory", "limit": 3, "source": None}
        answer = server.ask(data_dir, req)
        assert answer is not None
        local = Library(data_dir).search.search("redis memory", limit=3)
        assert answer["result"] == json.loads(json.dumps(local.to_dict()))
        # --prefix: the app's pause search ("memo" is no word; it starts "memory")
        answer = server.ask(data_dir, {**req, "query": "redis memo", "prefix": True})
        local = Library(data_dir).search.prefix_search("redis memo", limit=3, snippets=True)
        assert answer["result"] == json.loads(json.dumps(local.to_dict()))
        assert answer["result"]["hits"] and answer["result"]["corrected"] is None
        sock = server.socket_path(data_dir)
        assert sock.stat().st_mode & 0o777 == 0o600
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_uses_the_server_and_prints_the_same(data_dir, runtime_dir, repo_root, capsys):
    assert main(["search", "--json", "kafka", "lag"]) == 0  # in-process (+ spawn)
    direct = json.loads(capsys.readouterr().out)
    path = server.socket_path(data_dir)
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:  # spawned in background
        time.sleep(0.05)
    assert path.exists()
    try:
        assert server.ask(data_dir, {"op": "search", "query": "kafka lag", "limit": 10})
        assert main(["search", "--json", "kafka", "lag"]) == 0
        assert json.loads(capsys.readouterr().out) == direct
    finally:
        _stop(path)


def _stop(path: Path) -> None:
    """Send a request from 'other code': the server refuses it and exits."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(str(path))
        s.sendall(json.dumps({"protocol": server.PROTOCOL, "stamp": "other"}).encode() + b"\n")
        s.recv(1000)
    deadline = time.monotonic() + 10
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not path.exists()


def test_other_code_version_is_refused_and_server_exits(data_dir, runtime_dir, repo_root):
    proc = start_server(data_dir, repo_root)
    _stop(server.socket_path(data_dir))
    assert proc.wait(10) == 0


def test_idle_server_exits(data_dir, runtime_dir, repo_root):
    proc = start_server(data_dir, repo_root, idle=0.5)
    assert proc.wait(20) == 0
    assert not server.socket_path(data_dir).exists()


def test_stale_socket_and_unknown_source_fall_back(data_dir, runtime_dir, repo_root, capsys):
    path = server.socket_path(data_dir)
    path.write_text("not a socket")
    assert server.ask(data_dir, {"op": "search", "query": "redis"}) is None
    path.unlink()
    proc = start_server(data_dir, repo_root)
    try:
        assert server.ask(data_dir, {"op": "search", "query": "x", "source": "nope"}) is None
        assert main(["search", "--source", "nope", "redis"]) == 1  # clear error, in-process
        assert "no source named 'nope'" in capsys.readouterr().err
    finally:
        proc.terminate()
        proc.wait(10)


def test_shared_or_foreign_private_dir_is_never_used(tmp_path, monkeypatch):
    d = tmp_path / "run"
    d.mkdir()
    (d / "rbdesk").mkdir(mode=0o777)
    os.chmod(d / "rbdesk", 0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))
    path = server.socket_path(tmp_path)  # the next private folder, or none at all
    assert path is None or not path.is_relative_to(d)


def test_switched_off(data_dir, monkeypatch):
    monkeypatch.setenv(server.ENV_SWITCH, "0")
    assert server.ask(data_dir, {"op": "search", "query": "x"}) is None
