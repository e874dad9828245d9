"""What this user has looked at: per source and per runbook, the revision last seen.

Kept in ``<data>/seen.json`` (atomic writes). It moves only when the person
has looked — the Changes view opened or ``rbdesk changes`` read (a source),
a runbook opened in the app (that runbook) — never when a background sync
publishes a new snapshot. A revision is a commit (git sources) or a plain
folder's snapshot id.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rbdesk.core import fsutil
from rbdesk.core.errors import RbdeskError

SEEN_FILE = "seen.json"
_LOCK = threading.Lock()  # the app marks from its render worker and its UI thread
MAX_RUNBOOKS = 5000  # at most this many runbook records are kept


@dataclass(slots=True)
class Seen:
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> revision, at
    runbooks: dict[str, str] = field(default_factory=dict)  # "source:relpath" -> revision

    def source(self, name: str) -> str | None:
        return self.sources.get(name, {}).get("revision") or None

    def runbook(self, source: str, relpath: str) -> str | None:
        return self.runbooks.get(f"{source}:{relpath}") or None


def _read(path: Path) -> tuple[Seen, bool]:
    """(what was seen, whether the file held anything it could not use)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Seen(), False
    except (OSError, ValueError):
        return Seen(), True
    if not isinstance(raw, dict):
        return Seen(), True
    sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
    runbooks = raw.get("runbooks") if isinstance(raw.get("runbooks"), dict) else {}
    seen = Seen(
        {
            k: {"revision": v["revision"], "at": str(v.get("at") or "")}
            for k, v in sources.items()
            if isinstance(v, dict) and isinstance(v.get("revision"), str)
        },
        {k: v for k, v in runbooks.items() if isinstance(k, str) and isinstance(v, str)},
    )
    lost = (
        len(seen.sources) != len(raw.get("sources") or {})
        or len(seen.runbooks) != len(raw.get("runbooks") or {})
        or not isinstance(raw.get("sources", {}), dict)
        or not isinstance(raw.get("runbooks", {}), dict)
    )
    return seen, lost


def load_seen(data_dir: Path) -> Seen:
    """What was seen (empty when the file is missing or unreadable)."""
    return _read(Path(data_dir) / SEEN_FILE)[0]


def _save(data_dir: Path, seen: Seen) -> None:
    path = Path(data_dir) / SEEN_FILE
    if _read(path)[1]:  # not ours to lose: a copy is kept before it is replaced
        fsutil.keep_corrupt_copy(path)
    runbooks = dict(list(seen.runbooks.items())[-MAX_RUNBOOKS:])
    with contextlib.suppress(OSError, RbdeskError):  # a read-only data dir: nothing remembered
        fsutil.atomic_write_json(
            path, {"version": 1, "sources": seen.sources, "runbooks": runbooks}
        )


def mark_source_seen(
    data_dir: Path, name: str, revision: str, unopened: Iterable[tuple[str, str]] = ()
) -> None:
    """name's changes up to revision were looked at (a list of them). unopened:
    (relpath, older revision) of runbooks in that list: each keeps its own record
    (if it has none) so that it still shows its changes when it is opened."""
    if not revision:
        return
    with _LOCK:
        seen = load_seen(data_dir)
        for relpath, older in unopened:
            seen.runbooks.setdefault(f"{name}:{relpath}", older)
        seen.sources[name] = {
            "revision": revision,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _save(data_dir, seen)


def mark_runbook_seen(data_dir: Path, source: str, relpath: str, revision: str) -> None:
    if not revision:
        return
    with _LOCK:
        seen = load_seen(data_dir)
        key = f"{source}:{relpath}"
        if seen.runbooks.get(key) == revision:
            return
        seen.runbooks[key] = revision
        _save(data_dir, seen)
