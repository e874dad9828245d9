"""On-disk state of sync: config, per-source pointer/state, snapshots, locks.

Layout (``<data>`` is the data dir)::

    <data>/sources.json                      sources + settings (atomic writes)
    <data>/sources/<name>/mirror.git         private bare mirror (git sources)
    <data>/sources/<name>/snapshots/<id>/    immutable: tree/, index/, meta.json
    <data>/sources/<name>/current.json       the pointer readers follow
    <data>/sources/<name>/state.json         last attempt / last error
    <data>/sources/<name>/sync.lock          held (flock) while a sync runs

A snapshot directory appears under its final name only once it is complete
(built in ``snapshots/.tmp-*`` then renamed); the pointer is replaced with
``os.replace`` after fsync; old snapshots are renamed to ``.trash-*`` before
being deleted. Readers therefore see a complete old or a complete new tree.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from rbdesk.core import fsutil
from rbdesk.core.dataload import load_json
from rbdesk.core.errors import ConfigError, RbdeskError
from rbdesk.core.library.roots import walk_files
from rbdesk.core.sync.urls import (
    UnsafeURLError,
    redact,
    validate_branch,
    validate_name,
    validate_subdir,
)

CONFIG_NAME = "sources.json"
CONFIG_VERSION = 1
DEFAULT_STALE_HOURS = 24.0
DEFAULT_STALL_SECONDS = 60.0
ENV_STALL_TIMEOUT = "RBDESK_SYNC_STALL_TIMEOUT"  # seconds
ENV_STALE_HOURS = "RBDESK_SYNC_STALE_HOURS"
DEAD_HOLDER_GRACE = 3.0  # seconds to wait for a dead lock holder's children
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- atomic files -----------------------------------------------------------------
def fsync_dir(path: Path) -> None:
    fsutil.fsync_dir(path)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON next to path (random O_EXCL|O_NOFOLLOW temp), fsync, os.replace."""
    fsutil.atomic_write_json(path, data)


def read_json(path: Path) -> Any | None:
    """The parsed JSON at path, or None when missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            return load_json(fh.read())  # depth-capped: a hand-made file never recurses
    except (OSError, ValueError):
        return None


def remove_tree(path: Path) -> None:
    """Delete a folder by first renaming it away (so nobody sees it half-deleted)."""
    if not path.exists():
        return
    trash = path.parent / f"{TRASH_PREFIX}{path.name}-{uuid.uuid4().hex[:8]}"
    try:
        os.rename(path, trash)
    except OSError:
        trash = path
    shutil.rmtree(trash, ignore_errors=True)


# -- locks ---------------------------------------------------------------------------
class LockBusy(RbdeskError):
    exit_code = 1


class FileLock:
    """An exclusive OS lock on a file; released by the kernel if the holder dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, blocking: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_fd_or_wait_for_dead_holder(fd, blocking)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise LockBusy(
                f"another sync is already running{f' (pid {holder})' if holder else ''}",
                hint="wait for it to finish, then try again",
            ) from None
        except BaseException:
            os.close(fd)
            raise
        # Record who holds it (a stale pid left by a killed process is simply overwritten).
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_fd_or_wait_for_dead_holder(fd: int, blocking: bool) -> None:
    """Lock fd. If the recorded holder is dead, the lock is only held for a moment
    longer by its dying children (between fork and exec): wait for them briefly."""
    deadline = time.monotonic() + DEAD_HOLDER_GRACE
    while True:
        try:
            _lock_fd(fd, blocking)
            return
        except BlockingIOError:
            holder = _read_pid(fd)
            if holder is None or _pid_alive(holder) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _lock_fd(fd: int, blocking: bool) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        mode = msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK
        try:
            msvcrt.locking(fd, mode, 1)
        except OSError as exc:
            raise BlockingIOError(str(exc)) from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def locked(path: Path, *, blocking: bool) -> Iterator[None]:
    lock = FileLock(path)
    lock.acquire(blocking)
    try:
        yield
    finally:
        lock.release()


