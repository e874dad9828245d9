"""The search server never runs code from the working folder, and under load it
neither times out on queue time nor leaves the CLI without an answer (#20)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rbdesk.core import paths
from rbdesk.core.search import server
from tests.core.search.test_server import _stop, runtime_dir  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only"),
    pytest.mark.usefixtures("runtime_dir"),  # a private socket folder, the server switched on
]

RBDESK = Path(sys.executable).with_name("rbdesk")  # the console script of this install


@pytest.fixture()
def planted(tmp_path) -> tuple[Path, Path]:
    """A folder holding a hostile ``rbdesk/`` package that leaves a marker when imported."""
    cwd = tmp_path / "clone"
    marker = tmp_path / "PLANTED-CODE-RAN"
    pkg = cwd / "rbdesk"
    for sub in ("", "core", "core/usecases", "cli"):
        (pkg / sub).mkdir(parents=True, exist_ok=True)
        (pkg / sub / "__init__.py").write_text(
            f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
        )
    (pkg / "core/usecases/searchd.py").write_text(f"open({str(marker)!r}, 'a').write('searchd')\n")
    return cwd, marker


def _cli(cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RBDESK), *argv],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), "the server did not start"


def test_child_processes_never_put_the_working_folder_on_sys_path(monkeypatch):
    argv = paths.child_python("-m", "x")
    assert argv[:2] == [sys.executable, "-P"]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["", ".", "rel/dir", "/abs/dir"]))
    entries = paths.child_env()["PYTHONPATH"].split(os.pathsep)
    package_parent = str(Path(paths.__file__).resolve().parents[2])
    assert entries == [package_parent, "/abs/dir"]
    assert os.path.isabs(paths.CHILD_CWD)


def test_a_frozen_app_starts_its_children_as_its_entry_script_expects(monkeypatch):
    """packaging/rbdesk_entry.py handles ``rbdesk -m MODULE`` / ``-c CODE``: no -P there."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/rbdesk/rbdesk")
    assert paths.child_python("-m", "rbdesk.core.usecases.searchd", "D") == [
        "/opt/rbdesk/rbdesk",
        "-m",
        "rbdesk.core.usecases.searchd",
        "D",
    ]


@pytest.mark.skipif(not RBDESK.exists(), reason="needs the installed rbdesk console script")
def test_cli_search_from_a_folder_with_a_planted_package(data_dir, planted):
    cwd, marker = planted
    first = _cli(cwd, "search", "--json", "redis", "memory")
    assert first.returncode == 0, first.stderr
    sock = server.socket_path(data_dir)
    _wait_for(sock)  # spawned in the background by the first search
    try:
        # The server answers the next search: this process never imports Whoosh.
        second = _cli(cwd, "search", "--json", "redis", "memory", PYTHONPROFILEIMPORTTIME="1")
        assert second.returncode == 0, second.stderr
        assert json.loads(second.stdout) == json.loads(first.stdout)
        assert "whoosh" not in second.stderr
        assert server.ask(data_dir, {"op": "search", "query": "redis", "limit": 1})["ok"]
    finally:
        _stop(sock)
    assert not marker.exists(), marker.read_text()


class _Cancelled(Exception):
    pass


_Cancelled.__name__ = "SearchCancelled"  # what the server recognises as its time limit


class _GatedLibrary:
    """A library whose searches wait for a gate, then work, then check their deadline."""

    def __init__(self, gate: threading.Event, work: float = 0.0) -> None:
        self.search = _GatedService(gate, work)  # the server calls lib.search.search(...)


class _GatedService:
    def __init__(self, gate: threading.Event, work: float) -> None:
        self.gate, self.work = gate, work

    def prefix_search(self, *args, **kwargs) -> None:
        return None

    def close(self) -> None:
        return None

    def search(self, query, limit, source, cancel):
        self.gate.wait(30)
        time.sleep(self.work)
        if cancel.is_set():
            raise _Cancelled()
        return _Result(query)


class _Result:
    def __init__(self, query: str) -> None:
        self.query = query

    def to_dict(self) -> dict:
        return {"query": self.query, "hits": [], "total": 0, "corrected": ""}


def _gated_lib(gate: threading.Event, work: float = 0.0) -> _GatedLibrary:
    return _GatedLibrary(gate, work)


def test_time_spent_waiting_for_a_turn_does_not_count(monkeypatch):
    monkeypatch.setattr(server, "REQUEST_SECONDS", 0.3)
    monkeypatch.setattr(server, "QUEUE_SECONDS", 5.0)
    gate = threading.Event()
    gate.set()
    lib = _gated_lib(gate, work=0.05)
    work = threading.Semaphore(1)
    stamp = server.code_stamp()
    req = {"op": "search", "query": "x", "protocol": server.PROTOCOL, "stamp": stamp}
    work.acquire()  # another query holds the turn for 0.8 s (> REQUEST_SECONDS)
    threading.Timer(0.8, work.release).start()
    started = time.monotonic()
    reply = server._answer(lib, req, stamp, work)
    assert time.monotonic() - started >= 0.7
    assert reply["ok"], reply  # the old deadline counted the wait and refused it


def test_a_query_that_cannot_get_a_turn_is_busy_not_refused(monkeypatch):
    monkeypatch.setattr(server, "QUEUE_SECONDS", 0.2)
    lib = _gated_lib(threading.Event())
    work = threading.Semaphore(1)
    work.acquire()
    stamp = server.code_stamp()
    req = {"op": "search", "query": "x", "protocol": server.PROTOCOL, "stamp": stamp}
    reply = server._answer(lib, req, stamp, work)
    assert reply["busy"] and not reply.get("refused") and not reply["ok"]


def test_cli_answers_in_process_when_the_server_is_busy(data_dir, monkeypatch, capsys):
    """A server stuck on another query answers "busy": the CLI searches itself."""
    from rbdesk.cli.main import main

    monkeypatch.setattr(server, "QUEUE_SECONDS", 0.3)
    gate = threading.Event()
    lib = _gated_lib(gate)
    t = threading.Thread(target=server.serve, args=(data_dir, lambda d: lib, 3.0), daemon=True)
    t.start()
    sock = server.socket_path(data_dir)
    _wait_for(sock)
    blocker = threading.Thread(
        target=server.ask, args=(data_dir, {"op": "search", "query": "hold"}), daemon=True
    )
    blocker.start()  # holds the only turn until the gate opens
    time.sleep(0.2)
    try:
        monkeypatch.setattr(server, "spawn", lambda d: None)
        assert main(["search", "--json", "redis", "memory"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["hits"], "answered in-process from the real library"
    finally:
        gate.set()
        blocker.join(10)
        _stop(sock)
        t.join(10)


@pytest.mark.skipif(not RBDESK.exists(), reason="needs the installed rbdesk console script")
def test_two_dozen_concurrent_cli_searches_all_answer(data_dir, tmp_path):
    first = _cli(tmp_path, "search", "--json", "kafka", "lag")
    assert first.returncode == 0, first.stderr
    sock = server.socket_path(data_dir)
    _wait_for(sock)
    expected = json.loads(first.stdout)
    procs = [
        subprocess.Popen(
            [str(RBDESK), "search", "--json", "kafka", "lag"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(24)
    ]
    try:
        outs = [p.communicate(timeout=180) for p in procs]
    finally:
        for p in procs:
            p.kill()
        _stop(sock)
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0 and "search stopped" not in err, err
        assert json.loads(out) == expected
