"""Checklist runs in the real window: start, tick in the reader and the panel, notes,
changed runbook, resume on the next start, history with exports, finish, preferences."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from rbdesk.core.runs.store import runbook_change
from rbdesk.ui import dialogs
from rbdesk.ui import runs as runs_ui

from .helpers import anchor_position, click_anchor
from .test_mainwindow import open_by_search

pytestmark = pytest.mark.gui


@pytest.fixture()
def started(qtbot, window, monkeypatch):
    """disk-full.md open with an incident run INC-42 by AB (items: 2 checks, 2 steps)."""
    asked: list[tuple[str, str]] = []

    def fake_ask(parent, title, initials):
        asked.append((title, initials))
        return runs_ui.RunRequest("incident", "INC-42", "AB")

    monkeypatch.setattr(runs_ui, "ask_start_run", fake_ask)
    open_by_search(qtbot, window, "disk")
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.start_run()
    assert asked == [("Disk full on web hosts", "")]
    return window


def run_boxes(win) -> list[str]:
    import re

    return re.findall(r'href="rbdesk://run/(\d+)"', win.current.result.html)


def test_start_run_shows_items_and_remembers_initials(qtbot, started, data_dir):
    from rbdesk.core.settings import load_settings

    run = started.run
    assert (run.kind, run.name, run.initials, run.total) == ("incident", "INC-42", "AB", 4)
    assert run.content_hash.startswith("sha256:")
    panel = started.run_panel
    assert panel.tree.topLevelItemCount() == 4
    # items in page order: the two steps, then the Prerequisites checklist below them
    assert panel.tree.topLevelItem(0).text(0) == "1. Step 1: Check the disk"
    assert panel.tree.topLevelItem(2).text(0) == "3. VPN connected"
    assert "Run #1" in panel.header.text() and "INC-42" in panel.header.text()
    assert "tied to content" in panel.header.text()  # samples: no commit, the file's hash
    assert started.side.tabText(started.run_tab) == "Run 0/4"
    assert load_settings(data_dir).initials == "AB"
    # both checklist boxes and both steps became run boxes in the reader
    assert sorted(run_boxes(started)) == ["1", "2", "3", "4"]


def test_tick_in_reader_records_who_and_when(qtbot, started):
    lib = started.lib
    with qtbot.waitSignal(started.document_shown, timeout=10000):
        click_anchor(qtbot, started.reader, "rbdesk://run/3")  # "VPN connected"
    item = lib.runs.get(started.run.id).items[2]
    assert (item.text, item.checked, item.by) == ("VPN connected", True, "AB")
    assert item.at and item.at.endswith("Z")
    shown = runs_ui.local_time(item.at)
    row = started.run_panel.tree.topLevelItem(2)
    assert row.checkState(0) == Qt.CheckState.Checked and row.text(1) == shown
    assert row.text(2) == "AB"
    assert f"{shown[:5]} AB" in started.reader.toPlainText()  # the time beside the box
    assert "✓ 3. VPN connected" in started.last_message
    # a step is ticked from its heading's box
    with qtbot.waitSignal(started.document_shown, timeout=10000):
        click_anchor(qtbot, started.reader, "rbdesk://run/1")
    assert lib.runs.get(started.run.id).items[0].checked
    assert started.side.tabText(started.run_tab) == "Run 2/4"


def test_untick_from_panel_and_note(qtbot, started, monkeypatch):
    lib = started.lib
    started.tick_run_item(2)
    assert lib.runs.get(started.run.id).items[1].checked
    row = started.run_panel.row_for(2)
    row.setCheckState(0, Qt.CheckState.Unchecked)  # the user unticks it in the panel
    item = lib.runs.get(started.run.id).items[1]
    assert (item.checked, item.at, item.by) == (False, None, "")
    monkeypatch.setattr(runs_ui, "ask_note", lambda parent, text, current: "pool at 78/80")
    with qtbot.waitSignal(started.document_shown, timeout=10000):
        started.run_panel.note_requested.emit(4)
    item = lib.runs.get(started.run.id).items[3]
    assert (item.note, item.checked) == ("pool at 78/80", False)
    assert "✎ “pool at 78/80”" in started.reader.toPlainText()
    assert started.run_panel.row_for(4).text(0).endswith("✎")
    actions = [e.action for e in lib.runs.get(started.run.id).timeline]
    assert actions == ["started", "checked", "unchecked", "noted"]


def test_panel_says_when_the_runbook_changed(qtbot, started, library_dir):
    assert not started.run_panel.warning.isVisible()
    path = library_dir / "disk-full.md"
    path.write_text(path.read_text("utf-8") + "\n- [ ] New item\n", "utf-8")
    assert runbook_change(started.lib.roots(), started.run) == "changed"
    started.runs.refresh_panel()
    assert started.run_panel.warning.isVisibleTo(started)
    assert "changed since this run started" in started.run_panel.warning.text()


def test_unfinished_run_offered_on_next_start_and_resumed(qtbot, started, lib):
    from rbdesk.ui.mainwindow import MainWindow

    started.tick_run_item(1)
    run_id = started.run.id
    started.close()
    again = MainWindow(lib)
    qtbot.addWidget(again)
    again.show()
    assert again.run_banner.isVisible()
    assert f"Unfinished run <b>#{run_id}</b>" in again.run_banner.text()
    assert "1/4 done" in again.run_banner.text()
    with qtbot.waitSignal(again.document_shown, timeout=10000) as blocker:
        again.run_banner.linkActivated.emit(f"resume:{run_id}")
    assert blocker.args == ["samples:disk-full.md"]
    assert not again.run_banner.isVisible()
    assert again.run.id == run_id
    assert again.run_panel.row_for(1).checkState(0) == Qt.CheckState.Checked
    assert "rbdesk://run/2" in again.current.result.html
    again.close()


def test_runbook_with_an_unfinished_run_offers_it_in_the_panel(qtbot, started):
    run_id = started.run.id
    started.runs.set_run(None)
    qtbot.waitSignal(started.document_shown, timeout=10000)
    assert f'href="resume:{run_id}"' in started.run_panel.header.text()


def test_history_lists_opens_and_exports(qtbot, started, monkeypatch, tmp_path):
    started.tick_run_item(3, note="on VPN")
    run_id = started.run.id
    started.runs.show_runs()
    dlg = started.runs.runs_dialog
    assert dlg.table.rowCount() == 1
    assert dlg.table.item(0, 0).text() == f"#{run_id}"
    assert dlg.table.item(0, 2).text() == "INC-42"
    assert dlg.table.item(0, 5).text() == "open 1/4"
    targets = iter([str(tmp_path / "timeline.md"), str(tmp_path / "timeline.json")])
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: next(targets))
    dlg._export()
    dlg._export()
    md = (tmp_path / "timeline.md").read_text("utf-8")
    assert f"# Run #{run_id}: incident INC-42: Disk full on web hosts" in md
    assert "- [x] 3. VPN connected (Prerequisites)" in md and "note: on VPN" in md
    data = json.loads((tmp_path / "timeline.json").read_text("utf-8"))
    assert data["items"][2]["checked"] and data["items"][2]["by"] == "AB"
    assert [e["action"] for e in data["timeline"]] == ["started", "checked"]
    started.runs.set_run(None)
    dlg._open()
    qtbot.waitUntil(lambda: started.run is not None, timeout=5000)
    assert started.run.id == run_id


def test_finish_run_freezes_it(qtbot, started, monkeypatch):
    confirmations: list[int] = []

    def fake_confirm(parent, run):
        confirmations.append(run.total - run.done)
        return True

    monkeypatch.setattr(runs_ui, "confirm_finish", fake_confirm)
    with qtbot.waitSignal(started.document_shown, timeout=10000):
        started.runs.finish_run()
    assert confirmations == [4]
    assert started.lib.runs.get(started.run.id).finished
    assert "finished" in started.run_panel.header.text()
    assert not started.run_panel.finish_btn.isEnabled()
    assert "rbdesk://run-closed/1" in started.current.result.html
    assert not started.tick_run_item(1)
    assert not started.lib.runs.get(started.run.id).items[0].checked
    assert started.side.tabText(started.run_tab) == "Run ✓"
    assert not started.run_banner.isVisible()


def test_start_run_without_items_explains(qtbot, window, monkeypatch):
    monkeypatch.setattr(runs_ui, "ask_start_run", lambda *a: runs_ui.RunRequest("drill", "", "CD"))
    open_by_search(qtbot, window, "postgres")
    window.current.runbook.steps.clear()  # a runbook with nothing to tick
    window.start_run()
    assert window.run is None
    assert "no checklist items and no numbered steps" in window.last_message


def test_preferences_set_initials_used_for_next_run(qtbot, window, monkeypatch, data_dir):
    from rbdesk.core.settings import ENV_INITIALS, default_initials

    monkeypatch.delenv(ENV_INITIALS, raising=False)
    monkeypatch.setattr(dialogs, "ask_preferences", lambda parent, initials: "  X Y ")
    window.show_preferences()
    assert window.settings.initials == "X Y"
    assert default_initials(data_dir) == "X Y"
    seen: list[str] = []
    monkeypatch.setattr(
        runs_ui, "ask_start_run", lambda p, t, initials: seen.append(initials) or None
    )
    open_by_search(qtbot, window, "disk")
    window.start_run()
    assert seen == ["X Y"]


def test_run_marks_follow_text_when_the_checklist_moved():
    from rbdesk.core.runbook.parser import parse_text
    from rbdesk.core.runs.store import Run, RunItem

    rb = parse_text("# T\n\n- [ ] new first\n- [ ] keep me\n- [ ] other\n", "t.md")
    items = (
        RunItem(1, "check", "keep me", "", 3, None, True, "2026-01-01T10:00:00Z", "AB", ""),
        RunItem(2, "check", "gone", "", 4, None, False, None, "", ""),
    )
    run = Run(1, "s", "t.md", "", "T", "", "s", "", "h", "drill", "", "AB", "x", None, items)
    marks = runs_ui.reader_marks(run, rb)
    assert [(line, m.number) for line, m in marks.boxes.items()] == [(4, 1)]  # "keep me"
    assert marks.boxes[4].checked and marks.boxes[4].by == "AB"  # "gone" has no box
    from rbdesk.core.render.reader import render_runbook

    out = render_runbook(rb, run_marks=marks).html
    assert 'href="rbdesk://check/0"' in out and 'href="rbdesk://check/2"' in out
    assert 'href="rbdesk://check/1"' not in out
    assert 'href="rbdesk://run/1">☑</a>' in out
    assert '<span class="runat">' in out and "AB</span>" in out


def test_reader_click_position_helper_finds_run_box(qtbot, started):
    assert anchor_position(started.reader, "rbdesk://run/4") > 0


def _box_point(reader, href: str):
    """Where a user clicks a reader box (viewport coordinates), scrolled into view."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor

    pos = anchor_position(reader, href)
    cursor = QTextCursor(reader.document())
    cursor.setPosition(pos)
    before = reader.cursorRect(cursor)
    cursor.setPosition(pos + 1)
    after = reader.cursorRect(cursor)
    return QPoint((before.center().x() + after.center().x()) // 2, after.center().y())


def test_second_click_lands_on_the_second_item_after_the_first_tick(qtbot, window):
    """Issue 23 item 2: the first tick opens the Run tab and draws step boxes; the
    reader must not narrow or re-wrap, so a click at the second box's old place
    ticks the second item (it used to land beside it, or on the first)."""
    from PySide6.QtGui import QTextCursor

    window.settings.initials = "AB"
    open_by_search(qtbot, window, "disk")
    reader = window.reader
    cursor = QTextCursor(reader.document())
    cursor.setPosition(anchor_position(reader, "rbdesk://check/1"))
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    first, second = _box_point(reader, "rbdesk://check/0"), _box_point(reader, "rbdesk://check/1")
    width, scroll = reader.width(), reader.verticalScrollBar().value()
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.wait(300)  # the splitter re-lays out on a later turn of the event loop
    assert window.side.currentWidget() is window.run_panel  # the Run tab opened
    assert reader.width() == width and reader.verticalScrollBar().value() == scroll
    # run items are in page order: the checklist's boxes are items 3 and 4 (after two steps)
    assert _box_point(reader, "rbdesk://run/4") == second  # nothing moved under the mouse
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=second)
    ticked = {i.number: i.checked for i in window.run.items}
    assert ticked[3] and ticked[4], ticked  # the second click ticked item 4, item 3 kept
    timeline = window.lib.runs.get(window.run.id).timeline
    assert [(e.action, e.item) for e in timeline if e.item] == [("checked", 3), ("checked", 4)]


