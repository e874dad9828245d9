"""Checklist runs: tick a runbook's checklist and steps, safely on disk.

A *run* is one pass through a runbook during an incident or a drill. It lives
in ``<data_dir>/runs.sqlite3`` (SQLite, WAL journal, ``synchronous=FULL``).
Every change (start, tick, untick, note, finish) is one transaction that is
committed before the call returns, so a crash or ``kill -9`` loses nothing
that a caller was told is done. The schema version is ``PRAGMA user_version``.

Items of a run, numbered from 1 (the ITEM of ``rbdesk runs tick ID ITEM``), in
page order: the entries of the parser's ``Runbook.checklist`` (kind ``check``)
and its numbered steps (kind ``step``, text ``"Step N: title"``) as they stand
in the runbook, so item N is row N of the drill sheet. The list is copied into the run when
it starts, so a runbook edited later never renumbers a run's items.

A run records the runbook's source, path and title, the snapshot commit and
the SHA-256 of the file's bytes at start (see :mod:`rbdesk.core.library.origin`);
:func:`runbook_change` tells whether the runbook changed since.

API for the GUI and the CLI::

    store = RunStore(lib.data_dir)                  # or RunStore(data_dir, clock=...)
    run = store.start(rb, origin, kind="incident", name="INC-1234", initials="AB")
    store.tick(run.id, 3)                           # item 3 done, by the run's initials
    store.tick(run.id, 3, note="pool at 78/80")     # note only: stays done, note replaced
    store.tick(run.id, 3, checked=False, by="CD")   # undo
    store.list(unfinished_only=True)                # runs to offer for resume (newest first)
    store.get(run.id)                               # Run with items and timeline
    store.finish(run.id)
    store.export_markdown(run.id) / store.export_json(run.id)
    runbook_change(lib.roots(), run)                # "unchanged" | "changed" | "missing"

Times are ISO 8601 UTC with a ``Z`` (``2026-11-26T10:04:05Z``). Errors a
user can fix are :class:`rbdesk.core.errors.RbdeskError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbdesk.core import fsutil
from rbdesk.core.errors import NotFoundError, RbdeskError
from rbdesk.core.library.origin import Origin, file_hash
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runs.models import (  # noqa: F401 - re-exported: callers import them from the store
    CHECKED,
    COPIED,
    FINISHED,
    KINDS,
    MAX_NOTE_CHARS,
    NOTED,
    STARTED,
    UNCHECKED,
    Run,
    RunEvent,
    RunItem,
    parse_run_id,
    utc_now,
)
from rbdesk.core.runs.timeline import run_markdown

if TYPE_CHECKING:
    from rbdesk.core.library.roots import LibraryRoot
    from rbdesk.core.runbook.model import Runbook

DB_FILE = "runs.sqlite3"
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source        TEXT NOT NULL,
    path          TEXT NOT NULL,
    file          TEXT NOT NULL,      -- absolute path at start (fallback lookup)
    title         TEXT NOT NULL,
    runbook_id    TEXT NOT NULL,
    source_label  TEXT NOT NULL,
    git_commit    TEXT NOT NULL,      -- "" when the source has no commit
    content_hash  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('incident', 'drill')),
    name          TEXT NOT NULL,
    initials      TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE TABLE items (
    run_id   INTEGER NOT NULL REFERENCES runs(id),
    number   INTEGER NOT NULL,        -- 1-based, in page order (older runs: checklist first)
    kind     TEXT NOT NULL CHECK (kind IN ('check', 'step')),
    text     TEXT NOT NULL,
    section  TEXT NOT NULL,
    line     INTEGER NOT NULL,
    step     INTEGER,                 -- step number for kind 'step'
    checked  INTEGER NOT NULL DEFAULT 0,
    at       TEXT,
    by       TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, number)
);
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id  INTEGER NOT NULL REFERENCES runs(id),
    at      TEXT NOT NULL,
    by      TEXT NOT NULL,
    action  TEXT NOT NULL,
    item    INTEGER,
    note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_run ON events(run_id, id);
CREATE INDEX runs_unfinished ON runs(finished_at, id);
"""

# Schema N -> N+1. A new database gets _SCHEMA (version 1) and then every step, so
# old and new databases have the same tables; old ones keep all their runs.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        # the alert that opened the runbook ("KubePodCrashLooping (firing since …)")
        "ALTER TABLE runs ADD COLUMN alert TEXT NOT NULL DEFAULT ''",
        # the command text of a COPIED event
        "ALTER TABLE events ADD COLUMN command TEXT NOT NULL DEFAULT ''",
    ),
}


