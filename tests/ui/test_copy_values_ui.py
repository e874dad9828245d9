"""The app's Copy with values that hold shell code: asked first, highlighted, or refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from rbdesk.core.library.roots import RunbookFile
from rbdesk.ui import dialogs
from tests.cli.test_copy_values import RUNBOOK  # the same two commands

from .test_mainwindow import clipboard

pytestmark = pytest.mark.gui


def open_pods(qtbot, window, library_dir) -> None:
    (library_dir / "pods.md").write_text(RUNBOOK, "utf-8")
    f = RunbookFile("samples", "pods.md", library_dir / "pods.md")
    with qtbot.waitSignal(window.document_shown, timeout=10000):
        window.open_file(f)


def test_a_value_with_shell_code_is_shown_before_copying(qtbot, window, library_dir, monkeypatch):
    asked: list[tuple[str, list[str], list[tuple[int, int]]]] = []
    answer = {"value": False}

    def fake_confirm(parent, text, values, spans=()):
        asked.append((text, list(values), list(spans)))
        return answer["value"]

    monkeypatch.setattr(dialogs, "confirm_values", fake_confirm)
    value = "$(touch /tmp/rbdesk-x)"
    window.variables.set_variable("NAMESPACE", value)
    open_pods(qtbot, window, library_dir)
    QGuiApplication.clipboard().setText("before")
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    expected = f'kubectl -n ""\'{value}\'"" get pods'
    assert asked and asked[0][0] == expected
    assert asked[0][1] == ["value of NAMESPACE contains `$(`"]
    start, end = asked[0][2][0]
    assert expected[start:end] == f"\"'{value}'\""
    assert clipboard() == "before" and "Not copied" in window.last_message
    answer["value"] = True
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/1"))
    assert clipboard() == expected
    assert "value of NAMESPACE contains `$(`" in window.last_message


def test_a_value_that_cannot_be_literal_is_not_copied(qtbot, window, library_dir, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_values", lambda *a, **k: True)
    window.variables.set_variable("NAMESPACE", "a\nrm -rf /")
    open_pods(qtbot, window, library_dir)
    QGuiApplication.clipboard().setText("before")
    window.reader.anchorClicked.emit(QUrl("rbdesk://copy/2"))
    assert clipboard() == "before"
    msg = window.last_message
    assert "Not copied" in msg and "NAMESPACE not filled" in msg and "in a comment" in msg


def test_variables_panel_marks_values_with_shell_code(qtbot, window):
    window.variables.set_variable("POD", "api-`id`")
    window.variables.set_variable("HOST", "web-1")
    table = window.variables.table
    rows = {window.variables.name_at(r): r for r in range(table.rowCount())}
    assert table.item(rows["POD"], 0).text() == "POD ⚠"
    assert "value of POD contains a backtick" in table.item(rows["POD"], 1).toolTip()
    assert table.item(rows["HOST"], 0).text() == "HOST"


def test_the_confirmation_highlights_the_values(qtbot):
    view = dialogs._command_view("kubectl -n ''\\''x'\\''' get pods")
    qtbot.addWidget(view)
    dialogs._highlight(view, [(11, 22)])
    sels = view.extraSelections()
    assert len(sels) == 1 and sels[0].cursor.selectedText() == "''\\''x'\\'''"
