"""Safe file writes: the one atomic-write helper every writer uses (foundation layer).

``atomic_write_bytes`` / ``atomic_write_text`` / ``atomic_write_json``:

1. a temporary file with a *random* name in the target's folder, created with
   ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600 (a planted file or symlink
   at that name makes the open fail instead of being written through);
2. the data written and ``fsync``-ed;
3. ``os.replace`` over the target (which replaces a symlink at the target
   itself, never the file it points to);
4. ``fsync`` of the folder, so the rename survives a power cut.

A failure at any step removes the temporary file and leaves the old target.

``refuse_symlink(path)`` is for user-chosen output paths (exports, PDFs): a
symlink there was not made by rbdesk, so nothing is written. ``write_output``
is how those are written: a temp file, checked (not empty, a caller's check
such as ``%%EOF`` for a PDF), fsync-ed, then renamed; ``output_error`` is the
one line for a write that failed.

``FAULT_HOOK`` lets the fault tests inject an error (ENOSPC…) at a named step.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rbdesk.core.errors import RbdeskError

TMP_MARK = ".rbdesk-tmp-"

# Tests set this to a callable(step, path) that may raise (e.g. OSError(ENOSPC)).
# Steps: "write" (atomic writes), "export" (sync snapshot export), "index" (index build).
FAULT_HOOK: Callable[[str, Path], None] | None = None


def fault_point(step: str, path: Path) -> None:
    """Raise the injected fault for step, if a test installed one."""
    hook = FAULT_HOOK
    if hook is not None:
        hook(step, Path(path))


def enospc(path: Path | str = "") -> OSError:
    """An OSError that looks exactly like a full disk (for fault injection)."""
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def fsync_dir(path: Path) -> None:
    """fsync a folder (its entries reach the disk); ignored where unsupported."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _open_flags() -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return flags | getattr(os, "O_BINARY", 0)


def reserve_temp(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file next to path: (its path, an open write fd)."""
    folder = Path(path).parent
    for _ in range(20):
        tmp = folder / f"{TMP_MARK}{Path(path).name[:80]}.{os.urandom(8).hex()}"
        try:
            fd = os.open(tmp, _open_flags(), 0o600)
        except FileExistsError:
            continue
        return tmp, fd
    raise OSError(errno.EEXIST, "could not create a temporary file", str(folder))


def publish(tmp: Path, path: Path, mode: int | None = 0o644) -> None:
    """Move a finished temporary file over path (atomic), then fsync the folder."""
    if mode is not None:
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode & ~_umask())
    os.replace(tmp, path)
    fsync_dir(Path(path).parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644) -> Path:
    """Replace path's content by data atomically (see the module docstring)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp, fd = reserve_temp(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fault_point("write", target)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        publish(tmp, target, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int = 0o644) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def atomic_write_json(path: str | os.PathLike[str], data: Any, *, mode: int = 0o644) -> Path:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"  # ASCII: lone surrogates survive
    return atomic_write_text(path, text, mode=mode)


def refuse_symlink(path: str | os.PathLike[str]) -> Path:
    """path, unless it is a symlink (which rbdesk did not create): then RbdeskError."""
    p = Path(path)
    if p.is_symlink():
        raise RbdeskError(
            f"{p}: is a symbolic link; refusing to write through it",
            hint="choose a plain file name (remove the link if you made it yourself)",
        )
    return p


def output_path(path: str | os.PathLike[str]) -> Path:
    """A user-chosen output file (export, PDF), checked before anything is written:
    not a symlink, not a folder, and not below a file (one-line RbdeskErrors)."""
    p = refuse_symlink(path)
    if p.is_dir():
        raise RbdeskError(
            f"{p}: is a folder, not a file", hint=f"give a file name, e.g. {p / 'out'}"
        )
    above = p.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        raise RbdeskError(
            f"{p}: {above} is a file, not a folder", hint="choose a path inside a folder"
        )
    return p


# A write refused by the place (not by the data): read-only, permissions, full.
WRITE_ERRNOS = frozenset(
    {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
)


def why_not_writable(folder: Path) -> int:
    """EROFS when folder is on a read-only mount, else EACCES."""
    try:
        return errno.EROFS if os.statvfs(folder).f_flag & os.ST_RDONLY else errno.EACCES
    except (OSError, AttributeError):
        return errno.EACCES


DATA_DIR_HINT = (
    "this command must write to the data folder; read-only commands (search, show, "
    "copy, status, runs …) work as they are: make it writable, or use --data-dir DIR"
)


def output_error(
    path: str | os.PathLike[str], exc: OSError, what: str = "", hint: str = ""
) -> RbdeskError:
    """One line for a write that failed (what, where, what to do); nothing was replaced.
    ``what``: what could not be written ("the incident variables"); ``hint``: the
    way out when the place cannot be chosen (:data:`DATA_DIR_HINT`)."""
    code = exc.errno
    where = f"could not save {what} to {path}" if what else f"{path}: not written"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return RbdeskError(f"{where}: the disk is full", hint="free some space and try again")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "read-only file system" if code == errno.EROFS else "permission denied"
        return RbdeskError(f"{where}: {why}", hint=hint or "choose a folder you can write to")
    if code == errno.EISDIR:
        return RbdeskError(f"{where}: it is a folder", hint="give a file name")
    if code == errno.ENOTDIR:
        return RbdeskError(f"{where}: a part of the path is a file, not a folder")
    return RbdeskError(f"{where}: {exc.strerror or exc}")


def write_output(
    path: str | os.PathLike[str],
    write: Callable[[Path], None],
    check: Callable[[Path], str | None] | None = None,
) -> Path:
    """Replace a user-chosen file only by a good one.

    ``write(tmp)`` fills a fresh temporary file next to the target (a writer
    that cannot report its own errors, such as Qt's PDF writer, included);
    it is flushed and fsync-ed, must not be empty and must pass ``check(tmp)``
    (a reason string when it is bad), and only then is renamed over the target.
    Any failure keeps the old file and raises one RbdeskError line.
    """
    out = output_path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = reserve_temp(out)
        os.close(fd)
        try:
            write(tmp)
            fault_point("write", out)
            with open(tmp, "rb+") as fh:
                fh.flush()
                os.fsync(fh.fileno())
            problem = "it came out empty" if tmp.stat().st_size == 0 else None
            problem = problem or (check(tmp) if check is not None else None)
            if problem:
                raise RbdeskError(
                    f"{out}: not written: {problem} (is the disk full?); "
                    "the previous file, if any, is kept",
                    hint="free some space and try again",
                )
            publish(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise output_error(out, exc) from None
    return out


def corrupt_copy_name(path: Path, stamp: str) -> Path:
    """Where a corrupt state file is kept aside: ``NAME.corrupt-<time>``."""
    return Path(path).with_name(f"{Path(path).name}.corrupt-{stamp}")


def keep_corrupt_copy(path: Path) -> Path | None:
    """Copy a corrupt file aside (``NAME.corrupt-<UTC time>``); the copy, or None."""
    import time

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = corrupt_copy_name(path, stamp)
    try:
        data = Path(path).read_bytes()
        for earlier in sorted(Path(path).parent.glob(f"{Path(path).name}.corrupt-*")):
            with contextlib.suppress(OSError):
                if earlier.is_file() and earlier.read_bytes() == data:
                    return earlier  # this very content is already kept
        atomic_write_bytes(aside, data, mode=0o600)
    except OSError:
        return None
    return aside
