"""Findings for what a file holds instead of a readable runbook.

* ``RB115`` a Git LFS pointer: the repository keeps the file's content in Git
  LFS and only the pointer (``version https://git-lfs…``, ``oid sha256:…``,
  ``size N``) was checked out. Shown as "content not downloaded (Git LFS)",
  never indexed as text.
* ``RB116`` part of the file could not be read: an unexpected fault while
  reading this one file (the parser's last guard); what could be read is
  shown, the rest of the library is untouched.

Front matter that is refused (too large, too deep, not valid) stays ``RB106``.

:func:`is_read_fault` says which findings sync and ``rbdesk status`` name: what
rbdesk's own guards cut (front matter over a cap or using aliases, nesting
too deep, an LFS pointer, an unexpected fault). Front matter that is merely not
valid YAML/TOML (a Hugo archetype's ``{{ .Name }}`` template) stays a lint
finding: it was never more than that.
"""

from __future__ import annotations

from rbdesk.core.runbook.model import WARNING, Problem

LFS_POINTER = "RB115"
READ_FAULT = "RB116"
LFS_BANNER = "content not downloaded (Git LFS)"
_LFS_HEAD = b"version https://git-lfs.github.com/spec/"
_LFS_WHY = (
    "this file is a Git LFS pointer, not the runbook: the repository keeps its "
    "content in Git LFS, which rbdesk does not fetch (open it where it is published, "
    "or ask the repository's owners to commit it as plain text)"
)


_GUARD_PHRASES = ("nested more than", "larger than", "too large", "anchors/aliases")


def is_read_fault(problem: Problem) -> bool:
    """A finding that means a guard kept part of the file from being read."""
    if problem.code in ("RB109", LFS_POINTER, READ_FAULT):
        return True
    return problem.code == "RB106" and any(p in problem.message for p in _GUARD_PHRASES)


def is_lfs_pointer(data: bytes) -> bool:
    """A Git LFS pointer file: small, starts with its version line, has an oid."""
    return len(data) < 1024 and data.startswith(_LFS_HEAD) and b"\noid sha256:" in data


def lfs_problem() -> Problem:
    return Problem(1, LFS_POINTER, WARNING, f"{LFS_BANNER}: only its Git LFS pointer is here")


def lfs_banner() -> str:
    """Markdown the reader shows for a pointer file (a quoted banner, no body)."""
    return f"> **Content not downloaded (Git LFS).** {_LFS_WHY[0].upper()}{_LFS_WHY[1:]}.\n"


def fault_problem(exc: BaseException) -> Problem:
    """RB116 for a fault the parser did not expect, naming its kind."""
    detail = str(exc).splitlines()[0][:160] if str(exc) else ""
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return Problem(
        1,
        READ_FAULT,
        WARNING,
        f"part of this file could not be read ({what}): what could be read is shown",
    )
