"""Real git repositories, a real `git daemon`, and misbehaving TCP servers for sync tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, input=input
    )
    return out.stdout.decode().strip()


class Repo:
    """A non-bare repository in a temp dir that tests commit file sets into."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", branch)
        git(path, "config", "uploadpack.allowFilter", "true")
        git(path, "config", "uploadpack.allowAnySHA1InWant", "true")

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    def set_files(self, files: dict[str, str | bytes], message: str = "update") -> str:
        """Make the tree exactly `files`, commit, return the commit id."""
        for entry in self.path.iterdir():
            if entry.name == ".git":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for rel, content in files.items():
            p = self.path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def force_reset(self, commit: str) -> None:
        git(self.path, "reset", "-q", "--hard", commit)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def git_daemon(base: Path) -> Iterator[str]:
    """`git daemon` serving every repository below base; yields git://127.0.0.1:PORT."""
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            f"--base-path={base}",
            "--export-all",
            "--listen=127.0.0.1",
            f"--port={port}",
            "--informative-errors",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    try:
        wait_for_port(port)
        yield f"git://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _Server:
    """A threaded TCP server on 127.0.0.1 with a per-connection handler."""

    def __init__(self, handler) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self.stopped = threading.Event()
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.conns.append(conn)
            threading.Thread(target=self.handler, args=(conn, self.stopped), daemon=True).start()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(2)
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.close()
        self.sock.close()


@contextlib.contextmanager
def stalled_server() -> Iterator[int]:
    """Accepts connections and never answers; yields the port."""

    def handler(conn: socket.socket, stopped: threading.Event) -> None:
        stopped.wait()

    server = _Server(handler)
    try:
        yield server.port
    finally:
        server.close()


@contextlib.contextmanager
def cutting_proxy(target_port: int, cut_after: int) -> Iterator[int]:
    """Forwards to target_port, then drops the connection after `cut_after` bytes
    from the server (the server "stops" mid-fetch); yields the proxy's port."""

    def handler(client: socket.socket, stopped: threading.Event) -> None:
        upstream = socket.create_connection(("127.0.0.1", target_port))
        sent = 0

        def pump_up() -> None:
            with contextlib.suppress(OSError):
                while data := client.recv(65536):
                    upstream.sendall(data)

        threading.Thread(target=pump_up, daemon=True).start()
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                room = cut_after - sent
                client.sendall(data[:room])
                sent += min(len(data), room)
                if sent >= cut_after:
                    break
        for s in (client, upstream):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    server = _Server(handler)
    try:
        yield server.port
    finally:
        server.close()


def tree_files(root: Path) -> dict[str, bytes]:
    """Every regular file below root (relative POSIX path -> bytes), symlinks included as None."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(root):
        for fn in files:
            p = Path(dirpath) / fn
            out[p.relative_to(root).as_posix()] = b"<symlink>" if p.is_symlink() else p.read_bytes()
    return out
