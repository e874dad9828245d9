"""The resident search server is bounded (#15 defect 9): a huge query is refused at once,
and a slow or silent client never makes the next one wait."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from rbdesk.core.search import server
from tests.core.search.test_server import start_server

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets only")


@pytest.fixture()
def running(data_dir, tmp_path, monkeypatch, repo_root):
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv(server.ENV_SWITCH, "1")
    proc = start_server(data_dir, repo_root, idle=60)
    path = server.socket_path(data_dir)
    assert server.ask(data_dir, {"op": "search", "query": "redis", "limit": 1}, timeout=30)
    yield data_dir, path
    proc.terminate()
    proc.wait(10)


def _timed(data_dir: Path, query: str) -> tuple[float, dict | None]:
    t = time.monotonic()
    answer = server.ask(data_dir, {"op": "search", "query": query, "limit": 5}, timeout=30)
    return time.monotonic() - t, answer


def test_a_huge_query_is_refused_at_once(running):
    data_dir, _ = running
    took, answer = _timed(data_dir, "a* " * 20_000)  # 60 KB, 20,000 prefix terms
    assert answer is not None and answer["refused"] and not answer["ok"]
    assert "query too long (60000 characters; the limit is 1000)" in answer["error"]
    assert took < 2.0
    took, answer = _timed(data_dir, "kafka " * 100)
    assert answer["refused"] and "too many words (100; the limit is 32)" in answer["error"]
    took, answer = _timed(data_dir, "redis memory")
    assert answer["ok"] and answer["result"]["hits"] and took < 5


def test_a_silent_client_does_not_block_the_next(running):
    data_dir, path = running
    idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    idle.connect(str(path))  # connects and sends nothing (the old server waited 10 s)
    try:
        took, answer = _timed(data_dir, "redis memory")
        assert answer and answer["ok"] and took < 3.0, took
    finally:
        idle.close()


def test_concurrent_clients_all_answered(running):
    data_dir, _ = running
    results: list[tuple[float, dict | None]] = []

    def one(q: str) -> None:
        results.append(_timed(data_dir, q))

    threads = [threading.Thread(target=one, args=(q,)) for q in ["k* " * 32] + ["redis"] * 10]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 11 and all(a and (a["ok"] or a.get("refused")) for _, a in results)


def test_cli_refuses_a_huge_query_with_a_clear_message(cli):
    code, _out, err = cli("search", *(["a*"] * 20_000))
    assert code != 0 and "query too long" in err


def test_request_time_limit_stops_a_slow_search(monkeypatch):
    """The per-request deadline is a cancel token the search checks."""
    deadline = server._Deadline(0.05)
    assert not deadline.is_set()
    time.sleep(0.06)
    assert deadline.is_set()
