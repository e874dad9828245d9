"""What changed, in the app: the count after a sync, the Changes view, the reader's marks."""

from __future__ import annotations

import pytest

from rbdesk.core.seen import load_seen
from tests.core.sync.gitfixtures import Repo

FAILOVER = (
    "# DB failover\n\nIntro.\n\n## Promote\n\n```bash\npg_ctl promote -D /data\n```\n\n"
    "## Check\n\n```bash\npsql -c 'select 1'\n```\n"
)
NOTES = "# Notes\n\nSome words.\n"


@pytest.fixture()
def synced_window(qtbot, tmp_path, data_dir):
    from rbdesk.core.facade import Library
    from rbdesk.ui.app import create_app
    from rbdesk.ui.mainwindow import MainWindow

    repo = Repo(tmp_path / "src")
    first = repo.set_files({"db/failover.md": FAILOVER, "notes.md": NOTES}, "first")
    lib = Library(data_dir)
    lib.sync.add_source("ops", repo.url)
    assert lib.sync.sync()[0].ok
    create_app()
    win = MainWindow(lib)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.searcher.ready, timeout=10000)
    yield win, repo, first
    win.close()


def test_sync_count_changes_view_and_reader_marks(qtbot, synced_window, data_dir):
    win, repo, first = synced_window
    assert not win.changes.button.isVisible()  # one sync: nothing to compare yet
    second = repo.set_files(
        {
            "db/failover.md": FAILOVER.replace("-D /data", "-D /data --wait"),
            "notes.md": NOTES.replace("Some words.", "Some other words."),
        },
        "second",
    )
    with qtbot.waitSignal(win.changes.counted, timeout=20000) as counted:
        win.sync_now()
    assert counted.args == ["2 runbooks changed"]
    assert win.changes.button.isVisible()
    assert win.changes.button.text() == "● 2 runbooks changed"
    assert load_seen(data_dir).source("ops") is None  # a sync is not looking

    win.changes.button.click()
    view = win.changes.view
    assert view is not None and view.isVisible()
    top = view.tree.topLevelItem(0)
    assert top.text(0).startswith(f"ops  ({first[:7]} → {second[:7]})")
    rows = [(top.child(i).text(0), top.child(i).text(1)) for i in range(top.childCount())]
    assert rows == [
        ("changed: db/failover.md", "commands: 1 changed"),  # commands changed first
        ("changed: notes.md", "prose only"),
    ]
    assert top.child(0).font(0).bold() and not top.child(1).font(0).bold()
    assert "--wait" in view.detail.toPlainText()  # the first row's details
    assert load_seen(data_dir).source("ops") == second  # looked: last seen moved
    assert not win.changes.button.isVisible()

    with qtbot.waitSignal(win.document_shown, timeout=10000):
        view._activate(top.child(0))
    html = win.reader.toHtml()
    text = win.reader.toPlainText()
    assert "Changed since you last opened it" in text
    assert "commands: 1 changed" in text
    assert text.count("● changed since you last looked — was: pg_ctl promote -D /data") == 1
    # the mark stands right before the changed block, not before the unchanged one
    marked = text.index("● changed since you last looked")
    assert text.index("--wait") > marked > text.index("Promote")
    assert "select 1" in text[text.index("--wait") :]
    assert "new since you last looked" not in html
    assert load_seen(data_dir).runbook("ops", "db/failover.md") == second
    # the prose-only runbook was in the list but not opened: it still shows its change
    assert load_seen(data_dir).runbook("ops", "notes.md") == first
    view.close()


def test_marks_last_the_session_and_are_gone_in_the_next(qtbot, synced_window, data_dir):
    from rbdesk.ui.changes import ReaderChanges
    from rbdesk.ui.document import file_for, load_and_render

    win, repo, _first = synced_window
    repo.set_files({"db/failover.md": FAILOVER.replace("psql", "psql -X"), "notes.md": NOTES})
    with qtbot.waitSignal(win.changes.counted, timeout=20000):
        win.sync_now()
    file = file_for(win.lib, "ops", "db/failover.md")
    with qtbot.waitSignal(win.document_shown, timeout=10000):
        win.open_file(file)
    assert "was: psql -c 'select 1'" in win.reader.toPlainText()
    with qtbot.waitSignal(win.document_shown, timeout=10000):
        win.docs.rerender()
    assert "was: psql -c 'select 1'" in win.reader.toPlainText()  # still marked this session
    later = load_and_render(win.lib, file, {}, None, None, ReaderChanges(win.lib))
    assert "Changed since you last opened it" not in later.result.html  # next session: seen
