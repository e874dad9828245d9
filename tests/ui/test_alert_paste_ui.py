"""Paste an alert into the window: its runbook opens, Copy fills the label values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from rbdesk.core.settings import load_settings
from tests.core.alertfixtures import HUGO_FILES
from tests.core.test_alert_paste import am_alert, webhook

pytestmark = pytest.mark.gui

CRASH = "content/runbooks/kubernetes/KubePodCrashLooping.md"


@pytest.fixture()
def library_dir(tmp_path, monkeypatch, data_dir):
    """The Hugo-shaped runbooks repository served as the library (config.yaml included)."""
    root = tmp_path / "lib"
    for rel, text in HUGO_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    monkeypatch.setattr("rbdesk.core.paths.samples_dir", lambda: root)
    return root


def paste_into_open_box(qtbot, win, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    win.open_box.setFocus()
    with qtbot.waitSignal(win.document_shown, timeout=15000):
        qtbot.keyClick(win.open_box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_pasted_webhook_opens_runbook_and_copy_fills_labels(qtbot, window, data_dir):
    paste_into_open_box(qtbot, window, webhook(am_alert("api-7d9f-x2")))
    assert window.current.file.relpath == CRASH
    assert window.open_box.text() == ""  # the JSON did not land in the box
    # the header card says which alert opened it, with its labels and start
    text = window.reader.toPlainText()
    assert "Alert KubePodCrashLooping" in text
    assert "pod=api-7d9f-x2" in text and "firing since 2026-12-01T22:41:07.123Z" in text
    # the Variables panel marks the values that came from the alert
    note = window.variables.alert_note.text()
    assert "From alert KubePodCrashLooping" in note and "POD ← pod" in note
    assert load_settings(data_dir).variables["POD"] == "api-7d9f-x2"
    hint = window.variables.hint.text()  # bare $NAMESPACE / $POD count as placeholders
    assert "This runbook uses: NAMESPACE, POD, HOST, CONTAINER" in hint  # one per name
    assert 'Not set: <a href="HOST">HOST</a>' in hint  # no instance label in this alert
    QGuiApplication.clipboard().setText("before")
    assert window.copier.copy_block(1)
    assert QGuiApplication.clipboard().text() == (
        "kubectl -n payments logs api-7d9f-x2 -c api --previous"
    )
    assert window.copier.copy_block(2)
    assert QGuiApplication.clipboard().text() == (
        "kubectl -n payments get events --field-selector involvedObject.name=api-7d9f-x2"
    )


def test_ctrl_shift_v_with_several_alerts_asks_which(qtbot, window, monkeypatch):
    asked = []

    def choose(_parent, alerts, count):
        asked.append([a.labels["pod"] for a in alerts])
        asked.append(count)
        return 1

    monkeypatch.setattr("rbdesk.ui.alertpaste.choose_alert", choose)
    QGuiApplication.clipboard().setText(webhook(am_alert("api-1"), am_alert("api-2")))
    window.activateWindow()
    window.reader.setFocus()
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        qtbot.keyClick(
            window.reader,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked == [["api-1", "api-2"], "the paste holds 2 alerts"]
    assert window.settings.variables["POD"] == "api-2"
    assert window.copier.copy_block(1)
    assert "logs api-2 " in QGuiApplication.clipboard().text()


def test_garbage_paste_is_one_status_line(qtbot, window):
    window.alerts.paste('{"alerts": [')
    qtbot.waitUntil(lambda: window.last_message.startswith("Not an alert paste"), timeout=15000)
    assert window.last_message.startswith("Not an alert paste: invalid JSON at line 1")
    window.alerts.paste("x" * (2 * 1024 * 1024))
    qtbot.waitUntil(lambda: "too large" in window.last_message, timeout=15000)
    # a plain REF typed into the open box still opens as before
    window.open_box.setText("TargetDown")
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        qtbot.keyClick(window.open_box, Qt.Key.Key_Return)
    assert window.current.file.relpath == "content/runbooks/general/TargetDown.md"


def test_a_paste_is_parsed_off_the_ui_thread(qtbot, window, monkeypatch):
    """A paste that takes long to read never freezes the window: paste() returns
    at once and the answer comes back on the UI thread (the old parser ran here
    and took 24 s on "Labels" followed by 3,000 blanks)."""
    import threading
    import time

    from rbdesk.core.usecases import alerts

    real = alerts.parse_alert_text
    seen = {}

    def slow(text):
        seen["thread"] = threading.current_thread()
        time.sleep(1.0)
        return real(text)

    monkeypatch.setattr("rbdesk.ui.alertpaste.parse_alert_text", slow)
    started = time.perf_counter()
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        window.alerts.paste(webhook(am_alert("api-3")))
        assert time.perf_counter() - started < 0.5  # returned before the parse ended
    assert seen["thread"] is not threading.main_thread()
    assert window.settings.variables["POD"] == "api-3"
    hostile = "alertname=KubePodCrashLooping\nLabels" + " " * 3000 + "x\n"
    monkeypatch.setattr("rbdesk.ui.alertpaste.parse_alert_text", real)
    started = time.perf_counter()
    window.alerts.paste(hostile)
    qtbot.waitUntil(lambda: "KubePodCrashLooping" in window.last_message, timeout=15000)
    assert time.perf_counter() - started < 5


def test_sources_dialog_has_a_docs_url_field(qtbot, lib):
    from rbdesk.ui.dialogs import SourcesDialog

    dlg = SourcesDialog(lib)
    qtbot.addWidget(dlg)
    dlg.name.setText("ops")
    dlg.url.setText(str(lib.samples_root().root))
    dlg.docs_url.setText("ftp://nope")
    assert not dlg.add()
    assert "refused docs URL" in dlg.error.text()
    dlg.docs_url.setText("https://runbooks.example.dev")
    assert dlg.add()
    assert lib.sync.sources()[0].docs_url == "https://runbooks.example.dev/"
    assert "docs https://runbooks.example.dev/" in dlg.list.item(0).text()


def test_menu_paste_into_open_box_and_ctrl_shift_v_from_the_search_box(qtbot, window):
    # Paste from the context menu / middle click arrives as one edit of the box
    QGuiApplication.clipboard().setText(webhook(am_alert("api-9")))
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        window.open_box.paste()
    assert window.open_box.text() == ""
    assert window.settings.variables["POD"] == "api-9"
    # a single URL pasted into the box stays there (Enter opens it as a REF)
    url = "https://runbooks.example.dev/runbooks/general/targetdown/"
    QGuiApplication.clipboard().setText(url)
    window.open_box.paste()
    assert window.open_box.text() == url
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        qtbot.keyClick(window.open_box, Qt.Key.Key_Return)
    assert window.current.file.relpath == "content/runbooks/general/TargetDown.md"
    # Ctrl+Shift+V while typing in the search box
    QGuiApplication.clipboard().setText(webhook(am_alert("api-10")))
    window.search_box.setFocus()
    with qtbot.waitSignal(window.document_shown, timeout=15000):
        qtbot.keyClick(
            window.search_box,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert window.current.file.relpath == CRASH
    assert window.settings.variables["POD"] == "api-10"
    assert "{" not in window.search_box.text()


def test_hidden_characters_in_a_label_never_act_in_the_view(qtbot, window):
    evil = "api-1\u202eexe.sh\x1b[31m"
    paste_into_open_box(qtbot, window, webhook(am_alert(evil)))
    assert window.current.file.relpath == CRASH
    html = window.current.result.html
    assert "\u202e" not in html and "\x1b" not in html  # shown as ⟦U+202E⟧, never applied
    assert "⟦U+202E⟧" in window.reader.toPlainText()
    assert "hidden characters in label pod" in window.last_message
    cell = next(
        window.variables.table.item(r, 1)
        for r in range(window.variables.table.rowCount())
        if window.variables.name_at(r) == "POD"
    )
    assert "\u202e" not in cell.text() and "⟦U+202E⟧" in cell.text()
    assert not cell.flags() & Qt.ItemFlag.ItemIsEditable
    assert window.settings.variables["POD"] == evil  # the value itself is kept as data
    assert window.copier.copy_block(1)
    copied = QGuiApplication.clipboard().text()
    assert "\u202e" not in copied and "\x1b" not in copied
    assert "removed hidden characters" in window.last_message
