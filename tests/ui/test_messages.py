"""One message path: an RbdeskError reads "message — hint" in the status bar everywhere."""

from __future__ import annotations

import errno

import pytest

from rbdesk.core.errors import ConfigError, NotFoundError
from rbdesk.ui import messages

pytestmark = pytest.mark.gui


def test_status_line_and_dialog_text_of_an_rbdesk_error():
    exc = NotFoundError("no runbook matches 'x'", hint="try an alert name\nor a path")
    assert messages.one_line(exc) == "no runbook matches 'x' — try an alert name or a path"
    assert messages.one_line(exc, prefix="Cannot open x") == (
        "Cannot open x: no runbook matches 'x' — try an alert name or a path"
    )
    assert messages.one_line(exc, prefix="Sync failed", suffix="showing the last good copy.") == (
        "Sync failed: no runbook matches 'x' — try an alert name or a path"
        " — showing the last good copy."
    )
    assert messages.dialog_text(exc) == "no runbook matches 'x'\ntry an alert name or a path"
    assert "hint:" not in messages.one_line(exc)  # never str(exc)'s CLI form


def test_other_errors_and_plain_text():
    err = OSError(errno.EACCES, "Permission denied", "/tmp/out.pdf")
    assert messages.one_line(err, prefix="PDF not written") == (
        "PDF not written: Permission denied: /tmp/out.pdf"
    )
    assert messages.one_line(RuntimeError()) == "RuntimeError"  # never an empty message
    assert messages.one_line("Copied command #1\n(1 line)") == "Copied command #1 (1 line)"
    assert messages.dialog_text(ValueError("bad")) == "bad"


def test_levels_reach_the_window_status_bar(qtbot, window):
    messages.info("Preferences saved.")
    assert window.last_message == "Preferences saved."
    assert window.statusBar().currentMessage() == "Preferences saved."
    line = messages.error(ConfigError("settings.json is broken", hint="fix or delete it"))
    assert line == "settings.json is broken — fix or delete it"
    assert window.last_message == line
    assert messages.bridge().last == ("error", line)
    messages.warning("No section #x in this runbook: showing its top", 6000)
    assert messages.bridge().last[0] == "warning"
    assert window.last_message.startswith("No section #x")


def test_a_failed_lookup_shows_message_and_hint_on_one_line(qtbot, window):
    window.open_ref("NoSuchAlertAnywhere")
    qtbot.waitUntil(lambda: "Cannot open NoSuchAlertAnywhere" in window.last_message, timeout=5000)
    msg = window.last_message
    assert msg.startswith("Cannot open NoSuchAlertAnywhere: no runbook matches")
    assert " — try a path relative to a source root" in msg  # the hint, same line
    assert "\n" not in msg


def test_sources_dialog_shows_the_hint_on_its_own_line(qtbot, lib, monkeypatch):
    from rbdesk.ui.dialogs import SourcesDialog

    def refuse(name, url, branch=None, **_options):
        raise ConfigError(f"source {name!r} cannot be added", hint="check the URL")

    monkeypatch.setattr(lib.sync, "add_source", refuse)
    dlg = SourcesDialog(lib)
    qtbot.addWidget(dlg)
    dlg.name.setText("ops")
    dlg.url.setText("https://github.com/acme/ops.git")
    assert not dlg.add()
    assert dlg.error.text() == "source 'ops' cannot be added\ncheck the URL"


def test_an_error_without_a_window_goes_to_stderr(qapp, capsys):
    bridge = messages.MessageBridge()  # nobody listens to this one
    bridge.emit(messages.ERROR, "index build failed", None)
    bridge.emit(messages.INFO, "just so", None)
    err = capsys.readouterr().err
    assert "rbdesk: index build failed" in err and "just so" not in err
