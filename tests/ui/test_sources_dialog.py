"""File → Sources…: Subdir, allowed signers / gpg keys / verify, and a new source syncs."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QPushButton

from rbdesk.core.sync.store import added_line
from rbdesk.ui import dialogs
from rbdesk.ui.dialogs import SourcesDialog
from tests.core.sync.gitfixtures import Repo
from tests.core.sync.signfixtures import SshSigner, commit


@pytest.fixture()
def alice(tmp_path):
    return SshSigner(tmp_path / "keys", "alice@example.com")


@pytest.fixture()
def mono(tmp_path, alice):
    repo = Repo(tmp_path / "mono")
    commit(repo, {"docs/rb/a.md": "# Alpha runbook\n", "src/x.py": "x = 1\n"}, "one", ssh=alice)
    return repo


def config(data_dir) -> dict:
    return json.loads((data_dir / "sources.json").read_text())


def test_subdir_and_signers_reach_the_source(
    qtbot, lib, data_dir, mono, alice, tmp_path, monkeypatch
):
    allowed = tmp_path / "allowed"
    allowed.write_text(alice.allowed_line())
    added = []
    dlg = SourcesDialog(lib, on_added=added.append)
    qtbot.addWidget(dlg)
    assert not dlg.verify.isEnabled()  # no signer file: nothing to verify with
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: str(allowed))
    dlg.findChild(QPushButton, "sourceAllowedSignersBrowse").click()
    assert dlg.allowed_signers.text() == str(allowed) and dlg.verify.isEnabled()
    dlg.verify.setCurrentIndex(dlg.verify.findData("warn"))
    dlg.name.setText("ops")
    dlg.url.setText(mono.url)
    dlg.subdir.setText("docs/rb")
    assert dlg.add()
    (entry,) = config(data_dir)["sources"]
    assert entry["subdir"] == "docs/rb" and entry["verify"] == "warn"
    assert entry["allowed_signers"] == str(allowed)
    assert added == ["ops"]
    source = lib.sync.config().find("ops")
    assert dlg.note.text() == added_line(source) + "; syncing it now"
    assert "subdir docs/rb, verify warn" in dlg.note.text()
    assert dlg.subdir.text() == "" and dlg.allowed_signers.text() == ""
    assert not dlg.verify.isEnabled()


def test_a_broken_signer_file_is_shown_and_nothing_added(qtbot, lib, data_dir, mono, tmp_path):
    broken = tmp_path / "allowed"
    broken.write_text("alice@example.com ssh-ed25519\n")
    added = []
    dlg = SourcesDialog(lib, on_added=added.append)
    qtbot.addWidget(dlg)
    dlg.name.setText("ops")
    dlg.url.setText(mono.url)
    dlg.allowed_signers.setText(str(broken))
    assert not dlg.add()
    assert dlg.error.text().startswith(f"{broken}:1: no ssh public key on this line")
    assert added == [] and lib.sync.sources() == []
    assert dlg.note.text() == ""


def test_adding_in_the_dialog_syncs_the_source_off_the_ui_thread(
    qtbot, window, mono, alice, tmp_path, monkeypatch
):
    allowed = tmp_path / "allowed"
    allowed.write_text(alice.allowed_line())
    shown = []

    def exec_dialog(dlg):
        dlg.name.setText("ops")
        dlg.url.setText(mono.url)
        dlg.subdir.setText("docs/rb")
        dlg.allowed_signers.setText(str(allowed))
        shown.append(dlg.add())
        return 0

    monkeypatch.setattr(SourcesDialog, "exec", exec_dialog)
    with qtbot.waitSignal(window.sync_finished, timeout=20000):
        window.syncbar.show_sources()
    assert shown == [True]
    (st,) = window.lib.sync.status()
    assert st.commit == mono.head() and st.runbooks == 1
    assert st.signature["state"] == "good"
    assert "signed by alice@example.com" in window.sync_line.text()


def test_a_source_added_during_a_sync_is_synced_after_it(qtbot, window, monkeypatch):
    import threading

    from rbdesk.core.sync import SyncOutcome

    calls = []
    release = threading.Event()

    def fake_sync(name=None, progress=None):
        calls.append((name, threading.current_thread() is threading.main_thread()))
        release.wait(5)
        return [SyncOutcome(name or "all", True, "abc1234", "synced abc1234", True)]

    monkeypatch.setattr(window.lib.sync, "has_sources", lambda: True)
    monkeypatch.setattr(window.lib.sync, "sync", fake_sync)
    window.syncbar.sync_now()
    window.syncbar.sync_source("new")  # asked while the first sync runs: queued
    assert window.syncbar.pending == ["new"]
    with qtbot.waitSignal(window.sync_finished, timeout=5000):
        release.set()
    qtbot.waitUntil(lambda: len(calls) == 2 and not window.syncbar.syncing, timeout=5000)
    assert calls == [(None, False), ("new", False)]
    assert window.syncbar.pending == []