# -- config ----------------------------------------------------------------------------
@dataclass(slots=True)
class SourceConfig:
    name: str
    url: str
    kind: str  # "git" or "folder"
    branch: str | None = None
    subdir: str | None = None
    docs_url: str | None = None  # where the runbooks are published (rbdesk source add --docs-url)
    # Signer policy (core/sync/signers.py): "require" or "warn", None when off; the
    # paths the allowed signers / gpg keys were copied from (the copies are used).
    verify: str | None = None
    allowed_signers: str | None = None
    gpg_keys: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "branch": self.branch,
            "subdir": self.subdir,
        }
        for key in ("docs_url", "verify", "allowed_signers", "gpg_keys"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d

    @property
    def policy(self) -> str:
        """The signer policy: "require", "warn" or "off"."""
        return self.verify or "off"


def added_line(source: SourceConfig) -> str:
    """The one wording of the CLI and the Sources dialog for a new source:
    added source 'ops' (git: URL, branch main, verify require)."""
    extra = "".join(
        f", {label} {value}"
        for label, value in (
            ("branch", source.branch),
            ("subdir", source.subdir),
            ("docs", source.docs_url),
            ("verify", source.verify),
        )
        if value
    )
    return f"added source {source.name!r} ({source.kind}: {redact(source.url)}{extra})"


@dataclass(slots=True)
class Settings:
    stale_hours: float = DEFAULT_STALE_HOURS
    stall_timeout: float = DEFAULT_STALL_SECONDS


@dataclass(slots=True)
class Config:
    sources: list[SourceConfig] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)

    def find(self, name: str) -> SourceConfig | None:
        return next((s for s in self.sources if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": CONFIG_VERSION,
            "sources": [s.to_dict() for s in self.sources],
            "settings": {
                "stale_after_hours": self.settings.stale_hours,
                "stall_timeout_seconds": self.settings.stall_timeout,
            },
        }


def _positive_float(value: Any, what: str, path: Path) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if number <= 0:
        raise ConfigError(
            f"{path}: {what} must be a positive number, not {value!r}",
            hint=f"fix or remove {what} in {path}",
        )
    return number


def _docs_url_entry(value: Any, i: int, path: Path) -> str | None:
    if value in (None, ""):
        return None
    from rbdesk.core.sync.urls import validate_docs_url

    try:
        return validate_docs_url(str(value)) if isinstance(value, str) else validate_docs_url("")
    except RbdeskError as exc:
        raise ConfigError(
            f"{path}: source #{i + 1}: docs_url {value!r}: {exc.message}",
            hint="fix or remove docs_url in that entry",
        ) from None


def load_config(data_dir: Path) -> Config:
    """The config (empty when absent); ConfigError when it is broken."""
    path = data_dir / CONFIG_NAME
    if not path.exists():
        raw: dict[str, Any] = {}
    else:
        try:
            raw = load_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"{path}: unreadable sources config ({exc})",
                hint="fix the JSON or remove the file and add sources again",
            ) from None
        if not isinstance(raw, dict):
            raise ConfigError(
                f"{path}: expected a JSON object", hint="remove the file and re-add sources"
            )
    items = raw.get("sources") or []
    if not isinstance(items, list):
        raise ConfigError(
            f"{path}: field 'sources' must be a list",
            hint=f"fix {path} by hand or remove it and add the sources again",
        )
    sources = [_source_from(item, i, path) for i, item in enumerate(items)]
    s = raw.get("settings") or {}
    if not isinstance(s, dict):
        raise ConfigError(
            f"{path}: field 'settings' must be an object",
            hint=f"fix or remove 'settings' in {path}",
        )
    settings = Settings(
        stale_hours=_positive_float(
            s.get("stale_after_hours", DEFAULT_STALE_HOURS), "settings.stale_after_hours", path
        ),
        stall_timeout=_positive_float(
            s.get("stall_timeout_seconds", DEFAULT_STALL_SECONDS),
            "settings.stall_timeout_seconds",
            path,
        ),
    )
    env_stall = os.environ.get(ENV_STALL_TIMEOUT)
    if env_stall:
        settings.stall_timeout = _positive_float(env_stall, ENV_STALL_TIMEOUT, path)
    env_stale = os.environ.get(ENV_STALE_HOURS)
    if env_stale:
        settings.stale_hours = _positive_float(env_stale, ENV_STALE_HOURS, path)
    return Config(sources, settings)


