"""The public data of sync: progress events, per-source status, sync outcomes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rbdesk.core.library.signature import Signature
from rbdesk.core.sync.freshness import signature_phrase, status_line
from rbdesk.core.sync.urls import redact


@dataclass(frozen=True, slots=True)
class SyncProgress:
    source: str
    phase: str  # "connecting", "receiving objects", "resolving deltas", "snapshot", "index", "done"
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
    synced_at: str | None  # ISO 8601 UTC of the last successful sync
    last_attempt_at: str | None
    last_error: str | None  # the last attempt's error, None when it succeeded
    runbooks: int
    stale: bool
    kind: str = "git"  # "git" or "folder"
    subdir: str | None = None
    last_error_kind: str | None = None  # "network", "dns", "auth", "stalled", ...
    # Problems of this source's state files and snapshot ("skipped 2 files: …").
    problems: list[str] = field(default_factory=list)
    docs_url: str | None = None  # the docs site given with `rbdesk source add --docs-url`
    # {"state", "signer", "commit", "key", "reason", "policy"} of the current snapshot
    # (core/library/signature.py); state "off" when nothing was verified.
    signature: dict[str, Any] | None = None
    rank: int = 0  # 1 = wins over every other source (sources.json order; `rbdesk source move`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self, now: datetime | None = None) -> str:
        """'ops · synced 3 h ago · commit abc1234 · offline: could not reach host'."""
        return status_line(
            self.name,
            self.synced_at,
            self.commit,
            self.last_error,
            stale=self.stale,
            now=now,
            signature=signature_phrase(self.signature),
        )


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    source: str
    ok: bool
    commit: str | None
    message: str  # one line for the user ("updated to abc1234", "offline: ...")
    changed: bool = False
    error: str | None = None  # failure kind: "network", "dns", "auth", "stalled", "busy", ...
    previous_commit: str | None = None
    forced: bool = False  # the branch was force-pushed (history rewritten)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressCallback = Callable[[SyncProgress], None]


class SyncFailure(Exception):
    """One source's sync failed: kind + one line for the user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = redact(message)


@dataclass(slots=True)
class _Target:
    """The snapshot a sync wants to publish."""

    snapshot_id: str
    commit: str
    commit_date: str
    commit_subject: str | None
    export: Callable[[Path], int | None]  # writes the file tree; may return the runbook count
    forced: bool = False
    notices: tuple[str, ...] = ()
    skipped: list[str] = field(default_factory=list)  # set by export: "path (why)"
    signature: Signature | None = None  # the signer policy's verdict (None: no policy)
