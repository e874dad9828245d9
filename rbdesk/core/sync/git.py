"""Running git safely: fixed argv, hardened config and env, stall timeout.

``GitRunner`` starts git with a fixed argument list (never a shell), the
hardening ``-c`` options below, an environment that cannot prompt, and kills
the whole process group when git produced no output for ``stall_timeout``
seconds. git's ``--progress`` stderr is parsed into (phase, fraction) pairs.
``classify_failure`` turns git's stderr into one specific line for the user.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rbdesk.core.sync.urls import redact

# Applied to every git invocation.
HARDENING_CONFIG: tuple[str, ...] = (
    "protocol.ext.allow=never",
    "protocol.fd.allow=never",
    "transfer.credentialsInUrl=die",  # git >= 2.37; ignored by older git
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
    "gc.autoDetach=false",
    "credential.interactive=false",
    "advice.detachedHead=false",
)
# Environment variables that could redirect git to other repositories or configs.
_DROPPED_ENV_PREFIXES = ("GIT_",)
_KEPT_GIT_ENV = {"GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_EXEC_PATH"}

_PROGRESS_RE = re.compile(
    r"^(?:remote:\s*)?(?P<phase>[A-Za-z][A-Za-z ]*?):\s+(?:(?P<pct>\d{1,3})%|\d+)"
)
_TOTAL_BYTES_RE = re.compile(r"Receiving objects:.*?,\s+([\d.]+ [KMG]?i?B)")

ProgressSink = Callable[[str, float | None, str], None]  # phase, fraction, line


class GitFailure(Exception):
    """git failed; ``kind`` says why, ``message`` is one line safe to show."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail


@dataclass(slots=True)
class GitResult:
    returncode: int
    stdout: bytes
    stderr: str  # redacted


def parse_progress(line: str) -> tuple[str, float | None] | None:
    """('receiving objects', 0.45) for a git progress line, else None."""
    m = _PROGRESS_RE.match(line.strip())
    if not m:
        return None
    phase = m.group("phase").strip().lower()
    pct = m.group("pct")
    return phase, (min(int(pct), 100) / 100.0 if pct is not None else None)


def received_size(stderr: str) -> str | None:
    """The transfer size git reported last ("1.20 MiB"), if any."""
    found = _TOTAL_BYTES_RE.findall(stderr)
    return found[-1] if found else None


def git_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment in which git never prompts and reads no system config."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if not k.startswith(_DROPPED_ENV_PREFIXES) or k in _KEPT_GIT_ENV
    }
    env.pop("SSH_ASKPASS", None)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        SSH_ASKPASS_REQUIRE="never",
        LC_ALL="C",
        LANGUAGE="C",
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=30")
    return env


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # resolved here: the forked child must not import anything


def _die_with_parent_hook() -> Callable[[], None] | None:
    """Linux: a preexec hook so git gets SIGKILL when rbdesk dies (no orphan keeps
    writing into the mirror after the sync that started it was killed)."""
    if _PRCTL is None:
        return None
    parent = os.getpid()
    prctl = _PRCTL

    def hook() -> None:  # pragma: no cover - runs in the child between fork and exec
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


