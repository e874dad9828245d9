"""Run store: items, ticks, timeline, exports, schema, crash safety (SIGKILL)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rbdesk.core.errors import NotFoundError, RbdeskError
from rbdesk.core.facade import Library
from rbdesk.core.library.origin import Origin, origin_for
from rbdesk.core.library.roots import RunbookFile
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runbook.parser import parse_file, parse_text
from rbdesk.core.runs.store import (
    CHANGED,
    MISSING,
    SCHEMA_VERSION,
    UNCHANGED,
    RunStore,
    parse_run_id,
    runbook_change,
    write_export,
)
from rbdesk.core.usecases.printrefs import resolve, root_of

REPO = Path(__file__).resolve().parents[2]


class Clock:
    """A fake clock: every call is one minute later."""

    def __init__(self) -> None:
        self.minute = 0

    def __call__(self) -> str:
        self.minute += 1
        return f"2026-11-26T10:{self.minute:02d}:00Z"


@pytest.fixture()
def run007(data_dir):
    lib = Library(data_dir)
    f = resolve(lib, "RUN-007")
    return lib, f, lib.load(f), origin_for(root_of(lib, f), f)


@pytest.fixture()
def store(data_dir):
    s = RunStore(data_dir, clock=Clock())
    yield s
    s.close()


def test_items_are_in_page_order(run007):
    """Run item N is the Nth box or step down the page (the drill sheet's row N)."""
    _lib, _f, rb, _o = run007
    items = run_items(rb)
    assert [i.line for i in items] == sorted(i.line for i in items)
    checks = [i.text for i in items if i.kind == "check"]
    steps = [i.text for i in items if i.kind == "step"]
    assert checks == [c.text for c in rb.checklist]  # each kind keeps the parser's order
    assert steps == [f"Step {s.number}: {s.title}" for s in rb.steps]
    # RUN-007 has boxes above its steps and below them: the kinds interleave
    kinds = [i.kind for i in items]
    assert kinds.index("step") > 0 and "check" in kinds[kinds.index("step") :]


def test_start_tick_note_undo_finish(store, run007):
    _lib, f, rb, origin = run007
    run = store.start(rb, origin, kind="drill", name="DRILL-9", initials="AB", file=f.path)
    assert (run.kind, run.name, run.initials, run.total, run.done) == (
        "drill",
        "DRILL-9",
        "AB",
        len(run_items(rb)),
        0,
    )
    assert run.started_at == "2026-11-26T10:01:00Z" and run.finished_at is None
    assert run.commit == "" and origin.content_hash.startswith("sha256:")
    assert run.revision == origin.content_hash

    item = store.tick(run.id, 2)
    assert (item.checked, item.at, item.by, item.text) == (
        True,
        "2026-11-26T10:02:00Z",
        "AB",
        rb.checklist[1].text,
    )
    noted = store.tick(run.id, 2, note="console at 78/80", by="CD")
    assert (noted.checked, noted.at, noted.by, noted.note) == (
        True,
        "2026-11-26T10:02:00Z",
        "AB",
        "console at 78/80",
    )
    undone = store.tick(run.id, 2, checked=False, by="CD")
    assert (undone.checked, undone.at, undone.by) == (False, None, "")
    last = run.total
    store.tick(run.id, last, by="EF")
    finished = store.finish(run.id)
    assert finished.finished_at == "2026-11-26T10:06:00Z" and finished.done == 1
    assert [(e.action, e.item, e.by) for e in finished.timeline] == [
        ("started", None, "AB"),
        ("checked", 2, "AB"),
        ("noted", 2, "CD"),
        ("unchecked", 2, "CD"),
        ("checked", last, "EF"),
        ("finished", None, "AB"),
    ]
    with pytest.raises(RbdeskError, match="is finished"):
        store.tick(run.id, 1)
    with pytest.raises(RbdeskError, match="already finished"):
        store.finish(run.id)


def test_tick_errors_are_specific(store, run007):
    _lib, _f, rb, origin = run007
    run = store.start(rb, origin)
    with pytest.raises(
        NotFoundError, match=rf"no item {run.total + 1} \(items are 1\.\.{run.total}\)"
    ):
        store.tick(run.id, run.total + 1)
    with pytest.raises(NotFoundError, match="no run #99"):
        store.tick(99, 1)
    with pytest.raises(RbdeskError, match="unknown run kind"):
        store.start(rb, origin, kind="party")
    empty = parse_text("# Nothing to tick\n\nJust prose.\n", "empty.md")
    with pytest.raises(RbdeskError, match="no checklist items and no numbered steps"):
        store.start(empty, origin)
    with pytest.raises(RbdeskError, match="at most"):
        store.tick(run.id, 1, note="x" * 5000)


def test_list_unfinished_newest_first_and_never_creates_db(data_dir, run007):
    _lib, _f, rb, origin = run007
    store = RunStore(data_dir)
    assert store.list() == []
    assert not (data_dir / "runs.sqlite3").exists()
    a = store.start(rb, origin, name="A")
    b = store.start(rb, origin, name="B")
    store.tick(b.id, 1)
    store.finish(a.id)
    assert [r.name for r in store.list()] == ["B", "A"]
    open_runs = store.list(unfinished_only=True)
    assert [(r.name, r.done, r.total) for r in open_runs] == [("B", 1, b.total)]
    store.close()


def test_database_is_wal_full_sync_and_versioned(store, run007, data_dir):
    _lib, _f, rb, origin = run007
    store.start(rb, origin)
    db = store._db()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_and_corrupt_file_are_refused_not_touched(tmp_path):
    newer = tmp_path / "newer"
    newer.mkdir()
    con = sqlite3.connect(newer / "runs.sqlite3")
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(RbdeskError, match="newer rbdesk"):
        RunStore(newer).list()
    broken = tmp_path / "broken"
    broken.mkdir()
    junk = b"this is not sqlite at all" * 100
    (broken / "runs.sqlite3").write_bytes(junk)
    with pytest.raises(RbdeskError, match="cannot open the runs database"):
        RunStore(broken).list()
    assert (broken / "runs.sqlite3").read_bytes() == junk


def test_parse_run_id():
    assert parse_run_id("12") == 12 and parse_run_id("#7") == 7
    with pytest.raises(RbdeskError, match="not a run id"):
        parse_run_id("RUN-007")


def test_markdown_export_is_a_timeline(store, run007):
    _lib, _f, rb, origin = run007
    run = store.start(rb, origin, name="INC-1234", initials="AB")
    store.tick(run.id, 1, note="got access | via break-glass")
    first_step = next(n for n, it in enumerate(run_items(rb), 1) if it.kind == "step")
    store.tick(run.id, first_step, by="CD")
    store.finish(run.id)
    md = store.export_markdown(run.id)
    lines = md.splitlines()
    assert lines[0] == f"# Run #{run.id}: incident INC-1234: {rb.title}"
    assert f"- Revision: {origin.content_hash}" in lines
    assert (
        "- Started: 2026-11-26T10:01:00Z" in lines and "- Finished: 2026-11-26T10:04:00Z" in lines
    )
    rows = [ln for ln in lines if ln.startswith("| 2026-")]
    assert rows == [
        "| 2026-11-26T10:01:00Z | AB | started |   |   |",
        f"| 2026-11-26T10:02:00Z | AB | checked | 1. {rb.checklist[0].text} | got access \\| via break-glass |",
        f"| 2026-11-26T10:03:00Z | CD | checked | {first_step}. Step 1: {rb.steps[0].title} |   |",
        "| 2026-11-26T10:04:00Z | AB | finished |   |   |",
    ]
    assert (
        f"- [x] 1. {rb.checklist[0].text} ({rb.checklist[0].section}) — 2026-11-26T10:02:00Z by AB — note: got access | via break-glass"
        in lines
    )
    assert f"- [ ] 2. {rb.checklist[1].text} ({rb.checklist[1].section})" in lines


def test_json_export_and_write_export(store, run007, tmp_path):
    _lib, _f, rb, origin = run007
    run = store.start(rb, origin, initials="AB")
    store.tick(run.id, 3, note="ok")
    data = store.export_json(run.id)
    assert {
        "id",
        "runbook",
        "kind",
        "name",
        "commit",
        "started_at",
        "finished_at",
        "items",
        "timeline",
    } <= set(data)
    assert data["runbook"] == f"samples:{origin.path}"
    assert data["items"][2] == {
        **data["items"][2],
        "checked": True,
        "at": "2026-11-26T10:02:00Z",
        "by": "AB",
        "note": "ok",
    }
    assert [(e["action"], e["item"], e["note"]) for e in data["timeline"]] == [
        ("started", None, ""),
        ("checked", 3, "ok"),
    ]
    write_export(store, run.id, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text("utf-8")) == data
    write_export(store, run.id, tmp_path / "t.md")
    assert (tmp_path / "t.md").read_text("utf-8") == store.export_markdown(run.id)
    with pytest.raises(RbdeskError, match="extension"):
        write_export(store, run.id, tmp_path / "t.txt")
    assert not (tmp_path / "t.txt").exists()


def test_runbook_change_detection(store, data_dir, tmp_path, samples_dir):
    copy = tmp_path / "copy.md"
    copy.write_bytes((samples_dir / "register/RUN-007-orders-db-connection-pool.md").read_bytes())
    lib = Library(data_dir)
    f = RunbookFile("", copy.name, copy)
    rb = parse_file(copy, copy.name)
    origin = origin_for(None, f)
    assert origin.source_label == "local file" and origin.revision == origin.content_hash
    run = store.start(rb, origin, file=copy)
    assert runbook_change(lib.roots(), run) == UNCHANGED
    copy.write_text(copy.read_text("utf-8") + "\n- [ ] one more thing\n", "utf-8")
    assert runbook_change(lib.roots(), run) == CHANGED
    copy.unlink()
    assert runbook_change(lib.roots(), run) == MISSING


def test_sample_run_is_unchanged_by_source_lookup(store, run007):
    lib, _f, rb, origin = run007
    run = store.start(rb, origin)  # no absolute path: found through the samples root
    assert runbook_change(lib.roots(), run) == UNCHANGED


def test_git_commit_is_the_revision_when_there_is_one(store, run007):
    _lib, _f, rb, origin = run007
    git = Origin("team", origin.path, "0123456789abcdef0123", origin.content_hash, "team")
    run = store.start(rb, git)
    assert (
        run.revision == "0123456789abcdef0123" and run.to_dict()["commit"] == "0123456789abcdef0123"
    )
    assert run.to_dict()["content_hash"] == origin.content_hash


# -- crash safety ---------------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import sys
    from rbdesk.core.runs.store import RunStore
    store = RunStore(sys.argv[1])
    run_id = int(sys.argv[2])
    for item in range(1, int(sys.argv[3]) + 1):
        store.tick(run_id, item, note=f"n{item}")
        sys.stdout.write(f"{item}\\n")
        sys.stdout.flush()
    import time
    time.sleep(60)  # all done: wait for the kill
    """
)


@pytest.mark.slow
def test_ticks_survive_sigkill(tmp_path):
    n_items = 3000
    text = "# Crash drill\n\n## Checklist\n" + "".join(
        f"- [ ] item {i}\n" for i in range(1, n_items + 1)
    )
    rb = parse_text(text, "crash.md")
    origin = Origin("", "crash.md", "", "sha256:0", "local file")
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(7)
    deadline = time.monotonic() + 45
    iterations = killed = 0
    acked_total = 0
    for _ in range(30):
        if time.monotonic() > deadline:
            break
        with RunStore(data) as s:
            run_id = s.start(rb, origin).id
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(data), str(run_id), str(n_items)],
            stdout=subprocess.PIPE,
            env=env,
        )
        # Kill at a random moment after the first acknowledged tick: a loaded machine
        # can take longer than the random delay just to start Python.
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        out = first + rest
        killed += proc.returncode == -signal.SIGKILL
        acked = [int(x) for x in out.decode().split()]
        assert acked == list(range(1, len(acked) + 1))
        with RunStore(data) as s:
            assert s._db().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            run = s.get(run_id)
        checked = [i.number for i in run.items if i.checked]
        # every acknowledged tick is there, with its note; at most one more was in flight
        assert set(acked) <= set(checked)
        assert all(run.items[n - 1].note == f"n{n}" for n in acked)
        assert checked == list(range(1, len(checked) + 1))
        assert len(checked) - len(acked) in (0, 1)
        iterations += 1
        acked_total += len(acked)
        print(f"iteration {iterations}: {len(acked)} ticks acknowledged, {len(checked)} on disk")
    assert iterations >= 20 and killed == iterations
    assert acked_total > 0  # the kills did land between ticks, not only before the first


def test_schema_1_database_opens_keeps_its_runs_and_gains_alert_and_copies(tmp_path, run007):
    """A runs.sqlite3 written by rbdesk before schema 2 (no alert, no copied commands)."""
    from rbdesk.core.runs import store as store_mod

    old = tmp_path / "old"
    old.mkdir()
    con = sqlite3.connect(old / "runs.sqlite3")
    con.executescript(store_mod._SCHEMA)  # schema 1, exactly as it was
    con.execute(
        "INSERT INTO runs (source, path, file, title, runbook_id, source_label, git_commit,"
        " content_hash, kind, name, initials, started_at) VALUES"
        " ('samples','a.md','/x/a.md','Old run','','bundled samples','','sha256:00',"
        " 'incident','INC-1','AB','2026-01-01T00:00:00Z')"
    )
    con.execute(
        "INSERT INTO items (run_id, number, kind, text, section, line) VALUES"
        " (1, 1, 'check', 'VPN', 'Prerequisites', 3)"
    )
    con.execute(
        "INSERT INTO events (run_id, at, by, action, item, note) VALUES"
        " (1, '2026-01-01T00:00:00Z', 'AB', 'started', NULL, '')"
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    store = RunStore(old, clock=Clock())
    run = store.get(1)
    assert (run.name, run.alert, run.initials, run.total) == ("INC-1", "", "AB", 1)
    assert store.record_copy(1, "kubectl get pods")
    assert store.get(1).timeline[-1].command == "kubectl get pods"
    _lib, _f, rb, origin = run007
    assert store.start(rb, origin, alert="X firing").alert == "X firing"
    assert store._db().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    store.close()


def test_postmortem_export_has_alert_who_ticks_copies_and_notes(store, run007):
    _lib, _f, rb, origin = run007
    run = store.start(
        rb, origin, name="INC-9", initials="AB", alert="OrdersDBPoolSaturated (firing)"
    )
    store.tick(run.id, 1, note="pool at 78/80")
    assert store.record_copy(run.id, "psql -c 'select 1' | tee out\nexit", by="CD")
    assert store.open_run_of(origin.source, origin.path).id == run.id
    store.finish(run.id)
    assert not store.record_copy(run.id, "late")  # a finished run records nothing more
    assert store.open_run_of(origin.source, origin.path) is None
    lines = store.export_markdown(run.id).splitlines()
    assert "- Name: INC-9" in lines and "- Alert: OrdersDBPoolSaturated (firing)" in lines
    assert "- Who: AB, CD" in lines
    assert f"- Done: 1 of {run.total} items; 1 command(s) copied" in lines
    rows = [ln for ln in lines if ln.startswith("| 2026-")]
    assert [r.split(" | ")[2] for r in rows] == ["started", "checked", "copied", "finished"]
    assert rows[1].endswith("| pool at 78/80 |")
    assert rows[2] == (
        "| 2026-11-26T10:03:00Z | CD | copied | `psql -c 'select 1' \\| tee out ⏎ exit` |   |"
    )
    data = store.export_json(run.id)
    assert data["alert"] == "OrdersDBPoolSaturated (firing)" and data["name"] == "INC-9"
    assert [(e["action"], e["command"]) for e in data["timeline"]][2] == (
        "copied",
        "psql -c 'select 1' | tee out\nexit",
    )
