"""File → Print / Print preview / Export PDF in the real window, for the three kinds."""

from __future__ import annotations

import datetime as _dt

import pytest
from PySide6.QtGui import QAction

from rbdesk.ui import dialogs
from rbdesk.ui import printing as ui_printing

from .test_mainwindow import open_by_search
from .test_printing_pdf import pages_text, squash

pytestmark = pytest.mark.gui


def menu_action(win, *path: str) -> QAction:
    """The menu bar action at path ("&File", "Print", "Runbook…")."""
    actions = win.menuBar().actions()
    for i, label in enumerate(path):
        found = next((a for a in actions if a.text() == label), None)
        assert found is not None, f"no menu entry {label!r} in {[a.text() for a in actions]}"
        if i == len(path) - 1:
            return found
        actions = found.menu().actions()
    raise AssertionError("empty path")


def test_export_pdf_of_each_kind(qtbot, window, monkeypatch, tmp_path):
    open_by_search(qtbot, window, "disk")
    targets: list[str] = []

    def fake_save(parent, title, suggested, filters):
        targets.append(suggested)
        return str(tmp_path / suggested)

    monkeypatch.setattr(dialogs, "ask_save_path", fake_save)
    today = _dt.date.today().isoformat()
    menu_action(window, "&File", "Export PDF", "Runbook…").trigger()
    menu_action(window, "&File", "Export PDF", "Drill sheet…").trigger()
    menu_action(window, "&File", "Export PDF", "Contacts sheet…").trigger()
    assert targets == ["disk-full.pdf", "disk-full-drill-sheet.pdf", "disk-full-contacts.pdf"]
    runbook = squash(" ".join(pages_text(tmp_path / targets[0])))
    assert "Diskfullonwebhosts" in runbook and squash("rm -rf /var/tmp/cache/*") in runbook
    assert today in runbook and "Page1of" in runbook
    drill = squash(" ".join(pages_text(tmp_path / targets[1])))
    for text in ("VPN connected", "Access to prod", "Check the disk", "Clean up", "Initials"):
        assert squash(text) in drill
    contacts = squash(" ".join(pages_text(tmp_path / targets[2])))
    assert "AliceExample" in contacts and "+15550100" in contacts
    assert "Wrote 1 page to" in window.last_message or "pages to" in window.last_message


def test_export_cancelled_writes_nothing(qtbot, window, monkeypatch, tmp_path):
    open_by_search(qtbot, window, "disk")
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: "")
    assert window.printer.export_pdf("runbook") == ""
    assert not list(tmp_path.glob("*.pdf"))


def test_print_and_preview_hand_the_parts_to_qt(qtbot, window, monkeypatch):
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        ui_printing, "preview", lambda parts, parent: seen.append(("preview", parts[0].html))
    )
    monkeypatch.setattr(
        ui_printing,
        "print_with_dialog",
        lambda parts, parent: seen.append(("print", parts[0].html)) or True,
    )
    menu_action(window, "&File", "Print", "Runbook…").trigger()  # nothing open yet
    assert seen == [] and "Open a runbook first" in window.last_message
    open_by_search(qtbot, window, "disk")
    menu_action(window, "&File", "Print preview", "Drill sheet…").trigger()
    menu_action(window, "&File", "Print", "Contacts sheet…").trigger()
    assert [k for k, _h in seen] == ["preview", "print"]
    assert "VPN connected" in seen[0][1] and "Alice Example" in seen[1][1]
    assert "Sent" in window.last_message
    assert menu_action(window, "&File", "Print", "Runbook…").shortcut().toString() == "Ctrl+P"
