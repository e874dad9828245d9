"""#15 in the app: snapshot problems are visible in the sync line, and runbook/user text
in the run panel and search results goes through the same hidden-character rule."""

from __future__ import annotations

import pytest

from rbdesk.core.library.origin import Origin
from rbdesk.core.runbook.parser import parse_text
from rbdesk.core.runs.store import RunStore

pytestmark = pytest.mark.gui

EVIL = (
    "# Restart \x1b]0;pwn\x07the \u202epool\n\n## Checklist\n\n"
    "- [ ] drain \x1b[2Jthe node\n- [ ] check \u2062it\n"
)


def test_sync_line_shows_snapshot_problems(qtbot, window, monkeypatch):
    from rbdesk.core.sync import SourceStatus

    st = SourceStatus(
        "ops",
        "u",
        "main",
        "abc1234def",
        None,
        None,
        "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00+00:00",
        None,
        3,
        False,
        problems=["skipped 2 files: caf\\xe9.md (name is not UTF-8), ../x.md (unsafe)"],
    )
    monkeypatch.setattr(window.lib.sync, "has_sources", lambda: True)
    monkeypatch.setattr(window.lib.sync, "status", lambda: [st])
    window.syncbar.refresh()
    assert "⚠ 1 problem" in window.sync_line.text()
    assert "ops: skipped 2 files: caf\\xe9.md" in window.sync_line.toolTip()


def test_run_panel_shows_hidden_characters(qtbot, tmp_path):
    from rbdesk.ui import runs as runs_ui

    rb = parse_text(EVIL, "evil.md")
    with RunStore(tmp_path / "data") as store:
        run = store.start(
            rb, Origin("", "evil.md", "", "sha256:0", "local file"), initials="A\u202eB"
        )
        store.tick(run.id, 1, checked=True, note="ok \x1b[2J\rfake \u202eevil", by="A\u202eB")
        run = store.get(run.id)
    panel = runs_ui.RunPanel()
    qtbot.addWidget(panel)
    panel.show_run(run, "unchanged", [], False)
    texts = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    shown = "\n".join(texts) + panel.header.text()
    for ch in ("\x1b", "\u202e", "\u2062", "\x07"):
        assert ch not in shown
    assert "␛[2J" in texts[0] and "⟦U+2062⟧" in texts[1]
    assert "⟦U+202E⟧" in panel.header.text()
    panel._show_note(panel.tree.topLevelItem(0))
    assert "⟦U+000D⟧" in panel.note_view.text() and "\r" not in panel.note_view.text()


def test_search_result_shows_hidden_characters():
    from rbdesk.core.search import SearchHit
    from rbdesk.ui.searching import result_html

    hit = SearchHit("ops", "evil.md", "Restart \u202epool", "x\x1b[2J", "", 1.0, "")
    html = result_html(hit)
    assert "\u202e" not in html and "\x1b" not in html
    assert "⟦U+202E⟧pool" in html
