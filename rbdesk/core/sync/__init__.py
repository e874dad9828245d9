"""Git sync: sources, private mirrors, immutable snapshots, an atomic pointer.

(Placeholder until the sync issue lands: no sources are configured.)
"""

from __future__ import annotations

from pathlib import Path


class SyncManager:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def current_roots(self) -> list:
        """LibraryRoot for every source that has a current snapshot."""
        return []

    def has_sources(self) -> bool:
        return False