class _Activity:
    """When git last produced output, shared by the reader and watchdog threads."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()


class _TrackedStream:
    """A read-only file wrapper that marks activity on every read."""

    def __init__(self, raw: IO[bytes], activity: _Activity) -> None:
        self._raw = raw
        self._activity = activity

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._activity.touch()
        return data


@dataclass(slots=True)
class RunningGit:
    """A started git process; ``stdout`` marks activity as it is read."""

    proc: subprocess.Popen[bytes]
    stdout: _TrackedStream
    stalled: threading.Event
    stderr_lines: deque[str]


class GitRunner:
    """Starts git with the hardened argv/env; one instance per sync."""

    def __init__(self, git: str = "git", stall_timeout: float | None = 60.0) -> None:
        self.git = git
        self.stall_timeout = stall_timeout

    def argv(self, args: Sequence[str], cwd: Path | None = None) -> list[str]:
        argv = [self.git]
        for item in HARDENING_CONFIG:
            argv += ["-c", item]
        if cwd is not None:
            argv += ["-C", str(cwd)]
        return argv + list(args)

    @contextlib.contextmanager
    def start(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        on_progress: ProgressSink | None = None,
        stdin_data: bytes | None = None,
        extra_env: dict[str, str] | None = None,
        local: bool = False,
    ) -> Iterator[RunningGit]:
        """Run git; the caller reads ``stdout``; the process is reaped on exit.

        ``local`` commands touch only local files (no network), may be silent
        for long, and so run without the stall watchdog.
        """
        argv = self.argv(args, cwd)
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**git_env(), **(extra_env or {})},
                start_new_session=True,
                preexec_fn=_die_with_parent_hook(),
            )
        except FileNotFoundError:
            raise GitFailure(
                "no_git", "git is not installed or not on PATH: install git and retry"
            ) from None
        activity = _Activity()
        stalled = threading.Event()
        done = threading.Event()
        lines: deque[str] = deque(maxlen=400)
        threads = [
            threading.Thread(
                target=self._read_stderr, args=(proc, activity, lines, on_progress), daemon=True
            ),
        ]
        if not local:
            threads.append(
                threading.Thread(
                    target=self._watchdog, args=(proc, activity, stalled, done), daemon=True
                )
            )
        if stdin_data is not None:
            threads.append(
                threading.Thread(target=self._feed_stdin, args=(proc, stdin_data), daemon=True)
            )
        for t in threads:
            t.start()
        assert proc.stdout is not None
        try:
            yield RunningGit(proc, _TrackedStream(proc.stdout, activity), stalled, lines)
        except BaseException:
            _kill_group(proc)
            raise
        finally:
            with contextlib.suppress(Exception):
                proc.stdout.read()  # drain so git can exit
            proc.wait()
            done.set()
            for t in threads:
                t.join(timeout=5)

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        on_progress: ProgressSink | None = None,
        stdin_data: bytes | None = None,
        check: bool = True,
        extra_env: dict[str, str] | None = None,
        local: bool = False,
    ) -> GitResult:
        """Run git to the end; GitFailure on a stall, or on failure when check."""
        with self.start(
            args,
            cwd=cwd,
            on_progress=on_progress,
            stdin_data=stdin_data,
            extra_env=extra_env,
            local=local,
        ) as g:
            out = g.stdout.read()
        result = GitResult(g.proc.returncode, out, "\n".join(g.stderr_lines))
        if g.stalled.is_set():
            raise GitFailure("stalled", f"stalled: no data for {self.stall_timeout:g} s; gave up")
        if check and result.returncode != 0:
            raise GitFailure("git", _last_meaningful_line(result.stderr), result.stderr)
        return result

    # -- threads -------------------------------------------------------------
    @staticmethod
    def _read_stderr(
        proc: subprocess.Popen[bytes],
        activity: _Activity,
        lines: deque[str],
        on_progress: ProgressSink | None,
    ) -> None:
        assert proc.stderr is not None
        fd = proc.stderr.fileno()
        pending = b""
        while True:
            chunk = os.read(fd, 8192)
            if not chunk:
                break
            activity.touch()
            pending += chunk
            *complete, pending = re.split(rb"[\r\n]", pending)
            for raw in complete:
                _handle_line(raw, lines, on_progress)
        if pending:
            _handle_line(pending, lines, on_progress)

    def _watchdog(
        self,
        proc: subprocess.Popen[bytes],
        activity: _Activity,
        stalled: threading.Event,
        done: threading.Event,
    ) -> None:
        if self.stall_timeout is None:
            return
        while not done.wait(0.1):
            if proc.poll() is not None:
                return
            if time.monotonic() - activity.last > self.stall_timeout:
                stalled.set()
                _kill_group(proc)
                return

    @staticmethod
    def _feed_stdin(proc: subprocess.Popen[bytes], data: bytes) -> None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, OSError):
            proc.stdin.write(data)
            proc.stdin.close()


def _handle_line(raw: bytes, lines: deque[str], on_progress: ProgressSink | None) -> None:
    line = redact(raw.decode("utf-8", "replace")).rstrip()
    if not line:
        return
    parsed = parse_progress(line)
    if parsed is None:
        lines.append(line)
    elif lines and parse_progress(lines[-1]) and parse_progress(lines[-1])[0] == parsed[0]:
        lines[-1] = line  # keep only the latest line of a progress phase
    else:
        lines.append(line)
    if parsed and on_progress is not None:
        with contextlib.suppress(Exception):
            on_progress(parsed[0], parsed[1], line)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, OSError):
        proc.kill()


def _last_meaningful_line(stderr: str) -> str:
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if line and parse_progress(line) is None:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return "git failed without a message"


def _corrupt_line(stderr: str, width: int = 90) -> str:
    """git's first line naming the damage, without prefixes and object paths."""
    for line in stderr.splitlines():
        line = line.strip().removeprefix("remote:").strip()
        for prefix in ("fatal: ", "error: "):
            line = line.removeprefix(prefix)
        low = line.lower()
        if "corrupt" in low or "bad object" in low or "unable to unpack" in low:
            line = re.sub(r" \(stored in [^)]*\)", "", line)
            line = re.sub(r"\b([0-9a-f]{7})[0-9a-f]{33}\b", r"\1", line)
            return line if len(line) <= width else line[: width - 1] + "…"
    return "git could not read its objects"


