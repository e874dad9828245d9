"""A resident search server, so that a new ``rbdesk search`` process answers fast.

A fresh Python process pays ~40 ms to start and ~100 ms to import Whoosh and
open an index before its first query; ``rg`` pays none of that. After a CLI
search answered in-process, the CLI starts this server in the background: it
keeps the Library and its indexes open and answers later CLI searches over a
Unix socket, then exits after ``IDLE_SECONDS`` without a request.

* Private: the socket lives in a per-user folder (``$XDG_RUNTIME_DIR/rbdesk``,
  ``/run/user/<uid>/rbdesk``, ``~/.cache/rbdesk/run`` or ``<tmp>/rbdesk-<uid>``,
  the first usable) that must be mode 0700 and ours, else it is not used.
* Safe to be wrong: any failure (no server, stale server, other code version,
  timeout, error) makes the client answer in-process, exactly as without it.
* Always current: every request reads the sources' current pointers, so a
  sync is picked up; a server started by other code (an upgrade) refuses
  requests and exits.
* Under load, queries take turns; ``REQUEST_SECONDS`` counts a query's own
  work from its turn on, and a query still waiting after ``QUEUE_SECONDS`` is
  answered "busy", which makes its client search in-process.
* Isolated: started as ``python -P`` in a fixed folder (``paths.child_python``),
  so the caller's working folder is never on its ``sys.path``.
* ``RBDESK_SEARCH_SERVER=0`` turns it off (the test suite does).
* Bounded: a query longer than ``MAX_QUERY_CHARS`` or with more than
  ``MAX_QUERY_TERMS`` words is refused with a clear message (the CLI checks
  the same limits before searching in-process); each request is cancelled
  after ``REQUEST_SECONDS``; every connection has its own thread (at most
  ``MAX_CLIENTS`` at once), so a slow client or query never makes the next
  one wait for its socket.

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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV_SWITCH = "RBDESK_SEARCH_SERVER"
ENV_IDLE = "RBDESK_SEARCH_SERVER_IDLE"
IDLE_SECONDS = 600.0
PROTOCOL = 1
_MAX_REQUEST = 64 * 1024
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32
REQUEST_SECONDS = 5.0
MAX_CLIENTS = 16
TIMEOUT_MESSAGE = f"search stopped after {REQUEST_SECONDS:g} s: use fewer or more specific words"
QUEUE_SECONDS = 4.0  # a query that waits longer for its turn is answered by its client
BUSY_MESSAGE = "busy"
_PACKAGE = Path(__file__).resolve().parents[2]  # the rbdesk package folder


def enabled() -> bool:
    return hasattr(socket, "AF_UNIX") and os.environ.get(ENV_SWITCH, "1") != "0"


def query_problem(text: str) -> str | None:
    """Why a query is refused (too long, too many words), or None when it is fine."""
    if len(text) > MAX_QUERY_CHARS:
        return (
            f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS}): "
            "search for a few distinctive words instead"
        )
    terms = len(text.split())
    if terms > MAX_QUERY_TERMS:
        return (
            f"query has too many words ({terms}; the limit is {MAX_QUERY_TERMS}): "
            "search for a few distinctive words instead"
        )
    return None


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


_SUN_PATH_MAX = 100  # bytes a Unix socket path may have (108 on Linux, 104 on macOS)


def _candidate_dirs() -> list[Path]:
    """Where the private socket folder may live, best first.

    ``$XDG_RUNTIME_DIR``; else the user's runtime folder that systemd makes
    (``/run/user/<uid>``, there even when a shell, ``sudo`` or cron dropped the
    variable — so a client without it finds a server started with it); else
    the user's cache folder; ``<tmp>/rbdesk-<uid>`` last.
    """
    out: list[Path] = []
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        out.append(Path(base) / "rbdesk")
    uid = os.getuid()
    run = Path(f"/run/user/{uid}")
    if run.is_dir():
        out.append(run / "rbdesk")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(cache):
        out.append(Path(cache) / "rbdesk" / "run")
    import tempfile

    out.append(Path(tempfile.gettempdir()) / f"rbdesk-{uid}")
    return list(dict.fromkeys(out))


def _private_dir() -> Path | None:
    """The first usable private folder: ours, mode 0700, short enough for a socket."""
    for d in _candidate_dirs():
        if len(os.fsencode(d)) + 32 > _SUN_PATH_MAX:
            continue  # search-<key>.sock would not fit in a socket address
        try:
            d.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            d.mkdir(mode=0o700, exist_ok=True)
            st = d.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            continue  # someone else's or shared: never use it
        return d
    return None


def socket_path(data_dir: Path) -> Path | None:
    d = _private_dir()
    if d is None:
        return None
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:20]
    return d / f"search-{key}.sock"


def in_process_reason(data_dir: Path) -> str:
    """Why a CLI search would not use a server ("" when it can)."""
    if not hasattr(socket, "AF_UNIX"):
        return "this system has no Unix sockets"
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return f"{ENV_SWITCH}=0 turns the search server off"
    path = socket_path(data_dir)
    if path is None:
        tried = ", ".join(str(d) for d in _candidate_dirs())
        return f"no private (0700, own) folder for the server's socket among: {tried}"
    if not path.exists():
        return f"no server is running for this data folder (socket {path})"
    return ""


# -- client ------------------------------------------------------------------------


def ask(data_dir: Path, request: dict[str, Any], timeout: float = 10.0) -> dict | None:
    """The server's answer to request, or None (then answer in-process).

    An answer with ``"refused": True`` (and ``"error"``) is a final refusal: the
    query itself is over a limit. A server too busy to start the query in time
    answers ``"busy"``, and that is no answer (None): the client searches itself.
    """
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
    if not isinstance(answer, dict):
        return None
    # A refusal (limits, the query's own time limit) is final: searching
    # in-process would only repeat it. Load ("busy", a timeout) is not.
    return answer if answer.get("ok") or answer.get("refused") else None


def spawn(data_dir: Path) -> None:
    """Start a server for data_dir in the background (no-op when one is starting)."""
    if not enabled() or socket_path(data_dir) is None:
        return
    import subprocess

    from rbdesk.core import paths

    with contextlib.suppress(OSError):
        subprocess.Popen(
            paths.child_python("-m", "rbdesk.core.usecases.searchd", str(Path(data_dir).resolve())),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            cwd=paths.CHILD_CWD,
            env=paths.child_env(),
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


class _Deadline:
    """A cancel token that becomes set ``seconds`` after it was made."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def is_set(self) -> bool:
        return time.monotonic() >= self.at