@pytest.mark.parametrize("alert", [False, True])
def test_tick_started_run_is_named_and_records_alert_and_copies(qtbot, window, monkeypatch, alert):
    import re

    window.settings.initials = "AB"
    if alert:
        window.settings.alert_context = {
            "alert": "DiskFull",
            "status": "firing",
            "labels": {"host": "web-1"},
            "runbook": "samples:disk-full.md",
        }
    open_by_search(qtbot, window, "disk")
    monkeypatch.setattr(dialogs, "confirm_destructive", lambda *a, **k: True)
    assert window.copier.copy_block(4)  # no run open yet: nothing to record
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        assert window.runs.tick_from_reader(0)
    run = window.run
    if alert:
        assert run.name == "DiskFull" and run.alert == "DiskFull (firing; host=web-1)"
    else:
        assert re.fullmatch(r"Disk full on web hosts \d{4}-\d\d-\d\d \d\d:\d\d", run.name)
        assert run.alert == ""
    assert window.copier.copy_block(4)
    timeline = window.lib.runs.get(run.id).timeline
    assert [(e.action, e.command) for e in timeline] == [
        ("started", ""),
        ("checked", ""),
        ("copied", "systemctl restart nginx"),
    ]
    md = window.lib.runs.export_markdown(run.id)
    assert "| copied | `systemctl restart nginx` |" in md and "- Name: -" not in md
