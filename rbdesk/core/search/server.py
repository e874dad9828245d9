"""A resident search server, so that a new ``rbdesk search`` process answers fast.

A fresh Python process pays ~40 ms to start and ~100 ms to import Whoosh and
open an index before its first query; ``rg`` pays none of that. After a CLI
search answered in-process, the CLI starts this server in the background: it
keeps the Library and its indexes open and answers later CLI searches over a
Unix socket, then exits after ``IDLE_SECONDS`` without a request.

* Private: the socket lives in a per-user folder (``$XDG_RUNTIME_DIR/rbdesk`` or
  ``<tmp>/rbdesk-<uid>``) that must be mode 0700 and ours, else it is not used.
* Safe to be wrong: any failure (no server, stale server, other code version,
  timeout, error) makes the client answer in-process, exactly as without it.
* Always current: every request reads the sources' current pointers, so a
  sync is picked up; a server started by other code (an upgrade) refuses
  requests and exits.
* ``RBDESK_SEARCH_SERVER=0`` turns it off (the test suite does).

This module must stay cheap to import: the client path imports only the
standard library.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import stat
import sys
from pathlib import Path
from typing import Any

ENV_SWITCH = "RBDESK_SEARCH_SERVER"
ENV_IDLE = "RBDESK_SEARCH_SERVER_IDLE"
IDLE_SECONDS = 600.0
PROTOCOL = 1
_MAX_REQUEST = 64 * 1024
_PACKAGE = Path(__file__).resolve().parents[2]  # the rbdesk package folder


def enabled() -> bool:
    return hasattr(socket, "AF_UNIX") and os.environ.get(ENV_SWITCH, "1") != "0"


def code_stamp() -> str:
    """Identifies the installed rbdesk code: a server from other code is not used."""
    h = hashlib.sha1()
    if getattr(sys, "frozen", False):  # PyInstaller: the code is inside the executable
        st = os.stat(sys.executable)
        h.update(f"{sys.executable}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    for dirpath, dirnames, filenames in os.walk(_PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(filenames):
            if fn.endswith(".py"):
                st = os.stat(os.path.join(dirpath, fn))
                h.update(f"{dirpath}/{fn}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    return h.hexdigest()[:16]


def _private_dir() -> Path | None:
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        d = Path(base) / "rbdesk"
    else:
        import tempfile

        d = Path(tempfile.gettempdir()) / f"rbdesk-{os.getuid()}"
    try:
        d.mkdir(mode=0o700, exist_ok=True)
        st = d.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None  # someone else's or shared: never use it
    return d


def socket_path(data_dir: Path) -> Path | None:
    d = _private_dir()
    if d is None:
        return None
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:20]
    return d / f"search-{key}.sock"


# -- client ------------------------------------------------------------------------


def ask(data_dir: Path, request: dict[str, Any], timeout: float = 10.0) -> dict | None:
    """The server's answer to request, or None (then answer in-process)."""
    if not enabled():
        return None
    path = socket_path(data_dir)
    if path is None or not path.exists():
        return None
    payload = {**request, "protocol": PROTOCOL, "stamp": code_stamp()}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(path))
            s.sendall(json.dumps(payload).encode() + b"\n")
            with s.makefile("rb") as f:
                line = f.readline()
        answer = json.loads(line)
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) and answer.get("ok") else None


def spawn(data_dir: Path) -> None:
    """Start a server for data_dir in the background (no-op when one is starting)."""
    if not enabled() or socket_path(data_dir) is None:
        return
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "rbdesk.core.search.server", str(Path(data_dir).resolve())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(_PACKAGE.parent), os.environ.get("PYTHONPATH", "")) if p
                ),
            },
        )


# -- server ------------------------------------------------------------------------


def _alive(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
            return True
        except OSError:
            return False


def _bind(path: Path) -> socket.socket | None:
    """A listening socket at path, or None when a live server already has it."""
    if path.exists():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(str(path))
                return None  # someone answers: let them serve
            except OSError:
                path.unlink(missing_ok=True)  # stale socket of a dead server
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        srv.bind(str(path))
    except OSError:
        srv.close()
        return None  # lost a race with another starting server
    os.chmod(path, 0o600)
    srv.listen(16)
    return srv


def _answer(lib: Any, request: dict[str, Any], stamp: str) -> dict[str, Any]:
    if request.get("protocol") != PROTOCOL or request.get("stamp") != stamp:
        return {"ok": False, "error": "other version", "exit": True}
    if request.get("op") != "search":
        return {"ok": False, "error": "unknown op"}
    source = request.get("source") or None
    if source:
        lib.root(source)  # raises NotFoundError: the client then answers itself
    result = lib.search.search(
        str(request.get("query", "")), limit=int(request.get("limit", 10)), source=source
    )
    return {"ok": True, "result": result.to_dict()}


def serve(data_dir: Path, idle: float = IDLE_SECONDS) -> int:
    from rbdesk.core.library import Library

    path = socket_path(data_dir)
    if path is None:
        return 1
    if _alive(path):
        return 0  # someone answers already
    stamp = code_stamp()
    lib = Library(data_dir)
    with contextlib.suppress(Exception):
        # Open (or build) every index *before* listening: a client never waits
        # on a warming server (it answers in-process until the socket exists).
        lib.search.prefix_search("rbdesk", limit=1)
    srv = _bind(path)
    if srv is None:
        lib.search.close()
        return 0
    srv.settimeout(idle)
    try:
        while True:
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                return 0  # idle: exit
            with conn:
                conn.settimeout(10.0)
                try:
                    with conn.makefile("rb") as f:
                        raw = f.readline(_MAX_REQUEST)
                    reply = _answer(lib, json.loads(raw), stamp)
                except Exception as exc:  # one bad request never kills the server
                    reply = {"ok": False, "error": str(exc)}
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps(reply).encode() + b"\n")
                if reply.get("exit"):
                    return 0
    finally:
        srv.close()
        with contextlib.suppress(OSError):
            if path.exists() and stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()
        lib.search.close()


if __name__ == "__main__":
    idle = float(os.environ.get(ENV_IDLE, IDLE_SECONDS))
    sys.exit(serve(Path(sys.argv[1]), idle))
