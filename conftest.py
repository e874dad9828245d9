"""Root pytest configuration: Qt runs offscreen, and ../shared is optional."""

import os
from pathlib import Path

# Must be set before any QApplication exists, or a display-less run aborts.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# Tests never leave a resident search server behind (test_server.py opts in).
os.environ["RBDESK_SEARCH_SERVER"] = "0"

import pytest

REPO_ROOT = Path(__file__).resolve().parent
# ../shared next to a clone, or ../../shared next to a worktree folder.
SHARED = next(
    (p for p in (REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared") if p.is_dir()),
    REPO_ROOT.parent / "shared",
)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; tests using it skip on a fresh clone."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (fresh clone): skipping shared-corpus test")
    return SHARED


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO_ROOT / "sample-runbooks"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    """An isolated rbdesk data dir, also exported for subprocesses."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("RBDESK_DATA_DIR", str(d))
    return d