def _source_from(item: Any, i: int, path: Path) -> SourceConfig:
    """One validated source entry; ConfigError naming the entry and field otherwise.

    The name becomes a folder name under the data dir: it must match the same
    safe pattern as ``rbdesk source add`` (never a path), so a hand-edited
    ``"../../x"`` cannot reach outside the data dir.
    """
    where = f"{path}: source #{i + 1}"
    fix = "fix the entry by hand (or remove it from the file) and run the command again"
    if not isinstance(item, dict) or not item.get("name") or not item.get("url"):
        raise ConfigError(f"{where} needs a name and a url", hint=fix)
    for key in ("name", "url", "kind"):
        if key in item and item[key] is not None and not isinstance(item[key], str):
            raise ConfigError(f"{where}: field {key!r} must be text", hint=fix)
    for key in ("branch", "subdir", "allowed_signers", "gpg_keys"):
        if item.get(key) not in (None, "") and not isinstance(item.get(key), str):
            raise ConfigError(f"{where}: field {key!r} must be text or null", hint=fix)
    verify = item.get("verify") or None
    if verify not in (None, "require", "warn"):
        raise ConfigError(f'{where}: field \'verify\' must be "require", "warn" or null', hint=fix)
    kind = item.get("kind") or "git"
    if kind not in ("git", "folder"):
        raise ConfigError(f'{where}: field \'kind\' must be "git" or "folder"', hint=fix)
    try:
        name = validate_name(item["name"])
        branch = validate_branch(item.get("branch") or None)
        subdir = validate_subdir(item.get("subdir") or None)
    except UnsafeURLError as exc:
        raise ConfigError(f"{where}: {exc.message}", hint=fix) from None
    docs_url = _docs_url_entry(item.get("docs_url"), i, path)
    return SourceConfig(
        name=name,
        url=item["url"],
        kind=kind,
        branch=branch,
        subdir=subdir,
        docs_url=docs_url,
        verify=verify,
        allowed_signers=item.get("allowed_signers") or None,
        gpg_keys=item.get("gpg_keys") or None,
    )


def save_config(data_dir: Path, config: Config) -> None:
    write_json_atomic(data_dir / CONFIG_NAME, config.to_dict())


@contextlib.contextmanager
def editing_config(data_dir: Path) -> Iterator[Config]:
    """Read-modify-write of the config under a lock; saved when the block succeeds."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with locked(data_dir / f"{CONFIG_NAME}.lock", blocking=True):
        config = load_config(data_dir)
        yield config
        save_config(data_dir, config)


# -- per-source folder -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourcePaths:
    base: Path

    @classmethod
    def of(cls, data_dir: Path, name: str) -> SourcePaths:
        """The folder of source name; a name that is not a plain safe name (a path,
        ``..``) is refused here too, whatever the caller checked before."""
        validate_name(name)
        return cls(data_dir / "sources" / name)

    @property
    def mirror(self) -> Path:
        return self.base / "mirror.git"

    @property
    def snapshots(self) -> Path:
        return self.base / "snapshots"

    @property
    def pointer(self) -> Path:
        return self.base / "current.json"

    @property
    def state(self) -> Path:
        return self.base / "state.json"

    @property
    def lock(self) -> Path:
        return self.base / "sync.lock"

    def snapshot(self, snapshot_id: str) -> Path:
        return self.snapshots / snapshot_id


def snapshot_tree(snapshot_dir: Path) -> Path:
    return snapshot_dir / "tree"


def snapshot_index(snapshot_dir: Path) -> Path:
    return snapshot_dir / "index"


# Fields of current.json / meta.json and the types a reader may rely on.
_POINTER_TEXT = ("kind", "commit", "commit_date", "synced_at", "created_at")
_POINTER_OPTIONAL_TEXT = ("commit_subject",)
_STATE_TEXT = ("last_attempt_at", "last_error", "last_error_kind")


def check_pointer(data: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """(usable pointer or None, problems): every field type-checked.

    A wrong ``snapshot`` makes the pointer unusable; any other wrong field is
    dropped (readers then use its default) and named in problems.
    """
    if not isinstance(data, dict):
        return None, ["not a JSON object"]
    snap = data.get("snapshot")
    if not isinstance(snap, str) or not snap or snap.startswith(".") or "/" in snap:
        return None, ["field 'snapshot' must be a snapshot folder name"]
    problems: list[str] = []
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in _POINTER_TEXT and not isinstance(value, str):
            problems.append(f"field {key!r} must be text")
        elif key in _POINTER_OPTIONAL_TEXT and value is not None and not isinstance(value, str):
            problems.append(f"field {key!r} must be text or null")
        elif key == "runbooks" and (not isinstance(value, int) or isinstance(value, bool)):
            problems.append("field 'runbooks' must be a whole number")
        elif key in ("skipped", "unreadable") and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            problems.append(f"field {key!r} must be a list of text")
        else:
            clean[key] = value
    return clean, problems


def read_pointer(paths: SourcePaths) -> dict[str, Any] | None:
    """The current pointer if it names a complete snapshot, else None."""
    return read_pointer_checked(paths)[0]


def read_pointer_checked(paths: SourcePaths) -> tuple[dict[str, Any] | None, list[str]]:
    """(pointer or None, problems of current.json as one-line messages).

    A pointer with wrong fields is still used (the wrong fields dropped); a copy
    of the bad file is kept as ``current.json.corrupt-<time>`` before any sync
    replaces it.
    """
    if not paths.pointer.exists():
        return None, []
    data = read_json(paths.pointer)
    pointer, problems = check_pointer(data)
    if pointer is not None and not (paths.snapshot(pointer["snapshot"]) / "meta.json").is_file():
        pointer = None
        problems = [*problems, "the snapshot it names is missing"]
    if problems:
        aside = fsutil.keep_corrupt_copy(paths.pointer)
        kept = f" (kept as {aside.name})" if aside else ""
        problems = [f"{paths.pointer}: {p}{kept}" for p in problems]
    return pointer, problems


def read_state(paths: SourcePaths) -> tuple[dict[str, Any], list[str]]:
    """state.json with every field type-checked: (usable fields, problems)."""
    data = read_json(paths.state)
    if data is None:
        problems = [f"{paths.state}: unreadable; ignored"] if paths.state.exists() else []
        clean: dict[str, Any] = {}
    elif not isinstance(data, dict):
        clean, problems = {}, [f"{paths.state}: not a JSON object; ignored"]
    else:
        clean = {k: data.get(k) for k in _STATE_TEXT if isinstance(data.get(k), str)}
        bad = [k for k in _STATE_TEXT if data.get(k) is not None and k not in clean]
        problems = [f"{paths.state}: field {k!r} must be text; ignored" for k in bad]
    if problems:  # the next sync rewrites state.json: keep the bad one first
        aside = fsutil.keep_corrupt_copy(paths.state)
        if aside is not None:
            problems = [f"{p} (kept as {aside.name})" for p in problems]
    return clean, problems


def new_tmp_dir(parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f"{TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    return tmp


def clean_leftovers(parent: Path) -> None:
    """Remove half-built (.tmp-*) and half-deleted (.trash-*) entries of killed syncs."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith((TMP_PREFIX, TRASH_PREFIX)):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