# -- failure classification ------------------------------------------------------
# (kind, patterns) in priority order; the message template gets {host}, {url}, {branch}.
_FAILURES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "disk_full",
        ("no space left on device", "disk quota exceeded"),
        "disk full: no space left to store {host_or_source}; free some space and sync again",
    ),
    (
        "branch_not_found",
        ("couldn't find remote ref", "could not find remote ref", "remote branch"),
        "branch {branch} not found on {url}",
    ),
    (
        "dns",
        (
            "could not resolve host",
            "could not resolve hostname",
            "unable to look up",
            "name or service not known",
            "temporary failure in name resolution",
            "nodename nor servname",
        ),
        "DNS failure: could not resolve {host}",
    ),
    (
        "auth",
        (
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "permission denied (publickey",
            "permission denied, please try again",
            "host key verification failed",
            "the requested url returned error: 401",
            "the requested url returned error: 403",
            "credentials in url",
            "http basic: access denied",
        ),
        "authentication failed for {host}: use a git credential helper or an ssh key",
    ),
    (
        "network",
        (
            "connection refused",
            "failed to connect",
            "unable to connect",
            "could not connect",
            "network is unreachable",
            "no route to host",
            "connection timed out",
            "operation timed out",
        ),
        "offline: could not reach {host}",
    ),
    (
        # Before connection_lost: a remote that cannot send its objects also hangs up.
        "remote_corrupt",
        (
            "possible repository corruption on the remote side",
            "bad object",
            "is corrupt",
            "unable to unpack",
            "inflate: data stream error",
            "did not send all necessary objects",
            "pack has bad object",
            "packfile is truncated",
        ),
        "the repository at {url} is corrupted ({corrupt_detail}); "
        "ask its maintainers to repair it (git fsck)",
    ),
    (
        "connection_lost",
        (
            "early eof",
            "the remote end hung up unexpectedly",
            "connection reset by peer",
            "unexpected disconnect",
            "rpc failed",
            "broken pipe",
            "transfer closed",
            "fetch-pack: invalid index-pack output",
            "protocol error: bad pack header",
        ),
        "connection to {host} lost during the transfer",
    ),
    (
        "not_a_repo",
        (
            "does not appear to be a git repository",
            "repository not found",
            "not exported",
            "does not exist",
            "the requested url returned error: 404",
            "not a git repository",
        ),
        "not a git repository: {url}",
    ),
)


def classify_failure(
    stderr: str, *, url: str, host: str, branch: str | None, source: str
) -> tuple[str, str]:
    """(kind, one-line message) for a failed network git command."""
    low = stderr.lower()
    fields = {
        "host": host or url,
        "url": redact(url),
        "branch": repr(branch) if branch else "HEAD",
        "host_or_source": f"source {source!r}",
        "corrupt_detail": _corrupt_line(redact(stderr)),
    }
    for kind, patterns, template in _FAILURES:
        if any(p in low for p in patterns):
            return kind, template.format(**fields)
    return "git", f"git failed for {redact(url)}: {_last_meaningful_line(redact(stderr))}"
