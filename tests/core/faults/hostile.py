"""Hostile repositories built object by object (``git hash-object`` / ``git mktree``).

A working tree cannot hold these paths (``..`` entries, non-UTF-8 names on some
file systems, thousands of nested folders), so the trees are written directly
into the object database and committed with ``git commit-tree``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.core.sync.gitfixtures import GIT_ENV

Tree = dict[bytes, "bytes | Tree | tuple[bytes, bytes]"]  # name -> blob | subtree | (mode, data)


def _git(repo: Path, *args: str | bytes, input: bytes | None = None) -> bytes:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo)}
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, input=input
    )
    return out.stdout.strip()


def blob(repo: Path, data: bytes) -> bytes:
    return _git(repo, "hash-object", "-w", "--stdin", input=data)


def mktree(repo: Path, entries: list[tuple[bytes, bytes, bytes]]) -> bytes:
    """entries: (mode, type, oid) + name; ``--missing`` not needed (objects exist)."""
    lines = b"".join(
        mode + b" " + kind + b" " + oid + b"\t" + name + b"\0" for mode, kind, oid, name in entries
    )
    return _git(repo, "mktree", "-z", input=lines)


def write_tree(repo: Path, tree: Tree) -> bytes:
    entries = []
    for name, value in sorted(tree.items()):
        if isinstance(value, dict):
            entries.append((b"40000", b"tree", write_tree(repo, value), name))
        elif isinstance(value, tuple):
            mode, data = value
            entries.append((bytes(mode), b"blob", blob(repo, data), name))
        else:
            entries.append((b"100644", b"blob", blob(repo, value), name))
    return mktree(repo, entries)


def deep_tree(repo: Path, depth: int, leaf: Tree) -> bytes:
    """A chain of ``depth`` folders named d/ ending in leaf, built bottom-up (no recursion)."""
    oid = write_tree(repo, leaf)
    for _ in range(depth):
        oid = mktree(repo, [(b"40000", b"tree", oid, b"d")])
    return oid


def commit_tree(repo: Path, tree_oid: bytes, message: str = "hostile") -> str:
    """Commit tree_oid on top of the current branch head (if any) and move the branch."""
    parent: list[str] = []
    head = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=repo, capture_output=True
    )
    if head.returncode == 0:
        parent = ["-p", head.stdout.decode().strip()]
    commit = _git(repo, "commit-tree", tree_oid.decode(), *parent, "-m", message).decode()
    _git(repo, "update-ref", "HEAD", commit)
    return commit


def combine(repo: Path, named: dict[bytes, bytes], files: Tree) -> bytes:
    """A root tree holding plain files plus already-built subtrees (name -> tree oid)."""
    entries = [(b"40000", b"tree", oid, name) for name, oid in named.items()]
    for name, data in files.items():
        assert isinstance(data, bytes)
        entries.append((b"100644", b"blob", blob(repo, data), name))
    entries.sort(key=lambda e: e[3] + (b"/" if e[1] == b"tree" else b""))
    return mktree(repo, entries)