# -- the store --------------------------------------------------------------------------------


class RunStore:
    """All runs of one data dir. Cheap to create; opens the database on first use."""

    def __init__(
        self, data_dir: str | os.PathLike[str], clock: Callable[[], str] = utc_now
    ) -> None:
        self.path = Path(data_dir) / DB_FILE
        self._clock = clock
        self._conn: sqlite3.Connection | None = None
        self.read_only = False  # the data folder cannot be written: runs are only read

    # -- connection and schema -------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        with contextlib.suppress(OSError):  # a read-only data folder: read below
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn = self._read_only(exc)
        self._conn = conn
        return conn

    def _read_only(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """The database opened for reading, when the data folder cannot be written
        (read-only mount, another user's folder): read-only commands still work,
        writes say so in one line (``_tx``). A file that cannot be read even
        so is really broken: then, and only then, "move the file aside"."""
        writable = os.access(self.path.parent, os.W_OK) and (
            not self.path.exists() or os.access(self.path, os.W_OK)
        )
        if not writable:
            try:
                if self.path.exists():
                    uri = f"{self.path.resolve().as_uri()}?mode=ro"
                    try:
                        conn = self._probe(sqlite3.connect(uri, uri=True, isolation_level=None))
                    except sqlite3.DatabaseError:  # WAL files cannot be made: read as is
                        conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
                        conn = self._probe(conn)
                else:  # no runs recorded yet: an empty, private, in-memory database
                    conn = sqlite3.connect(":memory:", isolation_level=None)
                    self._migrate(conn)
                conn.row_factory = sqlite3.Row
                self.read_only = True
                return conn
            except sqlite3.DatabaseError:
                pass
        raise RbdeskError(
            f"{self.path}: cannot open the runs database: {exc}",
            hint="move the file aside (it is never deleted by rbdesk) and try again",
        ) from exc

    def _probe(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            conn.close()
            raise sqlite3.DatabaseError(f"schema {version}")
        conn.execute("SELECT count(*) FROM runs").fetchone()
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RbdeskError(
                f"{self.path} was written by a newer rbdesk (schema {version}, "
                f"this one knows {SCHEMA_VERSION})",
                hint="upgrade rbdesk, or use another --data-dir",
            )
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version = 1
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
                version += 1
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (and synced) before the block's caller returns."""
        conn = self._db()
        if self.read_only:
            why = OSError(fsutil.why_not_writable(self.path.parent), "not writable")
            raise fsutil.output_error(self.path, why, "the run", fsutil.DATA_DIR_HINT)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ---------------------------------------------------------------------------
    def start(
        self,
        rb: Runbook,
        origin: Origin,
        *,
        kind: str = "incident",
        name: str = "",
        initials: str = "",
        file: str | os.PathLike[str] = "",
        alert: str = "",
    ) -> Run:
        """Start a run of rb (origin: where rb came from; alert: the alert that opened
        it, one line). Returns the new run."""
        if kind not in KINDS:
            raise RbdeskError(f"unknown run kind {kind!r}", hint="use incident or drill")
        items = run_items(rb)
        if not items:
            raise RbdeskError(
                f"{origin.ref}: the runbook has no checklist items and no numbered steps",
                hint="a run ticks `- [ ]` items and numbered steps; add some to the runbook",
            )
        now = self._clock()
        initials = initials.strip()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO runs (source, path, file, title, runbook_id, source_label,"
                " git_commit, content_hash, kind, name, initials, started_at, alert)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    origin.source,
                    origin.path,
                    str(file),
                    rb.title,
                    rb.id,
                    origin.source_label,
                    origin.commit,
                    origin.content_hash,
                    kind,
                    name.strip(),
                    initials,
                    now,
                    " ".join(alert.split()),
                ),
            )
            run_id = int(cur.lastrowid)
            db.executemany(
                "INSERT INTO items (run_id, number, kind, text, section, line, step)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (run_id, n, it.kind, it.text, it.section, it.line, it.step)
                    for n, it in enumerate(items, 1)
                ],
            )
            self._event(db, run_id, now, initials, STARTED, None, "")
        return self.get(run_id)

    def tick(
        self,
        run_id: int,
        item: int,
        checked: bool = True,
        note: str | None = None,
        by: str | None = None,
    ) -> RunItem:
        """Mark item (1-based) done or not done, optionally with a note; one transaction.

        Ticking an item that is already done with a note only replaces the note
        (and keeps the time it was done). ``by`` defaults to the run's initials.
        """
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise RbdeskError(f"note is {len(note)} characters; at most {MAX_NOTE_CHARS}")
        now = self._clock()
        with self._tx() as db:
            run = self._run_row(db, run_id)
            if run["finished_at"] is not None:
                raise RbdeskError(
                    f"run #{run_id} is finished ({run['finished_at']}); it cannot change",
                    hint="start a new run with `rbdesk runs start REF`",
                )
            row = db.execute(
                "SELECT checked, at, by FROM items WHERE run_id=? AND number=?", (run_id, item)
            ).fetchone()
            if row is None:
                total = db.execute(
                    "SELECT COUNT(*) FROM items WHERE run_id=?", (run_id,)
                ).fetchone()[0]
                raise NotFoundError(
                    f"run #{run_id} has no item {item} (items are 1..{total})",
                    hint=f"see them with `rbdesk runs show {run_id}`",
                )
            who = (by if by is not None else run["initials"]).strip()
            was_checked = bool(row[0])
            if checked and not was_checked:
                action, at, item_by = CHECKED, now, who
            elif not checked and was_checked:
                action, at, item_by = UNCHECKED, None, ""
            else:
                action, at, item_by = NOTED, row[1], row[2]
            if note is not None:
                db.execute(
                    "UPDATE items SET checked=?, at=?, by=?, note=? WHERE run_id=? AND number=?",
                    (int(checked), at, item_by, note, run_id, item),
                )
            else:
                db.execute(
                    "UPDATE items SET checked=?, at=?, by=? WHERE run_id=? AND number=?",
                    (int(checked), at, item_by, run_id, item),
                )
            if action != NOTED or note is not None:
                self._event(db, run_id, now, who, action, item, note or "")
        return self._items(self._db(), run_id, only=item)[0]

    def record_copy(self, run_id: int, command: str, by: str | None = None) -> bool:
        """Add a COPIED event (the command's text) to an open run; False when finished."""
        now = self._clock()
        if len(command) > MAX_NOTE_CHARS:
            command = command[:MAX_NOTE_CHARS] + "…"
        with self._tx() as db:
            run = self._run_row(db, run_id)
            if run["finished_at"] is not None:
                return False
            who = (by if by is not None else run["initials"]).strip()
            self._event(db, run_id, now, who, COPIED, None, "", command)
        return True

    def open_run_of(self, source: str, path: str) -> Run | None:
        """The newest unfinished run of the runbook source:path (None when none)."""
        return next(
            (r for r in self.list(unfinished_only=True) if (r.source, r.path) == (source, path)),
            None,
        )

    def finish(self, run_id: int, by: str | None = None) -> Run:
        """Close a run (finishing twice is an error: the first time stays recorded)."""
        now = self._clock()
        with self._tx() as db:
            run = self._run_row(db, run_id)
            if run["finished_at"] is not None:
                raise RbdeskError(f"run #{run_id} was already finished at {run['finished_at']}")
            db.execute("UPDATE runs SET finished_at=? WHERE id=?", (now, run_id))
            who = (by if by is not None else run["initials"]).strip()
            self._event(db, run_id, now, who, FINISHED, None, "")
        return self.get(run_id)

    @staticmethod
    def _event(
        db: sqlite3.Connection,
        run_id: int,
        at: str,
        by: str,
        action: str,
        item: int | None,
        note: str,
        command: str = "",
    ) -> None:
        db.execute(
            "INSERT INTO events (run_id, at, by, action, item, note, command)"
            " VALUES (?,?,?,?,?,?,?)",
            (run_id, at, by, action, item, note, command),
        )

    # -- reads ------------------------------------------------------------------------------
    def _run_row(self, db: sqlite3.Connection, run_id: int) -> sqlite3.Row:
        row = db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no run #{run_id} in {self.path}", hint="list the runs with `rbdesk runs`"
            )
        return row

    def _items(self, db: sqlite3.Connection, run_id: int, only: int | None = None) -> list[RunItem]:
        sql = "SELECT * FROM items WHERE run_id=?"
        params: tuple[int, ...] = (run_id,)
        if only is not None:
            sql += " AND number=?"
            params = (run_id, only)
        rows = db.execute(sql + " ORDER BY number", params).fetchall()
        return [
            RunItem(
                r["number"],
                r["kind"],
                r["text"],
                r["section"],
                r["line"],
                r["step"],
                bool(r["checked"]),
                r["at"],
                r["by"],
                r["note"],
            )
            for r in rows
        ]

    def _timeline(self, db: sqlite3.Connection, run_id: int) -> list[RunEvent]:
        rows = db.execute(
            "SELECT e.at, e.by, e.action, e.item, e.note, e.command,"
            " COALESCE(i.text, '') AS text"
            " FROM events e LEFT JOIN items i ON i.run_id = e.run_id AND i.number = e.item"
            " WHERE e.run_id=? ORDER BY e.id",
            (run_id,),
        ).fetchall()
        return [
            RunEvent(r["at"], r["by"], r["action"], r["item"], r["text"], r["note"], r["command"])
            for r in rows
        ]

    @staticmethod
    def _run(row: sqlite3.Row, **extra: Any) -> Run:
        return Run(
            id=row["id"],
            source=row["source"],
            path=row["path"],
            file=row["file"],
            title=row["title"],
            runbook_id=row["runbook_id"],
            source_label=row["source_label"],
            commit=row["git_commit"],
            content_hash=row["content_hash"],
            kind=row["kind"],
            name=row["name"],
            initials=row["initials"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            alert=row["alert"],
            **extra,
        )

    def get(self, run_id: int) -> Run:
        """One run with its items and timeline (NotFoundError when there is none)."""
        db = self._db()
        row = self._run_row(db, run_id)
        items = self._items(db, run_id)
        return self._run(
            row,
            items=tuple(items),
            timeline=tuple(self._timeline(db, run_id)),
            total=len(items),
            done=sum(i.checked for i in items),
        )

    def list(self, unfinished_only: bool = False) -> list[Run]:
        """Runs newest first, without items (``total``/``done`` are filled in)."""
        if not self.path.exists():
            return []  # listing never creates the database
        db = self._db()
        where = "WHERE r.finished_at IS NULL" if unfinished_only else ""
        rows = db.execute(
            "SELECT r.*, COUNT(i.number) AS total, COALESCE(SUM(i.checked), 0) AS done"
            f" FROM runs r LEFT JOIN items i ON i.run_id = r.id {where}"
            " GROUP BY r.id ORDER BY r.id DESC"
        ).fetchall()
        return [self._run(r, total=r["total"], done=r["done"]) for r in rows]

    # -- exports -----------------------------------------------------------------------------
    def export_json(self, run_id: int) -> dict[str, Any]:
        """The run (as ``runs show --json``) plus its timeline, for a postmortem."""
        run = self.get(run_id)
        return {**run.to_dict(), "timeline": [e.to_dict() for e in run.timeline]}

    def export_markdown(self, run_id: int) -> str:
        return run_markdown(self.get(run_id))  # the postmortem timeline (timeline.py)


def record_copy_in_open_run(
    data_dir: str | os.PathLike[str], source: str, path: str, command: str
) -> int | None:
    """`rbdesk copy`: the newest open run of source:path records command; its id, or
    None when no run of that runbook is open (the database is never created here)."""
    with RunStore(data_dir) as store:
        run = store.open_run_of(source, path) if store.path.exists() else None
        if run is None or not store.record_copy(run.id, command):
            return None
        return run.id


# -- exports ------------------------------------------------------------------------------------


def write_export(store: RunStore, run_id: int, path: str | os.PathLike[str]) -> Path:
    """Write run_id as Markdown (.md/.markdown) or JSON (.json), chosen by the extension."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix in (".md", ".markdown"):
        text = store.export_markdown(run_id)
    elif suffix == ".json":
        text = json.dumps(store.export_json(run_id), indent=2, ensure_ascii=False) + "\n"
    else:
        raise RbdeskError(
            f"{path}: cannot tell the export format from the extension",
            hint="name the file .md (Markdown timeline) or .json",
        )
    data = text.encode("utf-8")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    return fsutil.write_output(out, write)


def atomic_write_text(path: Path, text: str) -> None:
    """Write text atomically (see rbdesk.core.fsutil): never a half file, never
    through a planted temp file or symlink."""
    fsutil.atomic_write_text(path, text)


# -- did the runbook change? ------------------------------------------------------------------

UNCHANGED, CHANGED, MISSING = "unchanged", "changed", "missing"


def runbook_change(roots: Iterable[LibraryRoot], run: Run) -> str:
    """UNCHANGED, CHANGED or MISSING: the runbook now, compared with the run's start.

    Decided on the file's content hash (a new commit that did not touch the
    file is not a change). The file is looked up in the run's source by path,
    then at the absolute path recorded at start.
    """
    candidates: list[Path] = []
    for root in roots:
        if root.name == run.source:
            candidates.append(root.root / run.path)
    if run.file:
        candidates.append(Path(run.file))
    for p in candidates:
        if p.is_file():
            return UNCHANGED if file_hash(p) == run.content_hash else CHANGED
    return MISSING
