"""Fixtures of the fault suite: a hostile repository, a CLI runner, a clean fault hook."""

from __future__ import annotations

import subprocess
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.sync.gitfixtures import git


@pytest.fixture(autouse=True)
def no_fault_hook() -> Iterator[None]:
    yield
    from rbdesk.core import fsutil

    fsutil.FAULT_HOOK = None


@pytest.fixture()
def deep_dirs() -> Iterator[list[Path]]:
    """Folders too deep for shutil.rmtree (it recurses): removed with ``rm -rf`` after
    the test, so pytest's own tmp cleanup never meets them."""
    made: list[Path] = []
    yield made
    if made:
        subprocess.run(["rm", "-rf", "--", *map(str, made)], check=False)


@pytest.fixture()
def hostile_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "hostile"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


class CLI:
    """Runs ``rbdesk --data-dir D ...`` in-process; any exception is a test failure."""

    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir = data_dir
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        from rbdesk.cli.main import main

        self.capsys.readouterr()
        try:
            code = main(["--data-dir", str(self.data_dir), *argv])
        except BaseException as exc:  # a traceback is exactly what must never happen
            out = self.capsys.readouterr()
            pytest.fail(
                f"rbdesk {' '.join(argv)} raised {type(exc).__name__}: {exc}\n"
                + "".join(traceback.format_exception(exc))
                + out.err
            )
        out = self.capsys.readouterr()
        return code, out.out, out.err


@pytest.fixture()
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> CLI:
    return CLI(data_dir, capsys)


def tree_snapshot(path: Path) -> dict[str, bytes]:
    """Every file below path (relative name -> bytes), for 'nothing was touched' checks."""
    out = {}
    for p in sorted(path.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[p.relative_to(path).as_posix()] = p.read_bytes()
    return out


@pytest.fixture()
def cli_factory(capsys: pytest.CaptureFixture[str]):
    """A CLI runner for another data dir (e.g. one on a small tmpfs)."""

    def make(data_dir: Path) -> CLI:
        return CLI(data_dir, capsys)

    return make


@pytest.fixture()
def sync_ops(cli, tmp_path):
    """make(files) -> a served git repo "ops" with those files, added and synced."""
    from tests.core.sync.gitfixtures import Repo

    def make(files: dict[str, str]) -> Repo:
        repo = Repo(tmp_path / "served" / "ops")
        repo.set_files(files, "first")
        assert cli("source", "add", "ops", repo.url)[0] == 0
        assert cli("sync")[0] == 0
        return repo

    return make


@pytest.fixture()
def tmpfs(tmp_path):
    """mount(size) -> a fresh tmpfs folder of that size (root on Linux; else the test is
    skipped); unmounted after the test."""
    import os
    import shutil

    mounted: list[Path] = []

    def mount(size: str) -> Path:
        mnt = tmp_path / f"mnt{len(mounted)}"
        mnt.mkdir()
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("needs root to mount a tmpfs")
        cmd = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)]
        done = subprocess.run(cmd, capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(mnt)
        return mnt

    yield mount
    for mnt in mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
