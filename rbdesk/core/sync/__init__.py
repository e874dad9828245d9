"""Git sync: sources, private mirrors, immutable snapshots, an atomic pointer.

PLACEHOLDER until the sync issue lands. The public API below is the contract
the Library, the CLI and the GUI code against; the sync issue implements it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class SyncProgress:
    source: str
    phase: str  # e.g. "connecting", "receiving objects", "resolving deltas", "snapshot", "index"
    fraction: float | None  # 0..1 within the phase, None when unknown
    message: str = ""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What `rbdesk status --json` prints per source."""

    name: str
    url: str  # credentials redacted
    branch: str | None
    commit: str | None
    commit_date: str | None
    commit_subject: str | None
    synced_at: str | None  # ISO 8601 UTC
    last_attempt_at: str | None
    last_error: str | None
    runbooks: int
    stale: bool

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    source: str
    ok: bool
    commit: str | None
    message: str  # one line for the user ("updated to abc1234", "offline: ...")
    changed: bool = False


ProgressCallback = Callable[[SyncProgress], None]


class SyncManager:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def has_sources(self) -> bool:
        return False

    def current_roots(self) -> list:
        """rbdesk.core.library.LibraryRoot for every source with a current snapshot."""
        return []

    def status(self) -> list[SourceStatus]:
        return []

    def add_source(
        self, name: str, url: str, branch: str | None = None, subdir: str | None = None
    ) -> None:
        raise NotImplementedError

    def remove_source(self, name: str) -> None:
        raise NotImplementedError

    def sync(
        self, name: str | None = None, progress: ProgressCallback | None = None
    ) -> list[SyncOutcome]:
        return []