def finish_snapshot(tmp: Path, final: Path, meta: dict[str, Any]) -> None:
    """Write meta.json into the built tmp folder, then publish it as final."""
    write_json_atomic(tmp / "meta.json", meta)
    if hasattr(os, "sync"):
        os.sync()  # the tree's files reach the disk before anything points at them
    if final.exists():  # same content built before: keep the published one
        shutil.rmtree(tmp, ignore_errors=True)
        return
    os.rename(tmp, final)
    fsync_dir(final.parent)


def prune_snapshots(paths: SourcePaths, keep: set[str]) -> None:
    """Remove every complete snapshot not in keep (rename first, then delete)."""
    if not paths.snapshots.is_dir():
        return
    for entry in paths.snapshots.iterdir():
        if entry.name.startswith(".") or entry.name in keep:
            continue
        remove_tree(entry)
    clean_leftovers(paths.snapshots)


# -- export -------------------------------------------------------------------------------
def drop_escaping_links(candidates: list[str], root: str) -> None:
    """Remove symlinks whose full resolution leaves root (repeat until stable)."""
    changed = True
    while changed:
        changed = False
        for link in candidates:
            if not os.path.islink(link):
                continue
            resolved = os.path.realpath(link)
            if resolved != root and not resolved.startswith(root + os.sep):
                os.unlink(link)
                changed = True


def _hash_update(h: Any, rel: str, data_iter: Iterator[bytes]) -> None:
    h.update(rel.encode("utf-8") + b"\0")
    for chunk in data_iter:
        h.update(chunk)
    h.update(b"\0\0")


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(1 << 16):
        yield chunk


@dataclass(frozen=True, slots=True)
class FolderDigest:
    commit: str  # 12 hex content hash
    commit_date: str  # newest file mtime (ISO 8601 UTC), "" when empty
    files: int
    skipped: tuple[str, ...] = ()  # "path (why)" of files that could not be taken


def _iso_from_ts(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def hash_folder(root: Path, copy_to: Path | None = None) -> FolderDigest:
    """Content hash of a plain folder; with copy_to, copies what it hashes there.

    Hashing the copy guarantees that the id names exactly the bytes published.
    """
    h = hashlib.sha256()
    newest = 0.0
    count = 0
    skipped: list[str] = []
    for rel, path in walk_files(root, skipped):
        try:
            st = path.stat()
            with open(path, "rb") as src:
                if copy_to is None:
                    _hash_update(h, rel, _chunks(src))
                else:
                    target = copy_to / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "wb") as dst:

                        def tee(src: IO[bytes] = src, dst: IO[bytes] = dst) -> Iterator[bytes]:
                            for chunk in _chunks(src):
                                dst.write(chunk)
                                yield chunk

                        _hash_update(h, rel, tee())
                    os.utime(target, (st.st_atime, st.st_mtime))
        except FileNotFoundError:
            continue  # deleted while we walked: not part of this snapshot
        except PermissionError:
            continue
        newest = max(newest, st.st_mtime)
        count += 1
    when = _iso_from_ts(newest) if count else ""
    return FolderDigest(h.hexdigest()[:12], when, count, tuple(skipped))


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
