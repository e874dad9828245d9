"""Drive the real main window offscreen: search, open, copy, links, safety."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument

from rbdesk.ui import dialogs

from .helpers import anchor_point, click_anchor

pytestmark = pytest.mark.gui


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


def open_by_search(qtbot, win, query: str) -> None:
    with qtbot.waitSignal(win.results_shown, timeout=10000):
        qtbot.keyClicks(win.search_box, query)
    assert win.results.count() >= 1
    with qtbot.waitSignal(win.document_shown, timeout=10000):
        qtbot.keyClick(win.search_box, Qt.Key.Key_Return)


def test_search_box_focused_and_shortcuts(qtbot, window):
    window.activateWindow()
    window.reader.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus() or window.focusWidget() is window.search_box


def test_type_open_copy_with_placeholder(qtbot, window):
    window.variables.set_variable("HOST", "web 1")
    open_by_search(qtbot, window, "disk")
    # Qt appends the display name itself: "Disk full on web hosts — rbdesk", not twice
    assert window.windowTitle() == "Disk full on web hosts"
    QGuiApplication.clipboard().setText("before")
    click_anchor(qtbot, window.reader, "rbdesk://copy/1")
    assert clipboard() == "ssh 'web 1' df -h /var"
    assert "Copied command #1" in window.last_message
    assert "filled HOST" in window.last_message
    # the filled value is highlighted in the view
    assert '<span class="filled">&#x27;web 1&#x27;</span>' in window.current.result.html


def test_inline_code_copies_on_a_double_click_only(qtbot, window):
    window.variables.set_variable("NAMESPACE", "payments")
    open_by_search(qtbot, window, "disk")
    QGuiApplication.clipboard().setText("the engineer's clipboard")
    click_anchor(qtbot, window.reader, "rbdesk://copy-inline/1")  # a click to focus
    assert clipboard() == "the engineer's clipboard"
    assert "Double-click to copy `kubectl get pods -n ${NAMESPACE}`" in window.last_message
    point = anchor_point(window.reader, "rbdesk://copy-inline/1")
    qtbot.mouseDClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clipboard() == "kubectl get pods -n payments"
    assert "Copied inline code" in window.last_message


def test_hidden_characters_removed_and_flagged(qtbot, window):
    open_by_search(qtbot, window, "disk")
    assert "⟦U+202E⟧" in window.reader.toPlainText()
    assert "hidden characters" in window.reader.toPlainText()
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/3"))
    assert clipboard() == "echo safe; ls -la"
    assert "RIGHT-TO-LEFT OVERRIDE" in window.last_message
    assert "ZERO WIDTH SPACE" in window.last_message


def test_destructive_command_asks_first(qtbot, window, monkeypatch):
    open_by_search(qtbot, window, "disk")
    asked: list[list[str]] = []
    answer = {"value": False}

    def fake_confirm(parent, text, reasons):
        asked.append(reasons)
        return answer["value"]

    monkeypatch.setattr(dialogs, "confirm_destructive", fake_confirm)
    QGuiApplication.clipboard().setText("unchanged")
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/2"))
    assert asked and "rm -rf" in asked[0][0]
    assert clipboard() == "unchanged"
    answer["value"] = True
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/2"))
    assert clipboard() == "rm -rf /var/tmp/cache/*"
    assert "⚠ destructive" in window.reader.toPlainText()


def test_next_command_shortcut(qtbot, window, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_destructive", lambda *a: True)
    monkeypatch.setattr(dialogs, "ask_placeholders", lambda *a: dialogs.COPY_ANYWAY)
    open_by_search(qtbot, window, "disk")
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert clipboard() == "rm -rf /var/tmp/cache/*"


def test_link_to_other_runbook_anchor_and_back(qtbot, window):
    open_by_search(qtbot, window, "disk")
    with qtbot.waitSignal(window.document_shown, timeout=10000) as blocker:
        click_anchor(qtbot, window.reader, "db/postgres-failover.md#step-2-promote-the-replica")
    assert blocker.args == ["samples:db/postgres-failover.md"]
    assert window.windowTitle() == "Postgres failover"  # Qt adds " — rbdesk"
    qtbot.waitUntil(lambda: window.reader.verticalScrollBar().value() > 0, timeout=5000)
    with qtbot.waitSignal(window.document_shown, timeout=10000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert blocker.args == ["samples:disk-full.md"]


def test_anchor_link_and_step_link_scroll(qtbot, window):
    open_by_search(qtbot, window, "disk")
    window.resize(900, 300)
    bar = window.reader.verticalScrollBar()
    bar.setValue(0)
    window.reader.anchorClicked.emit(QUrl("#prerequisites"))
    assert bar.value() > 0
    window.reader.anchorClicked.emit(QUrl("rbdesk://step/1"))
    assert window.current_step == 1


def test_open_box_by_alert_name_and_unknown(qtbot, window):
    with qtbot.waitSignal(window.document_shown, timeout=10000) as blocker:
        window.open_box.setText("postgres-failover")
        qtbot.keyClick(window.open_box, Qt.Key.Key_Return)
    assert blocker.args == ["samples:db/postgres-failover.md"]
    window.open_ref("NoSuchAlertAnywhere")
    qtbot.waitUntil(lambda: "Cannot open NoSuchAlertAnywhere" in window.last_message, timeout=5000)


def test_reader_tick_starts_a_run_after_asking_initials_once(qtbot, window, monkeypatch):
    from rbdesk.ui import runs as runs_ui

    asked: list[int] = []
    monkeypatch.setattr(runs_ui, "ask_initials", lambda parent: asked.append(1) or "CD")
    open_by_search(qtbot, window, "disk")
    assert window.runs.run is None and "☐" in window.reader.toPlainText()
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.reader.anchorClicked.emit(QUrl("rbdesk://check/0"))
    run = window.lib.runs.get(window.runs.run.id)
    first = run.items[2]  # page order: the two steps, then the Prerequisites boxes
    assert (first.text, first.checked, first.by) == ("VPN connected", True, "CD")
    assert first.at.endswith("Z")
    assert [e.item for e in run.timeline if e.item is not None] == [3]
    assert window.settings.initials == "CD" and asked == [1]
    assert window.side.tabText(window.run_tab) == "Run 1/4"
    assert 'href="rbdesk://run/3">☑</a>' in window.current.result.html
    assert "rbdesk://check/" not in window.current.result.html
    # the next tick joins the same run and does not ask again
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.reader.anchorClicked.emit(QUrl("rbdesk://run/2"))
    assert window.lib.runs.get(run.id).done == 1 + 1 and asked == [1]
    assert len(window.lib.runs.list()) == 1


def test_unsafe_resources_and_links_refused(qtbot, window, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        "rbdesk.ui.document.QDesktopServices.openUrl", lambda url: opened.append(url.toString())
    )
    open_by_search(qtbot, window, "disk")
    html = window.current.result.html
    assert "dev/zero" not in html.split("not shown")[0]  # never an <img src> to it
    assert "image “zero” not shown" in html
    assert 'src="rbdesk://img/1"' in html  # the real image inside the library
    t0 = time.monotonic()
    res = window.reader.loadResource(
        int(QTextDocument.ResourceType.ImageResource.value), QUrl("../../../../dev/zero")
    )
    assert res is None and time.monotonic() - t0 < 1
    assert window.reader.loadResource(2, QUrl("file:///etc/passwd")) is None
    img = window.reader.loadResource(2, QUrl("rbdesk://img/1"))
    assert img is not None and img.width() == 1
    key = window.current.key
    window.reader.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert "Refused to open a file: link" in window.last_message
    window.reader.anchorClicked.emit(QUrl("data:text/html,<b>x</b>"))
    assert "Refused to open a data: link" in window.last_message
    window.reader.anchorClicked.emit(QUrl("../../../../etc/passwd"))
    assert "Link not opened" in window.last_message
    assert window.current.key == key and opened == []
    monkeypatch.setattr(dialogs, "confirm_external", lambda parent, url: False)
    window.reader.anchorClicked.emit(QUrl("https://status.example.com/"))
    assert opened == []
    monkeypatch.setattr(dialogs, "confirm_external", lambda parent, url: True)
    window.reader.anchorClicked.emit(QUrl("https://status.example.com/"))
    assert opened == ["https://status.example.com/"]


def test_huge_single_line_code_block_does_not_hang(qtbot, window, library_dir):
    line = "echo " + "x" * (1024 * 1024)
    (library_dir / "huge.md").write_text(f"# Huge\n\n```bash\n{line}\n```\n", "utf-8")
    from rbdesk.core.library.roots import RunbookFile

    t0 = time.monotonic()
    with qtbot.waitSignal(window.document_shown, timeout=20000):
        window.open_file(RunbookFile("samples", "huge.md", library_dir / "huge.md"))
    window.reader.viewport().repaint()
    assert time.monotonic() - t0 < 10
    assert "cut in the view" in window.reader.toPlainText()
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    assert clipboard() == line


def test_stale_search_answers_dropped(qtbot, window):
    from rbdesk.core.search import SearchHit, SearchResult
    from rbdesk.ui.searching import SearchAnswer

    gen = window.searcher.gen.value
    window.searcher.cancel()
    stale = SearchResult("", 1, None, [SearchHit("samples", "x.md", "Old", "", "", 1.0, "")])
    window.searcher._done(gen, SearchAnswer("", stale, True))
    assert all(h.title != "Old" for h in window.hits)


def test_variables_panel_persists(qtbot, window, data_dir):
    from rbdesk.core.settings import load_settings

    window.variables.name.setText("CLUSTER")
    window.variables.value.setText("prod-eu")
    qtbot.keyClick(window.variables.value, Qt.Key.Key_Return)
    assert load_settings(data_dir).variables == {"CLUSTER": "prod-eu"}
    assert not window.variables.set_variable("bad name", "x")
    assert "not a variable name" in window.variables.error.text()


def test_sync_line_states_and_banner(qtbot, window, monkeypatch):
    from rbdesk.core.sync import SourceStatus
    from rbdesk.core.sync.freshness import sync_line

    assert window.banner.isVisible()
    assert "samples" in window.sync_line.text()
    st = SourceStatus(
        "ops",
        "https://github.com/acme/ops.git",
        "main",
        "abc1234def",
        None,
        None,
        "2024-01-01T00:00:00+00:00",
        "2024-01-02T00:00:00+00:00",
        "network down",
        3,
        True,
    )
    monkeypatch.setattr(window.lib.sync, "has_sources", lambda: True)
    monkeypatch.setattr(window.lib.sync, "status", lambda: [st])
    text, state = sync_line(window.lib.sync.status())
    assert state == "offline"
    assert text.startswith("ops · offline — showing last good copy") and "abc1234" in text
    ok = source_status(stale=True)
    monkeypatch.setattr(window.lib.sync, "status", lambda: [ok])
    text, state = sync_line(window.lib.sync.status())
    assert state == "stale" and "synced" in text and "ago" in text
    window.syncbar.refresh()
    assert not window.banner.isVisible()
    assert plain(window.sync_line.text()) == text and window.sync_line.property("state") == "stale"


def source_status(**changes):
    """A synced source 'ops' (commit abc1234def), with changes."""
    from dataclasses import replace

    from rbdesk.core.sync import SourceStatus

    synced = "2024-01-01T00:00:00+00:00"
    base = SourceStatus(
        "ops", "u", "main", "abc1234def", None, None, synced, synced, None, 3, False
    )
    return replace(base, **changes)


def plain(rich: str) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(rich).toPlainText()


def test_sync_line_colours_only_the_failing_source_and_explains_in_a_tooltip(
    qtbot, window, monkeypatch
):
    ok = source_status()
    bad = source_status(
        name="docs",
        commit=None,
        synced_at=None,
        last_error="the repository at file:///x is corrupted (bad object 0123456); no copy yet",
        last_error_kind="remote_corrupt",
    )
    monkeypatch.setattr(window.lib.sync, "has_sources", lambda: True)
    monkeypatch.setattr(window.lib.sync, "status", lambda: [ok, bad])
    window.syncbar.refresh()
    text = plain(window.sync_line.text())
    assert "docs · sync failed: remote repository corrupted — no copy yet" in text
    assert "offline" not in text and "showing last good copy" not in text
    rich = window.sync_line.text()
    ok_span, bad_span = rich.split("&nbsp;&nbsp; | &nbsp;&nbsp;")
    assert "#cf222e" not in ok_span and "#cf222e" in bad_span  # only docs is red
    tip = window.sync_line.toolTip().splitlines()
    assert tip[0].startswith("ops · synced ") and tip[0].endswith("· commit abc1234")
    assert tip[1].startswith("docs · never synced · the repository at file:///x is corrupted")
    assert window.sync_line.property("state") == "failed"


def test_sync_now_runs_off_ui_thread(qtbot, window, monkeypatch):
    import threading

    from rbdesk.core.sync import SyncOutcome, SyncProgress

    seen = {}
    release = threading.Event()

    def fake_sync(name=None, progress=None):
        seen["thread"] = threading.current_thread()
        progress(SyncProgress("ops", "receiving objects", 0.5))
        release.wait(5)  # the sync "runs" until the test has looked at the progress
        return [SyncOutcome("ops", True, "abc1234", "updated to abc1234", True)]

    monkeypatch.setattr(window.lib.sync, "has_sources", lambda: True)
    monkeypatch.setattr(window.lib.sync, "sync", fake_sync)
    with qtbot.waitSignal(window.sync_finished, timeout=5000):
        window.sync_now()
        assert window.progress.isVisible()
        qtbot.waitUntil(lambda: window.progress.value() == 50, timeout=5000)
        assert "Syncing ops: receiving objects" in window.statusBar().currentMessage()
        assert not window.syncbar.sync_btn.isEnabled()
        release.set()
    assert seen["thread"] is not threading.main_thread()
    assert not window.progress.isVisible()
    assert "updated to abc1234" in window.last_message


def test_sources_dialog_shows_validation_errors(qtbot, lib):
    from rbdesk.ui.dialogs import SourcesDialog

    dlg = SourcesDialog(lib)
    qtbot.addWidget(dlg)
    assert not dlg.add()
    assert "name" in dlg.error.text().lower()
    dlg.name.setText("ops")
    assert not dlg.add()
    assert "URL" in dlg.error.text()
    dlg.url.setText("ext::sh -c touch% /tmp/x")
    assert not dlg.add()
    assert "refused" in dlg.error.text()


def test_window_state_and_recent_remembered(qtbot, lib, window):
    from rbdesk.ui.mainwindow import MainWindow

    open_by_search(qtbot, window, "replication")
    opened = window.current.key
    window.resize(720, 470)
    window.close()
    again = MainWindow(lib)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.results_shown, timeout=10000):
        again.show()
    assert (again.width(), again.height()) == (720, 470)
    assert opened == "samples:db/postgres-failover.md"
    assert again.settings.recent[0] == opened
    assert again.hits[0].path == "db/postgres-failover.md"  # recent first when the query is empty
    again.close()


def test_first_start_opens_the_sample_welcome_page(qtbot, data_dir):
    from rbdesk.ui.app import build_window

    win = build_window(str(data_dir), welcome=True)
    qtbot.add_widget(win)
    qtbot.wait_until(lambda: "Welcome" in win.windowTitle(), timeout=10_000)
    assert "rbdesk" in win.windowTitle()


def test_gui_alert_opens_the_alerts_runbook(qtbot, data_dir):
    from rbdesk.ui.app import build_window

    win = build_window(str(data_dir), "RedisMemoryHigh", welcome=True)
    qtbot.add_widget(win)
    qtbot.wait_until(lambda: "Redis Memory Pressure" in win.windowTitle(), timeout=10_000)


def test_window_never_opens_larger_than_the_screen(qtbot, window):
    """Issue 23: 1300×820 logical pixels at a 1.5 scale factor were 1950×1230 on screen."""
    area = window.screen().availableGeometry()
    window.resize(area.width() + 700, area.height() + 500)
    window.fit_to_screen()
    assert window.width() <= area.width() and window.height() <= area.height()
    assert window.width() >= min(area.width(), window.minimumSizeHint().width())
    small = window.size()
    window.fit_to_screen()  # a window that fits is left alone
    assert window.size() == small


def test_app_start_fits_the_window_to_the_screen(qtbot, lib, data_dir):
    from rbdesk.ui.app import build_window

    win = build_window(str(data_dir))
    qtbot.addWidget(win)
    area = win.screen().availableGeometry()
    assert win.width() <= area.width() and win.height() <= area.height()
    win.close()
