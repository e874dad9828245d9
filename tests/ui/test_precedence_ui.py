"""The app resolves a collided alert name, id and URL as the CLI does, and says
"also in: community" in the reader's header card (issue 19, item 4)."""

from __future__ import annotations

import pytest

from tests.core.precedence_fixtures import (
    ALERT,
    BLOB,
    COMMUNITY_ALERT,
    COMMUNITY_ID,
    IDENT,
    MISSING_BLOB,
    TEAM_ALERT,
    TEAM_ID,
    collided_fixture,  # noqa: F401 (the "collided" fixture)
    paste,
)

pytestmark = pytest.mark.gui


@pytest.fixture()
def win(qtbot, collided):
    from rbdesk.core.facade import Library
    from rbdesk.ui.app import create_app
    from rbdesk.ui.mainwindow import MainWindow

    create_app()
    w = MainWindow(Library(collided))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.results_shown, timeout=10000):
        w.show()
    qtbot.waitUntil(lambda: w.searcher.ready, timeout=10000)
    yield w
    w.close()


def open_ref(qtbot, w, ref: str) -> tuple[str, str]:
    with qtbot.waitSignal(w.document_shown, timeout=15000):
        w.docs.open_ref(ref)
    return w.current.file.source, w.current.file.relpath


def test_open_box_follows_the_rank_and_says_also_in(qtbot, win):
    assert open_ref(qtbot, win, ALERT) == ("team", TEAM_ALERT)
    assert f"also in: community ({COMMUNITY_ALERT})" in win.reader.toPlainText()
    assert open_ref(qtbot, win, IDENT) == ("team", TEAM_ID)
    assert f"also in: community ({COMMUNITY_ID})" in win.reader.toPlainText()
    assert open_ref(qtbot, win, BLOB) == ("team", TEAM_ALERT)
    win.lib.sync.move_source("community")  # to the top: names flip, the repository URL not
    assert open_ref(qtbot, win, ALERT) == ("community", COMMUNITY_ALERT)
    assert f"also in: team ({TEAM_ALERT})" in win.reader.toPlainText()
    assert open_ref(qtbot, win, IDENT) == ("community", COMMUNITY_ID)
    assert open_ref(qtbot, win, BLOB) == ("team", TEAM_ALERT)


def test_pasted_alert_opens_the_same_runbook_and_labels_a_fallback(qtbot, win):
    with qtbot.waitSignal(win.document_shown, timeout=15000):
        win.alerts.paste(paste(runbook_url=""))  # parsed off the UI thread, then opened
    assert (win.current.file.source, win.current.file.relpath) == ("team", TEAM_ALERT)
    assert "also in: community" in win.reader.toPlainText()
    with qtbot.waitSignal(win.document_shown, timeout=15000):
        win.alerts.paste(paste(runbook_url=MISSING_BLOB))
    assert (win.current.file.source, win.current.file.relpath) == ("team", TEAM_ALERT)
    text = win.reader.toPlainText()
    assert "fallback: its runbook_url did not open" in text and "hijack" not in text.lower()


def test_sources_dialog_up_down_changes_the_rank_and_the_winner(qtbot, collided):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from rbdesk.core.facade import Library
    from rbdesk.core.usecases.refs import resolve_ref
    from rbdesk.ui.dialogs import SourcesDialog

    lib = Library(collided)
    changed: list[int] = []
    dlg = SourcesDialog(lib, on_changed=lambda: changed.append(1))
    qtbot.addWidget(dlg)
    assert [dlg.list.item(i).text()[:9] for i in range(2)] == ["1. team —", "2. commun"]
    assert not dlg.move(-1) and "Select a source" in dlg.error.text()
    dlg.list.setCurrentRow(1)
    qtbot.mouseClick(dlg.findChild(QPushButton, "sourceUp"), Qt.MouseButton.LeftButton)
    assert [s.name for s in lib.sync.sources()] == ["community", "team"] and changed
    assert dlg.list.currentRow() == 0 and dlg.list.item(0).text().startswith("1. community")
    assert resolve_ref(lib, ALERT).source == "community"
    assert not dlg.move(-1)  # already at the top: nothing changes
    assert dlg.move(1) and [s.name for s in lib.sync.sources()] == ["team", "community"]
    assert resolve_ref(lib, ALERT).source == "team"