def _answer(
    lib: Any, request: dict[str, Any], stamp: str, work: threading.Semaphore | None = None
) -> dict[str, Any]:
    if request.get("protocol") != PROTOCOL or request.get("stamp") != stamp:
        return {"ok": False, "error": "other version", "exit": True}
    if request.get("op") != "search":
        return {"ok": False, "error": "unknown op"}
    query = str(request.get("query", ""))
    problem = query_problem(query)
    if problem:
        return {"ok": False, "error": problem, "refused": True}
    source = request.get("source") or None
    if source:
        lib.root(source)  # raises NotFoundError: the client then answers itself
    limit = max(1, min(int(request.get("limit", 10)), 1000))
    # Queries take turns (threads share one interpreter lock: running them side
    # by side only makes each slower), and the deadline starts when a query's
    # turn does, so it counts the query's own work, never time spent queued.
    work = work or threading.Semaphore(1)
    if not work.acquire(timeout=QUEUE_SECONDS):
        return {"ok": False, "error": BUSY_MESSAGE, "busy": True}  # the client answers itself
    try:
        cancel = _Deadline(REQUEST_SECONDS)
        if request.get("prefix"):  # the app's pause search (rbdesk search --prefix)
            result = lib.search.prefix_search(
                query, limit=limit, source=source, cancel=cancel, snippets=True
            )
        else:
            result = lib.search.search(query, limit=limit, source=source, cancel=cancel)
    finally:
        work.release()
    return {"ok": True, "result": result.to_dict()}


def _handle(
    conn: socket.socket,
    lib: Any,
    stamp: str,
    stop: threading.Event,
    work: threading.Semaphore | None = None,
) -> None:
    """Answer one connection (in its own thread)."""
    with conn:
        conn.settimeout(10.0)
        try:
            with conn.makefile("rb") as f:
                raw = f.readline(_MAX_REQUEST)
            reply = _answer(lib, json.loads(raw), stamp, work)
        except Exception as exc:  # one bad request never kills the server
            if type(exc).__name__ == "SearchCancelled":  # hit REQUEST_SECONDS
                reply = {"ok": False, "refused": True, "error": TIMEOUT_MESSAGE}
            else:
                reply = {"ok": False, "error": str(exc) or type(exc).__name__}
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(reply).encode() + b"\n")
        if reply.get("exit"):
            stop.set()


def serve(data_dir: Path, open_library: Callable[[Path], Any], idle: float = IDLE_SECONDS) -> int:
    """Answer searches for data_dir until idle; ``open_library(data_dir)`` gives the facade."""
    path = socket_path(data_dir)
    if path is None:
        return 1
    if _alive(path):
        return 0  # someone answers already
    stamp = code_stamp()
    lib = open_library(data_dir)
    with contextlib.suppress(Exception):
        # Open (or build) every index *before* listening: a client never waits
        # on a warming server (it answers in-process until the socket exists).
        lib.search.prefix_search("rbdesk", limit=1)
    srv = _bind(path)
    if srv is None:
        lib.search.close()
        return 0
    stop = threading.Event()
    slots = threading.BoundedSemaphore(MAX_CLIENTS)
    work = threading.Semaphore(1)
    last = time.monotonic()
    srv.settimeout(min(0.5, idle))
    try:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                if time.monotonic() - last >= idle:
                    return 0  # idle: exit
                continue
            last = time.monotonic()
            slots.acquire()

            def run(conn: socket.socket = conn) -> None:
                try:
                    _handle(conn, lib, stamp, stop, work)
                finally:
                    slots.release()

            threading.Thread(target=run, daemon=True).start()
        return 0
    finally:
        srv.close()
        with contextlib.suppress(OSError):
            if path.exists() and stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()
        with contextlib.suppress(Exception):
            lib.search.close()
