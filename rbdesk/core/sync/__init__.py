"""Git sync: sources, private mirrors, immutable snapshots, an atomic pointer.

Modules: ``urls`` (validation, redaction), ``git`` (hardened runner with a
stall timeout and progress parsing), ``store`` (config, pointer, snapshots,
locks), ``freshness`` ("synced 3 h ago"), ``manager`` (``SyncManager``).
"""

from __future__ import annotations

from rbdesk.core.sync.manager import SnapshotHook, SyncManager
from rbdesk.core.sync.models import ProgressCallback, SourceStatus, SyncOutcome, SyncProgress

__all__ = [
    "ProgressCallback",
    "SnapshotHook",
    "SourceStatus",
    "SyncManager",
    "SyncOutcome",
    "SyncProgress",
]
