"""Fixtures for sync tests: a source repository, a manager, a git daemon."""

from __future__ import annotations

from pathlib import Path

import pytest

from rbdesk.core.sync import SyncManager

from .gitfixtures import Repo, git_daemon


@pytest.fixture()
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "served" / "ops.git")
    r.set_files({"README.md": "# Ops\n", "db/failover.md": "# Failover\n\n```\nx\n```\n"}, "first")
    return r


@pytest.fixture()
def manager(data_dir: Path) -> SyncManager:
    return SyncManager(data_dir)


@pytest.fixture()
def daemon(tmp_path: Path):
    base = tmp_path / "served"
    base.mkdir(exist_ok=True)
    with git_daemon(base) as url:
        yield url
